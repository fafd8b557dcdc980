using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.Unit;

public class RunVmTestsTests
{
    [Fact]
    public void A_run_that_produces_nothing_leaves_no_coverage_of_an_earlier_run()
    {
        var results = Directory.CreateTempSubdirectory("nixvm-runvmtests-").FullName;
        try
        {
            var coverage = Path.Combine(results, "coverage");
            Directory.CreateDirectory(Path.Combine(coverage, "dotnet"));
            File.WriteAllText(Path.Combine(coverage, "summary.txt"), "NixVm coverage: merged lines 82.3%, branches 59.5%");
            File.WriteAllText(Path.Combine(coverage, "dotnet", "coverage.cobertura.xml"), "<coverage />");
            var engine = new MockEngine();
            // A test assembly that does not exist: the run ends at once without results, like a killed one.
            var task = new RunVmTests
            {
                BuildEngine = engine,
                TestAssembly = Path.Combine(results, "Missing.dll"),
                Manifest = Path.Combine(results, "network.json"),
                ResultsDirectory = results,
                ProjectFile = Path.Combine(results, "Missing.csproj"),
                Coverage = true,
            };
            Assert.False(task.Execute());
            Assert.Contains(engine.Errors, e => e.Code == "NIXVM041");
            Assert.False(Directory.Exists(coverage), "the earlier run's coverage is still there");
        }
        finally { Directory.Delete(results, recursive: true); }
    }
}
