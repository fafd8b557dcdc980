using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>nix/contracts.json as C# and Nix read it: the same values and the same directory rules.</summary>
public class ContractTests
{
    [Fact]
    public void Every_contract_value_is_set()
    {
        foreach (var part in new object[] { Contract.Environment, Contract.Guest, Contract.Directories })
            foreach (var p in part.GetType().GetProperties())
                Assert.False(p.GetValue(part) is null or "", $"{part.GetType().Name}.{p.Name} is missing in nix/contracts.json");
        Assert.NotEmpty(Contract.Directories.Cache);
    }

    public static TheoryData<string[]> Environments => new()
    {
        { [] },
        { ["XDG_CACHE_HOME=/x/cache"] },
        { ["XDG_CACHE_HOME=/x/cache", "NIXVM_CACHE_DIR=/y/nixvm"] },
        { ["NIXVM_CACHE_DIR=/y/nixvm", "NIXVM_KERNEL_DIR=/z/kernel"] },
        { ["HOME=/home/with space", "XDG_CACHE_HOME="] },
    };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Environments))]
    public async Task The_kernel_and_cache_directories_are_the_same_in_CSharp_and_Nix(string[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = "/home/u",
            ["XDG_CACHE_HOME"] = "",
            ["NIXVM_CACHE_DIR"] = "",
            ["NIXVM_KERNEL_DIR"] = "",
        };
        foreach (var s in settings) environment[s[..s.IndexOf('=')]] = s[(s.IndexOf('=') + 1)..];
        string? Lookup(string name) => environment.GetValueOrDefault(name);

        Assert.Equal(Contract.KernelDirectory(Lookup), await NixAsync(environment, "kernelDirectory"));
        Assert.Equal(Contract.CacheDirectory(Lookup), await NixAsync(environment, "cacheDir"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Nix_reads_the_same_guest_strings()
    {
        Assert.Equal(Contract.Guest.ReadyBanner, await NixAsync(new Dictionary<string, string>(), "contracts.guest.readyBanner"));
        Assert.Equal(Contract.Environment.HostForwards, await NixAsync(new Dictionary<string, string>(), "contracts.environment.hostForwards"));
    }

    static async Task<string> NixAsync(IDictionary<string, string> environment, string attribute)
    {
        var r = await Commands.NixAsync(environment, "nix-instantiate", "--eval", "--json", Repo.PathOf("nix", "lib.nix"), "-A", attribute);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return System.Text.Json.JsonSerializer.Deserialize<string>(r.Stdout)!;
    }
}
