using System.Text.RegularExpressions;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>What `dotnet build` shows at default verbosity, with the terminal logger forced on and off.</summary>
public sealed class BuildOutputTests(LocalFeed feed)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 1_800_000)]
    public async Task Ready_times_the_accelerator_and_the_counts_show_with_and_without_the_terminal_logger()
    {
        using var project = new TestProject(feed);
        foreach (var logger in new[] { "-tl:on", "-tl:off" })
        {
            await File.AppendAllTextAsync(project.TestFile, $"\n// {logger}\n", Ct);   // changed test code reruns the tests
            var build = await project.BuildAsync(logger);
            var output = Plain(build.Output);
            Assert.True(build.ExitCode == 0, output);
            Assert.Matches(@"NixVm: accelerator (tcg|kvm): \S+", output);
            Assert.Matches(@"NixVm: client: ready in \d+\.\d s \((tcg|kvm)\)", output);
            Assert.Matches(@"NixVm: webserver: ready in \d+\.\d s \((tcg|kvm)\)", output);
            Assert.Contains("NixVm: VM tests: 2 passed, 0 failed, 0 skipped", output);
        }
    }

    [Fact(Timeout = 900_000)]
    public async Task A_nix_error_shows_once_with_a_help_link_and_a_failed_boot_shows_the_guests_reason()
    {
        using var project = new TestProject(feed);
        await File.WriteAllTextAsync(project.MachineFile, "{\n  services = [ { name = \"x\"; command = undefinedThing; } ];\n}\n", Ct);
        var nixError = await project.BuildAsync("-tl:on");
        Assert.NotEqual(0, nixError.ExitCode);
        Assert.Single(Regex.Matches(Plain(nixError.Output), "undefined variable 'undefinedThing'"));
        // The terminal logger makes the code a link to its entry in the package's README.
        Assert.Matches(@"\x1b\]8;;file:///\S+/README\.md#nixvm030\x1b\\NIXVM030", nixError.Output);

        await File.WriteAllTextAsync(project.MachineFile,
            "{\n  services = [ { name = \"broken\"; command = \"echo broken on purpose; exit 3\"; } ];\n}\n", Ct);
        var boot = await project.BuildAsync("-tl:on");
        var output = Plain(boot.Output);
        Assert.NotEqual(0, boot.ExitCode);
        Assert.Contains("NixVm: the network did not boot:", output);
        Assert.Contains("service 'broken' exited with status 3", output);
        Assert.Empty(project.LeftoverProcesses());
    }

    // Both fail the fixture, so every test (there are two) fails the same way: the build says it once.
    [Fact(Timeout = 900_000)]
    public async Task A_failing_service_and_a_taken_host_port_are_each_one_error_with_the_reason()
    {
        using var project = new TestProject(feed);
        var machine = await File.ReadAllTextAsync(project.MachineFile, Ct);
        await File.WriteAllTextAsync(project.MachineFile,
            "{\n  services = [ { name = \"broken\"; command = \"echo broken on purpose; exit 3\"; } ];\n}\n", Ct);
        var service = await project.BuildAsync("-tl:off");
        var serviceErrors = Errors(service.Output);
        Assert.True(serviceErrors.Count == 1, service.Output);
        Assert.Matches(@"error NIXVM040: 2 VM tests failed \(.+\), each with: .*NetworkFixture.* threw in InitializeAsync: machine 'webserver': the guest failed: service 'broken' exited with status 3", serviceErrors[0]);

        await File.WriteAllTextAsync(project.MachineFile, machine, Ct);
        var port = int.Parse(Regex.Match(project.DefaultItems, "Host=\"(\\d+)\"").Groups[1].Value);
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        holder.Start();
        var taken = await project.BuildAsync("-tl:off");
        var portErrors = Errors(taken.Output);
        Assert.True(portErrors.Count == 1, taken.Output);
        Assert.Contains($"machine 'webserver': host port {port} (tcp, forwarded to the guest's port 80) is already in use on 127.0.0.1", portErrors[0]);
        Assert.Empty(project.LeftoverProcesses());
    }

    /// <summary>Each error of the build once (without the terminal logger, MSBuild repeats them in its summary).</summary>
    static List<string> Errors(string output) =>
        Regex.Matches(output, @"^.*: error .*$", RegexOptions.Multiline).Select(m => m.Value.Trim()).Distinct().ToList();

    /// <summary>The output without the terminal's escape sequences (colours, links, cursor movement).</summary>
    static string Plain(string output) => Regex.Replace(output, @"\x1b\][^\x1b\x07]*(\x1b\\|\x07)|\x1b\[[0-9;?]*[A-Za-z]", "");
}
