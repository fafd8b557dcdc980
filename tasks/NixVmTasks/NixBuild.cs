using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using NixVm.Shared;

namespace NixVmTasks;

/// <summary>
/// Builds the network's images: <c>nix-build nix/from-json.nix --argstr declaration &lt;json&gt;</c>.
/// The out-link under obj/ is a GC root. Each Nix error is one error: its code from the
/// <c>[NIXVMnnn]</c> tag (NIXVM030 when Nix gave none), at the user's Nix file and line when Nix
/// names one, else at the item that declared the machine, service or forward. After a build, the
/// files the evaluation read go to <see cref="InputsFile"/> for the next build's Inputs.
/// </summary>
public sealed class NixBuild : OwnedToolTask
{
    [Required] public string NixFile { get; set; } = "";
    [Required] public string DeclarationFile { get; set; } = "";
    [Required] public string OutLink { get; set; } = "";
    [Required] public string ProjectFile { get; set; } = "";
    [Required] public string InputsFile { get; set; } = "";
    public ITaskItem[] VirtualMachines { get; set; } = [];
    public ITaskItem[] VirtualMachineServices { get; set; } = [];
    public ITaskItem[] PortForwards { get; set; } = [];
    /// <summary>Directories the build writes (bin/, obj/): never inputs of the images.</summary>
    public string[] ExcludedDirectories { get; set; } = [];

    /// <summary>The store path of the built network (holds bin/run-*-vm and network.json).</summary>
    [Output] public string OutPath { get; private set; } = "";

    readonly List<string> stderr = new();
    string lastStdout = "";

    protected override string ToolName => "nix-build";

    // SIGTERM, not SIGKILL: nix-build then kills its builders' sessions, which a SIGKILL would orphan.
    protected override string ParentDeathSignal => "TERM";

    protected override string GenerateFullPathToTool() => HostPath.Find(ToolName) ?? ToolName;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Low;
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    string NixDirectory => Path.GetDirectoryName(Path.GetFullPath(NixFile))!;

    public override bool Execute()
    {
        if (string.IsNullOrEmpty(ToolPath) && HostPath.Find(ToolName) is null)
        {
            Log.Error(ErrorCodes.NixBuildMissing, ProjectFile, 0,
                "nix-build was not found on PATH; install Nix or set NixVmNixBuildPath (`dotnet build -t:NixVmDoctor` lists what is missing and how to install it)");
            return false;
        }
        var kernel = Contract.KernelDirectory();
        if (kernel is null)
        {
            Log.Error(ErrorCodes.NoKernel, ProjectFile, 0,
                $"no guest kernel: {Contract.NoCacheDirectory} and neither is {Contract.Directories.KernelVariable}; set HOME (or {Contract.Directories.KernelVariable} to the kernel's directory)");
            return false;
        }
        if (!Directory.Exists(kernel))
        {
            Log.Error(ErrorCodes.NoKernel, ProjectFile, 0,
                $"no guest kernel in {kernel}; set {Contract.Directories.KernelVariable} or unpack one there (`dotnet build -t:NixVmDoctor` lists what is missing and how to install it)");
            return false;
        }
        YieldDuringToolExecution = true;
        if (!base.Execute() || Log.HasLoggedErrors) return false;
        OutPath = lastStdout.Trim();
        WriteInputs();
        return true;
    }

    protected override string GenerateCommandLineCommands()
    {
        var b = new CommandLineBuilder();
        b.AppendSwitch("-vv");   // names the files the evaluation reads (see EvaluationInputs)
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

    // Not the base class: it would report Nix's "error:" lines a second time, without a code.
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (singleLine.StartsWith("/nix/store/", StringComparison.Ordinal)) lastStdout = singleLine;
        else stderr.Add(singleLine);
        Log.LogMessage(messageImportance, "{0}", singleLine);
    }

    protected override bool HandleTaskExecutionErrors()
    {
        var items = new NixErrorItems(VirtualMachines, VirtualMachineServices, PortForwards);
        foreach (var error in NixErrors.Parse(stderr))
        {
            // A location inside our own nix/ is where a check threw, not where the mistake is.
            var userFile = error.File is not null && !error.File.StartsWith(NixDirectory + "/", StringComparison.Ordinal);
            var (file, line) = userFile ? (error.File!, error.Line) : items.Locate(error.Message) ?? (ProjectFile, 0);
            var message = error.Code is null ? "nix-build: " + error.Message : error.Message;
            Log.Error(error.Code ?? ErrorCodes.NixBuildFailed, file, line, message);
        }
        if (!Log.HasLoggedErrors)
            Log.Error(ErrorCodes.NixBuildFailed, ProjectFile, 0,
                $"nix-build failed with exit code {ExitCode}: {string.Join(" ", stderr.TakeLast(5))}");
        return false;
    }

    void WriteInputs()
    {
        string[] ignore = [NixDirectory, "/nix/store", .. ExcludedDirectories.Select(d => Path.GetFullPath(d))];
        var inputs = EvaluationInputs.FromLog(stderr, ignore);
        // A service project's publish output is copied into the store (wherever the build put it).
        foreach (var service in VirtualMachineServices)
            if (service.GetMetadata("PublishDirectory") is { Length: > 0 } publishDir) EvaluationInputs.AddPath(inputs, publishDir, []);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(InputsFile))!);
        File.WriteAllLines(InputsFile, inputs);
    }
}
