using System.Xml.Linq;
using Microsoft.Build.Utilities;
using NixVmTasks.DotnetCoverage;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.Unit;

/// <summary>
/// The small tasks around coverlet that attribute .NET coverage to machines. The real
/// instrumentation, guests and reports: EndToEnd/DotnetCoverageTests.
/// </summary>
public sealed class DotnetCoverageTasksTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("nixvmtasks-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Retargeting_points_every_hits_path_at_the_machine_directory_and_counts_what_is_there()
    {
        // The shape coverlet's DataContractSerializer writes (namespaced elements).
        var state = Path.Combine(dir, "state.xml");
        File.WriteAllText(state, """
            <CoveragePrepareResult xmlns="http://schemas.datacontract.org/2004/07/Coverlet.Core" xmlns:a="http://schemas.datacontract.org/2004/07/Coverlet.Core.Instrumentation">
              <Results>
                <a:InstrumenterResult><a:HitsFilePath>/tmp/Api_0f3b</a:HitsFilePath></a:InstrumenterResult>
                <a:InstrumenterResult><a:HitsFilePath>/tmp/Lib_0f3b</a:HitsFilePath></a:InstrumenterResult>
              </Results>
            </CoveragePrepareResult>
            """);
        var hits = Directory.CreateDirectory(Path.Combine(dir, "hits", "server")).FullName;
        File.WriteAllText(Path.Combine(hits, "Api_0f3b"), "");
        var task = new RetargetCoverletHits { BuildEngine = new MockEngine(), State = state, HitsDirectory = hits, OutputState = Path.Combine(dir, "out", "server.xml") };

        Assert.True(task.Execute());

        Assert.Equal(2, task.Modules);
        Assert.Equal(1, task.HitsFound);
        var paths = XDocument.Load(task.OutputState).Descendants().Where(e => e.Name.LocalName == "HitsFilePath").Select(e => e.Value);
        Assert.Equal([Path.Combine(hits, "Api_0f3b"), Path.Combine(hits, "Lib_0f3b")], paths);
        Assert.Contains("/tmp/Api_0f3b", File.ReadAllText(state));
    }

    [Fact]
    public void Labelling_names_each_assembly_after_its_machine()
    {
        var report = Cobertura("api.xml", ("Api", "Program.cs", [(3, 1)]), ("Lib", "Lib.cs", [(7, 0)]));

        Assert.True(new LabelCoberturaPackages { BuildEngine = new MockEngine(), File = report, Machine = "server" }.Execute());

        Assert.Equal(["Api@server", "Lib@server"], XDocument.Load(report).Descendants("package").Select(p => (string)p.Attribute("name")!));
    }

    [Fact]
    public void Summary_lists_each_scope_and_merges_a_line_hit_on_any_machine()
    {
        var a = Cobertura("a.xml", ("Api", "Program.cs", [(3, 1), (4, 0), (5, 0)]));
        var b = Cobertura("b.xml", ("Api", "Program.cs", [(3, 0), (4, 2), (5, 0)]));
        var host = Cobertura("host.xml");
        var task = new SummarizeDotnetCoverage
        {
            BuildEngine = new MockEngine(),
            Reports =
            [
                Item(a, "api@alpha"), Item(b, "api@beta"), Item(host, "host"),
                Item(Path.Combine(dir, "missing.xml"), "worker@gamma"),
            ],
        };

        Assert.True(task.Execute());

        Assert.True(task.Measured);
        Assert.Equal("NixVm .NET coverage: api@alpha lines 33.3% (1/3), no branches; api@beta lines 33.3% (1/3), no branches; "
            + "worker@gamma no coverage data; merged lines 66.7% (2/3), no branches", task.Summary);
    }

    // ReportGenerator's merged report states line-rate="1" and branch-rate="1" for nothing coverable.
    [Theory]
    [InlineData(0, 0, 0, 0, "no coverable lines")]
    [InlineData(3, 8, 0, 0, "lines 37.5% (3/8), no branches")]
    [InlineData(5, 8, 2, 4, "lines 62.5% (5/8), branches 50.0% (2/4)")]
    public void The_merged_line_reads_the_counts_not_the_rates(int covered, int valid, int branchesCovered, int branches, string expected)
    {
        var report = Path.Combine(dir, "Cobertura.xml");
        new XElement("coverage", new XAttribute("line-rate", valid == 0 ? 1 : (double)covered / valid), new XAttribute("branch-rate", 1),
            new XAttribute("lines-covered", covered), new XAttribute("lines-valid", valid),
            new XAttribute("branches-covered", branchesCovered), new XAttribute("branches-valid", branches)).Save(report);
        var task = new DescribeMergedCoverage { BuildEngine = new MockEngine(), Report = report };

        Assert.True(task.Execute());

        Assert.Equal(expected, task.Figures);
        Assert.DoesNotContain("100", task.Figures);
    }

    [Fact]
    public void Nothing_measured_is_said_as_such()
    {
        var task = new SummarizeDotnetCoverage { BuildEngine = new MockEngine(), Reports = [Item(Cobertura("host.xml"), "host")] };

        Assert.True(task.Execute());

        Assert.False(task.Measured);
        Assert.Equal("", task.Summary);
    }

    static TaskItem Item(string path, string label) => new(path, new Dictionary<string, string> { ["ScopeName"] = label });

    /// <summary>A Cobertura file as coverlet writes it: lines per class, repeated per method.</summary>
    string Cobertura(string name, params (string Package, string File, (int Line, int Hits)[] Lines)[] packages)
    {
        var path = Path.Combine(dir, name);
        static XElement Lines((int Line, int Hits)[] lines) =>
            new("lines", lines.Select(l => new XElement("line", new XAttribute("number", l.Line), new XAttribute("hits", l.Hits), new XAttribute("branch", "False"))));
        new XDocument(new XElement("coverage", new XAttribute("lines-valid", packages.Sum(p => p.Lines.Length)),
            new XElement("sources", new XElement("source", "/src/")),
            new XElement("packages", packages.Select(p => new XElement("package", new XAttribute("name", p.Package),
                new XElement("classes", new XElement("class", new XAttribute("name", "C"), new XAttribute("filename", p.File),
                    new XElement("methods", new XElement("method", Lines(p.Lines))),
                    Lines(p.Lines)))))))).Save(path);
        return path;
    }
}
