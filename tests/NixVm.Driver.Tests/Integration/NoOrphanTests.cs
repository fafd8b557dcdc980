using System.Diagnostics;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>No QEMU, vde_switch or socket of ours outlives the network, however it ends.</summary>
public class NoOrphanTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Disposing_the_network_stops_every_process_and_removes_its_sockets()
    {
        var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "dispose-orphans");
        var state = network.StateDirectory;
        var running = OurProcesses.Mentioning(state).Where(p => OurProcesses.IsQemuOrVde(p.CommandLine)).ToList();
        Assert.Equal(3, running.Count);   // two QEMUs and one VLAN switch
        Assert.True(Path.Exists(Path.Combine(state, "vm-state-client", "qmp")));   // QEMU's own server socket

        await network.DisposeAsync();

        Assert.Empty(OurProcesses.Mentioning(state));
        Assert.False(Directory.Exists(state));
    }

    [Fact(Timeout = 600_000)]
    public async Task Killing_the_owner_with_SIGKILL_leaves_nothing_behind()
    {
        var manifest = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        var runner = Path.Combine(AppContext.BaseDirectory, "nixvm-runner.dll");
        var psi = new ProcessStartInfo("dotnet", [runner, "up", "--manifest", manifest, "--remap-ports", "--logs", Repo.ResultsDirectory("sigkill-orphans")]);
        await StartKillAndCheckAsync(psi, line => line.StartsWith("state: ", StringComparison.Ordinal) ? line["state: ".Length..] : null);
    }

    [Fact(Timeout = 600_000)]
    public async Task Killing_run_vms_with_SIGKILL_leaves_nothing_behind()
    {
        var vms = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        var psi = new ProcessStartInfo(Path.Combine(vms, "bin", "run-vms"));
        psi.Environment["NIXVM_HOSTFWD"] = "";   // no forwards: other tests may hold the sample's host port
        const string marker = "state in ";
        await StartKillAndCheckAsync(psi, line => line.IndexOf(marker, StringComparison.Ordinal) is var at and >= 0 ? line[(at + marker.Length)..] : null);
    }

    /// <summary>
    /// Starts a network owner, waits for its "all machines ready" line, kills it with SIGKILL (no
    /// chance to clean up) and checks that its QEMUs and VLAN switch die and its state directory goes.
    /// </summary>
    static async Task StartKillAndCheckAsync(ProcessStartInfo psi, Func<string, string?> stateDirectoryIn)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var owner = Process.Start(psi)!;
        string? state = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            while (await owner.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                TestContext.Current.TestOutputHelper?.WriteLine("owner: " + line);
                state ??= stateDirectoryIn(line);
                if (line.StartsWith("all machines ready", StringComparison.Ordinal)) break;
            }
            Assert.NotNull(state);
            Assert.Equal(3, OurProcesses.Mentioning(state).Count(p => OurProcesses.IsQemuOrVde(p.CommandLine)));
        }
        finally
        {
            owner.Kill();
            await owner.WaitForExitAsync(Ct);
        }
        Assert.True(await OurProcesses.AllGoneAsync(state, TimeSpan.FromSeconds(20)),
            "still running: " + string.Join("\n", OurProcesses.Mentioning(state).Select(p => p.CommandLine)));
        var clock = Stopwatch.StartNew();
        while (Directory.Exists(state) && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100, Ct);
        Assert.False(Directory.Exists(state), $"{state} was not removed");
    }
}
