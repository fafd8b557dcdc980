using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Build.Framework;

namespace NixVmTasks;

/// <summary>
/// Maps the <c>VirtualMachine</c>, <c>VirtualMachineService</c> and <c>PortForward</c> items to the
/// network declaration that <c>nix/from-json.nix</c> builds (the attribute names of a Nix declaration).
/// Only what needs MSBuild is checked here: metadata names, duplicate and empty items, references to
/// undeclared machines, NixFile paths and the results directory. Every value rule (memory, VLANs,
/// ports, services…) is nix/validate.nix's; <see cref="NixBuild"/> maps its errors back to the items.
/// </summary>
public sealed class WriteNetworkDeclaration : Microsoft.Build.Utilities.Task
{
    static readonly string[] MachineMetadata = ["NixFile", "MemoryMB", "Cores", "Vlans", "Masks", "Service", "Ready"];
    static readonly string[] ForwardMetadata = ["Host", "Guest"];
    static readonly string[] ServiceMetadata =
    [
        "Machine", "Command", "Project", "Arguments", "User", "Group", "Environment", "Directories", "WorkingDirectory",
        "Ready", "ReadyTimeout", "StopSignal", "StopCommand", "StopTimeout", "Logs",
        "PublishDirectory", "Assembly",   // set by _NixVmPublishServices for Project services
    ];

    public ITaskItem[] VirtualMachines { get; set; } = [];
    public ITaskItem[] VirtualMachineServices { get; set; } = [];
    public ITaskItem[] PortForwards { get; set; } = [];
    [Required] public string NetworkName { get; set; } = "";
    [Required] public string DeclarationFile { get; set; } = "";
    [Required] public string ProjectFile { get; set; } = "";
    public string ResultsDirectory { get; set; } = "";

    readonly ItemLocator locator = new();

    public override bool Execute()
    {
        if (ResultsDirectory.Length > 0 && !Writable(ResultsDirectory, out var why))
            Log.Error(ErrorCodes.ResultsNotWritable, ProjectFile, 0,
                $"NixVmResultsDirectory '{ResultsDirectory}' is not writable ({why}); point it at a directory you can write to");
        var machines = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var i = 0; i < VirtualMachines.Length; i++) AddMachine(i, machines);
        for (var i = 0; i < VirtualMachineServices.Length; i++) AddService(i, machines);
        for (var i = 0; i < PortForwards.Length; i++) AddForward(i, machines);
        if (Log.HasLoggedErrors) return false;

