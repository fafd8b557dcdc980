using NixVm.Driver.Tests.Support;
using NixVm.Shared;

namespace NixVm.Driver.Tests.Integration;

/// <summary>nix/contracts.json as C# and Nix read it: the same values and the same directory rules.</summary>
public class ContractTests
{
    [Fact]
    public void Every_contract_value_is_set()
    {
        foreach (var part in new object[] { Contract.Environment, Contract.Guest, Contract.Directories, Contract.TestRun })
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

    /// <summary>
    /// One of <see cref="Environments"/> for a process: its directories moved below <paramref name="root"/>
    /// (HOME is root/home), the rules' other variables unset.
    /// </summary>
    public static Dictionary<string, string?> EnvironmentBelow(string root, string[] settings)
    {
        var environment = new Dictionary<string, string?> { ["HOME"] = root + "/home", ["XDG_CACHE_HOME"] = null, ["NIXVM_CACHE_DIR"] = null, ["NIXVM_KERNEL_DIR"] = null };
        foreach (var s in settings)
        {
            var (name, value) = (s[..s.IndexOf('=')], s[(s.IndexOf('=') + 1)..]);
            environment[name] = value == "" ? "" : root + value;
        }
        return environment;
    }

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

    /// <summary>
    /// contracts.json's testRun as the build renders it (RunVmTests) and as runTests' builder does
    /// (lib.testRunShell, run here by /bin/sh as the builder sources it): the same dotnet arguments and JUnit file.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task The_test_run_command_is_the_same_in_CSharp_and_Nix()
    {
        var shell = await NixAsync(new Dictionary<string, string>(), "testRunShell");
        var (tests, assembly, results) = ("/nix/store/x-my tests", "My Web.Tests.dll", "/build/the results");
        var run = await Commands.HostProgramAsync("/bin/sh", ["-c", shell + "printf '%s\\n' \"$junit\" \"$@\""],
            new Dictionary<string, string?> { ["tests"] = tests, ["assembly"] = assembly, ["results"] = results });
        Assert.True(run.ExitCode == 0, run.Stderr);

        var junit = Contract.TestRun.JUnitFile(tests + "/" + assembly, results);
        Assert.Equal("/build/the results/My Web.Tests.junit.xml", junit);
        Assert.Equal([junit, .. Contract.TestRun.ArgumentsFor(tests + "/" + assembly, results)], run.Stdout.Split('\n'));
        Assert.Equal(junit, Contract.TestRun.JUnitFile(assembly, results + "/"));   // MSBuild's directories end in /
    }

    /// <summary>
    /// nix/coverage/runtime.c gets its directories and the cache rules from contracts.json: a program
    /// linked with it and run on the host writes below the cache directory the C# side computes,
    /// in every environment of the rules (NIXVM_CACHE_DIR included).
    /// </summary>
    [Theory(Timeout = 300_000)]
    [MemberData(nameof(Environments))]
    public async Task The_coverage_runtime_writes_host_counters_below_the_contracts_cache_directory(string[] settings)
    {
        var program = await InstrumentedTinyAsync();
        using var temp = new TempDirectory();
        var environment = EnvironmentBelow(temp.Path, settings);
        environment["GCOV_PREFIX"] = null;

        var run = await Commands.HostProgramAsync(Path.Combine(program, "bin", "coverage-tiny"), ["hello", "host"], environment);
        Assert.Equal("hello, host", run.Stdout);
        var expected = Path.Combine(Contract.CacheDirectory(environment.GetValueOrDefault)!, Contract.Directories.HostCoverageData);
        var written = Directory.GetFiles(temp.Path, "*.gcda", SearchOption.AllDirectories);
        Assert.Equal([Path.Combine(expected, program.TrimStart('/'), "lib", "nixvm-coverage", "coverage-tiny", "coverage-tiny.gcda")], written);
    }

    [Fact(Timeout = 300_000)]
    public async Task The_coverage_runtime_has_the_guest_directories_of_the_contract()
    {
        var program = await InstrumentedTinyAsync();
        var binary = await File.ReadAllTextAsync(Path.Combine(program, "bin", "coverage-tiny"), TestContext.Current.CancellationToken);
        var data = Contract.Guest.Exchange + "/" + Contract.Guest.CoverageData;
        Assert.Contains(data + "\0", binary);
        Assert.Contains(data + "/" + Contract.Guest.CoverageErrors + "\0", binary);
    }

    /// <summary>tests/nix-cases/coverage-tiny.c built by nixvm.lib.instrumentedProgram (linked with the coverage runtime).</summary>
    static async Task<string> InstrumentedTinyAsync()
    {
        var r = await Commands.NixAsync("nix-build", "--no-out-link", "-E",
            $"(import {Repo.PathOf("nix")} {{ }}).lib.instrumentedProgram {{ name = \"coverage-tiny\"; src = {CoverageTiny.Source}; }}");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    static async Task<string> NixAsync(IDictionary<string, string> environment, string attribute)
    {
        var r = await Commands.NixAsync(environment, "nix-instantiate", "--eval", "--json", Repo.PathOf("nix", "lib.nix"), "-A", attribute);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return System.Text.Json.JsonSerializer.Deserialize<string>(r.Stdout)!;
    }
}
