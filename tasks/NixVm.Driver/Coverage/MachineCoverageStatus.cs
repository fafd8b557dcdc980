namespace NixVm.Driver.Coverage;

/// <summary>What became of one machine's native coverage data.</summary>
public enum MachineCoverageStatus
{
    /// <summary>A tracefile was captured.</summary>
    Captured,
    /// <summary>The machine wrote no .gcda files (it ran no instrumented program, or none exited).</summary>
    NoData,
    /// <summary>There was data but it could not be captured; see <see cref="MachineCoverage.Problem"/>.</summary>
    Failed,
}
