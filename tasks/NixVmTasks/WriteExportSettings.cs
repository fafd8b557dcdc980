using System.Text.Json;
using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>
/// NixVmExport's settings: the JSON file that the build copies nix/export.nix beside (as
/// NixVmExportFile), which reads it. Paths go in as JSON strings, so any character in them is safe.
/// </summary>
public sealed class WriteExportSettings : Microsoft.Build.Utilities.Task
{
    /// <summary>The file name export.nix reads beside itself.</summary>
    public const string FileName = "nixvm-export.json";

    [Required] public string ExportFile { get; set; } = "";
    [Required] public string NixDirectory { get; set; } = "";
    [Required] public string Declaration { get; set; } = "";
    [Required] public string NetworkName { get; set; } = "";
    [Required] public string TestsDirectory { get; set; } = "";
    [Required] public string Assembly { get; set; } = "";
    public bool Coverage { get; set; }
    public int TimeoutSeconds { get; set; }
    public string Accelerator { get; set; } = "auto";

    public override bool Execute()
    {
        var settings = new
        {
            nixDirectory = Path.GetFullPath(NixDirectory).TrimEnd('/'),
            declaration = Path.GetFullPath(Declaration),
            networkName = NetworkName,
            tests = Path.GetFullPath(TestsDirectory).TrimEnd('/'),
            assembly = Assembly,
            coverage = Coverage,
            timeout = TimeoutSeconds > 0 ? TimeoutSeconds : 3600,   // NixVmTimeoutSeconds=0 (no limit): runTests' default
            accelerator = Accelerator,
            requireKvm = Accelerator == "kvm",
        };
        var file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ExportFile))!, FileName);
        File.WriteAllText(file, JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
        return true;
    }
}
