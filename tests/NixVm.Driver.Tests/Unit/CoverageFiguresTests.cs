using NixVm.Driver.Coverage;

namespace NixVm.Driver.Tests.Unit;

public class CoverageFiguresTests
{
    [Theory]
    [InlineData(0, 0, 0, 0, "no coverable lines")]
    [InlineData(8, 3, 0, 0, "lines 37.5% (3/8), no branches")]
    [InlineData(8, 5, 4, 2, "lines 62.5% (5/8), branches 50.0% (2/4)")]
    public void A_summary_gives_no_rate_of_nothing(int lines, int hit, int branches, int taken, string expected) =>
        Assert.Equal(expected, new CoverageFigures(lines, hit, branches, taken).ToString());

    [Fact]
    public void A_machine_with_no_coverable_lines_says_so_in_the_summary_line()
    {
        var report = new CoverageReport("/r", [new MachineCoverage("a", MachineCoverageStatus.Captured, "/r/a.info", new CoverageFigures(0, 0, 0, 0), null)], new CoverageFigures(0, 0, 0, 0));
        Assert.Equal("NixVm coverage: a no coverable lines; merged no coverable lines", report.SummaryLine);
    }
}
