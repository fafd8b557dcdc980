using System.Text.Json;
using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>
/// NixVmExport's settings, the JSON files that the static Nix files the build copies read beside
/// themselves: nix/export.nix (as NixVmExportFile) reads nixvm-export.json, nix/library.nix (as
/// NixVmLibraryFile, obj/nixvm/default.nix) reads nixvm-library.json. Paths go in as JSON strings,
/// so any character in them is safe.
/// </summary>
public sealed class WriteExportSettings : Microsoft.Build.Utilities.Task
{
    /// <summary>The file name export.nix reads beside itself.</summary>
    public const string FileName = "nixvm-export.json";

    /// <summary>The file name library.nix reads beside itself.</summary>
    public const string LibraryFileName = "nixvm-library.json";

    [Required] public string ExportFile { get; set; } = "";
    [Required] public string LibraryFile { get; set; } = "";
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
        var nixDirectory = Path.GetFullPath(NixDirectory).TrimEnd('/');
        var settings = new
        {
            nixDirectory,
            declaration = Path.GetFullPath(Declaration),
            networkName = NetworkName,
            tests = Path.GetFullPath(TestsDirectory).TrimEnd('/'),
            assembly = Assembly,
            coverage = Coverage,
            timeout = TimeoutSeconds > 0 ? TimeoutSeconds : 3600,   // NixVmTimeoutSeconds=0 (no limit): runTests' default
            accelerator = Accelerator,
            requireKvm = Accelerator == "kvm",
        };
        WriteBeside(ExportFile, FileName, settings);
        WriteBeside(LibraryFile, LibraryFileName, new { nixDirectory });
        return true;
    }

    static void WriteBeside(string nixFile, string name, object settings)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(nixFile))!;
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name), JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
    }
}
