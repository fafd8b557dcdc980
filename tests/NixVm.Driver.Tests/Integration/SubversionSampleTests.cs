using System.Xml.Linq;
using NixVm.Driver.Coverage;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// The 2009 seed's showcase, samples/subversion, run as its README says: its own compiled tests
/// (samples/subversion-tests) inside <c>nix-build samples/subversion/tests/subversion.nix -A report</c>.
/// Apache with mod_dav_svn on `webserver`, svn on `client`, both running the instrumented svnwatch;
/// the build's output has the JUnit result, Apache's own logs and the coverage of both machines.
/// By default Debian's Apache and Subversion; the opt-in variant builds both from Debian's sources
/// with coverage, as the seed did, and reports both machines' combined coverage of them.
/// </summary>
public class SubversionSampleTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string Sample = Repo.PathOf("samples", "subversion", "default.nix");

    [Fact(Timeout = 1_200_000)]
    public async Task The_samples_tests_pass_in_the_build_with_apaches_logs_and_svnwatch_coverage_of_both_machines()
    {
        var report = await ReportAsync(TimeSpan.FromMinutes(10));

        // Services stopped before coverage was collected: Apache's own logs and each service's output are kept.
        var logs = Path.Combine(report, "logs");
        Assert.Contains("\"MERGE /repos HTTP/1.1\" 200", await File.ReadAllTextAsync(Path.Combine(logs, "webserver", "var", "log", "apache2", "access.log"), Ct));
        Assert.Matches(@"svnwatch: recorded r\d+ of /var/lib/svn/repos", await File.ReadAllTextAsync(Path.Combine(logs, "webserver.svnwatch.log"), Ct));

        // svnwatch's lines per machine: the web server recorded (the hook ran it as www-data with an
        // empty environment) and was stopped, not killed; the client waited for the commit in the feed.
        var source = File.ReadAllLines(Repo.PathOf("samples", "subversion", "src", "svnwatch.c"));
        int LineOf(string text) => SourceLines.LineOf(source, text);
        var (server, client, merged) = Hits(report, "/svnwatch.c");
        Assert.Contains(LineOf("fprintf(f, \"r%s %s: %s\\n\""), server);   // record(): the feed line
        Assert.Contains(LineOf("stopping on SIGTERM"), server);               // serve(): stopped, not killed
        Assert.Contains(LineOf("puts(line);"), client);                       // wait_for(): the line found
        Assert.NotEmpty(server.Except(client));
        Assert.NotEmpty(client.Except(server));
        Assert.Equal(server.Union(client).Order(), merged.Order());
    }

    /// <summary>
    /// Opt-in (<c>scripts/bootstrap --seed-sample</c>): without Debian's apache2 and subversion sources
    /// and the -dev packages the builds need, the sample says what is missing (NIXVM066) and this test is
    /// skipped with that message. The builds take minutes the first time; the store keeps them.
    /// </summary>
    [Fact(Timeout = 3_600_000)]
    public async Task From_debians_sources_httpd_and_subversion_with_coverage_report_both_machines_combined_coverage_of_them()
    {
        var check = await Commands.NixAsync("nix-instantiate", Sample, "-A", "httpd", "-A", "subversion");
        if (check.ExitCode != 0 && check.Stderr.Contains("[NIXVM066]", StringComparison.Ordinal))
            Assert.Skip("opt-in: " + check.Stderr.Split('\n').First(l => l.Contains("[NIXVM066]", StringComparison.Ordinal)).Trim());
        Assert.True(check.ExitCode == 0, check.Stderr);
        foreach (var program in new[] { "httpd", "subversion" })   // one at a time: each is minutes of gcc
        {
            var build = await Commands.NiceNixBuildAsync(TimeSpan.FromMinutes(40), Sample, "-A", program);
            Assert.True(build.ExitCode == 0, build.Stderr);
        }

        // Instrumented httpd and svn under TCG, and a capture of ~850 source files: longer than the default's run.
        var report = await ReportAsync(TimeSpan.FromMinutes(30), "--arg", "fromSource", "true");

        // The same requests, now served by the instrumented httpd and mod_dav_svn.
        Assert.Contains("\"MERGE /repos HTTP/1.1\" 200", await File.ReadAllTextAsync(Path.Combine(report, "logs", "webserver", "var", "log", "apache2", "access.log"), Ct));
        Assert.False(File.Exists(Path.Combine(report, "coverage", "warnings.txt")), "coverage warnings: nothing may be lost");

        // httpd's core, mod_dav_svn and the repository's hooks ran on the web server only; the svn client on both (the tests
        // commit from both machines), its http access (ra_serf) on both; svnadmin and svnlook on the
        // web server (the service's start, svnwatch). The merged report is the union of the machines'.
        var webserver = LcovTracefile.Load(Path.Combine(report, "coverage", "machines", "webserver.info"));
        var client = LcovTracefile.Load(Path.Combine(report, "coverage", "machines", "client.info"));
        foreach (var onlyServer in new[] { "/httpd/server/core.c", "/httpd/modules/dav/main/mod_dav.c", "/subversion/mod_dav_svn/merge.c",
                     "/subversion/libsvn_repos/hooks.c", "/subversion/svnadmin/svnadmin.c", "/subversion/svnlook/svnlook.c" })
        {
            Assert.NotEmpty(webserver.File(onlyServer).HitLines);
            Assert.DoesNotContain(client.Files, f => f.Path.EndsWith(onlyServer, StringComparison.Ordinal) && f.HitLines.Any());
        }
        foreach (var both in new[] { "/subversion/svn/commit-cmd.c", "/subversion/libsvn_ra_serf/commit.c" })
        {
            Assert.NotEmpty(webserver.File(both).HitLines);
            Assert.NotEmpty(client.File(both).HitLines);
        }
        var (server, onClient, merged) = Hits(report, "/subversion/libsvn_subr/io.c");
        Assert.Equal(server.Union(onClient).Order(), merged.Order());
        Assert.NotEmpty(onClient.Except(server));

        // The readable report groups the sources by program, without store hashes.
        var packages = XDocument.Load(Path.Combine(report, "coverage", "merged.cobertura.xml")).Descendants("package")
            .Select(p => (string)p.Attribute("name")!).ToList();
        Assert.Contains("httpd", packages);
        Assert.Contains("subversion", packages);
        Assert.Contains("svnwatch", packages);
    }

    /// <summary>Builds the sample's tests, runs them inside the sample's report derivation and checks that all four passed; returns the output.</summary>
    static async Task<string> ReportAsync(TimeSpan timeout, params string[] sampleArguments)
    {
        var tests = Repo.PathOf("samples", "subversion-tests");
        await Commands.DotnetBuildAsync(tests);
        // TCG: this host's /dev/kvm cannot boot a guest and each build's fresh HOME would probe it again (15 s).
        var r = await Commands.FreshNixBuildAsync(timeout, [Repo.PathOf("samples", "subversion", "tests", "subversion.nix"), "-A", "report",
            "--arg", "tests", Path.Combine(tests, "bin", "Debug", "net10.0"), "--argstr", "accelerator", "tcg", .. sampleArguments]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var junit = XDocument.Load(Path.Combine(r.Stdout, "Subversion.Tests.junit.xml"));
        Assert.Equal(
            ["Commits_from_either_machine_reach_the_other", "Svn_fails_while_the_link_is_cut_and_works_again_after",
             "Svnwatch_publishes_each_commit", "The_host_reads_the_listing_through_the_forwarded_port"],
            junit.Descendants("testcase").Select(t => t.Attribute("name")!.Value.Split('.')[^1]).Order());
        Assert.Empty(junit.Descendants("failure"));
        return r.Stdout;
    }

    /// <summary>The hit lines of one source file on the web server, on the client and in the merged report.</summary>
    static (HashSet<int> Webserver, HashSet<int> Client, HashSet<int> Merged) Hits(string report, string file)
    {
        HashSet<int> Of(params string[] tracefile) => LcovTracefile.Load(Path.Combine([report, "coverage", .. tracefile])).File(file).HitLines.ToHashSet();
        return (Of("machines", "webserver.info"), Of("machines", "client.info"), Of("merged.info"));
    }
}
