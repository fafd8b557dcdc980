using System.Text.RegularExpressions;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>Bad network declarations fail evaluation with a throw naming the machine and the attribute.</summary>
public class DeclarationErrorTests
{
    [Theory(Timeout = 600_000)]
    [InlineData("machines.a.colour = \"red\";", "machine 'a': attribute 'colour': unknown attribute (allowed: vlans, memoryMB", "017")]
    [InlineData("machines.A_b = {};", "machine 'A_b': the name is not a valid host name", "004")]
    [InlineData("machines.a.vlans = [ 0 ];", "machine 'a': attribute 'vlans': VLAN 0 is out of range (1..255)", "007")]
    [InlineData("machines.a.vlans = [ 256 ];", "machine 'a': attribute 'vlans': VLAN 256 is out of range (1..255)", "007")]
    [InlineData("machines.a.memoryMB = \"lots\";", "machine 'a': attribute 'memoryMB': must be an integer number of MiB", "005")]
    [InlineData("machines.a.memoryMB = 64;", "machine 'a': attribute 'memoryMB': 64 MiB is too little (minimum 128)", "006")]
    [InlineData("machines.a.cores = 0;", "machine 'a': attribute 'cores': cores 0 is out of range (1..16)", "008")]
    [InlineData("machines.a.forwards = [ { host = 8081; guest = 80; } ]; machines.b.forwards = [ { host = 8081; guest = 81; } ];",
        "machine 'b': attribute 'forwards': host port tcp/8081 is already forwarded by machine 'a'", "010")]
    [InlineData("machines.a.services = [ { command = \"x\"; } ];", "machine 'a': attribute 'services': service 1 has no 'name'", "018")]
    [InlineData("machines.a.files.\"relative/x\" = \"y\";", "machine 'a': attribute 'files': path 'relative/x' is not absolute", "019")]
    [InlineData("machines.a.files.\"/tmp/xchg/x\" = \"y\";", "machine 'a': attribute 'files': path '/tmp/xchg/x' is under /tmp/xchg, which is mounted at boot", "019")]
    [InlineData("machines.a.modules = [ \"no_such_module\" ];", "machine 'a': attribute 'modules': kernel", "024")]
    [InlineData("machines = {};", "network 't': no machines declared", "016")]
    public async Task Bad_declarations_name_the_machine_and_attribute(string declaration, string expected, string code)
    {
        using var dir = new TempDirectory();
        var file = dir.File("bad.nix");
        await File.WriteAllTextAsync(file,
            $"{{ vms = (import {Repo.PathOf("nix")} {{ }}).buildVms {{ name = \"t\"; {declaration} }}; }}", TestContext.Current.CancellationToken);
        var r = await NixBuild.RunAsync(file, "vms");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: " + expected, r.Stderr);
        // The whole declaration is on line 1 of the file.
        Assert.Matches($@"error: nixvm: .* \[NIXVM{code} at {Regex.Escape(file)}:1\]", r.Stderr);
    }

    [Theory(Timeout = 600_000)]
    [InlineData("badVlan", "machine 'a': attribute 'vlans': VLAN 0 is out of range (1..255)", "007", 8)]
    [InlineData("badService", "machine 'a': attribute 'services': service 'web': readyTimeout must be a positive integer (seconds), got 0", "018", 15)]
    [InlineData("unnamedService", "machine 'b': attribute 'services': service 1 has no 'name'", "018", 20)]
    [InlineData("badFileMode", "machine 'a': attribute 'files': file '/srv/x': mode '999' is not an octal mode", "019", 26)]
    [InlineData("badMachineName", "machine 'B': the name is not a valid host name", "004", 30)]
    public async Task An_error_names_the_file_and_line_of_the_offending_attribute(string attribute, string expected, string code, int line)
    {
        var file = TestNetwork.Case("declaration-errors");
        var r = await NixBuild.RunAsync(file, attribute);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"error: nixvm: {expected}", r.Stderr);
        Assert.Contains($" [NIXVM{code} at {file}:{line}]", r.Stderr);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_JSON_declaration_gets_the_code_without_a_position()
    {
        using var dir = new TempDirectory();
        var json = dir.File("network.json");
        await File.WriteAllTextAsync(json, """{ "name": "t", "machines": { "a": { "vlans": [ 0 ] } } }""", TestContext.Current.CancellationToken);
        var r = await Commands.NixAsync("nix-instantiate", Repo.PathOf("nix", "from-json.nix"), "--argstr", "declaration", json);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: machine 'a': attribute 'vlans': VLAN 0 is out of range (1..255) [NIXVM007]", r.Stderr);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_missing_kernel_says_how_to_get_one()
    {
        var r = await NixBuild.RunAsync(TestNetwork.WebSample, "vms", new Dictionary<string, string> { ["NIXVM_KERNEL_DIR"] = "/nonexistent/kernel" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: no guest kernel found in /nonexistent/kernel: run scripts/bootstrap", r.Stderr);
    }
}
