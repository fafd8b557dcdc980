using System.Xml.Linq;
using Microsoft.Build.Framework;

namespace NixVmTasks.DotnetCoverage;

/// <summary>
/// coverlet's instrumentation state (XML) names each module's hits file by the path compiled into
/// the instrumented assembly. One machine's hits files were copied into <see cref="HitsDirectory"/>:
/// this writes a copy of the state whose hits paths point there (for coverlet's CoverageResultTask,
/// which deletes the state it reads) and says how many modules it instrumented and how many of
/// their hits files exist.
/// </summary>
public sealed class RetargetCoverletHits : Microsoft.Build.Utilities.Task
{
    [Required] public string State { get; set; } = "";
    [Required] public string HitsDirectory { get; set; } = "";
    [Required] public string OutputState { get; set; } = "";
    [Output] public int Modules { get; set; }
    [Output] public int HitsFound { get; set; }

    public override bool Execute()
    {
        var state = XDocument.Load(State);
        foreach (var hits in state.Descendants().Where(e => e.Name.LocalName == "HitsFilePath"))
        {
            Modules++;
            hits.Value = Path.Combine(HitsDirectory, Path.GetFileName(hits.Value));
            if (File.Exists(hits.Value)) HitsFound++;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(OutputState))!);
        state.Save(OutputState);
        return true;
    }
}
