using System.Text.RegularExpressions;

namespace NixVm.Driver.Tests.Support;

/// <summary>tests/nix-cases/coverage-tiny.c, whose executable lines carry <c>/* hit: … */</c> marks naming the roles that run them.</summary>
static partial class CoverageTiny
{
    public static readonly string Source = Repo.PathOf("tests", "nix-cases", "coverage-tiny.c");

    /// <summary>Line number → roles named by its mark.</summary>
    public static Dictionary<int, string[]> Marks() =>
        File.ReadLines(Source).Select((text, i) => (Line: i + 1, Match: HitMark().Match(text)))
            .Where(l => l.Match.Success)
            .ToDictionary(l => l.Line, l => l.Match.Groups[1].Value.Split(' '));

    /// <summary>The lines a role runs, in order.</summary>
    public static IEnumerable<int> LinesRunBy(string role) =>
        Marks().Where(m => m.Value.Contains(role)).Select(m => m.Key).Order();

    [GeneratedRegex(@"/\* hit: ([a-z ]+) \*/")]
    private static partial Regex HitMark();
}
