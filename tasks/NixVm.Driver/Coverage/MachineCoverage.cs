namespace NixVm.Driver.Coverage;

/// <summary>One machine's part of the report.</summary>
/// <param name="Machine">The machine's name.</param>
/// <param name="Status">Whether its data was captured.</param>
/// <param name="Tracefile">Its lcov tracefile (<c>machines/&lt;machine&gt;.info</c>), when captured.</param>
/// <param name="Figures">Its line and branch figures, when captured.</param>
/// <param name="Problem">Why the capture failed, or what part of the data had no <c>.gcno</c>; null otherwise.</param>
public sealed record MachineCoverage(string Machine, MachineCoverageStatus Status, string? Tracefile, CoverageFigures? Figures, string? Problem)
{
    /// <summary>Reads the tracefile back.</summary>
    internal LcovTracefile Load() => LcovTracefile.Load(Tracefile ?? throw new InvalidOperationException($"machine '{Machine}' has no tracefile ({Describe()})"));

    /// <summary>The machine's part of the summary line: its figures, "no coverage data" or why the capture failed.</summary>
    public string Describe() => Status switch
    {
        MachineCoverageStatus.Captured => $"{Machine} {Figures}",
        MachineCoverageStatus.NoData => $"{Machine} no coverage data",
        _ => $"{Machine} capture failed: {Problem}",
    };
}
