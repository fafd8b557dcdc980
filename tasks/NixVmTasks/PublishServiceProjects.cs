using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace NixVmTasks;

/// <summary>
/// Publishes the projects that <c>&lt;VirtualMachineService Project="…"/&gt;</c> items run in a guest:
/// framework-dependent (the guest runs the host's <c>dotnet</c> from the shared <c>/usr</c>), or as a
/// native executable when the project sets <c>PublishAot</c> (ready ~5× sooner under TCG, see bench/), one
/// directory per service under <see cref="ServicesDirectory"/>: <c>&lt;name&gt;/publish/</c> (what the
/// guest runs), <c>&lt;name&gt;/artifacts/</c> (the publish's own obj/ and bin/, apart from the
/// user's builds), <c>&lt;name&gt;/assembly</c> (the entry assembly's file name, or the native
/// executable's), and
/// <c>inputs.dirs</c>/<c>inputs.above</c> (what the next build's up-to-date check globs).
/// Errors, each at the item's file and line: NIXVM070 project not found, NIXVM071 no guest runtime
/// can run it, NIXVM072 publish failed.
/// </summary>
public sealed class PublishServiceProjects : Microsoft.Build.Utilities.Task, ICancelableTask
{
    /// <summary>The VirtualMachineService items; those with <c>Project</c> metadata are published.</summary>
    public ITaskItem[] Services { get; set; } = [];
    public ITaskItem[] VirtualMachines { get; set; } = [];
    [Required] public string ServicesDirectory { get; set; } = "";
    public string Configuration { get; set; } = "Release";
    /// <summary><c>Name=Value</c> pairs for every publish (the package's start-up defaults, then the project's).</summary>
    public string[] PublishProperties { get; set; } = [];

    /// <summary>Whether any published file differs from the previous publish (the images must be rebuilt).</summary>
    [Output] public bool Changed { get; private set; }

    readonly ItemLocator locator = new();
    readonly PublishProcess dotnet = new();

    public void Cancel() => dotnet.Cancel();

