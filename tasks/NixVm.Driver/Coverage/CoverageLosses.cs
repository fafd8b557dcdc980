using System.Text.RegularExpressions;
using NixVm.Shared;

namespace NixVm.Driver.Coverage;

/// <summary>
/// Finds where a machine's coverage is incomplete, from what the host has of it (no running guest
/// needed): libgcov's <c>profiling:&lt;file&gt;:&lt;what&gt;</c> errors in the coverage runtime's
/// error log, the services' output, the logs they declared and the serial console; and instrumented
/// store paths the machine's declaration names that wrote no <c>.gcda</c> file.
/// </summary>
static partial class CoverageLosses
{
    static readonly string GuestData = Contract.Guest.Exchange + "/" + Contract.Guest.CoverageData;

    /// <summary>One warning per (machine, .gcda file) with a profiling error, in the order found.</summary>
    public static IEnumerable<CoverageWarning> ProfilingErrors(string machine, string exchange, string console)
    {
        var byFile = new Dictionary<string, (List<string> What, string Where)>(StringComparer.Ordinal);
        foreach (var (where, text) in Sources(exchange, console))
            foreach (Match m in ProfilingError().Matches(text))
            {
                // The runtime's log names the file with the guest's data prefix; the program's store path is what matters.
                var file = m.Groups["file"].Value.StartsWith(GuestData + "/", StringComparison.Ordinal)
                    ? m.Groups["file"].Value[GuestData.Length..] : m.Groups["file"].Value;
                var what = m.Groups["what"].Value.Trim();
                if (!byFile.TryGetValue(file, out var seen)) byFile[file] = seen = ([], where);
                if (!seen.What.Contains(what)) seen.What.Add(what);
            }
        return byFile.Select(f => new CoverageWarning(CoverageWarning.LostDataCode, machine,
            $"machine '{machine}': coverage data lost: {f.Key}: {string.Join(", ", f.Value.What)} (libgcov's 'profiling:' error, in {f.Value.Where}); see README, Coverage across machines"));
    }

    /// <summary>
    /// On a machine that runs instrumented code, a warning for each service its stop had to kill
    /// (SIGKILL after the stop timeout): a process writes its counters when it exits by itself, so
    /// whatever instrumented code the service ran is not counted.
    /// </summary>
    public static IEnumerable<CoverageWarning> KilledServices(string machine, IEnumerable<string> stopLines, bool runsInstrumentedCode) =>
        !runsInstrumentedCode ? [] : stopLines.Select(l => KilledService().Match(l)).Where(m => m.Success)
            .Select(m => new CoverageWarning(CoverageWarning.LostDataCode, machine,
                $"machine '{machine}': service '{m.Groups["service"].Value}' was killed (SIGKILL {m.Groups["after"].Value}): the counters of the instrumented code it ran are lost (let it exit on its stop signal, or give it a longer stop timeout)"));

    /// <summary>A warning for each instrumented store path of the machine that has no .gcda below the data directory.</summary>
    public static IEnumerable<CoverageWarning> SilentPrograms(string machine, IEnumerable<string> instrumented, string dataDirectory) =>
        instrumented
            .Where(path => !Directory.Exists(Path.Combine(dataDirectory, path.TrimStart('/')))
                || !Directory.EnumerateFiles(Path.Combine(dataDirectory, path.TrimStart('/')), "*.gcda", SearchOption.AllDirectories).Any())
            .Select(path => new CoverageWarning(CoverageWarning.NoDataCode, machine,
                $"machine '{machine}': instrumented {path} wrote no coverage data: it did not run there, or it did not exit (a long-running program must exit when it gets SIGTERM)"));

    static IEnumerable<(string Where, string Text)> Sources(string exchange, string console)
    {
        // Where nix/coverage/runtime.c tells libgcov to append its errors, below the data directory.
        var errors = Path.Combine(exchange, Contract.Guest.CoverageData, Contract.Guest.CoverageErrors);
        if (File.Exists(errors)) yield return ($"{GuestData}/{Contract.Guest.CoverageErrors}", File.ReadAllText(errors));
        foreach (var dir in new[] { Contract.Guest.ServiceLogs, Contract.Guest.SavedLogs })
        {
            var root = Path.Combine(exchange, dir);
            if (!Directory.Exists(root)) continue;
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                yield return (dir == Contract.Guest.ServiceLogs ? $"{Contract.Guest.Exchange}/{dir}/{Path.GetFileName(file)}" : "/" + Path.GetRelativePath(root, file),
                    File.ReadAllText(file));
        }
        yield return ("the serial console", console);
    }

    // nix/guest/stop-services.sh: "<service>: killed (SIGKILL after <timeout> s)"
    [GeneratedRegex(@"^(?<service>\S+): killed \(SIGKILL (?<after>after \d+ s)\)$")]
    private static partial Regex KilledService();

    // libgcov: "profiling:%s:Cannot open", "…:Cannot create directory", "…:Skip", "…:Merge mismatch …", …
    [GeneratedRegex(@"profiling:(?<file>/[^:\n]+):(?<what>[^\n]*)")]
    private static partial Regex ProfilingError();
}
