using NixVm.Driver.Accelerators;
using NixVm.Driver.Processes;
using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Unit;

public class AcceleratorProbeTests
{
    [Fact]
    public async Task Auto_without_a_kvm_device_is_tcg_and_says_why()
    {
        using var cache = new TempDirectory();
        var probe = new AcceleratorProbe(cache.Path, "/nonexistent/kvm");
        var v = await probe.ResolveAsync(AcceleratorMode.Auto, "/k", "/i", TestContext.Current.CancellationToken);
        Assert.Equal("tcg", v.Accelerator);
        Assert.Contains("/nonexistent/kvm does not exist", v.Reason);
    }

    [Fact]
    public async Task Explicit_modes_are_honoured()
    {
        using var cache = new TempDirectory();
        var probe = new AcceleratorProbe(cache.Path, "/nonexistent/kvm");
        Assert.Equal("tcg", (await probe.ResolveAsync(AcceleratorMode.Tcg, "/k", "/i", TestContext.Current.CancellationToken)).Accelerator);
        var e = await Assert.ThrowsAsync<NetworkSetupException>(() => probe.ResolveAsync(AcceleratorMode.Kvm, "/k", "/i", TestContext.Current.CancellationToken));
        Assert.Contains("KVM was asked for but /nonexistent/kvm does not exist", e.Message);
    }

    [Fact]
    public async Task A_cached_verdict_is_reused_without_probing()
    {
        using var temp = new TempDirectory();
        var cache = temp.Path;
        var kvm = Path.Combine(cache, "fake-kvm");
        await File.WriteAllTextAsync(kvm, "", TestContext.Current.CancellationToken);   // openable, so auto would probe
        var key = AcceleratorCache.Key(HostTools.QemuStamp(), "/guest/kernel");
        await AcceleratorCache.WriteAsync(cache, new() { [key] = new("kvm", "probed earlier") }, TestContext.Current.CancellationToken);
        var v = await new AcceleratorProbe(cache, kvm).ResolveAsync(AcceleratorMode.Auto, "/guest/kernel", "/nonexistent/initrd", TestContext.Current.CancellationToken);
        Assert.Equal("kvm", v.Accelerator);
        Assert.Equal("probed earlier (cached)", v.Reason);
    }

    [Fact]
    public void A_corrupt_cache_reads_as_empty()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File(AcceleratorCache.FileName), "{not json");
        Assert.Empty(AcceleratorCache.Read(temp.Path));
    }
}