    public override bool Execute()
    {
        using var watch = BuildWatch.Start();   // this task host ends with the build, and the publish with it
        var (dotnetRoot, runtimes) = ServiceFramework.GuestRuntimes();
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        var above = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Services.Length; i++)
        {
            var item = Services[i];
            if (item.GetMetadata("Project").Length == 0) continue;
            var (file, line) = locator.Locate(Services, i, "VirtualMachineService");
            var published = Publish(item, runtimes, dotnetRoot, (code, message) => Log.Error(code, file, line, message));
            if (published is null) continue;
            dirs.UnionWith(published.Value.Dirs);
            above.UnionWith(published.Value.Above);
        }
        if (Log.HasLoggedErrors) return false;
        File.WriteAllLines(Path.Combine(ServicesDirectory, "inputs.dirs"), dirs.Select(d => d.TrimEnd('/') + "/"));
        File.WriteAllLines(Path.Combine(ServicesDirectory, "inputs.above"), above.Select(d => d.TrimEnd('/') + "/"));
        return true;
    }

    (IReadOnlyList<string> Dirs, IReadOnlyList<string> Above)? Publish(ITaskItem item, IReadOnlyList<ServiceFramework.Runtime> runtimes, string? dotnetRoot, Action<string, string> fail)
    {
        var name = item.ItemSpec;
        var machine = item.GetMetadata("Machine").Trim();
        // An undeclared machine is WriteNetworkDeclaration's NIXVM073; nothing to publish for it.
        if (!VirtualMachines.Any(m => m.ItemSpec.Trim() == machine)) return null;
        var baseDir = item.GetMetadata("DefiningProjectDirectory") is { Length: > 0 } d ? d : Directory.GetCurrentDirectory();
        var project = Path.GetFullPath(Path.Combine(baseDir, item.GetMetadata("Project")));
        if (!File.Exists(project))
        {
            fail(ErrorCodes.ServiceProjectNotFound, $"VirtualMachineService '{name}': Project '{item.GetMetadata("Project")}' does not exist ({project}); give the path of a .csproj relative to this project");
            return null;
        }
        var runtimeList = runtimes.Count > 0 ? string.Join(", ", runtimes) : dotnetRoot is null
            ? "none: the guest shares the host's /usr and /nix/store, and no dotnet on the guest's PATH (/usr/local/bin, /usr/bin, /usr/sbin) lives there"
            : $"none in {dotnetRoot}/shared";

        var properties = PublishProperties.Where(p => p.Contains('=')).Select(p => "-p:" + p).ToList();
        var evaluation = dotnet.Run(Path.GetDirectoryName(project)!, ["msbuild", project, "-nologo", .. properties,
            "-getProperty:TargetFramework", "-getProperty:TargetFrameworks", "-getProperty:OutputType", "-getProperty:RollForward", "-getProperty:PublishAot"]);
        if (evaluation.ExitCode != 0 || evaluation.Values is null)
        {
            fail(ErrorCodes.ServicePublishFailed, $"VirtualMachineService '{name}': {project} could not be evaluated: {evaluation.Errors()}");
            return null;
        }
        if (evaluation.Property("OutputType") is not ("Exe" or "WinExe"))
        {
            fail(ErrorCodes.ServicePublishFailed, $"VirtualMachineService '{name}': {project} is not an executable (OutputType '{evaluation.Property("OutputType")}'); a service project needs <OutputType>Exe</OutputType> (the Web and Worker SDKs set it)");
            return null;
        }
        // The .NET host's order: the app's own setting (project → runtimeconfig.json), else DOTNET_ROLL_FORWARD
        // in the service's environment, else Minor.
        var environmentRollForward = MetadataValues.Environment(item.GetMetadata("Environment")) is System.Text.Json.Nodes.JsonObject environment
            && environment["DOTNET_ROLL_FORWARD"] is { } fromEnvironment ? (string)fromEnvironment! : "";
        var rollForward = evaluation.Property("RollForward") is { Length: > 0 } fromProject ? fromProject : environmentRollForward;
        var tfms = (evaluation.Property("TargetFramework") is { Length: > 0 } single ? single : evaluation.Property("TargetFrameworks"))
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // A NativeAOT executable needs no runtime in the guest: any target framework will do.
        var native = string.Equals(evaluation.Property("PublishAot"), "true", StringComparison.OrdinalIgnoreCase);
        var tfm = native ? tfms.FirstOrDefault() : ServiceFramework.Choose(tfms, rollForward, runtimes);
        if (tfm is null)
        {
            fail(ErrorCodes.ServiceFrameworkNotRunnable, $"VirtualMachineService '{name}': the guest's .NET runtimes cannot run {Path.GetFileName(project)} (target framework {string.Join(", ", tfms)}, roll forward {(rollForward.Length > 0 ? rollForward : "Minor (default)")}); runtimes found: {runtimeList}. Target a framework of those runtimes or set <RollForward>Major</RollForward> in the project (or DOTNET_ROLL_FORWARD=Major in the item's Environment)");
            return null;
        }

        var serviceDir = Path.Combine(ServicesDirectory, name);
        var publishDir = Path.Combine(serviceDir, "publish");
        // Published into a fresh staging folder (no files of an earlier publish), then synced into
        // publishDir file by file: unchanged files keep their timestamps, so the images stay up to date.
        var staging = Path.Combine(serviceDir, "staging");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Log.LogMessage(MessageImportance.High, $"NixVm: publishing {Path.GetFileName(project)} ({tfm}) for service '{name}' on '{machine}'");
        var publish = dotnet.Run(Path.GetDirectoryName(project)!, [
            "publish", project, "-nologo", "-c", Configuration, "-f", tfm, "-o", staging,
            "--artifacts-path", Path.Combine(serviceDir, "artifacts"),
            // The guest is an x86_64 QEMU machine; a NativeAOT publish needs a runtime identifier.
            .. native ? ["-r", "linux-x64"] : Array.Empty<string>(),
            .. properties,
            "-getProperty:TargetFileName", "-getProperty:AssemblyName", "-getProperty:ProjectAssetsFile"]);
        if (publish.ExitCode != 0)
        {
            fail(ErrorCodes.ServicePublishFailed, $"VirtualMachineService '{name}': dotnet publish {Path.GetFileName(project)} failed: {publish.Errors()}");
            return null;
        }
        if (native)
            return Published(item, project, serviceDir, staging, publishDir, publish.Property("AssemblyName"), publish.Property("ProjectAssetsFile"), fail);
        var assembly = publish.Property("TargetFileName");
        var runtimeConfig = Path.Combine(staging, Path.ChangeExtension(assembly, ".runtimeconfig.json"));
        if (assembly.Length == 0 || !File.Exists(runtimeConfig))
        {
            fail(ErrorCodes.ServicePublishFailed, $"VirtualMachineService '{name}': dotnet publish {Path.GetFileName(project)} left no {Path.GetFileName(runtimeConfig)}; publish it framework-dependent (no SelfContained) or with PublishAot");
            return null;
        }
        var (requested, configRollForward) = ReadRuntimeConfig(runtimeConfig);
        if (configRollForward.Length == 0) configRollForward = environmentRollForward;
        var missing = ServiceFramework.Unsatisfied(requested, configRollForward, runtimes);
        if (missing.Count > 0)
        {
            fail(ErrorCodes.ServiceFrameworkNotRunnable, $"VirtualMachineService '{name}': the guest's .NET runtimes cannot run {assembly} ({tfm}): it needs {string.Join(", ", missing)} (roll forward {(configRollForward.Length > 0 ? configRollForward : "Minor (default)")}); runtimes found: {runtimeList}");
            return null;
        }
        return Published(item, project, serviceDir, staging, publishDir, assembly, publish.Property("ProjectAssetsFile"), fail);
    }

    /// <summary>Moves a publish from staging to its folder; the directories whose files are its inputs.</summary>
    (IReadOnlyList<string> Dirs, IReadOnlyList<string> Above)? Published(ITaskItem item, string project, string serviceDir, string staging, string publishDir,
        string entry, string assetsFile, Action<string, string> fail)
    {
        if (entry.Length == 0 || !File.Exists(Path.Combine(staging, entry)))
        {
            fail(ErrorCodes.ServicePublishFailed, $"VirtualMachineService '{item.ItemSpec}': dotnet publish {Path.GetFileName(project)} left no '{entry}' in {staging}");
            return null;
        }
        if (PublishSync.Mirror(staging, publishDir)) Changed = true;
        Directory.Delete(staging, recursive: true);
        File.WriteAllText(Path.Combine(serviceDir, "assembly"), entry);

        var dirs = PublishInputs.ProjectDirectories(project, assetsFile);
        return (dirs, PublishInputs.Above(dirs));
    }

    /// <summary>The frameworks (name, version) and the rollForward policy a runtimeconfig.json names.</summary>
    static (IReadOnlyList<ServiceFramework.Runtime> Frameworks, string RollForward) ReadRuntimeConfig(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var options = doc.RootElement.GetProperty("runtimeOptions");
        var list = new List<JsonElement>();
        if (options.TryGetProperty("framework", out var one)) list.Add(one);
        if (options.TryGetProperty("frameworks", out var many)) list.AddRange(many.EnumerateArray());
        var frameworks = list
            .Where(f => f.TryGetProperty("name", out _) && f.TryGetProperty("version", out _))
            .Select(f => new ServiceFramework.Runtime(f.GetProperty("name").GetString()!, Version.Parse(f.GetProperty("version").GetString()!.Split('-')[0])))
            .ToList();
        var rollForward = options.TryGetProperty("rollForward", out var rf) ? rf.GetString() ?? "" : "";
        return (frameworks, rollForward);
    }
}
