using System.Globalization;

namespace NixVm.Shared;

/// <summary>How every coverage summary line words its figures (native per machine, .NET, both merged).</summary>
static class CoverageText
{
    /// <summary>
    /// "lines 62.5% (5/8), branches 50.0% (2/4)"; without lines "no coverable lines", without branches
    /// "no branches": a rate of nothing is neither 0 % nor the 100 % a Cobertura file states for it.
    /// </summary>
    public static string Figures(long linesHit, long lines, long branchesHit, long branches) =>
        lines == 0 ? "no coverable lines"
            : $"lines {Rate(linesHit, lines)}, " + (branches == 0 ? "no branches" : $"branches {Rate(branchesHit, branches)}");

    static string Rate(long part, long whole) =>
        string.Create(CultureInfo.InvariantCulture, $"{(double)part / whole:0.0%} ({part}/{whole})");
}
