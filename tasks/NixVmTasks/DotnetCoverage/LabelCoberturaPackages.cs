using System.Xml.Linq;
using Microsoft.Build.Framework;

namespace NixVmTasks.DotnetCoverage;

/// <summary>
/// Appends <c>@machine</c> to every package (assembly) of a Cobertura file, so that the merged
/// report lists a service's assemblies once per machine (<c>Api@server</c>) instead of adding the
/// machines' hits together.
/// </summary>
public sealed class LabelCoberturaPackages : Microsoft.Build.Utilities.Task
{
    [Required] public string File { get; set; } = "";
    [Required] public string Machine { get; set; } = "";

    public override bool Execute()
    {
        var report = XDocument.Load(File);
        foreach (var package in report.Descendants("package"))
            package.SetAttributeValue("name", $"{(string?)package.Attribute("name")}@{Machine}");
        report.Save(File);
        return true;
    }
}
