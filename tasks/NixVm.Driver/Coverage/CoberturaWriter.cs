using System.Globalization;
using System.Xml.Linq;

namespace NixVm.Driver.Coverage;

/// <summary>
/// Writes an lcov tracefile as Cobertura XML (what CI servers and ReportGenerator read). lcov 1.16
/// has no Cobertura output; one package per program, one class per source file, named as
/// <see cref="SourceNames"/> says, relative to the listed sources (the programs' store directories).
/// </summary>
static class CoberturaWriter
{
    public static void Write(LcovTracefile trace, string path)
    {
        var packages = trace.Files.GroupBy(f => SourceNames.ProgramOf(f.Path)).Select(program =>
            new XElement("package", new XAttribute("name", program.Key), Rates(CoverageFigures.Of(program)), new XAttribute("complexity", 0),
                new XElement("classes", program.Select(f =>
                    new XElement("class", new XAttribute("name", SourceNames.Of(f.Path)), new XAttribute("filename", SourceNames.Of(f.Path)),
                        Rates(CoverageFigures.Of([f])), new XAttribute("complexity", 0),
                        new XElement("methods"),
                        new XElement("lines", f.Lines.Select(l => Line(f, l.Key, l.Value))))))));
        var all = trace.Figures;
        var doc = new XDocument(new XElement("coverage",
            Rates(all),
            new XAttribute("lines-covered", all.LinesHit), new XAttribute("lines-valid", all.Lines),
            new XAttribute("branches-covered", all.BranchesHit), new XAttribute("branches-valid", all.Branches),
            new XAttribute("complexity", 0), new XAttribute("version", "nixvm"),
            new XAttribute("timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            new XElement("sources", trace.Files.Select(f => SourceNames.RootOf(f.Path)).OfType<string>().Distinct().Order(StringComparer.Ordinal)
                .Select(root => new XElement("source", root))),
            new XElement("packages", packages)));
        doc.Save(path);
    }

    static XElement Line(SourceFileCoverage f, int number, long hits)
    {
        var e = new XElement("line", new XAttribute("number", number), new XAttribute("hits", hits));
        var branches = f.Branches.Where(b => b.Key.Line == number).ToList();
        e.Add(new XAttribute("branch", branches.Count > 0 ? "true" : "false"));
        if (branches.Count > 0)
        {
            var taken = branches.Count(b => b.Value > 0);
            e.Add(new XAttribute("condition-coverage",
                string.Create(CultureInfo.InvariantCulture, $"{100 * taken / branches.Count}% ({taken}/{branches.Count})")));
        }
        return e;
    }

    static XAttribute[] Rates(CoverageFigures f) =>
    [
        new("line-rate", f.LineRate.ToString("0.####", CultureInfo.InvariantCulture)),
        new("branch-rate", f.BranchRate.ToString("0.####", CultureInfo.InvariantCulture)),
    ];
}
