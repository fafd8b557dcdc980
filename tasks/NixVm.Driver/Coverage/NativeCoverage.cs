namespace NixVm.Driver.Coverage;

/// <summary>
/// Turns the <c>.gcda</c> files each machine wrote (below its exchange directory, see
/// <see cref="CoverageCollector"/>) into one lcov tracefile per machine, a merged tracefile,
/// Cobertura XML and an HTML report. Needs only lcov on the host, not a running network, so it
/// also works from a plain command line on directories kept from a run.
/// </summary>
static class NativeCoverage
{
    /// <summary>
    /// Captures each machine's data directory (machine name → directory, which may not exist) into
    /// a report in <paramref name="outputDirectory"/>, replacing what was there; with
    /// <paramref name="addToExisting"/>, adding each machine's data to the tracefile an earlier
    /// capture left there (another network of the same test run), and the report covers them all.
    /// </summary>
    public static async Task<CoverageReport> CaptureAsync(IEnumerable<(string Machine, string DataDirectory)> machines,
        string outputDirectory, CancellationToken ct = default, bool addToExisting = false)
    {
        outputDirectory = Path.GetFullPath(outputDirectory);
        if (!addToExisting && Directory.Exists(outputDirectory)) Directory.Delete(outputDirectory, recursive: true);
        var tracefiles = Path.Combine(outputDirectory, "machines");
        Directory.CreateDirectory(tracefiles);

        var results = new List<MachineCoverage>();
        foreach (var (machine, data) in machines)
        {
            var tracefile = Path.Combine(tracefiles, machine + ".info");
            results.Add(File.Exists(tracefile)
                ? await AddMachineAsync(machine, data, tracefile, outputDirectory, ct)
                : await CaptureMachineAsync(machine, data, tracefile, ct));
        }
        // Machines an earlier network had and this one has not.
        results.AddRange(Directory.GetFiles(tracefiles, "*.info")
            .Where(f => !results.Any(r => r.Tracefile == f))
            .Select(f => new MachineCoverage(Path.GetFileNameWithoutExtension(f), MachineCoverageStatus.Captured, f, LcovTracefile.Load(f).Figures, null)));
        results.Sort((a, b) => StringComparer.Ordinal.Compare(a.Machine, b.Machine));

        var report = new CoverageReport(outputDirectory, results, null);
        var captured = results.Where(m => m.Status == MachineCoverageStatus.Captured).ToList();
        if (captured.Count > 0)
        {
            var merge = await LcovTool.RunAsync("lcov",
                captured.SelectMany(m => new[] { "--add-tracefile", m.Tracefile! }).Concat(["--output-file", report.MergedTracefile]),
                outputDirectory, ct);
            if (merge is not null) throw new CoverageException($"merging the machines' tracefiles failed: {merge}");
            var merged = LcovTracefile.Load(report.MergedTracefile);
            CoberturaWriter.Write(merged, report.Cobertura);
            await WriteHtmlAsync(report, ct);
            report = report with { Merged = merged.Figures };
        }
        await File.WriteAllTextAsync(report.SummaryFile, report.SummaryLine + "\n", ct);
        return report;
    }

