using NixVm.Shared;

namespace NixVm.Driver.Coverage;

/// <summary>Found and hit lines and branches.</summary>
/// <param name="Lines">Executable lines.</param>
/// <param name="LinesHit">Lines that ran at least once.</param>
/// <param name="Branches">Branches.</param>
/// <param name="BranchesHit">Branches taken at least once.</param>
public sealed record CoverageFigures(int Lines, int LinesHit, int Branches, int BranchesHit)
{
    internal static CoverageFigures Of(IEnumerable<SourceFileCoverage> files)
    {
        var t = files.ToList();
        return new(t.Sum(f => f.Lines.Count), t.Sum(f => f.Lines.Count(l => l.Value > 0)),
            t.Sum(f => f.Branches.Count), t.Sum(f => f.Branches.Count(b => b.Value > 0)));
    }

    /// <summary>The share of lines hit, 0 to 1 (0 without lines).</summary>
    public double LineRate => Lines == 0 ? 0 : (double)LinesHit / Lines;

    /// <summary>The share of branches taken, 0 to 1 (0 without branches).</summary>
    public double BranchRate => Branches == 0 ? 0 : (double)BranchesHit / Branches;

    /// <summary>"lines 62.5% (5/8), branches 50.0% (2/4)"; "no coverable lines", "no branches" where there are none.</summary>
    public override string ToString() => CoverageText.Figures(LinesHit, Lines, BranchesHit, Branches);
}
