using System.Reflection;
using System.Text.RegularExpressions;
using NixVmTasks.Tests.Support;

namespace NixVmTasks.Tests.Unit;

/// <summary>Every NIXVM code the build can report has an entry in the README that its help link points at.</summary>
public class HelpLinksTests
{
    static readonly string Readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));

    [Fact]
    public void Every_code_has_a_readme_anchor()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)
            .Concat(Matches("targets", "*.targets", @"Code=""(NIXVM\d{3})"""))
            .Concat(Matches("nix", "validate.nix", @"""(0\d{2})""").Select(n => "NIXVM" + n))
            .Concat(Matches(Path.Combine("tasks", "NixVm.Runner", "Doctor"), "*.cs", @"""(NIXVM\d{3})"""))
            .Distinct().Order().ToList();
        Assert.Contains("NIXVM007", codes);
        Assert.Contains("NIXVM080", codes);
        Assert.All(codes, code => Assert.Contains($"<a id=\"{code.ToLowerInvariant()}\"></a>", Readme));
    }

    [Fact]
    public void The_targets_link_each_code_to_its_own_anchor()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "targets"), "*.targets"))
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"Code=""NIXVM(\d{3})""(\s+HelpLink=""([^""]*)"")?"))
                Assert.Equal("$(_NixVmHelpLink)nixvm" + m.Groups[1].Value, m.Groups[3].Value);
    }

    static IEnumerable<string> Matches(string directory, string pattern, string regex) =>
        Directory.GetFiles(Path.Combine(Repo.Root, directory), pattern)
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), regex).Select(m => m.Groups[1].Value));
}
