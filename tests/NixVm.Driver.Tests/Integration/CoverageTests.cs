using System.Xml.Linq;
using NixVm.Driver.Coverage;
using NixVm.Driver.Tests.Support;
using NixVm.Driver.Xunit;

namespace NixVm.Driver.Tests.Integration;

/// <summary>Native coverage across machines: real gcc, lcov, QEMU and Nix (tests/nix-cases/coverage-two.nix).</summary>
public class CoverageTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string Network = TestNetwork.Case("coverage-two");

    [Fact(Timeout = 600_000)]
    public async Task Each_machine_reports_exactly_its_hit_lines_and_the_merge_is_their_union()
    {
        using var results = new TempDirectory();
        await using var network = await TestNetwork.StartAsync(Network, "coverage-two");
        Assert.Equal("hello, vm\n", await network["beta"].SucceedAsync("coverage-tiny hello vm", ct: Ct));
        // A machine that crashes afterwards keeps the data its programs wrote when they exited.
        await network["beta"].CrashAsync(Ct);

        var report = await CoverageCollector.CollectAsync(network, results.File("coverage"), Ct);

        var marks = CoverageTiny.Marks();
        var alpha = report["alpha"].Load().File("/coverage-tiny.c");
        var beta = report["beta"].Load().File("/coverage-tiny.c");
        Assert.Equal(CoverageTiny.LinesRunBy("serve"), alpha.HitLines);
        Assert.Equal(CoverageTiny.LinesRunBy("hello"), beta.HitLines);
        Assert.Equal(marks.Keys.Order(), alpha.Lines.Keys);   // exactly the marked lines are executable
        Assert.Equal(MachineCoverageStatus.NoData, report["gamma"].Status);
        Assert.Null(report["gamma"].Tracefile);

        var merged = LcovTracefile.Load(report.MergedTracefile).File("/coverage-tiny.c");
        Assert.Equal(alpha.HitLines.Union(beta.HitLines).Order(), merged.HitLines);
        Assert.Equal(marks.Keys.Order(), merged.Lines.Keys);
        // The service line 'while (!stop)' ran in the loop and once more after SIGTERM.
        Assert.True(report["alpha"].Figures!.BranchesHit > 0);

        var cobertura = XDocument.Load(report.Cobertura).Root!;
        Assert.Equal(merged.HitLines.Count(), (int)cobertura.Attribute("lines-covered")!);
        Assert.Equal(marks.Count, (int)cobertura.Attribute("lines-valid")!);
        Assert.True(File.Exists(report.Html));
        var summary = await File.ReadAllTextAsync(report.SummaryFile, Ct);
        Assert.Contains("gamma no coverage data", summary);
        Assert.Contains($"merged lines {report.Merged!.LineRate:0.0%} ({merged.HitLines.Count()}/{marks.Count})", summary);
        // Stopping the instrumented service was graceful: the guest is still up.
        Assert.True(network["alpha"].IsReady);
    }

    [Fact(Timeout = 600_000)]
    public async Task The_web_sample_covers_server_and_client_parts_on_different_machines()
    {
        using var results = new TempDirectory();
        await using var network = await TestNetwork.StartAsync(TestNetwork.WebSample, "coverage-web");
        Assert.Equal("Hello from webserver\n", await network["client"].SucceedAsync("nixvm-web get webserver /", ct: Ct));

        var report = await CoverageCollector.CollectAsync(network, results.File("coverage"), Ct);

        var server = report["webserver"].Load().File("/nixvm-web.c").HitLines.ToHashSet();
        var client = report["client"].Load().File("/nixvm-web.c").HitLines.ToHashSet();
        var merged = LcovTracefile.Load(report.MergedTracefile).File("/nixvm-web.c").HitLines.ToHashSet();
        Assert.NotEmpty(server.Except(client));
        Assert.NotEmpty(client.Except(server));
        Assert.Equal(server.Union(client).Order(), merged.Order());
        Assert.True(network["webserver"].IsReady);
    }

    [Fact(Timeout = 600_000)]
    public async Task The_fixture_collects_only_when_coverage_is_on()
    {
        using var results = new TempDirectory();
        var manifest = await NixBuild.BuildAsync(Network, "vms");
        var coverage = results.File("coverage");

        await RunFixtureAsync(manifest, results.File("logs"), coverageOn: false);
        Assert.False(Directory.Exists(coverage));

        var fixture = await RunFixtureAsync(manifest, results.File("logs"), coverageOn: true);
        Assert.Equal(MachineCoverageStatus.Captured, fixture.Coverage!["alpha"].Status);
        Assert.Equal(MachineCoverageStatus.NoData, fixture.Coverage["beta"].Status);
        Assert.Equal(coverage, fixture.Coverage.Directory);
        Assert.True(File.Exists(Path.Combine(coverage, "machines", "alpha.info")));
        Assert.False(File.Exists(Path.Combine(coverage, "machines", "beta.info")));
    }

    /// <summary>Boots and disposes a <see cref="NetworkFixture"/> the way the build runs it (NIXVM_* variables).</summary>
    static async Task<NetworkFixture> RunFixtureAsync(string manifest, string logs, bool coverageOn)
    {
        var variables = new Dictionary<string, string?>
        {
            ["NIXVM_MANIFEST"] = manifest,
            ["NIXVM_LOG_DIR"] = logs,
            ["NIXVM_ACCELERATOR"] = "auto",
            ["NIXVM_COVERAGE"] = coverageOn ? "1" : "0",
            ["NIXVM_COVERAGE_DIR"] = null,
        };
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        foreach (var (k, v) in variables) Environment.SetEnvironmentVariable(k, v);
        try
        {
            var fixture = new NetworkFixture();
            await fixture.InitializeAsync();
            await fixture.DisposeAsync();
            return fixture;
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
        }
    }
}
