using System.Text.RegularExpressions;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.EndToEnd;

/// <summary>
/// Each declaration rule has one owner, nix/validate.nix: the same mistake written in a Nix file
/// (nix-build of buildVms) and as .csproj items (a real dotnet build) is the same rule with the
/// same code, at the Nix file's line and at the offending item's line.
/// </summary>
public sealed class DeclarationRulesTests(LocalFeed feed)
{
    /// <param name="Machines">The body of buildVms' <c>machines</c>; the offending attribute is on the line holding <paramref name="NixMarker"/>.</param>
    /// <param name="Items">The same machines as items; the offending one holds <paramref name="ItemMarker"/>.</param>
    public sealed record Mistake(string Code, string Rule, string Machines, string NixMarker, string Items, string ItemMarker);

    static readonly Mistake[] Mistakes =
    [
        new("NIXVM007", "nixvm: machine 'web': attribute 'vlans': VLAN 1 is listed twice",
            "web = {\n  vlans = [ 1 1 ];\n};", "vlans",
            """<VirtualMachine Include="web" Vlans="1;1" />""", "Vlans"),
        new("NIXVM005", "nixvm: machine 'web': attribute 'memoryMB': must be an integer number of MiB, got 'lots'",
            "web = {\n  memoryMB = \"lots\";\n};", "memoryMB",
            """<VirtualMachine Include="web" MemoryMB="lots" />""", "MemoryMB"),
        new("NIXVM006", "nixvm: machine 'web': attribute 'memoryMB': 64 MiB is too little (minimum 128)",
            "web = {\n  memoryMB = 64;\n};", "memoryMB",
            """<VirtualMachine Include="web" MemoryMB="64" />""", "MemoryMB"),
        new("NIXVM010", "nixvm: machine 'web': attribute 'forwards': host port tcp/8080 is already forwarded by machine 'api'",
            "api = {\n  forwards = [ { host = 8080; guest = 80; } ];\n};\nweb = {\n  forwards = [ { host = 8080;\n    guest = 81; } ];\n};", "host = 8080;",
            """
                <VirtualMachine Include="api" />
                <VirtualMachine Include="web" />
                <PortForward Include="api" Host="8080" Guest="80" />
                <PortForward Include="web" Host="8080" Guest="81" />
            """, "Guest=\"81\""),
        new("NIXVM018", "nixvm: machine 'web': attribute 'services': service 'httpd': readyTimeout must be a positive integer (seconds), got 'soon'",
            "web = {\n  services = [ {\n    name = \"httpd\";\n    command = \"httpd\";\n    readyTimeout = \"soon\";\n  } ];\n};", "readyTimeout",
            """
                <VirtualMachine Include="web" />
                <VirtualMachineService Include="httpd" Machine="web" Command="httpd" ReadyTimeout="soon" />
            """, "ReadyTimeout"),
    ];

    [Fact(Timeout = 900_000)]
    public async Task The_same_mistake_is_the_same_rule_and_code_in_a_nix_file_and_in_items()
    {
        using var project = new TestProject(feed);
        foreach (var mistake in Mistakes)
        {
            var nix = await NixFileAsync(project.Root, mistake);
            Assert.True(nix.Code == mistake.Code, $"{mistake.Code} from the Nix file: {nix}");
            Assert.Equal(mistake.Rule, nix.Rule);

            project.WriteProject(mistake.Items);
            var build = await project.BuildAsync("-p:NixVmRunTestsOnBuild=false");
            var line = project.LineOf(mistake.ItemMarker);
            // One error, with a code: no second, uncoded "NIXBUILD : error :" for the same mistake.
            var errors = Regex.Matches(build.Output, @"^.*: error( [A-Z]+\d*)? ?: .*$", RegexOptions.Multiline).Select(m => m.Value).Distinct().ToList();
            Assert.True(errors.Count == 1, $"one error expected:\n{build}");
            Assert.True(Regex.IsMatch(errors[0], $@"Web\.VmTests\.csproj\({line}(,\d+)?\): error {mistake.Code}: {Regex.Escape(mistake.Rule)}( \[.*\])?$"), $"line {line}: {errors[0]}");
        }
    }

    /// <summary>nix-build of the repository's buildVms on a Nix file; the error's code, rule and Nix file line.</summary>
    static async Task<(string Code, string Rule, string Output)> NixFileAsync(string directory, Mistake mistake)
    {
        var file = Path.Combine(directory, "vms.nix");
        var machines = string.Join("\n", mistake.Machines.Split('\n').Select(l => "    " + l));
        await File.WriteAllTextAsync(file, $"(import {Repo.Root}/nix {{ }}).buildVms {{\n  name = \"rules\";\n  machines = {{\n{machines}\n  }};\n}}\n");
        var lines = (await File.ReadAllTextAsync(file)).Split('\n').ToList();
        var line = lines.FindLastIndex(l => l.Contains(mistake.NixMarker)) + 1;
        var run = await NixBuildCommand.RunAsync(file);
        var output = run.Stdout + run.Stderr;
        var m = Regex.Match(output, @"^error: (.*) \[(NIXVM\d+) at (.+):(\d+)\]$", RegexOptions.Multiline);
        Assert.True(m.Success, output);
        Assert.Equal(file, m.Groups[3].Value);
        Assert.True(int.Parse(m.Groups[4].Value) == line, $"line {line} expected: {output}");
        return (m.Groups[2].Value, m.Groups[1].Value, output);
    }
}
