using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// nixvm-runner: `up` as NixVmUp starts it (readiness is a file, not a line of its output), and
/// `doctor` looking where the contract says (Contract's cache and kernel directory rules,
/// AcceleratorCache's verdicts).
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
        var cache = Contract.CacheDirectory(environment.GetValueOrDefault);
        await AcceleratorCache.WriteAsync(cache, new() { [AcceleratorCache.Key("qemu@1", "/guest")] = new("tcg", "cached for this test") }, Ct);

        var output = await NixVmRunner.DoctorAsync(environment);

        Assert.Contains($"guest kernel: none in {Contract.KernelDirectory(environment.GetValueOrDefault)}", output);
        // The verdict is shown when /dev/kvm opens (as root here), else why KVM cannot be used.
        Assert.Contains(KvmOpens() ? "last probe: tcg (cached for this test)" : "/dev/kvm", output);
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
