namespace NixVm.Driver.Coverage;

public enum MachineCoverageStatus
{
    /// <summary>A tracefile was captured.</summary>
    Captured,
    /// <summary>The machine wrote no .gcda files (it ran no instrumented program, or none exited).</summary>
    NoData,
    /// <summary>There was data but it could not be captured; see <see cref="MachineCoverage.Problem"/>.</summary>
    Failed,
}

/// <summary>One machine's part of the report.</summary>
public sealed record MachineCoverage(string Machine, MachineCoverageStatus Status, string? Tracefile, CoverageFigures? Figures, string? Problem)
{
    public LcovTracefile Load() => LcovTracefile.Load(Tracefile ?? throw new InvalidOperationException($"machine '{Machine}' has no tracefile ({Describe()})"));

    public string Describe() => Status switch
    {
        MachineCoverageStatus.Captured => $"{Machine} {Figures}",
        MachineCoverageStatus.NoData => $"{Machine} no coverage data",
        _ => $"{Machine} capture failed: {Problem}",
    };
}

/// <summary>
/// The native coverage report in <see cref="Directory"/>: <c>machines/&lt;m&gt;.info</c> per machine,
/// <c>merged.info</c>, <c>merged.cobertura.xml</c>, <c>html/index.html</c> and <c>summary.txt</c>
/// (the merged files exist only when some machine produced data).
/// </summary>
public sealed record CoverageReport(string Directory, IReadOnlyList<MachineCoverage> Machines, CoverageFigures? Merged)
{
    public string MergedTracefile => Path.Combine(Directory, "merged.info");
    public string Cobertura => Path.Combine(Directory, "merged.cobertura.xml");
    public string Html => Path.Combine(Directory, "html", "index.html");
    public string SummaryFile => Path.Combine(Directory, "summary.txt");

    public MachineCoverage this[string machine] => Machines.Single(m => m.Machine == machine);

    /// <summary>One line: line and branch rate per machine and merged.</summary>
    public string SummaryLine =>
        "NixVm coverage: " + string.Join("; ", Machines.Select(m => m.Describe()))
        + "; " + (Merged is null ? "merged: no coverage data from any machine" : $"merged {Merged}");
}
