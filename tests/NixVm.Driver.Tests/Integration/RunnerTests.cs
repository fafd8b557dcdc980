using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// nixvm-runner: `up` as NixVmUp starts it (readiness is a file, not a line of its output),
/// `doctor` looking where the contract says (Contract's cache and kernel directory rules,
/// AcceleratorCache's verdicts), and `results` as runTests' builder reads a test run with it.
/// </summary>
public class RunnerTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Up_writes_the_ready_file_once_every_machine_is_ready()
    {
        var manifest = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        using var temp = new TempDirectory();
        var readyFile = temp.File("up.json");
        var (owner, ready) = await NixVmRunner.UpAsync(manifest, readyFile, Repo.ResultsDirectory("runner-ready-file"));
        using (owner)
        {
            try
            {
                Assert.Equal("tcg", ready.Accelerator);
                Assert.Equal(["client", "webserver"], ready.Machines.Select(m => m.Name).Order());
                Assert.All(ready.Machines, m => Assert.True(Directory.Exists(m.StateDirectory), m.StateDirectory));
                var forward = ready.Machines.Single(m => m.Name == "webserver").Forwards.Single();
                Assert.Equal(80, forward.GuestPort);
                Assert.NotEqual(0, forward.HostPort);
                Assert.Equal([readyFile], Directory.GetFiles(temp.Path));   // no temporary file left beside it
            }
            finally
            {
                Posix.Kill(owner.Id, Posix.SigTerm);
                await owner.WaitForExitAsync(Ct);
            }
            Assert.Equal(0, owner.ExitCode);
        }
        Assert.False(File.Exists(readyFile), "the runner stopped but left its ready file");
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(ContractTests.Environments), MemberType = typeof(ContractTests))]
    public async Task Doctor_looks_for_the_kernel_and_the_kvm_verdict_where_the_contract_says(string[] settings)
    {
        using var temp = new TempDirectory();
        var environment = ContractTests.EnvironmentBelow(temp.Path, settings);
        var cache = Contract.CacheDirectory(environment.GetValueOrDefault)!;
        await AcceleratorCache.WriteAsync(cache, new() { [AcceleratorCache.Key("qemu@1", "/guest")] = new("tcg", "cached for this test") }, Ct);

        var (_, output) = await NixVmRunner.RunAsync(["doctor"], environment);

        Assert.Contains($"guest kernel: none in {Contract.KernelDirectory(environment.GetValueOrDefault)}", output);
        // The verdict is shown when /dev/kvm opens (as root here), else why KVM cannot be used.
        Assert.Contains(KvmOpens() ? "last probe: tcg (cached for this test)" : "/dev/kvm", output);
    }

    /// <summary>
    /// With none of the cache rules' variables set (env -i: PATH only), doctor reports the missing cache
    /// directory as a NIXVM080 error and `up` says why it cannot start in one line: no stack trace.
    /// </summary>
    [Fact(Timeout = 300_000)]
    public async Task Without_a_cache_directory_doctor_and_up_say_so_in_one_line()
    {
        var manifest = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");

        var doctor = await WithOnlyPathAsync("doctor");
        Assert.Equal(1, doctor.ExitCode);
        Assert.Contains($"nixvm doctor: error NIXVM080: cache directory: {Contract.NoCacheDirectory}; fix: set HOME", doctor.Stdout);
        Assert.DoesNotContain("Exception", doctor.Stdout + doctor.Stderr);

        var up = await WithOnlyPathAsync("up", "--manifest", manifest, "--accelerator", "tcg");
        Assert.Equal(1, up.ExitCode);
        Assert.Equal($"error: {Contract.NoCacheDirectory}: set one (or NetworkOptions.CacheDirectory) for the accelerator verdict and the snapshots",
            up.Stderr.Trim());
    }

    /// <summary>nixvm-runner under <c>env -i</c> with PATH alone.</summary>
    static Task<Commands.Run> WithOnlyPathAsync(params string[] args) =>
        Commands.HostProgramAsync("env", ["-i", "PATH=" + Environment.GetEnvironmentVariable("PATH"), "dotnet", Path.Combine(AppContext.BaseDirectory, "nixvm-runner.dll"), .. args],
            new Dictionary<string, string?>());

    [Fact(Timeout = 120_000)]
    public async Task Results_names_each_failed_test_and_counts_skipped_tests_as_skipped()
    {
        using var temp = new TempDirectory();
        var junit = temp.File("Web.Tests.junit.xml");
        await File.WriteAllTextAsync(junit, """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites><testsuite name="Web.Tests" tests="4" failures="1" errors="1" skipped="1">
            <testcase name="WebTests.Passes" classname="WebTests" time="0.5" />
            <testcase name="WebTests.Later" classname="WebTests" time="0"><skipped message="not yet" /></testcase>
            <testcase name="WebTests.Admin" classname="WebTests" time="0.2"><failure message="Assert.Equal() Failure: &quot;a&quot; &lt; b&#xA;Expected: 1" type="X">at WebTests.Admin()</failure></testcase>
            <testcase name="WebTests.Crashes" classname="WebTests" time="0.1"><error message="boom" type="Y">stack</error></testcase>
            </testsuite></testsuites>
            """, Ct);

        var (exitCode, output) = await NixVmRunner.RunAsync(["results", junit]);
        Assert.Equal(1, exitCode);
        Assert.Equal(["VM test failed: WebTests.Admin: Assert.Equal() Failure: \"a\" < b", "VM test failed: WebTests.Crashes: boom", "VM tests: 1 passed, 2 failed, 1 skipped"],
            output.TrimEnd('\n').Split('\n'));

        await File.WriteAllTextAsync(junit, """<testsuites><testsuite><testcase name="a" /><testcase name="b"><skipped /></testcase></testsuite></testsuites>""", Ct);
        Assert.Equal((0, "VM tests: 1 passed, 0 failed, 1 skipped\n"), await NixVmRunner.RunAsync(["results", junit]));

        await File.WriteAllTextAsync(junit, """<testsuites><testsuite><testcase name="a"><skipped /></testcase></testsuite></testsuites>""", Ct);
        Assert.Equal(0, (await NixVmRunner.RunAsync(["results", junit])).ExitCode);   // a skipped test is no failure

        await File.WriteAllTextAsync(junit, """<testsuites><testsuite /></testsuites>""", Ct);
        Assert.Equal((1, "no tests ran: Web.Tests.junit.xml has no test case\nVM tests: 0 passed, 0 failed, 0 skipped\n"), await NixVmRunner.RunAsync(["results", junit]));

        await File.WriteAllTextAsync(junit, "<testsuites><testsu", Ct);   // a test process killed while writing
        var (code, broken) = await NixVmRunner.RunAsync(["results", junit]);
        Assert.Equal(1, code);
        Assert.StartsWith($"cannot read the test results {junit}: ", broken);
    }

    static bool KvmOpens()
    {
        try
        {
            using var _ = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