        var machinesJson = new JsonObject();
        foreach (var (name, machine) in machines) machinesJson[name] = machine;
        var json = new JsonObject { ["name"] = NetworkName, ["machines"] = machinesJson }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(DeclarationFile))!);
        if (!File.Exists(DeclarationFile) || File.ReadAllText(DeclarationFile) != json)
            File.WriteAllText(DeclarationFile, json);   // only when different: the image build is incremental on it
        return true;
    }

    void AddMachine(int index, SortedDictionary<string, JsonObject> machines)
    {
        var item = VirtualMachines[index];
        var (file, line) = locator.Locate(VirtualMachines, index, "VirtualMachine");
        void Fail(string code, string message) => Log.Error(code, file, line, message);
        var name = item.ItemSpec.Trim();
        if (name.Length == 0) { Fail(ErrorCodes.EmptyName, "a VirtualMachine has an empty name; set Include to a host name such as \"server\""); return; }
        if (machines.ContainsKey(name)) { Fail(ErrorCodes.DuplicateItem, $"VirtualMachine '{name}' is declared twice; give each machine its own name"); return; }
        CheckMetadataNames(item, "VirtualMachine", MachineMetadata, Fail);

        var machine = new JsonObject();
        if (item.GetMetadata("NixFile") is { Length: > 0 } nixFile)
        {
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file) is { Length: > 0 } d ? d : Directory.GetCurrentDirectory(), nixFile));
            if (!File.Exists(full)) Fail(ErrorCodes.MissingNixFile, $"VirtualMachine '{name}': NixFile '{nixFile}' does not exist ({full}); create it or fix the path");
            machine["nixFile"] = full;
        }
        if (item.GetMetadata("MemoryMB") is { Length: > 0 } memory) machine["memoryMB"] = MetadataValues.NumberOrText(memory);
        if (item.GetMetadata("Cores") is { Length: > 0 } cores) machine["cores"] = MetadataValues.NumberOrText(cores);
        if (item.GetMetadata("Vlans") is { Length: > 0 } vlans) machine["vlans"] = MetadataValues.Numbers(vlans);
        if (item.GetMetadata("Masks") is { Length: > 0 } masks) machine["masks"] = MetadataValues.Strings(masks);
        if (item.GetMetadata("Service") is { Length: > 0 } command)
        {
            var service = new JsonObject { ["name"] = "main", ["command"] = command };
            if (item.GetMetadata("Ready") is { Length: > 0 } ready) service["ready"] = MetadataValues.Ready(ready);
            machine["services"] = new JsonArray(service);
        }
        machines[name] = machine;
    }

    void AddService(int index, SortedDictionary<string, JsonObject> machines)
    {
        var item = VirtualMachineServices[index];
        var (file, line) = locator.Locate(VirtualMachineServices, index, "VirtualMachineService");
        void Fail(string code, string message) => Log.Error(code, file, line, message);
        var name = item.ItemSpec.Trim();
        if (name.Length == 0) { Fail(ErrorCodes.EmptyName, "a VirtualMachineService has an empty name; set Include to the service's name such as \"httpd\""); return; }
        CheckMetadataNames(item, "VirtualMachineService", ServiceMetadata, Fail);
        string Meta(string metadata) => item.GetMetadata(metadata);
        if (Meta("Arguments").Length > 0 && Meta("Project").Length == 0)
            Fail(ErrorCodes.UnknownMetadata, $"VirtualMachineService '{name}': Arguments apply to a Project service only; write them into Command");
        var machineName = Meta("Machine").Trim();
        if (!machines.TryGetValue(machineName, out var machine))
        {
            if (VirtualMachines.All(v => v.ItemSpec.Trim() != machineName))
                Fail(ErrorCodes.ServiceOnUnknownMachine, machineName.Length == 0
                    ? $"VirtualMachineService '{name}' names no machine; set Machine to a declared VirtualMachine"
                    : $"VirtualMachineService '{name}' runs on '{machineName}', which is not a VirtualMachine; Machine must name a declared machine");
            return;
        }

        var service = new JsonObject { ["name"] = name };
        if (Meta("Command") is { Length: > 0 } command) service["command"] = command;
        if (Meta("Project").Length > 0)
        {
            var dotnet = new JsonObject();
            if (Meta("PublishDirectory") is { Length: > 0 } publishDir) dotnet["publishDir"] = publishDir;
            if (Meta("Assembly") is { Length: > 0 } assembly) dotnet["assembly"] = assembly;
            if (Meta("Arguments") is { Length: > 0 } arguments) dotnet["args"] = MetadataValues.Arguments(arguments);
            service["dotnet"] = dotnet;
        }
        if (Meta("User") is { Length: > 0 } user) service["user"] = user;
        if (Meta("Group") is { Length: > 0 } group) service["group"] = group;
        if (Meta("Environment") is { Length: > 0 } environment) service["environment"] = MetadataValues.Environment(environment);
        if (Meta("Directories") is { Length: > 0 } directories) service["directories"] = MetadataValues.Strings(directories);
        if (Meta("WorkingDirectory") is { Length: > 0 } workingDirectory) service["workingDirectory"] = workingDirectory;
        if (Meta("Ready") is { Length: > 0 } ready) service["ready"] = MetadataValues.Ready(ready);
        if (Meta("ReadyTimeout") is { Length: > 0 } readyTimeout) service["readyTimeout"] = MetadataValues.NumberOrText(readyTimeout);
        var stop = new JsonObject();
        if (Meta("StopSignal") is { Length: > 0 } signal) stop["signal"] = signal;
        if (Meta("StopCommand") is { Length: > 0 } stopCommand) stop["command"] = stopCommand;
        if (Meta("StopTimeout") is { Length: > 0 } stopTimeout) stop["timeout"] = MetadataValues.NumberOrText(stopTimeout);
        if (stop.Count > 0) service["stop"] = stop;
        if (Meta("Logs") is { Length: > 0 } logs) service["logs"] = MetadataValues.Strings(logs);
        ListOf(machine, "services").Add(service);
    }

    void AddForward(int index, SortedDictionary<string, JsonObject> machines)
    {
        var item = PortForwards[index];
        var (file, line) = locator.Locate(PortForwards, index, "PortForward");
        void Fail(string code, string message) => Log.Error(code, file, line, message);
        CheckMetadataNames(item, "PortForward", ForwardMetadata, Fail);
        if (!machines.TryGetValue(item.ItemSpec.Trim(), out var machine))
        {
            if (VirtualMachines.All(v => v.ItemSpec.Trim() != item.ItemSpec.Trim()))
                Fail(ErrorCodes.ForwardToUnknownMachine, $"PortForward to '{item.ItemSpec}', which is not a VirtualMachine; Include must name a declared machine");
            return;
        }
        var forward = new JsonObject();
        if (item.GetMetadata("Host") is { Length: > 0 } host) forward["host"] = MetadataValues.NumberOrText(host);
        if (item.GetMetadata("Guest") is { Length: > 0 } guest) forward["guest"] = MetadataValues.NumberOrText(guest);
        ListOf(machine, "forwards").Add(forward);
    }

    static void CheckMetadataNames(ITaskItem item, string itemType, string[] allowed, Action<string, string> fail)
    {
        foreach (var key in item.CloneCustomMetadata().Keys.Cast<string>())
            if (!allowed.Contains(key, StringComparer.OrdinalIgnoreCase))
                fail(ErrorCodes.UnknownMetadata, $"{itemType} '{item.ItemSpec}' has unknown metadata '{key}'; allowed: {string.Join(", ", allowed)}");
    }

    static JsonArray ListOf(JsonObject machine, string attribute) =>
        machine[attribute] as JsonArray ?? (JsonArray)(machine[attribute] = new JsonArray());

    static bool Writable(string directory, out string why)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".nixvm-write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            why = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = e.Message;
            return false;
        }
    }
}