    /// <summary>
    /// genhtml's report of the merged tracefile, its files named as <see cref="SourceNames"/> says:
    /// genhtml reads each source through a link at that name below a staging directory whose path
    /// it leaves out (--prefix), so the directories it lists are the programs (hello/src, greet, …).
    /// </summary>
    static async Task WriteHtmlAsync(CoverageReport report, CancellationToken ct)
    {
        var staging = Directory.CreateTempSubdirectory("nixvm-coverage-html-").FullName;
        try
        {
            var tracefile = Path.Combine(staging, "merged.info");
            var sources = Path.Combine(staging, "sources");
            var lines = (await File.ReadAllLinesAsync(report.MergedTracefile, ct)).Select(line =>
            {
                if (!line.StartsWith("SF:", StringComparison.Ordinal)) return line;
                var link = Path.Combine(sources, SourceNames.Of(line[3..]).TrimStart('/'));
                if (!File.Exists(link) && File.Exists(line[3..]))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                    File.CreateSymbolicLink(link, line[3..]);
                }
                return "SF:" + link;
            });
            await File.WriteAllLinesAsync(tracefile, lines, ct);
            // --show-details: the source view lists which machine (lcov test name) ran each line.
            var html = await LcovTool.RunAsync("genhtml", ["--branch-coverage", "--show-details", "--title", "NixVm coverage",
                "--prefix", sources, "--output-directory", Path.GetDirectoryName(report.Html)!, tracefile], staging, ct);
            if (html is not null) throw new CoverageException($"the HTML report failed: {html}");
        }
        finally { Directory.Delete(staging, recursive: true); }
    }

    /// <summary>Captures the machine's data beside the report, then adds it to the tracefile an earlier capture wrote.</summary>
    static async Task<MachineCoverage> AddMachineAsync(string machine, string data, string tracefile, string outputDirectory, CancellationToken ct)
    {
        var addedFile = Path.Combine(outputDirectory, machine + ".added.info");
        try
        {
            var added = await CaptureMachineAsync(machine, data, addedFile, ct);
            if (added.Status == MachineCoverageStatus.Captured)
            {
                var merge = await LcovTool.RunAsync("lcov", ["--add-tracefile", tracefile, "--add-tracefile", added.Tracefile!, "--output-file", tracefile], outputDirectory, ct);
                if (merge is not null) throw new CoverageException($"adding machine '{machine}''s tracefile to the earlier networks' failed: {merge}");
            }
            var problem = added.Status == MachineCoverageStatus.Failed ? "this network's capture failed: " + added.Problem : added.Problem;
            return new(machine, MachineCoverageStatus.Captured, tracefile, LcovTracefile.Load(tracefile).Figures, problem);
        }
        finally { File.Delete(addedFile); }
    }

    static async Task<MachineCoverage> CaptureMachineAsync(string machine, string data, string tracefile, CancellationToken ct)
    {
        var gcda = Directory.Exists(data) ? Directory.GetFiles(data, "*.gcda", SearchOption.AllDirectories) : [];
        if (gcda.Length == 0) return new(machine, MachineCoverageStatus.NoData, null, null, null);

        // lcov 1.x wants each .gcno next to its .gcda: stage copies of both. A .gcda's path below the
        // data directory is the absolute path compiled into the program, which is where its .gcno lives.
        var staging = Directory.CreateTempSubdirectory("nixvm-coverage-").FullName;
        try
        {
            var missing = new List<string>();
            foreach (var file in gcda)
            {
                var relative = Path.GetRelativePath(data, file);
                var gcno = Path.ChangeExtension("/" + relative, ".gcno");
                if (!File.Exists(gcno)) { missing.Add(gcno); continue; }
                var target = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
                File.Copy(gcno, Path.ChangeExtension(target, ".gcno"));
            }
            if (missing.Count == gcda.Length)
                return new(machine, MachineCoverageStatus.Failed, null, null,
                    $"no .gcno file for its .gcda data (looked for {string.Join(", ", missing)}; was the program built by nixvm.lib.instrumentedProgram and is it still in the store?)");

            // lcov test names allow letters, digits and '_'.
            var testName = new string(machine.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
            var problem = await LcovTool.RunAsync("lcov",
                ["--capture", "--directory", staging, "--test-name", testName, "--output-file", tracefile], staging, ct);
            if (problem is not null) return new(machine, MachineCoverageStatus.Failed, null, null, problem);
            return new(machine, MachineCoverageStatus.Captured, tracefile, LcovTracefile.Load(tracefile).Figures,
                missing.Count > 0 ? $"no .gcno for {string.Join(", ", missing)}" : null);
        }
        finally { Directory.Delete(staging, recursive: true); }
    }
}
