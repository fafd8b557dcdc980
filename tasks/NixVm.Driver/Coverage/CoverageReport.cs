namespace NixVm.Driver.Coverage;

/// <summary>
/// The native coverage report in <see cref="Directory"/>: <c>machines/&lt;m&gt;.info</c> per machine,
/// <c>merged.info</c>, <c>merged.cobertura.xml</c>, <c>html/index.html</c> and <c>summary.txt</c>
/// (the merged files exist only when some machine produced data).
/// </summary>
/// <param name="Directory">The report's directory.</param>
/// <param name="Machines">Each machine's part, by machine name.</param>
/// <param name="Merged">The figures of all machines together; null when no machine produced data.</param>
public sealed record CoverageReport(string Directory, IReadOnlyList<MachineCoverage> Machines, CoverageFigures? Merged)
{
    /// <summary>The lcov tracefile of all machines (each machine is a test name in it).</summary>
    public string MergedTracefile => Path.Combine(Directory, "merged.info");

    /// <summary>The merged data as Cobertura XML.</summary>
    public string Cobertura => Path.Combine(Directory, "merged.cobertura.xml");

    /// <summary>genhtml's report (per-line machine attribution).</summary>
    public string Html => Path.Combine(Directory, "html", "index.html");

    /// <summary>A file with <see cref="SummaryLine"/>.</summary>
    public string SummaryFile => Path.Combine(Directory, "summary.txt");

    /// <summary><see cref="Warnings"/>, one per line (<see cref="CoverageWarning.ToString"/>); written only when there are some.</summary>
    public string WarningsFile => Path.Combine(Directory, "warnings.txt");

    /// <summary>Data the report should have but does not (see <see cref="CoverageCollector"/>).</summary>
    public IReadOnlyList<CoverageWarning> Warnings { get; init; } = [];

    /// <summary>That machine's part of the report.</summary>
    /// <exception cref="InvalidOperationException">The report has no such machine.</exception>
    public MachineCoverage this[string machine] => Machines.Single(m => m.Machine == machine);

    /// <summary>One line: line and branch rate per machine and merged.</summary>
    public string SummaryLine =>
        "NixVm coverage: " + string.Join("; ", Machines.Select(m => m.Describe()))
        + "; " + (Merged is null ? "merged: no coverage data from any machine" : $"merged {Merged}");
}
