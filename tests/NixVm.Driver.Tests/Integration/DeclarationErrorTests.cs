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
    [InlineData("machines = [ ];", "network 't': 'machines' must be an attribute set of machine declarations, got a list", "025")]
    [InlineData("machines = builtins.listToAttrs (builtins.genList (i: { name = \"m${toString i}\"; value = { }; }) 255);",
        "network 't': 255 machines declared, at most 254 are supported (node numbers 1..254)", "025")]
    [InlineData("colour = \"red\"; machines.a = {};", "buildVms: unknown argument 'colour' (allowed: name, machines)", "025")]
    [InlineData("machines.a = 1;", "machine 'a': the declaration must be an attribute set, got an integer", "017")]
    [InlineData("machines.a.vlans = 1;", "machine 'a': attribute 'vlans': expected a list, got an integer", "007")]
    [InlineData("machines.a.forwards = [ { host = 0; guest = 80; } ];", "machine 'a': attribute 'forwards': forward 1: host port 0 is out of range (1..65535)", "011")]
    [InlineData("machines.a.forwards = [ { host = 8080; guest = 80; protocol = \"sctp\"; } ];",
        "machine 'a': attribute 'forwards': forward 1: protocol 'sctp' is not \"tcp\" or \"udp\"", "011")]
    [InlineData("machines.a.forwards = [ 8080 ];", "machine 'a': attribute 'forwards': forward 1 must be { host; guest; protocol ? \"tcp\"; }, got an integer", "011")]
    [InlineData("machines.a.kernelParams = [ 1 ];", "machine 'a': attribute 'kernelParams': kernel parameters must be single-line strings, got 1", "024")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; user = \"Bad User\"; } ];",
        "machine 'a': attribute 'services': service 's': user 'Bad User' is not a valid account name", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; ready.tcp = 0; } ];",
        "machine 'a': attribute 'services': service 's': ready.tcp port 0 is out of range (1..65535)", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; ready.udp = 53; } ];",
        "machine 'a': attribute 'services': service 's': ready must be \"command\" | { command = \"…\"; } | { tcp = port; } | { http = \"http://…\"; }, got { udp }", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; ready.http = \"https://x/\"; } ];",
        "machine 'a': attribute 'services': service 's': ready.http must be an http:// URL", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; stop.signal = \"STOP\"; } ];",
        "machine 'a': attribute 'services': service 's': stop.signal 'STOP' is not one of TERM, INT, HUP, QUIT, KILL, USR1, USR2", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; stop.timeout = 0; } ];",
        "machine 'a': attribute 'services': service 's': stop.timeout must be a positive integer (seconds), got 0", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; directories = [ { path = \"/srv\"; owner = \"ghost\"; } ]; } ];",
        "machine 'a': attribute 'services': service 's': directory '/srv': owner 'ghost' is not a user of the guest (root, daemon, www-data, nobody)", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; directories = [ \"/tmp/xchg/d\" ]; } ];",
        "machine 'a': attribute 'services': service 's': directory '/tmp/xchg/d' is under /tmp/xchg, which is mounted at boot", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; environment.\"1A\" = \"x\"; } ];",
        "machine 'a': attribute 'services': service 's': environment variable name '1A' is not valid", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; environment.A = 1; } ];",
        "machine 'a': attribute 'services': service 's': environment variable A must be a string, got an integer", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; workingDirectory = \"srv\"; } ];",
        "machine 'a': attribute 'services': service 's': workingDirectory 'srv' is not absolute", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; logs = [ \"/var/log/\" ]; } ];",
        "machine 'a': attribute 'services': service 's': log path '/var/log/' is not normalised", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; dotnet = { publishDir = \"/nonexistent\"; assembly = \"Api.dll\"; }; } ];",
        "machine 'a': attribute 'services': service 's': dotnet.publishDir /nonexistent does not exist", "018")]
    [InlineData("machines.a.services = [ { name = \"s\"; command = \"x\"; dotnet = { publishDir = /tmp; assembly = \"Api.dll\"; }; } ];",
        "machine 'a': attribute 'services': service 's': give 'command' or 'dotnet', not both", "018")]
    [InlineData("machines.a.masks = [ \"/var/x\" ];", "machine 'a': attribute 'masks': mask '/var/x' is not under /etc or /usr", "019")]
    [InlineData("machines.a.masks = [ \"/etc/hostname\" ]; machines.a.files.\"/etc/hostname\" = \"x\";",
        "machine 'a': attribute 'masks': mask '/etc/hostname' would hide the declared file '/etc/hostname'", "019")]
    [InlineData("machines.a.masks = [ \"/etc/no-such-file\" ];", "machine 'a': attribute 'masks': mask '/etc/no-such-file': the host has no such file or directory", "019")]
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
    [InlineData("badStopSignal", "machine 'a': attribute 'services': service 'web': stop.signal 'TEM' is not one of", "018", 36)]
    [InlineData("badMask", "machine 'a': attribute 'masks': mask '/srv/x' is not under /etc or /usr", "019", 41)]
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
        Assert.Contains("error: nixvm: no guest kernel found in /nonexistent/kernel: set NIXVM_KERNEL_DIR or unpack one there (nixvm-runner doctor", r.Stderr);
    }
}
