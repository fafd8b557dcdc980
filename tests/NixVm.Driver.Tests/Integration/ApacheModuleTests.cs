using NixVm.Driver.Coverage;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// A real Apache module with coverage (tests/nix-cases/apache-module.nix): built by Debian's apxs
/// inside nixvm.lib.instrumentedBuild, loaded into Debian's own apache2, which is not instrumented
/// and runs as a daemon the test started (no service). The requests its worker processes (www-data)
/// served count: the collector stops every process that has instrumented code mapped, not only
/// instrumented programs (that left only the module's start-up code, run by the process that exits
/// when Apache detaches).
/// </summary>
public class ApacheModuleTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string Case = TestNetwork.Case("apache-module");

    [Fact(Timeout = 600_000)]
    public async Task Requests_served_by_an_instrumented_module_in_debians_apache_count()
    {
        var module = await NixBuild.BuildAsync(Case, "module");
        await using var network = await TestNetwork.StartAsync(Case, "apache-module");
        var web = network["web"];
        await web.SucceedAsync("mkdir -p /run/apache-module && apache2 -f /etc/apache-module/apache2.conf -k start </dev/null >/dev/null 2>&1", ct: Ct);
        await web.WaitForOpenPortAsync(80, ct: Ct);
        string[] names = ["alice", "bob", "carol"];
        foreach (var name in names)
            Assert.Equal($"hello, {name}\n", await web.SucceedAsync($"wget -qO- 'http://127.0.0.1/hello?{name}'", ct: Ct));
        Assert.Equal("/usr/sbin/apache2\n", await web.SucceedAsync("readlink /proc/$(cat /run/apache-module/apache2.pid)/exe", ct: Ct));

        using var results = new TempDirectory();
        var report = await CoverageCollector.CollectAsync(network, results.File("coverage"), Ct);

        var source = Path.Combine(module, "lib", "nixvm-coverage", "mod_nixvm_hello", "mod_nixvm_hello.c");
        var counted = report["web"].Load().File("/mod_nixvm_hello/mod_nixvm_hello.c");
        Assert.Contains(SourceLines.LineOf(source, "ap_hook_handler("), counted.HitLines);                  // start-up
        Assert.Equal(names.Length, counted.Lines[SourceLines.LineOf(source, "ap_rprintf(")]);               // each request, once
        Assert.Empty(report.Warnings);
        Assert.Equal("", await web.SucceedAsync("pidof apache2 || true", ct: Ct));   // stopped, not left running
    }
}
