using System.Xml.Linq;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// What a project adds around the VM tests: its own targets in the extension points, the test run's
/// output items, a TRX file, a network name of its own, and NIXVM060 when coverage is on but the run collected none. The
/// project's one test uses no network, so nothing boots: the build's own steps are under test.
/// </summary>
public sealed class ExtensionPointsTests(LocalFeed feed)
{
    const string Extensions = """
          <PropertyGroup>
            <NixVmBuildNetworkDependsOn>$(NixVmBuildNetworkDependsOn);SeedImages</NixVmBuildNetworkDependsOn>
            <NixVmTestDependsOn>$(NixVmTestDependsOn);SeedTestData</NixVmTestDependsOn>
            <NixVmDownDependsOn>$(NixVmDownDependsOn);SaveState</NixVmDownDependsOn>
          </PropertyGroup>
          <Target Name="SeedImages"><Message Importance="high" Text="extension: SeedImages" /></Target>
          <Target Name="SeedTestData"><Message Importance="high" Text="extension: SeedTestData" /></Target>
          <Target Name="SaveState"><Message Importance="high" Text="extension: SaveState" /></Target>
          <Target Name="ShowResults" AfterTargets="NixVmTest">
            <Message Importance="high" Text="result: %(NixVmTestResult.Format) %(NixVmTestResult.Identity)" />
          </Target>
        """;

    const string HostTest = """
        using Xunit;

        public class WebTests
        {
            [Fact]
            public void Runs_on_the_host() => Assert.Equal(4, 2 + 2);
        }
        """;

    [Fact(Timeout = 900_000)]
    public async Task Extension_points_output_items_trx_and_NIXVM060_work_without_a_network()
    {
        using var project = new TestProject(feed);
        project.WriteProject(project.DefaultItems, Extensions);
        await File.WriteAllTextAsync(project.TestFile, HostTest, TestContext.Current.CancellationToken);

        var build = await project.BuildAsync("-p:NixVmTrx=true", "-p:NixVmNetworkName=shop");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("NixVm: built network 'shop'", build.Output);   // NixVmNetworkName, the project's name by default
        var lines = build.Output.Split('\n').Select(l => l.Trim()).ToList();
        int At(string start)
        {
            var i = lines.FindIndex(l => l.StartsWith(start, StringComparison.Ordinal));
            Assert.True(i >= 0, $"'{start}' expected:\n{build.Output}");
            return i;
        }
        // The project's targets run after the images are built and before the tests.
        Assert.True(At("NixVm: built network") < At("extension: SeedImages"), build.Output);
        Assert.True(At("extension: SeedImages") < At("extension: SeedTestData"), build.Output);
        Assert.True(At("extension: SeedTestData") < At("NixVm: VM tests: 1 passed, 0 failed, 0 skipped"), build.Output);

        // NixVmTestResult names the JUnit and the TRX file; the TRX file has the test's result.
        var trx = Path.Combine(project.ResultsDirectory, TestProject.Name + ".trx");
        Assert.Equal(project.JUnitFile, Path.GetFullPath(lines[At("result: JUnit ")]["result: JUnit ".Length..], project.ProjectDirectory));
        Assert.Equal(trx, Path.GetFullPath(lines[At("result: Trx ")]["result: Trx ".Length..], project.ProjectDirectory));
        var result = Assert.Single(XDocument.Load(trx).Descendants(), e => e.Name.LocalName == "UnitTestResult");
        Assert.EndsWith("Runs_on_the_host", result.Attribute("testName")!.Value);
        Assert.Equal("Passed", result.Attribute("outcome")!.Value);

        var coverage = await project.BuildAsync("-p:NixVmTrx=true", "-p:NixVmNetworkName=shop", "-p:NixVmCoverage=true");
        Assert.True(coverage.ExitCode == 0, coverage.ToString());
        Assert.Contains("NixVm: VM tests: 1 passed, 0 failed, 0 skipped", coverage.Output);
        Assert.Contains($"{TestProject.Name}.csproj : warning NIXVM060: NixVmCoverage=true but the test run collected no coverage", coverage.Output);

        var down = await project.BuildAsync("-t:NixVmDown");
        Assert.True(down.ExitCode == 0, down.ToString());
        var saved = down.Output.IndexOf("extension: SaveState", StringComparison.Ordinal);
        Assert.True(saved >= 0 && saved < down.Output.IndexOf("NixVm: no network is up", StringComparison.Ordinal), down.Output);
    }
}
