using NixVm.Driver.Accelerators;

namespace NixVm.Driver.Tests.Unit;

public class AcceleratorProbeTests
{
    [Fact]
    public async Task Auto_without_a_kvm_device_is_tcg_and_says_why()
    {
        var probe = new AcceleratorProbe(Path.Combine(Path.GetTempPath(), "nixvm-probe-" + Guid.NewGuid()), "/nonexistent/kvm");
        var v = await probe.ResolveAsync(AcceleratorMode.Auto, "/k", "/i", TestContext.Current.CancellationToken);
        Assert.Equal("tcg", v.Accelerator);
        Assert.Contains("/nonexistent/kvm does not exist", v.Reason);
    }

    [Fact]
    public async Task Explicit_modes_are_honoured()
    {
        var probe = new AcceleratorProbe(Path.GetTempPath(), "/nonexistent/kvm");
        Assert.Equal("tcg", (await probe.ResolveAsync(AcceleratorMode.Tcg, "/k", "/i", TestContext.Current.CancellationToken)).Accelerator);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => probe.ResolveAsync(AcceleratorMode.Kvm, "/k", "/i", TestContext.Current.CancellationToken));
        Assert.Contains("KVM was asked for but /nonexistent/kvm does not exist", e.Message);
    }

    [Fact]
    public async Task A_cached_verdict_is_reused_without_probing()
    {
        var cache = Directory.CreateTempSubdirectory("nixvm-probe-").FullName;
        var kvm = Path.Combine(cache, "fake-kvm");
        await File.WriteAllTextAsync(kvm, "", TestContext.Current.CancellationToken);   // openable, so auto would probe
        var key = AcceleratorProbe.CacheKey("/guest/kernel");
        await File.WriteAllTextAsync(Path.Combine(cache, "accelerator-probe.json"),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, AcceleratorVerdict> { [key] = new("kvm", "probed earlier") }),
            TestContext.Current.CancellationToken);
        var v = await new AcceleratorProbe(cache, kvm).ResolveAsync(AcceleratorMode.Auto, "/guest/kernel", "/nonexistent/initrd", TestContext.Current.CancellationToken);
        Assert.Equal("kvm", v.Accelerator);
        Assert.Equal("probed earlier (cached)", v.Reason);
    }

    [Fact]
    public void A_corrupt_cache_reads_as_empty()
    {
        var f = Path.GetTempFileName();
        File.WriteAllText(f, "{not json");
        Assert.Empty(AcceleratorProbe.ReadCache(f));
    }
}
