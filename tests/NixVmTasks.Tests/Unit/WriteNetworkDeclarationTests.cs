using System.Text.Json;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.Unit;

/// <summary>
/// What the task decides itself (metadata names, duplicate and empty items, undeclared machines,
/// NixFile paths, the results directory) is one NIXVMnnn error at the offending item's line; every
/// value goes into the JSON as written (numbers as numbers), for nix/validate.nix to judge.
/// </summary>
public sealed class WriteNetworkDeclarationTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("nixvmtasks-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Writes a project whose line 3 onward are the given items, and runs the task on them.</summary>
    (MockEngine Engine, bool Result, string Project) Run(string[] items, Action<WriteNetworkDeclaration>? configure = null)
    {
        var project = Path.Combine(dir, "Test.csproj");
        File.WriteAllLines(project, ["<Project>", "  <ItemGroup>", .. items.Select(i => "    " + i), "  </ItemGroup>", "</Project>"]);
        var byType = ProjectItem.Load(project);
        var engine = new MockEngine();
        var task = new WriteNetworkDeclaration
        {
            BuildEngine = engine,
            VirtualMachines = byType("VirtualMachine"),
            VirtualMachineServices = byType("VirtualMachineService"),
            PortForwards = byType("PortForward"),
            NetworkName = "test",
            ProjectFile = project,
            DeclarationFile = Path.Combine(dir, "obj", "network.json"),
        };
        configure?.Invoke(task);
        return (engine, task.Execute(), project);
    }

    JsonElement Machine(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "obj", "network.json"))).RootElement.GetProperty("machines").GetProperty(name);

    static string Compact(JsonElement e) => JsonSerializer.Serialize(e);

    [Theory]
    [InlineData("<VirtualMachine Include=\"web\" Colour=\"red\" />", "NIXVM001", "VirtualMachine 'web' has unknown metadata 'Colour'")]
    [InlineData("<VirtualMachine Include=\"web\" NixFile=\"missing.nix\" />", "NIXVM012", "NixFile 'missing.nix' does not exist")]
    [InlineData("<VirtualMachineService Include=\"httpd\" Machine=\"web\" Colour=\"red\" />", "NIXVM001", "VirtualMachineService 'httpd' has unknown metadata 'Colour'")]
    [InlineData("<VirtualMachineService Include=\"httpd\" Machine=\"web\" Command=\"x\" Arguments=\"-v\" />", "NIXVM001", "Arguments apply to a Project service only")]
    [InlineData("<VirtualMachineService Include=\"httpd\" Machine=\"db\" Command=\"x\" />", "NIXVM073", "runs on 'db', which is not a VirtualMachine")]
    [InlineData("<VirtualMachineService Include=\"httpd\" Command=\"x\" />", "NIXVM073", "names no machine")]
    [InlineData("<PortForward Include=\"db\" Host=\"8080\" Guest=\"80\" />", "NIXVM009", "'db', which is not a VirtualMachine")]
    [InlineData("<PortForward Include=\"web\" Host=\"8080\" Guest=\"80\" Bind=\"0.0.0.0\" />", "NIXVM001", "unknown metadata 'Bind'")]
    public void A_mistake_only_msbuild_can_see_is_one_error_at_its_line(string item, string code, string message)
    {
        var items = item.StartsWith("<VirtualMachine ") ? new[] { item } : ["<VirtualMachine Include=\"web\" />", item];
        var (engine, result, project) = Run(items);
        Assert.False(result);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(project, error.File);
        Assert.Equal(item.StartsWith("<VirtualMachine ") ? 3 : 4, error.LineNumber);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_duplicate_machine_is_reported_at_the_duplicate()
    {
        var (engine, _, _) = Run(["<VirtualMachine Include=\"web\" />", "<VirtualMachine Include=\"db\" />", "<VirtualMachine Include=\"web\" MemoryMB=\"256\" />"]);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("NIXVM002", error.Code);
        Assert.Equal(5, error.LineNumber);
        Assert.Contains("'web' is declared twice", error.Message);
    }

    [Fact]
    public void An_empty_name_says_what_to_write()
    {
        var (engine, _, _) = Run(["<VirtualMachine Include=\" \" />"]);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("NIXVM003", error.Code);
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public void An_unwritable_results_directory_is_an_error()
    {
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "");
        var (engine, _, _) = Run(["<VirtualMachine Include=\"web\" />"], t => t.ResultsDirectory = Path.Combine(blocker, "results"));
        var error = Assert.Single(engine.Errors);
        Assert.Equal("NIXVM015", error.Code);
        Assert.Contains("is not writable", error.Message);
    }

    [Fact]
    public void Values_are_written_as_numbers_when_they_parse_and_as_text_for_nix_to_judge_otherwise()
    {
        var (engine, result, _) = Run([
            "<VirtualMachine Include=\"web\" MemoryMB=\"lots\" Cores=\"-1\" Vlans=\"1;1;x\" Masks=\"/etc/a;/usr/b\" />",
            "<PortForward Include=\"web\" Host=\"99999\" Guest=\"http\" />",
            "<PortForward Include=\"web\" Host=\"8080\" />",
        ]);
        Assert.True(result, string.Join("\n", engine.Errors.Select(e => e.Message)));
        var web = Machine("web");
        Assert.Equal("\"lots\"", Compact(web.GetProperty("memoryMB")));
        Assert.Equal("-1", Compact(web.GetProperty("cores")));
        Assert.Equal("[1,1,\"x\"]", Compact(web.GetProperty("vlans")));
        Assert.Equal("[\"/etc/a\",\"/usr/b\"]", Compact(web.GetProperty("masks")));
        Assert.Equal("[{\"host\":99999,\"guest\":\"http\"},{\"host\":8080}]", Compact(web.GetProperty("forwards")));
    }

    [Fact]
    public void A_machine_with_a_nix_file_and_an_inline_service_uses_nix_attribute_names()
    {
        File.WriteAllText(Path.Combine(dir, "web.nix"), "{ }");
        var (engine, result, _) = Run([
            "<VirtualMachine Include=\"web\" NixFile=\"web.nix\" MemoryMB=\"512\" Vlans=\"1;2\" Service=\"busybox httpd -f\" Ready=\"tcp:80\" />",
            "<VirtualMachine Include=\"client\" />",
        ]);
        Assert.True(result, string.Join("\n", engine.Errors.Select(e => e.Message)));
        var web = Machine("web");
        Assert.Equal(Path.Combine(dir, "web.nix"), web.GetProperty("nixFile").GetString());
        Assert.Equal(512, web.GetProperty("memoryMB").GetInt32());
        Assert.Equal("[{\"name\":\"main\",\"command\":\"busybox httpd -f\",\"ready\":{\"tcp\":80}}]", Compact(web.GetProperty("services")));
        Assert.Equal("{}", Compact(Machine("client")));
    }

    [Fact]
    public void Service_items_map_every_metadata_to_the_service_model()
    {
        var (engine, result, _) = Run([
            "<VirtualMachine Include=\"web\" />",
            "<VirtualMachine Include=\"server\" />",
            "<VirtualMachineService Include=\"httpd\" Machine=\"web\" Command=\"apache2 -DFOREGROUND\" User=\"www-data\" Group=\"www\" Environment=\"A=1;B=x=y\" Directories=\"/run/apache2;/var/log/apache2\" WorkingDirectory=\"/srv\" Ready=\"http://127.0.0.1/\" ReadyTimeout=\"60\" StopSignal=\"WINCH\" StopCommand=\"apache2ctl stop\" StopTimeout=\"5\" Logs=\"/var/log/apache2\" />",
            "<VirtualMachineService Include=\"api\" Machine=\"server\" Project=\"../Api/Api.csproj\" PublishDirectory=\"/p/api\" Assembly=\"Api.dll\" Arguments=\"--urls &quot;http://0.0.0.0:5000&quot; -v\" Ready=\"test -e /tmp/up\" />",
            "<VirtualMachineService Include=\"odd\" Machine=\"server\" Command=\"x\" Environment=\"NOEQUALS\" ReadyTimeout=\"soon\" />",
        ]);
        Assert.True(result, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Equal("""[{"name":"httpd","command":"apache2 -DFOREGROUND","user":"www-data","group":"www","environment":{"A":"1","B":"x=y"},"directories":["/run/apache2","/var/log/apache2"],"workingDirectory":"/srv","ready":{"http":"http://127.0.0.1/"},"readyTimeout":60,"stop":{"signal":"WINCH","command":"apache2ctl stop","timeout":5},"logs":["/var/log/apache2"]}]""",
            Compact(Machine("web").GetProperty("services")));
        Assert.Equal("""[{"name":"api","dotnet":{"publishDir":"/p/api","assembly":"Api.dll","args":["--urls","http://0.0.0.0:5000","-v"]},"ready":"test -e /tmp/up"},{"name":"odd","command":"x","environment":"NOEQUALS","readyTimeout":"soon"}]""",
            Compact(Machine("server").GetProperty("services")));
    }

    [Fact]
    public void An_unchanged_declaration_is_not_rewritten()
    {
        Run(["<VirtualMachine Include=\"web\" />"]);
        var file = Path.Combine(dir, "obj", "network.json");
        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(file, old);
        Run(["<VirtualMachine Include=\"web\" />"]);
        Assert.Equal(old, File.GetLastWriteTimeUtc(file));
    }
}
