using System.Xml.Linq;
using NixVm.Driver.Coverage;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// The 2009 seed's showcase, samples/subversion, run as its README says: its own compiled tests
/// (samples/subversion-tests) inside <c>nix-build samples/subversion/tests/subversion.nix -A report</c>.
/// Debian's Apache with mod_dav_svn on `webserver`, svn on `client`, both running the instrumented
/// svnwatch; the build's output has the JUnit result, Apache's own logs and the coverage of both machines.
/// </summary>
public class SubversionSampleTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 1_200_000)]
    public async Task The_samples_tests_pass_in_the_build_with_apaches_logs_and_svnwatch_coverage_of_both_machines()
    {
        var tests = Repo.PathOf("samples", "subversion-tests");
        await Commands.DotnetBuildAsync(tests);
        // TCG: this host's /dev/kvm cannot boot a guest and each build's fresh HOME would probe it again (15 s).
        var r = await Commands.FreshNixBuildAsync([Repo.PathOf("samples", "subversion", "tests", "subversion.nix"), "-A", "report",
            "--arg", "tests", Path.Combine(tests, "bin", "Debug", "net10.0"), "--argstr", "accelerator", "tcg"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var junit = XDocument.Load(Path.Combine(r.Stdout, "Subversion.Tests.junit.xml"));
        Assert.Equal(
            ["Commits_from_either_machine_reach_the_other", "Svn_fails_while_the_link_is_cut_and_works_again_after",
             "Svnwatch_publishes_each_commit", "The_host_reads_the_listing_through_the_forwarded_port"],
            junit.Descendants("testcase").Select(t => t.Attribute("name")!.Value.Split('.')[^1]).Order());
        Assert.Empty(junit.Descendants("failure"));

        // Services stopped before coverage was collected: Apache's own logs and each service's output are kept.
        var logs = Path.Combine(r.Stdout, "logs");
        Assert.Contains("\"MERGE /repos HTTP/1.1\" 200", await File.ReadAllTextAsync(Path.Combine(logs, "webserver", "var", "log", "apache2", "access.log"), Ct));
        Assert.Matches(@"svnwatch: recorded r\d+ of /var/lib/svn/repos", await File.ReadAllTextAsync(Path.Combine(logs, "webserver.svnwatch.log"), Ct));

        // svnwatch's lines per machine: the web server recorded (the hook ran it as www-data with an
        // empty environment) and was stopped, not killed; the client waited for the commit in the feed.
        var source = File.ReadAllLines(Repo.PathOf("samples", "subversion", "src", "svnwatch.c"));
        int LineOf(string text) => SourceLines.LineOf(source, text);
        HashSet<int> Hits(string tracefile) => LcovTracefile.Load(Path.Combine(r.Stdout, "coverage", tracefile)).File("/svnwatch.c").HitLines.ToHashSet();
        var server = Hits(Path.Combine("machines", "webserver.info"));
        var client = Hits(Path.Combine("machines", "client.info"));
        Assert.Contains(LineOf("fprintf(f, \"r%s %s: %s\\n\""), server);   // record(): the feed line
        Assert.Contains(LineOf("stopping on SIGTERM"), server);               // serve(): stopped, not killed
        Assert.Contains(LineOf("puts(line);"), client);                       // wait_for(): the line found
        Assert.NotEmpty(server.Except(client));
        Assert.NotEmpty(client.Except(server));
        Assert.Equal(server.Union(client).Order(), Hits("merged.info").Order());
    }
}
