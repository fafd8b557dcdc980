using Microsoft.Build.Framework;
using NixVm.Shared;

namespace NixVmTasks;

/// <summary>Writes nixvm.json beside the test assembly (<see cref="TestSettingsFile"/>).</summary>
public sealed class WriteTestSettings : Microsoft.Build.Utilities.Task
{
    [Required] public string OutputDirectory { get; set; } = "";
    [Required] public string Manifest { get; set; } = "";
    [Required] public string LogDirectory { get; set; } = "";
    [Required] public string Accelerator { get; set; } = "";

    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        File.WriteAllText(Path.Combine(OutputDirectory, TestSettingsFile.FileName), new TestSettingsFile(Manifest, LogDirectory, Accelerator).ToJson());
        return true;
    }
}
