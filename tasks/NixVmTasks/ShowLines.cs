using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>
/// Shows lines at default verbosity with and without the terminal logger. The console logger prints
/// them like any high-importance message. The terminal logger shows high-importance messages only from
/// -v:detailed on, except "TLTESTOUTPUT" messages (how VSTest and Microsoft.Testing.Platform report
/// from a build), which it prints at once once a target named _TestRunStart has started (NixVmTest
/// depends on it). Runs in MSBuild's own process: a task host does not pass such messages on
/// (NixVmTasks.targets loads this one task without TaskHostFactory).
/// </summary>
public sealed class ShowLines : Microsoft.Build.Utilities.Task
{
    public string[] Lines { get; set; } = [];

    public override bool Execute()
    {
        foreach (var line in Lines.Where(l => l.Length > 0))
            BuildEngine.LogMessageEvent(new ExtendedBuildMessageEventArgs("TLTESTOUTPUT", line, null, "NixVmTasks", MessageImportance.High));
        return true;
    }
}
