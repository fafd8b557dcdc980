using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace NixVmTasks;

/// <summary>
/// Builds the network's images: <c>nix-build nix/from-json.nix --argstr declaration &lt;json&gt;</c>.
/// The out-link under obj/ is a GC root. Nix's <c>error:</c> messages become NIXVM030 errors at
/// the Nix file and line Nix names, or at the machine's item when the error names a machine.
/// </summary>
public sealed class NixBuild : ToolTask
{
    [Required] public string NixFile { get; set; } = "";
    [Required] public string DeclarationFile { get; set; } = "";
    [Required] public string OutLink { get; set; } = "";
    [Required] public string ProjectFile { get; set; } = "";
    public ITaskItem[] VirtualMachines { get; set; } = [];

    /// <summary>The store path of the built network (holds bin/run-*-vm and network.json).</summary>
    [Output] public string OutPath { get; private set; } = "";

    readonly List<string> stderr = new();
    string lastStdout = "";

    protected override string ToolName => "nix-build";

    protected override string GenerateFullPathToTool() => ToolLocator.Find(ToolName) ?? ToolName;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Low;
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    public override bool Execute()
    {
        if (string.IsNullOrEmpty(ToolPath) && ToolLocator.Find(ToolName) is null)
        {
            Log.LogError(null, ErrorCodes.NixBuildMissing, null, ProjectFile, 0, 0, 0, 0,
                "nix-build was not found on PATH; install Nix (scripts/bootstrap does it on Debian/Ubuntu) or set NixVmNixBuildPath");
            return false;
        }
        var kernel = ToolLocator.KernelDirectory();
        if (!Directory.Exists(kernel))
        {
            Log.LogError(null, ErrorCodes.NoKernel, null, ProjectFile, 0, 0, 0, 0,
                $"no guest kernel in {kernel}; run scripts/bootstrap to download one, or set NIXVM_KERNEL_DIR");
            return false;
        }
        YieldDuringToolExecution = true;
        if (!base.Execute() || Log.HasLoggedErrors) return false;
        OutPath = lastStdout.Trim();
        return true;
    }

    protected override string GenerateCommandLineCommands()
    {
        var b = new CommandLineBuilder();
        b.AppendSwitch("--option");
        b.AppendSwitch("substituters");
        b.AppendTextUnquoted(" \"\"");   // no binary cache: every store path is built here
        b.AppendFileNameIfNotNull(NixFile);
        b.AppendSwitch("--argstr");
        b.AppendSwitch("declaration");
        b.AppendFileNameIfNotNull(Path.GetFullPath(DeclarationFile));
        b.AppendSwitchIfNotNull("--out-link ", OutLink);
        return b.ToString();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (singleLine.StartsWith("/nix/store/", StringComparison.Ordinal)) lastStdout = singleLine;
        else stderr.Add(singleLine);
        base.LogEventsFromTextOutput(singleLine, messageImportance);
    }

    protected override bool HandleTaskExecutionErrors()
    {
        foreach (var (message, file, line) in NixErrors.Parse(stderr))
        {
            // A location inside our own nix/ is where the check threw, not where the mistake is.
            var ours = file is not null && file.StartsWith(Path.GetDirectoryName(Path.GetFullPath(NixFile))!, StringComparison.Ordinal);
            var (f, l) = LocateMachine(message) ?? (file is not null && !ours ? (file, line) : (ProjectFile, 0));
            Log.LogError(null, ErrorCodes.NixBuildFailed, null, f, l, 0, 0, 0, "nix-build: " + message);
        }
        if (!Log.HasLoggedErrors)
            Log.LogError(null, ErrorCodes.NixBuildFailed, null, ProjectFile, 0, 0, 0, 0,
                $"nix-build failed with exit code {ExitCode}: {string.Join(" ", stderr.TakeLast(5))}");
        return false;
    }

    /// <summary>Errors of our own validation name the machine; point at its item.</summary>
    (string, int)? LocateMachine(string message)
    {
        var m = Regex.Match(message, "machine '([^']+)'");
        if (!m.Success) return null;
        var item = VirtualMachines.FirstOrDefault(v => v.ItemSpec == m.Groups[1].Value);
        return item is null ? null : new ItemLocator().Locate(item, "VirtualMachine");
    }
}

/// <summary>Reads Nix 2.x error output: an <c>error: …</c> line, later an <c>at /file.nix:LINE:COL:</c> line.</summary>
static class NixErrors
{
    static readonly Regex At = new(@"^\s*at (/[^:]+):(\d+):(\d+):?\s*$");

    public static IEnumerable<(string Message, string? File, int Line)> Parse(IEnumerable<string> lines)
    {
        string? message = null, file = null;
        var line = 0;
        foreach (var raw in lines)
        {
            if (raw.StartsWith("error:", StringComparison.Ordinal))
            {
                if (message is not null) yield return (message, file, line);
                (message, file, line) = (raw["error:".Length..].Trim(), null, 0);
            }
            else if (message is not null && file is null && At.Match(raw) is { Success: true } m)
            {
                file = m.Groups[1].Value;
                line = int.Parse(m.Groups[2].Value);
            }
            else if (message is not null && file is null && raw.Length > 0 && !raw.StartsWith(" ") && !raw.StartsWith("…"))
            {
                message += " " + raw.Trim();
            }
        }
        if (message is not null) yield return (message, file, line);
    }
}
