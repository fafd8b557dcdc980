using System.Text.Json;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.Unit;

/// <summary>
/// Each malformed declaration gives exactly one NIXVMnnn error at the project file and the line of
/// the offending item, with a sentence saying how to fix it.
/// </summary>
public sealed class WriteNetworkDeclarationTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("nixvmtasks-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Writes a project whose line 3 onward are the given items, and runs the task on them.</summary>
    (MockEngine Engine, bool Result, string Project) Run(string[] machines, string[] forwards, Action<WriteNetworkDeclaration>? configure = null)
    {
        var project = Path.Combine(dir, "Test.csproj");
        var lines = new List<string> { "<Project>", "  <ItemGroup>" };
        var vmItems = new List<ProjectItem>();
        var fwItems = new List<ProjectItem>();
        foreach (var m in machines) lines.Add("    " + m);
        foreach (var f in forwards) lines.Add("    " + f);
        lines.AddRange(["  </ItemGroup>", "</Project>"]);
        File.WriteAllLines(project, lines);
        foreach (var element in System.Xml.Linq.XDocument.Load(project).Descendants())
        {
            if (element.Attribute("Include") is not { } include) continue;
            var item = new ProjectItem(include.Value, project,
                element.Attributes().Where(a => a.Name != "Include").ToDictionary(a => a.Name.LocalName, a => a.Value));
            (element.Name.LocalName == "VirtualMachine" ? vmItems : fwItems).Add(item);
        }
        var engine = new MockEngine();
        var task = new WriteNetworkDeclaration
        {
            BuildEngine = engine,
            VirtualMachines = vmItems.ToArray(),
            PortForwards = fwItems.ToArray(),
            NetworkName = "test",
            ProjectFile = project,
            DeclarationFile = Path.Combine(dir, "obj", "network.json"),
        };
        configure?.Invoke(task);
        return (engine, task.Execute(), project);
    }

    [Theory]
    [InlineData("<VirtualMachine Include=\"web\" Colour=\"red\" />", "NIXVM001", "unknown metadata 'Colour'")]
    [InlineData("<VirtualMachine Include=\"Web_1\" />", "NIXVM004", "is not a valid host name")]
    [InlineData("<VirtualMachine Include=\"-web\" />", "NIXVM004", "is not a valid host name")]
    [InlineData("<VirtualMachine Include=\"web\" MemoryMB=\"lots\" />", "NIXVM005", "MemoryMB 'lots' is not a whole number")]
    [InlineData("<VirtualMachine Include=\"web\" MemoryMB=\"64\" />", "NIXVM006", "MemoryMB 64 is too small")]
    [InlineData("<VirtualMachine Include=\"web\" Vlans=\"0\" />", "NIXVM007", "VLAN '0' is out of range")]
    [InlineData("<VirtualMachine Include=\"web\" Vlans=\"1;256\" />", "NIXVM007", "VLAN '256' is out of range")]
    [InlineData("<VirtualMachine Include=\"web\" Cores=\"0\" />", "NIXVM008", "Cores '0' must be a whole number from 1 to 16")]
    [InlineData("<VirtualMachine Include=\"web\" NixFile=\"missing.nix\" />", "NIXVM012", "NixFile 'missing.nix' does not exist")]
    public void A_bad_machine_is_one_error_at_its_line(string machine, string code, string message)
    {
        var (engine, result, project) = Run([machine], []);
        Assert.False(result);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(project, error.File);
        Assert.Equal(3, error.LineNumber);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_duplicate_machine_is_reported_at_the_second_declaration()
    {
        var (engine, _, _) = Run(["<VirtualMachine Include=\"web\" />", "<VirtualMachine Include=\"db\" />", "<VirtualMachine Include=\"web\" MemoryMB=\"256\" />"], []);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("NIXVM002", error.Code);
        Assert.Contains("'web' is declared twice", error.Message);
    }

    [Fact]
    public void An_empty_name_says_what_to_write()
    {
        var (engine, _, _) = Run(["<VirtualMachine Include=\" \" />"], []);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("NIXVM003", error.Code);
        Assert.Equal(3, error.LineNumber);
    }

    [Theory]
    [InlineData("<PortForward Include=\"db\" Host=\"8080\" Guest=\"80\" />", "NIXVM009", "'db', which is not a VirtualMachine")]
    [InlineData("<PortForward Include=\"web\" Host=\"99999\" Guest=\"80\" />", "NIXVM011", "Host '99999' must be a TCP port")]
    [InlineData("<PortForward Include=\"web\" Host=\"8080\" />", "NIXVM011", "Guest '' must be a TCP port")]
    [InlineData("<PortForward Include=\"web\" Host=\"8080\" Guest=\"80\" Bind=\"0.0.0.0\" />", "NIXVM001", "unknown metadata 'Bind'")]
    public void A_bad_forward_is_one_error_at_its_line(string forward, string code, string message)
    {
        var (engine, _, _) = Run(["<VirtualMachine Include=\"web\" />"], [forward]);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(4, error.LineNumber);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_host_port_used_twice_is_reported_at_the_second_forward()
    {
        var (engine, _, _) = Run(["<VirtualMachine Include=\"web\" />", "<VirtualMachine Include=\"api\" />"],
            ["<PortForward Include=\"web\" Host=\"8080\" Guest=\"80\" />", "<PortForward Include=\"api\" Host=\"8080\" Guest=\"81\" />"]);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("NIXVM010", error.Code);
        Assert.Equal(6, error.LineNumber);
        Assert.Contains("host port 8080 is forwarded twice (to 'web' and to 'api')", error.Message);
    }

    [Theory]
    [InlineData("Backend", "docker", "NIXVM013", "NixVmBackend 'docker' is not known")]
    [InlineData("Accelerator", "hvf", "NIXVM014", "NixVmAccelerator 'hvf' is not known")]
    public void Unknown_property_values_are_errors_at_the_project(string property, string value, string code, string message)
    {
        var (engine, _, project) = Run(["<VirtualMachine Include=\"web\" />"], [],
            t => typeof(WriteNetworkDeclaration).GetProperty(property)!.SetValue(t, value));
        var error = Assert.Single(engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(project, error.File);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void An_unwritable_results_directory_is_an_error()
    {
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "");
        var (engine, _, _) = Run(["<VirtualMachine Include=\"web\" />"], [], t => t.ResultsDirectory = Path.Combine(blocker, "results"));
        var error = Assert.Single(engine.Errors);
        Assert.Equal("NIXVM015", error.Code);
        Assert.Contains("is not writable", error.Message);
    }

    [Fact]
    public void No_machines_is_an_error()
    {
        var (engine, _, _) = Run([], []);
        Assert.Equal("NIXVM016", Assert.Single(engine.Errors).Code);
    }

    [Fact]
    public void A_good_declaration_is_written_with_nix_attribute_names()
    {
        File.WriteAllText(Path.Combine(dir, "web.nix"), "{ }");
        var (engine, result, _) = Run(
            ["<VirtualMachine Include=\"web\" NixFile=\"web.nix\" MemoryMB=\"512\" Vlans=\"1;2\" Service=\"busybox httpd -f\" Ready=\"nc -z 127.0.0.1 80\" />", "<VirtualMachine Include=\"client\" />"],
            ["<PortForward Include=\"web\" Host=\"8080\" Guest=\"80\" />"]);
        Assert.True(result, string.Join("\n", engine.Errors.Select(e => e.Message)));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "obj", "network.json")));
        var web = json.RootElement.GetProperty("machines").GetProperty("web");
        Assert.Equal(512, web.GetProperty("memoryMB").GetInt32());
        Assert.Equal("[1,2]", web.GetProperty("vlans").GetRawText().Replace(" ", "").Replace("\n", "").Replace("\r", ""));
        Assert.Equal(Path.Combine(dir, "web.nix"), web.GetProperty("nixFile").GetString());
        Assert.Equal("busybox httpd -f", web.GetProperty("services")[0].GetProperty("command").GetString());
        Assert.Equal(8080, web.GetProperty("forwards")[0].GetProperty("host").GetInt32());
        Assert.False(json.RootElement.GetProperty("machines").GetProperty("client").TryGetProperty("memoryMB", out _));
    }

    [Fact]
    public void An_unchanged_declaration_is_not_rewritten()
    {
        Run(["<VirtualMachine Include=\"web\" />"], []);
        var file = Path.Combine(dir, "obj", "network.json");
        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(file, old);
        Run(["<VirtualMachine Include=\"web\" />"], []);
        Assert.Equal(old, File.GetLastWriteTimeUtc(file));
    }
}
