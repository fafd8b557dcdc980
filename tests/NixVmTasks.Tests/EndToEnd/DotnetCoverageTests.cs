using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// NixVmCoverage=true with the packed NixVmTasks in fresh projects outside the repository, built
/// with the real dotnet CLI: .NET coverage attributed to the machine that ran the code.
/// </summary>
public sealed class DotnetCoverageTests(LocalFeed feed)
{
    [Fact(Timeout = 900_000)]
    public async Task A_project_that_runs_no_dotnet_code_says_so_instead_of_an_empty_table()
    {
        using var project = new TestProject(feed);
        var build = await project.BuildAsync("-p:NixVmCoverage=true");
        Assert.True(build.ExitCode == 0, build.ToString());
        // These machines run no instrumented program: said so, not a crash.
        Assert.Contains("NixVm coverage: client no coverage data; webserver no coverage data", build.Output);
        Assert.Contains("warning NIXVM061: NixVmCoverage=true but no .NET code was measured", build.Output);
        Assert.DoesNotContain("NixVm .NET coverage:", build.Output);
        Assert.DoesNotContain("| Module", build.Output); // coverlet's table, all 0 %
        var coverage = Path.Combine(project.ResultsDirectory, "coverage");
        Assert.True(File.Exists(Path.Combine(coverage, "summary.txt")));
        Assert.False(Directory.Exists(Path.Combine(coverage, "report")), "nothing to merge: no merged report");

        var again = await project.BuildAsync("-p:NixVmCoverage=true");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("VM test(s) passed", again.Output);
        Assert.DoesNotContain("NIXVM061", again.Output);
        Assert.Empty(project.LeftoverProcesses());
    }
}
