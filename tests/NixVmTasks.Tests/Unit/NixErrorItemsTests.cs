using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.Unit;

/// <summary>A Nix error about the JSON declaration is reported at the item that wrote the offending value.</summary>
public sealed class NixErrorItemsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("nixvmtasks-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("nixvm: machine 'web': attribute 'vlans': VLAN 1 is listed twice", 3)]
    [InlineData("nixvm: machine 'web': the name is not a valid host name", 3)]
    [InlineData("nixvm: machine 'db': attribute 'memoryMB': 64 MiB is too little (minimum 128)", 4)]
    [InlineData("nixvm: machine 'web': attribute 'services': service 'api': readyTimeout must be a positive integer (seconds), got \"soon\"", 5)]
    [InlineData("nixvm: machine 'web': attribute 'services': service 'httpd' is declared twice", 7)]
    [InlineData("nixvm: machine 'web': attribute 'services': service 'main': command must be a non-empty string", 3)]
    [InlineData("nixvm: machine 'db': attribute 'forwards': host port tcp/8080 is already forwarded by machine 'web'", 9)]
    [InlineData("nixvm: machine 'web': attribute 'forwards': forward 1: guest port 0 is out of range (1..65535)", 10)]
    [InlineData("nixvm: machine 'web': attribute 'forwards': forward 1: host port must be an integer, got \"x\"", 10)]
    public void The_item_that_wrote_the_value(string message, int line)
    {
        var project = Path.Combine(dir, "Test.csproj");
        File.WriteAllLines(project, [
            "<Project>",
            "  <ItemGroup>",
            "    <VirtualMachine Include=\"web\" Service=\"x\" Vlans=\"1;1\" />",                         // 3
            "    <VirtualMachine Include=\"db\" MemoryMB=\"64\" />",                                       // 4
            "    <VirtualMachineService Include=\"api\" Machine=\"web\" ReadyTimeout=\"soon\" />",          // 5
            "    <VirtualMachineService Include=\"httpd\" Machine=\"web\" />",                             // 6
            "    <VirtualMachineService Include=\"httpd\" Machine=\"web\" />",                             // 7
            "    <PortForward Include=\"web\" Host=\"8080\" Guest=\"80\" />",                              // 8
            "    <PortForward Include=\"db\" Host=\"8080\" Guest=\"80\" />",                               // 9
            "    <PortForward Include=\"web\" Host=\"x\" Guest=\"0\" />",                                  // 10
            "  </ItemGroup>",
            "</Project>",
        ]);
        var byType = ProjectItem.Load(project);
        var items = new NixErrorItems(byType("VirtualMachine"), byType("VirtualMachineService"), byType("PortForward"));
        Assert.Equal((project, line), items.Locate(message));
    }

    [Fact]
    public void A_network_error_names_no_item()
    {
        var items = new NixErrorItems([], [], []);
        Assert.Null(items.Locate("nixvm: network \"x y\": …"));
    }
}
