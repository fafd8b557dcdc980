using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using NixVm.Shared;

namespace NixVmTasks.DotnetCoverage;

/// <summary>
/// The build's .NET coverage line: each scope's figures (a service on a machine, the code the
/// tests ran on the host) and the merged figures, where a source line counts as hit when any
/// scope hit it. A scope whose Cobertura file is missing had no data; one that measured no line
/// (e.g. the host side of a test project that only talks to VMs) is left out.
/// </summary>
public sealed partial class SummarizeDotnetCoverage : Microsoft.Build.Utilities.Task
{
    /// <summary>coverlet Cobertura files (may not exist) with metadata <c>ScopeName</c> (<c>Label</c> is an attribute of every MSBuild element, never metadata).</summary>
    [Required] public ITaskItem[] Reports { get; set; } = [];
    [Output] public string Summary { get; set; } = "";
    /// <summary>Some scope measured at least one line of .NET code.</summary>
    [Output] public bool Measured { get; set; }

    public override bool Execute()
    {
        var scopes = new List<string>();
        var merged = new Figures();
        foreach (var report in Reports)
        {
            var label = report.GetMetadata("ScopeName");
            if (!File.Exists(report.ItemSpec)) { scopes.Add($"{label} no coverage data"); continue; }
            var scope = new Figures();
            foreach (var (key, hits, branch) in Lines(XDocument.Load(report.ItemSpec)))
            {
                scope.Add(key, hits, branch);
                merged.Add(key, hits, branch);
            }
            if (scope.Lines.Count > 0) scopes.Add($"{label} {scope}");
        }
        Measured = merged.Lines.Count > 0;
        if (Measured) Summary = "NixVm .NET coverage: " + string.Join("; ", scopes) + $"; merged {merged}";
        return true;
    }

    /// <summary>Each class's lines (not its methods' copies), keyed by absolute source path and number.</summary>
    static IEnumerable<((string File, int Line) Key, long Hits, (int Covered, int Total) Branch)> Lines(XDocument report)
    {
        var source = report.Descendants("source").Select(s => s.Value).FirstOrDefault() ?? "/";
        foreach (var c in report.Descendants("class"))
        {
            var file = Path.Combine(source, (string?)c.Attribute("filename") ?? "");
            foreach (var line in c.Elements("lines").Elements("line"))
            {
                var condition = ConditionCoverage().Match((string?)line.Attribute("condition-coverage") ?? "");
                var branch = condition.Success
                    ? (int.Parse(condition.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(condition.Groups[2].Value, CultureInfo.InvariantCulture))
                    : (0, 0);
                yield return ((file, (int)line.Attribute("number")!), (long)line.Attribute("hits")!, branch);
            }
        }
    }

    [GeneratedRegex(@"\((\d+)/(\d+)\)")]
    private static partial Regex ConditionCoverage();

    sealed class Figures
    {
        public readonly Dictionary<(string, int), (bool Hit, int Covered, int Total)> Lines = [];

        public void Add((string, int) key, long hits, (int Covered, int Total) branch)
        {
            var old = Lines.GetValueOrDefault(key);
            Lines[key] = (old.Hit || hits > 0, Math.Max(old.Covered, branch.Covered), Math.Max(old.Total, branch.Total));
        }

        public override string ToString()
        {
            int hit = Lines.Values.Count(l => l.Hit), branches = Lines.Values.Sum(l => l.Total), covered = Lines.Values.Sum(l => l.Covered);
            return CoverageText.Figures(hit, Lines.Count, covered, branches);
        }
    }
}
