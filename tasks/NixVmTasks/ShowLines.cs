using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>Shows summary lines of the targets (coverage) at default verbosity, also under the terminal logger (see <see cref="BuildOutput"/>).</summary>
public sealed class ShowLines : Microsoft.Build.Utilities.Task
{
    public string[] Lines { get; set; } = [];

    public override bool Execute()
    {
        foreach (var line in Lines.Where(l => l.Length > 0)) BuildOutput.Line(BuildEngine, line);
        return true;
    }
}
