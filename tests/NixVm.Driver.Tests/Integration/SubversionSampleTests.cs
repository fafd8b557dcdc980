using System.Text.RegularExpressions;
using NixVm.Driver.Coverage;
using NixVm.Driver.Machines;
using NixVm.Driver.Manifest;
using NixVm.Driver.Tests.Support;
using Xunit.Sdk;
using Xunit.v3;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// The 2009 seed's showcase, samples/subversion: Debian's Apache with mod_dav_svn on `webserver`,
/// svn on `client`, both running the instrumented svnwatch. The tests share one network and run in
/// the order written, the last one stops the services and collects coverage.
/// </summary>
[TestMethodOrderer(typeof(DeclarationOrder))]
public partial class SubversionSampleTests(SubversionNetworkFixture fixture) : IClassFixture<SubversionNetworkFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    const string Repos = "/var/lib/svn/repos";
    const string Svn = "svn --non-interactive --no-auth-cache --username alice --password secret";
    Machine Client => fixture.Network["client"];
    Machine Server => fixture.Network["webserver"];

    [Fact(Timeout = 300_000)]
    public async Task Commits_from_either_machine_reach_the_other_through_apache()
    {
        var rev = Revision(await Client.SucceedAsync($"""
            rm -rf /tmp/wc && {Svn} checkout -q http://webserver/repos/ /tmp/wc && cd /tmp/wc &&
            echo 'hello from the client' >hello.txt && {Svn} add -q hello.txt && {Svn} commit -m 'Add hello.txt'
            """, ct: Ct));
        // The repository on the web server has it, committed by the user Apache authenticated.
        Assert.Equal("hello from the client\n", await Server.SucceedAsync($"svnlook cat -r {rev} {Repos} hello.txt", ct: Ct));
        Assert.Equal("alice\n", await Server.SucceedAsync($"svnlook author -r {rev} {Repos}", ct: Ct));

        // A checkout on the web server (through its own Apache) changes the file; the client's update gets it.
        var rev2 = Revision(await Server.SucceedAsync($"""
            rm -rf /tmp/wc && {Svn} checkout -q http://127.0.0.1/repos/ /tmp/wc && cd /tmp/wc &&
            echo 'and from the web server' >>hello.txt && {Svn} commit -m 'Answer'
            """, ct: Ct));
        Assert.Equal(rev + 1, rev2);
        Assert.Contains($"Updated to revision {rev2}.", await Client.SucceedAsync($"cd /tmp/wc && {Svn} update", ct: Ct));
        Assert.Equal("hello from the client\nand from the web server\n", await Client.SucceedAsync("cat /tmp/wc/hello.txt", ct: Ct));

        // A second checkout sees the same, and anonymous commits are refused.
        await Client.SucceedAsync("rm -rf /tmp/wc2 && svn checkout -q --non-interactive http://webserver/repos/ /tmp/wc2", ct: Ct);
        Assert.Equal("hello from the client\nand from the web server\n", await Client.SucceedAsync("cat /tmp/wc2/hello.txt", ct: Ct));
        Assert.Contains("Authentication failed", await Client.FailAsync(
            "cd /tmp/wc2 && echo x >>hello.txt && svn commit --non-interactive --no-auth-cache -m anonymous 2>&1", ct: Ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task The_host_reads_the_listing_through_the_forwarded_port()
    {
        // Declared as the seed's run-vms had it (127.0.0.1:8081), remapped to a free port here.
        Assert.Equal(new ForwardManifest("tcp", 8081, 80), Assert.Single(Server.Manifest.Forwards));
        var youngest = (await Server.SucceedAsync($"svnlook youngest {Repos}", ct: Ct)).Trim();
        using var http = new HttpClient();
        var listing = await http.GetStringAsync($"http://127.0.0.1:{Server.ForwardedPorts[80]}/repos/", Ct);
        Assert.Contains($"<title>repos - Revision {youngest}: /</title>", listing);
        // Served by an Apache that runs as www-data, not root.
        Assert.Equal("www-data\n", await Server.SucceedAsync("stat -c %U /proc/$(cat /run/apache2/apache2.pid)", ct: Ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task Svn_fails_while_the_link_is_cut_and_works_again_after()
    {
        const string info = "timeout 20 svn info --non-interactive --config-option servers:global:http-timeout=5 http://webserver/repos/";
        await Client.BlockAsync(ct: Ct);
        try { Assert.Contains("Unable to connect", await Client.FailAsync(info + " 2>&1", ct: Ct)); }
        finally { await Client.UnblockAsync(ct: Ct); }
        Assert.Contains("URL: http://webserver/repos", await Client.SucceedAsync(info, ct: Ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task Stopping_leaves_apaches_logs_and_coverage_of_svnwatch_on_both_machines()
    {
        var rev = Revision(await Client.SucceedAsync($"""
            rm -rf /tmp/wc3 && {Svn} checkout -q http://webserver/repos/ /tmp/wc3 && cd /tmp/wc3 &&
            echo watched >watched.txt && {Svn} add -q watched.txt && {Svn} commit -m 'Watch this'
            """, ct: Ct));
        // The hook (www-data, empty environment) handed the commit to svnwatch on the web server, which
        // published it; svnwatch on the client found it in the feed.
        Assert.Equal($"r{rev} alice: Watch this\n", await Client.SucceedAsync($"svnwatch wait webserver /feed {rev}", ct: Ct));

        // Services stop before coverage is collected (svnwatch writes its counters when it exits);
        // Apache's own logs and each service's output land in the log directory.
        await fixture.Network.StopServicesAsync(Ct);
        var logs = fixture.Network.Options.LogDirectory!;
        Assert.Contains("\"MERGE /repos HTTP/1.1\" 200", File.ReadAllText(Path.Combine(logs, "webserver", "var", "log", "apache2", "access.log")));
        Assert.Contains($"svnwatch: recorded r{rev} of /var/lib/svn/repos", File.ReadAllText(Path.Combine(logs, "webserver.svnwatch.log")));

        using var results = new TempDirectory();
        var report = await CoverageCollector.CollectAsync(fixture.Network, results.File("coverage"), Ct);

        var source = File.ReadAllLines(Repo.PathOf("samples", "subversion", "src", "svnwatch.c"));
        int LineOf(string text) => Array.FindIndex(source, l => l.Contains(text)) + 1;
        var server = report["webserver"].Load().File("/svnwatch.c").HitLines.ToHashSet();
        var client = report["client"].Load().File("/svnwatch.c").HitLines.ToHashSet();
        Assert.Contains(LineOf("fprintf(f, \"r%s %s: %s\\n\""), server);   // record(): the feed line
        Assert.Contains(LineOf("stopping on SIGTERM"), server);               // serve(): stopped, not killed
        Assert.Contains(LineOf("puts(line);"), client);                       // wait_for(): the line found
        Assert.NotEmpty(server.Except(client));
        Assert.NotEmpty(client.Except(server));
        var merged = LcovTracefile.Load(report.MergedTracefile).File("/svnwatch.c").HitLines;
        Assert.Equal(server.Union(client).Order(), merged);
    }

    static int Revision(string commitOutput) => int.Parse(CommittedRevision().Match(commitOutput).Groups[1].Value);

    [GeneratedRegex(@"Committed revision (\d+)\.")]
    private static partial Regex CommittedRevision();

    /// <summary>Runs a class's tests in the order they are written (the methods' metadata tokens follow it).</summary>
    public sealed class DeclarationOrder : ITestMethodOrderer
    {
        public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
            where TTestMethod : notnull, ITestMethod =>
            testMethods.OrderBy(m => m is IXunitTestMethod x ? x.MetadataToken : int.MaxValue).ToArray();
    }
}
