using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>Bad network declarations fail evaluation with a throw naming the machine and the attribute.</summary>
public class DeclarationErrorTests
{
    [Theory(Timeout = 600_000)]
    [InlineData("machines.a.colour = \"red\";", "machine 'a': attribute 'colour': unknown attribute (allowed: vlans, memoryMB")]
    [InlineData("machines.A_b = {};", "machine 'A_b': the name is not a valid host name")]
    [InlineData("machines.a.vlans = [ 0 ];", "machine 'a': attribute 'vlans': VLAN 0 is out of range (1..255)")]
    [InlineData("machines.a.vlans = [ 256 ];", "machine 'a': attribute 'vlans': VLAN 256 is out of range (1..255)")]
    [InlineData("machines.a.memoryMB = \"lots\";", "machine 'a': attribute 'memoryMB': must be an integer number of MiB")]
    [InlineData("machines.a.memoryMB = 64;", "machine 'a': attribute 'memoryMB': 64 MiB is too little (minimum 128)")]
    [InlineData("machines.a.cores = 0;", "machine 'a': attribute 'cores': cores 0 is out of range (1..16)")]
    [InlineData("machines.a.forwards = [ { host = 8081; guest = 80; } ]; machines.b.forwards = [ { host = 8081; guest = 81; } ];",
        "machine 'b': attribute 'forwards': host port tcp/8081 is already forwarded by machine 'a'")]
    [InlineData("machines.a.services = [ { command = \"x\"; } ];", "machine 'a': attribute 'services': service 1 has no 'name'")]
    [InlineData("machines.a.files.\"relative/x\" = \"y\";", "machine 'a': attribute 'files': path 'relative/x' is not absolute")]
    [InlineData("machines.a.files.\"/tmp/xchg/x\" = \"y\";", "machine 'a': attribute 'files': path '/tmp/xchg/x' is under /tmp/xchg, which is mounted at boot")]
    [InlineData("machines.a.modules = [ \"no_such_module\" ];", "machine 'a': attribute 'modules': kernel")]
    [InlineData("machines = {};", "network 't': no machines declared")]
    public async Task Bad_declarations_name_the_machine_and_attribute(string declaration, string expected)
    {
        using var dir = new TempDirectory();
        var file = dir.File("bad.nix");
        await File.WriteAllTextAsync(file,
            $"{{ vms = (import {Repo.PathOf("nix")} {{ }}).buildVms {{ name = \"t\"; {declaration} }}; }}", TestContext.Current.CancellationToken);
        var r = await NixBuild.RunAsync(file, "vms");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: " + expected, r.Stderr);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_missing_kernel_says_how_to_get_one()
    {
        var r = await NixBuild.RunAsync(TestNetwork.WebSample, "vms", new Dictionary<string, string> { ["NIXVM_KERNEL_DIR"] = "/nonexistent/kernel" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error: nixvm: no guest kernel found in /nonexistent/kernel: run scripts/bootstrap", r.Stderr);
    }
}
