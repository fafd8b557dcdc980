using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace NixVmTasks;

/// <summary>
/// Checks the <c>VirtualMachine</c> and <c>PortForward</c> items and the <c>NixVm*</c> properties
/// and writes the network declaration that <c>nix/from-json.nix</c> builds. Every mistake is one
/// <c>NIXVM0nn</c> error at the file and line of the item that made it.
/// </summary>
public sealed class WriteNetworkDeclaration : Microsoft.Build.Utilities.Task
{
    static readonly string[] MachineMetadata = ["NixFile", "MemoryMB", "Cores", "Vlans", "Service", "Ready"];
    static readonly string[] ForwardMetadata = ["Host", "Guest"];
    static readonly Regex HostName = new("^[a-z][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant);
    const int MinimumMemoryMB = 128;

    public ITaskItem[] VirtualMachines { get; set; } = [];
    public ITaskItem[] PortForwards { get; set; } = [];
    [Required] public string NetworkName { get; set; } = "";
    [Required] public string ProjectFile { get; set; } = "";
    [Required] public string DeclarationFile { get; set; } = "";
    public string Backend { get; set; } = "host";
    public string Accelerator { get; set; } = "auto";
    public string ResultsDirectory { get; set; } = "";

    /// <summary>The machines' Nix files, for the image build's Inputs.</summary>
    [Output] public ITaskItem[] NixFiles { get; private set; } = [];

    readonly ItemLocator locator = new();

    public override bool Execute()
    {
        CheckProperties();
        var declaration = new NetworkDeclaration { Name = NetworkName };
        var nixFiles = new List<ITaskItem>();
        foreach (var item in VirtualMachines)
        {
            var machine = CheckMachine(item, declaration, out var nixFile);
            if (machine is null) continue;
            declaration.Machines[item.ItemSpec] = machine;
            if (nixFile is not null) nixFiles.Add(new TaskItem(nixFile));
        }
        if (VirtualMachines.Length == 0)
            Error(ErrorCodes.NoMachines, ProjectFile, 0, "no VirtualMachine items are declared; add <VirtualMachine Include=\"server\" /> to an ItemGroup");
        var hostPorts = new Dictionary<int, string>();
        foreach (var item in PortForwards) CheckForward(item, declaration, hostPorts);
        if (Log.HasLoggedErrors) return false;

        var json = JsonSerializer.Serialize(declaration, new JsonSerializerOptions { WriteIndented = true });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(DeclarationFile))!);
        if (!File.Exists(DeclarationFile) || File.ReadAllText(DeclarationFile) != json)
            File.WriteAllText(DeclarationFile, json);   // only when different: the image build is incremental on it
        NixFiles = nixFiles.ToArray();
        return true;
    }

    void CheckProperties()
    {
        if (Backend is not ("host" or "nixos"))
            Error(ErrorCodes.UnknownBackend, ProjectFile, 0, $"NixVmBackend '{Backend}' is not known; use 'host' (default) or 'nixos'");
        if (Accelerator is not ("auto" or "kvm" or "tcg"))
            Error(ErrorCodes.UnknownAccelerator, ProjectFile, 0, $"NixVmAccelerator '{Accelerator}' is not known; use 'auto' (default), 'kvm' or 'tcg'");
        if (ResultsDirectory.Length > 0 && !Writable(ResultsDirectory, out var why))
            Error(ErrorCodes.ResultsNotWritable, ProjectFile, 0, $"NixVmResultsDirectory '{ResultsDirectory}' is not writable ({why}); point it at a directory you can write to");
    }

    MachineDeclaration? CheckMachine(ITaskItem item, NetworkDeclaration network, out string? nixFile)
    {
        nixFile = null;
        var (file, line) = locator.Locate(item, "VirtualMachine");
        var name = item.ItemSpec;
        var errorsBefore = Log.HasLoggedErrors;
        void Fail(string code, string message) => Error(code, file, line, message);

        if (string.IsNullOrWhiteSpace(name)) { Fail(ErrorCodes.EmptyName, "a VirtualMachine has an empty name; set Include to a host name such as \"server\""); return null; }
        if (!HostName.IsMatch(name)) Fail(ErrorCodes.BadHostName, $"VirtualMachine '{name}' is not a valid host name; use a lower-case letter followed by up to 62 lower-case letters, digits or '-'");
        if (network.Machines.ContainsKey(name)) Fail(ErrorCodes.DuplicateMachine, $"VirtualMachine '{name}' is declared twice; give each machine its own name");
        foreach (var key in item.CloneCustomMetadata().Keys.Cast<string>())
            if (!MachineMetadata.Contains(key, StringComparer.OrdinalIgnoreCase))
                Fail(ErrorCodes.UnknownMetadata, $"VirtualMachine '{name}' has unknown metadata '{key}'; allowed: {string.Join(", ", MachineMetadata)}");

        var machine = new MachineDeclaration();
        if (item.GetMetadata("NixFile") is { Length: > 0 } nf)
        {
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file) is { Length: > 0 } d ? d : Directory.GetCurrentDirectory(), nf));
            if (!File.Exists(full)) Fail(ErrorCodes.MissingNixFile, $"VirtualMachine '{name}': NixFile '{nf}' does not exist ({full}); create it or fix the path");
            machine.NixFile = nixFile = full;
        }
        if (item.GetMetadata("MemoryMB") is { Length: > 0 } mem)
        {
            if (!int.TryParse(mem, NumberStyles.None, CultureInfo.InvariantCulture, out var mb)) Fail(ErrorCodes.BadMemory, $"VirtualMachine '{name}': MemoryMB '{mem}' is not a whole number of MiB; write e.g. MemoryMB=\"256\"");
            else if (mb < MinimumMemoryMB) Fail(ErrorCodes.MemoryTooSmall, $"VirtualMachine '{name}': MemoryMB {mb} is too small; a guest needs at least {MinimumMemoryMB}");
            else machine.MemoryMB = mb;
        }
        if (item.GetMetadata("Cores") is { Length: > 0 } cores)
        {
            if (!int.TryParse(cores, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c < 1 || c > 16) Fail(ErrorCodes.BadCores, $"VirtualMachine '{name}': Cores '{cores}' must be a whole number from 1 to 16");
            else machine.Cores = c;
        }
        if (item.GetMetadata("Vlans") is { Length: > 0 } vlans)
        {
            machine.Vlans = new();
            foreach (var v in vlans.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 255) Fail(ErrorCodes.BadVlan, $"VirtualMachine '{name}': VLAN '{v}' is out of range; VLANs are numbered 1 to 255");
                else machine.Vlans.Add(n);
            }
        }
        if (item.GetMetadata("Service") is { Length: > 0 } service)
            machine.Services.Add(new ServiceDeclaration { Name = "main", Command = service, Ready = item.GetMetadata("Ready") is { Length: > 0 } r ? r : null });
        return Log.HasLoggedErrors && !errorsBefore ? null : machine;
    }

    void CheckForward(ITaskItem item, NetworkDeclaration network, Dictionary<int, string> hostPorts)
    {
        var (file, line) = locator.Locate(item, "PortForward");
        void Fail(string code, string message) => Error(code, file, line, message);
        foreach (var key in item.CloneCustomMetadata().Keys.Cast<string>())
            if (!ForwardMetadata.Contains(key, StringComparer.OrdinalIgnoreCase))
                Fail(ErrorCodes.UnknownMetadata, $"PortForward '{item.ItemSpec}' has unknown metadata '{key}'; allowed: {string.Join(", ", ForwardMetadata)}");
        if (!network.Machines.TryGetValue(item.ItemSpec, out var machine))
        {
            if (VirtualMachines.All(v => v.ItemSpec != item.ItemSpec))
                Fail(ErrorCodes.ForwardToUnknownMachine, $"PortForward to '{item.ItemSpec}', which is not a VirtualMachine; Include must name a declared machine");
            return;
        }
        var host = Port(item, "Host", Fail);
        var guest = Port(item, "Guest", Fail);
        if (host is null || guest is null) return;
        if (hostPorts.TryGetValue(host.Value, out var other))
        {
            Fail(ErrorCodes.HostPortClash, $"host port {host} is forwarded twice (to '{other}' and to '{item.ItemSpec}'); give each PortForward its own Host port");
            return;
        }
        hostPorts[host.Value] = item.ItemSpec;
        machine.Forwards.Add(new ForwardDeclaration { Host = host.Value, Guest = guest.Value });
    }

    static int? Port(ITaskItem item, string metadata, Action<string, string> fail)
    {
        var text = item.GetMetadata(metadata);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535) return port;
        fail(ErrorCodes.BadPort, $"PortForward to '{item.ItemSpec}': {metadata} '{text}' must be a TCP port from 1 to 65535");
        return null;
    }

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

    void Error(string code, string file, int line, string message) =>
        Log.LogError(null, code, null, file, line, 0, 0, 0, message);
}
