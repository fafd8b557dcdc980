using System.Text.RegularExpressions;
using NixVm.Driver.Coverage;
using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;
using NixVm.Shared;
using Xunit.v3;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// No silent loss of native coverage (tests/nix-cases/coverage-loss.nix): each way a guest process
/// used to lose its counters — no environment, a scrubbed one, another user, a second user after
/// root — now counts its lines, and what is still lost is a warning naming the machine and file,
/// wherever libgcov said so (the runtime's error log, a service's log, the serial console).
/// Each case runs its own copy of coverage-tiny, so each test sees only its own data.
/// </summary>
[TestMethodOrderer(typeof(DeclarationOrder))]
public class CoverageLossTests(CoverageLossNetworkFixture fixture) : IClassFixture<CoverageLossNetworkFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    Machine Box => fixture.Network["box"];
    const string AsWwwData = "setpriv --reuid 33 --regid 33 --clear-groups";
    const string AsNobody = "setpriv --reuid 65534 --regid 65534 --clear-groups";

    [Theory(Timeout = 300_000)]
    // a Subversion hook: Apache's user, an empty environment
    [InlineData("tiny-hook", AsWwwData + " env -i")]
    // a CGI: Apache's user, the environment Apache scrubbed
    [InlineData("tiny-cgi", AsWwwData + " env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET SCRIPT_NAME=/cgi-bin/tiny PATH=/usr/bin:/bin")]
    // an unprivileged user with the shell's environment
    [InlineData("tiny-user", AsNobody)]
    public async Task A_run_counts_whatever_its_user_and_environment(string program, string runAs)
    {
        Assert.Equal($"hello, {program}\n", await Box.SucceedAsync($"{runAs} /usr/local/bin/{program} hello {program}", ct: Ct));
        AssertRanHelloTimes(await CapturedAsync(program), 1);
    }

    [Fact(Timeout = 300_000)]
    public async Task An_unprivileged_user_after_root_adds_to_roots_counts()
    {
        await Box.SucceedAsync("/usr/local/bin/tiny-shared hello root", ct: Ct);
        await Box.SucceedAsync($"{AsWwwData} /usr/local/bin/tiny-shared hello www", ct: Ct);
        AssertRanHelloTimes(await CapturedAsync("tiny-shared"), 2);
    }

    [Fact(Timeout = 300_000)]
    public async Task What_is_still_lost_is_a_warning_naming_machine_and_file()
    {
        // A directory nobody may write into (root made it read-only): the runtime's error log has libgcov's error.
        var denied = (await Box.SucceedAsync("sed -n 's|^exec \\(/nix/store/[^/]*\\)/.*|\\1|p' /usr/local/bin/tiny-denied", ct: Ct)).Trim();
        await Box.SucceedAsync($"mkdir -p -m 0555 /tmp/xchg/coverage-data{denied}/lib/nixvm-coverage/tiny-denied", ct: Ct);
        Assert.Equal("hello, denied\n", await Box.SucceedAsync($"{AsNobody} /usr/local/bin/tiny-denied hello denied", ct: Ct));
        await Box.SucceedAsync($"{AsNobody} /usr/local/bin/tiny-user hello nobody", ct: Ct);

        using var results = new TempDirectory();
        var report = await CoverageCollector.CollectAsync(fixture.Network, results.File("coverage"), Ct);

        var lost = report.Warnings.Where(w => w.Code == CoverageWarning.LostDataCode).ToList();
        Assert.All(report.Warnings, w => Assert.Equal("box", w.Machine));
        Assert.Contains(lost, w => w.Message.StartsWith(
            $"machine 'box': coverage data lost: {denied}/lib/nixvm-coverage/tiny-denied/coverage-tiny.gcda: Cannot open (libgcov's 'profiling:' error, in /tmp/xchg/coverage-data/profiling-errors.log)",
            StringComparison.Ordinal));
        // Built against the rule (no runtime): as a service it tried the read-only store and said so in its log.
        Assert.Contains(lost, w => w.Message.Contains("-coverage-plain/", StringComparison.Ordinal)
            && w.Message.Contains("in /tmp/xchg/services/plain.log", StringComparison.Ordinal));
        // A service its stop had to kill (SIGKILL after its stop timeout) wrote nothing.
        Assert.Contains(lost, w => w.Message == "machine 'box': service 'stubborn' was killed (SIGKILL after 1 s): the counters of the instrumented code it ran are lost (let it exit on its stop signal, or give it a longer stop timeout)");
        Assert.Equal(3, lost.Count);

        var silent = report.Warnings.Where(w => w.Code == CoverageWarning.NoDataCode).Select(w => w.Message).ToList();
        Assert.Contains(silent, m => m.StartsWith("machine 'box': instrumented /nix/store/", StringComparison.Ordinal)
            && m.Contains("-tiny-idle wrote no coverage data", StringComparison.Ordinal));
        Assert.Contains(silent, m => m.Contains("-tiny-denied wrote no coverage data", StringComparison.Ordinal));
        Assert.Contains(silent, m => m.Contains("-tiny-stubborn wrote no coverage data", StringComparison.Ordinal));
        Assert.DoesNotContain(silent, m => m.Contains("-tiny-user ", StringComparison.Ordinal));
        Assert.Equal(report.Warnings.Select(w => w.ToString()), await File.ReadAllLinesAsync(report.WarningsFile, Ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_profiling_error_seen_only_on_the_console_is_a_warning_naming_machine_and_file()
    {
        // Built without the runtime, run with its stderr on the serial console (as a program the
        // init or a daemon's wrapper starts there): libgcov's error is in no log, only on the console.
        var plain = (await Box.SucceedAsync("sed -n 's|^exec \\(/nix/store/[^/]*\\)/.*|\\1|p' /usr/local/bin/plain-console", ct: Ct)).Trim();
        Assert.Equal("hello, console\n", await Box.SucceedAsync("/usr/local/bin/plain-console hello console 2>/dev/console", ct: Ct));
        await Box.WaitForConsoleTextAsync(Regex.Escape($"profiling:{plain}/") + @"[^\n]*\.gcda:", ct: Ct);
        Assert.Empty(await Box.SucceedAsync($"grep -rl -F 'profiling:{plain}/' /tmp/xchg || true", ct: Ct));   // in no log the host reads

        using var results = new TempDirectory();
        var report = await CoverageCollector.CollectAsync(fixture.Network, results.File("coverage"), Ct);

        var lost = Assert.Single(report.Warnings, w => w.Code == CoverageWarning.LostDataCode && w.Message.Contains(plain + "/", StringComparison.Ordinal));
        Assert.Equal("box", lost.Machine);
        Assert.Matches($@"^machine 'box': coverage data lost: {Regex.Escape(plain)}/\S+\.gcda: Cannot open \(libgcov's 'profiling:' error, in the serial console\)", lost.Message);
        Assert.Contains(lost.ToString(), await File.ReadAllLinesAsync(report.WarningsFile, Ct));
    }

    static void AssertRanHelloTimes(SourceFileCoverage file, long times)
    {
        var hello = CoverageTiny.LinesRunBy("hello").ToList();
        Assert.Equal(hello, file.HitLines);
        Assert.All(hello, line => Assert.Equal(times, file.Lines[line]));
    }

    /// <summary>What box wrote for one copy of coverage-tiny, captured as the collector would (the data is on the host once the process exited).</summary>
    async Task<SourceFileCoverage> CapturedAsync(string program)
    {
        using var results = new TempDirectory();
        var data = Path.Combine(Box.ExchangeDirectory, Contract.Guest.CoverageData);
        var report = await NativeCoverage.CaptureAsync([("box", data)], results.File("coverage"), Ct);
        return report["box"].Load().File($"/{program}/src/coverage-tiny.c");
    }
}
