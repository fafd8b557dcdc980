using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// `nixvm.runTests` with accelerator "auto" takes the verdict the driver cached for this host kernel
/// (nix/accelerator.nix), so a test derivation does not boot a KVM probe guest in every build.
/// Evaluation only: the derivation's accelerator attribute is what its builder hands the driver.
/// </summary>
public sealed class CachedAcceleratorTests
{
    static readonly string HostKernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    [Theory]
    [InlineData("kvm", "kvm")]
    [InlineData("tcg", "tcg")]
    public async Task A_cached_verdict_for_this_host_kernel_is_used(string cached, string expected)
    {
        using var cache = new TempDirectory();
        var other = cached == "kvm" ? "tcg" : "kvm";   // another host kernel's verdict is not this host's
        await File.WriteAllTextAsync(Path.Combine(cache.Path, AcceleratorCache.FileName), $$"""
            {
              "{{HostKernel}}|/usr/bin/qemu-system-x86_64@1|/nix/store/x-vmlinux": { "Accelerator": "{{cached}}", "Reason": "r" },
              "other-kernel|/usr/bin/qemu-system-x86_64@1|/nix/store/x-vmlinux": { "Accelerator": "{{other}}", "Reason": "r" }
            }
            """, TestContext.Current.CancellationToken);
        Assert.Equal(expected, await AcceleratorOfReportAsync(cache.Path, "\"auto\""));
        Assert.Equal("tcg", await AcceleratorOfReportAsync(cache.Path, "\"tcg\""));   // an explicit choice wins
    }

    [Fact]
    public async Task Without_a_cached_verdict_the_build_probes()
    {
        using var cache = new TempDirectory();
        Assert.Equal("auto", await AcceleratorOfReportAsync(cache.Path, "\"auto\""));
    }

    static async Task<string> AcceleratorOfReportAsync(string cacheDirectory, string accelerator)
    {
        using var tests = new TempDirectory();
        var expr = $$"""
            ((import {{Repo.PathOf("nix")}} { }).runTests {
              network = { name = "accel"; machines = { a = { }; }; };
              tests = {{tests.Path}};
              accelerator = {{accelerator}};
            }).drvAttrs.accelerator
            """;
        var r = await Commands.NixAsync(new Dictionary<string, string> { ["NIXVM_CACHE_DIR"] = cacheDirectory },
            "nix-instantiate", "--eval", "-E", expr);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout.Trim().Trim('"');
    }
}
