using System.Text.RegularExpressions;
using NixVm.Driver.Xunit;

[assembly: AssemblyFixture(typeof(NetworkFixture))]

namespace Subversion.Tests;

/// <summary>
/// The seed's subversion checks: commits from either machine reach the other through Apache, the
/// host reads the listing through the forwarded port, svn gets through again after a cut link, and
/// svnwatch publishes each commit. With coverage on (the fixture collects it after the last test),
/// the report has svnwatch's lines of both machines: the web server records, the client waits.
/// </summary>
public partial class SubversionTests(NetworkFixture network)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    const string Repos = "/var/lib/svn/repos";
    const string Svn = "svn --non-interactive --no-auth-cache --username alice --password secret";

    [Fact]
    public async Task Commits_from_either_machine_reach_the_other()
    {
        var client = network["client"];
        var server = network["webserver"];
        var rev = Revision(await client.SucceedAsync($"""
            rm -rf /tmp/wc && {Svn} checkout -q http://webserver/repos/ /tmp/wc && cd /tmp/wc &&
            echo 'hello from the client' >hello.txt && {Svn} add -q hello.txt && {Svn} commit -m 'Add hello.txt'
            """, ct: Ct));
        Assert.Equal("hello from the client\n", await server.SucceedAsync($"svnlook cat -r {rev} {Repos} hello.txt", ct: Ct));
        Assert.Equal("alice\n", await server.SucceedAsync($"svnlook author -r {rev} {Repos}", ct: Ct));

        var rev2 = Revision(await server.SucceedAsync($"""
            rm -rf /tmp/wc && {Svn} checkout -q http://127.0.0.1/repos/ /tmp/wc && cd /tmp/wc &&
            echo 'and from the web server' >>hello.txt && {Svn} commit -m 'Answer'
            """, ct: Ct));
        Assert.Contains($"Updated to revision {rev2}.", await client.SucceedAsync($"cd /tmp/wc && {Svn} update", ct: Ct));
        await client.SucceedAsync("rm -rf /tmp/wc2 && svn checkout -q --non-interactive http://webserver/repos/ /tmp/wc2", ct: Ct);
        Assert.Equal("hello from the client\nand from the web server\n", await client.SucceedAsync("cat /tmp/wc2/hello.txt", ct: Ct));
        // Anonymous commits are refused.
        Assert.Contains("Authentication failed", await client.FailAsync(
            "cd /tmp/wc2 && echo x >>hello.txt && svn commit --non-interactive --no-auth-cache -m anonymous 2>&1", ct: Ct));
    }

    [Fact]
    public async Task Svnwatch_publishes_each_commit()
    {
        var client = network["client"];
        var rev = Revision(await client.SucceedAsync($"""
            rm -rf /tmp/wc3 && {Svn} checkout -q http://webserver/repos/ /tmp/wc3 && cd /tmp/wc3 &&
            echo watched >watched.txt && {Svn} add -q watched.txt && {Svn} commit -m 'Watch this'
            """, ct: Ct));
        Assert.Equal($"r{rev} alice: Watch this\n", await client.SucceedAsync($"svnwatch wait webserver /feed {rev}", ct: Ct));
    }

    [Fact]
    public async Task The_host_reads_the_listing_through_the_forwarded_port()
    {
        var youngest = (await network["webserver"].SucceedAsync($"svnlook youngest {Repos}", ct: Ct)).Trim();
        using var http = new HttpClient();
        var listing = await http.GetStringAsync($"http://127.0.0.1:{network["webserver"].ForwardedPorts[80]}/repos/", Ct);
        Assert.Contains($"<title>repos - Revision {youngest}: /</title>", listing);
        // Served by an Apache that runs as www-data, not root.
        Assert.Equal("www-data\n", await network["webserver"].SucceedAsync("stat -c %U /proc/$(cat /run/apache2/apache2.pid)", ct: Ct));
    }

    [Fact]
    public async Task Svn_fails_while_the_link_is_cut_and_works_again_after()
    {
        var client = network["client"];
        const string info = "timeout 20 svn info --non-interactive --config-option servers:global:http-timeout=5 http://webserver/repos/";
        await client.BlockAsync(ct: Ct);
        try { Assert.Contains("Unable to connect", await client.FailAsync(info + " 2>&1", ct: Ct)); }
        finally { await client.UnblockAsync(ct: Ct); }
        Assert.Contains("URL: http://webserver/repos", await client.SucceedAsync(info, ct: Ct));
    }

    static int Revision(string commitOutput) => int.Parse(CommittedRevision().Match(commitOutput).Groups[1].Value);

    [GeneratedRegex(@"Committed revision (\d+)\.")]
    private static partial Regex CommittedRevision();
}
