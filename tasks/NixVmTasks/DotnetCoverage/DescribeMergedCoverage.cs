using System.Globalization;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using NixVm.Shared;

namespace NixVmTasks.DotnetCoverage;

/// <summary>
/// The figures of ReportGenerator's merged Cobertura report (native and .NET), from its counts
/// (<c>lines-valid</c>, …): its <c>line-rate</c> is 1 when nothing was coverable.
/// </summary>
public sealed class DescribeMergedCoverage : Microsoft.Build.Utilities.Task
{
    [Required] public string Report { get; set; } = "";
    [Output] public string Figures { get; set; } = "";

    public override bool Execute()
    {
        var root = XDocument.Load(Report).Root!;
        long Count(string name) => long.Parse((string?)root.Attribute(name) ?? "0", CultureInfo.InvariantCulture);
        Figures = CoverageText.Figures(Count("lines-covered"), Count("lines-valid"), Count("branches-covered"), Count("branches-valid"));
        return true;
    }
}
