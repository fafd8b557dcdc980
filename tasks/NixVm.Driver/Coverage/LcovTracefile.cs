using System.Globalization;

namespace NixVm.Driver.Coverage;

/// <summary>An lcov tracefile (<c>.info</c>) as read back for figures, Cobertura and tests.</summary>
sealed class LcovTracefile
{
    readonly SortedDictionary<string, SourceFileCoverage> files = new(StringComparer.Ordinal);

    public IReadOnlyCollection<SourceFileCoverage> Files => files.Values;

    public CoverageFigures Figures => CoverageFigures.Of(files.Values);

    /// <summary>The file whose path ends with <paramref name="suffix"/> (e.g. "/server.c").</summary>
    public SourceFileCoverage File(string suffix) =>
        files.Values.SingleOrDefault(f => f.Path.EndsWith(suffix, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"no source file ending in '{suffix}' in the tracefile (it has: {string.Join(", ", files.Keys)})");

    public static LcovTracefile Load(string path)
    {
        var t = new LcovTracefile();
        SourceFileCoverage? current = null;
        var n = 0;
        foreach (var line in System.IO.File.ReadLines(path))
        {
            n++;
            var colon = line.IndexOf(':');
            var (key, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..]);
            var fields = value.Split(',');
            switch (key)
            {
                case "SF":
                    current = t.files.TryGetValue(value, out var f) ? f : t.files[value] = new SourceFileCoverage(value);
                    break;
                case "DA" when current is not null:
                    current.Lines[Int(fields[0])] = current.Lines.GetValueOrDefault(Int(fields[0])) + Long(fields[1]);
                    break;
                case "BRDA" when current is not null:
                    var key3 = (Int(fields[0]), Int(fields[1]), Int(fields[2]));
                    current.Branches[key3] = current.Branches.GetValueOrDefault(key3) + (fields[3] == "-" ? 0 : Long(fields[3]));
                    break;
                case "end_of_record":
                    current = null;
                    break;
            }
        }
        return t;

        int Int(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"{path}:{n}: '{s}' is not a line, block or branch number");
        long Long(string s) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"{path}:{n}: '{s}' is not a count");
    }
}
