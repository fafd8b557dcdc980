using System.Xml.Linq;
using NixVm.Driver.Coverage;
using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;
using NixVm.Shared;
using Xunit.v3;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// nixvm.lib.instrumentedBuild on real source trees (tests/nix-cases/coverage-builds.nix): GNU hello
/// from Debian's source package (autotools) and a CMake tree with a program, its shared library, a
/// module and a tool the build runs. Each counts in a guest, also the module of an uninstrumented
/// long-running program; no build leaves counters in the store, and neither does a run on the host.
/// </summary>
[TestMethodOrderer(typeof(DeclarationOrder))]
public class InstrumentedBuildTests(InstrumentedBuildNetworkFixture fixture) : IClassFixture<InstrumentedBuildNetworkFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string Case = TestNetwork.Case("coverage-builds");
    Machine Builds => fixture.Network["builds"];

    [Fact(Timeout = 600_000)]
    public async Task Debians_gnu_hello_built_with_autotools_counts_in_a_guest()
    {
        Assert.Equal("Hello, world!\n", await Builds.SucceedAsync("hello", ct: Ct));
        var source = File.ReadAllLines(Path.Combine(await StorePathAsync("hello"), "lib", "nixvm-coverage", "hello", "src", "hello.c"));

        using var results = new TempDirectory();
        var data = Path.Combine(Builds.ExchangeDirectory, Contract.Guest.CoverageData);
        var report = await NativeCoverage.CaptureAsync([("builds", data)], results.File("coverage"), Ct);
        var hello = report["builds"].Load().File("/hello/src/hello.c");
        Assert.Contains(SourceLines.LineOf(source, "greeting_msg = _(\"Hello, world!\");"), hello.HitLines);
        Assert.DoesNotContain(SourceLines.LineOf(source, "print_help ();"), hello.HitLines);   // no --help
        Assert.Empty(Directory.GetFiles(await StorePathAsync("hello"), "*.gcda", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_host_run_writes_its_counters_into_the_users_cache_not_the_store()
    {
        var greet = await StorePathAsync("cmake");
        using var home = new TempDirectory();
        var run = await Commands.HostProgramAsync(Path.Combine(greet, "bin", "greeter"), ["host"],
            new Dictionary<string, string?> { ["HOME"] = home.Path, ["XDG_CACHE_HOME"] = null, ["GCOV_PREFIX"] = null });
        Assert.Equal("hello, host", run.Stdout);
        Assert.Empty(Directory.GetFiles(greet, "*.gcda", SearchOption.AllDirectories));
        var written = Directory.GetFiles(Path.Combine(home.Path, ".cache", "nixvmtasks", "host-coverage-data"), "*.gcda", SearchOption.AllDirectories);
        Assert.Contains(written, f => f.EndsWith(greet + "/lib/nixvm-coverage/greet/nixvm-build/CMakeFiles/greeter.dir/main.c.gcda", StringComparison.Ordinal));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_cmake_trees_program_library_and_module_in_an_uninstrumented_server_all_count()
    {
        Assert.Equal("hello, guest\n", await Builds.SucceedAsync("greeter guest", ct: Ct));
        // The module host is no service and its own program is not instrumented: only what it has
        // mapped tells the collector to stop it (it writes the module's counters when it exits).
        await Builds.SucceedAsync("setsid shout-module loud >/tmp/shout.out 2>&1 </dev/null &", ct: Ct);
        await Builds.WaitUntilSucceedsAsync("grep -qx LOUD /tmp/shout.out", ct: Ct);

        using var results = new TempDirectory();
        var report = await CoverageCollector.CollectAsync(fixture.Network, results.File("coverage"), Ct);

        var tracefile = report["builds"].Load();
        var tree = Path.Combine(await StorePathAsync("cmake"), "lib", "nixvm-coverage", "greet");
        Assert.Contains(SourceLines.LineOf(Path.Combine(tree, "shout.c"), "toupper"), tracefile.File("/greet/shout.c").HitLines);
        Assert.Contains(SourceLines.LineOf(Path.Combine(tree, "greet.c"), "\"hello, %s\\n\""), tracefile.File("/greet/greet.c").HitLines);
        Assert.Contains(SourceLines.LineOf(Path.Combine(tree, "main.c"), "return greet("), tracefile.File("/greet/main.c").HitLines);
        // gen ran during the build only: its counters went to the build's temporary directory.
        Assert.DoesNotContain(tracefile.Files, f => f.Path.EndsWith("/gen.c", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(tree, "*.gcda", SearchOption.AllDirectories));
        Assert.DoesNotContain(report.Warnings, w => w.Code == CoverageWarning.LostDataCode);

        // The readable reports name sources without the store hash, grouped by program.
        var cobertura = XDocument.Load(report.Cobertura).Root!;
        var greet = Assert.Single(cobertura.Descendants("package"), p => (string)p.Attribute("name")! == "greet");
        Assert.Equal(["greet/greet.c", "greet/main.c", "greet/shout.c"],
            greet.Descendants("class").Select(c => (string)c.Attribute("filename")!).Order(StringComparer.Ordinal));
        Assert.Contains(Path.GetDirectoryName(tree), cobertura.Element("sources")!.Elements("source").Select(e => e.Value));   // greet/… is relative to it
        var html = Path.GetDirectoryName(report.Html)!;
        Assert.True(File.Exists(Path.Combine(html, "greet", "shout.c.gcov.html")));
        Assert.DoesNotContain("/nix/store/", await File.ReadAllTextAsync(report.Html, Ct));
    }

    static Task<string> StorePathAsync(string attribute) => NixBuild.BuildAsync(Case, attribute);
}
