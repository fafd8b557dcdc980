using System.Text.Json;
using System.Text.Json.Serialization;

namespace NixVm.Driver.Manifest;

/// <summary>The <c>network.json</c> that <c>nix/build-vms.nix</c> writes next to the start scripts.</summary>
public sealed record NetworkManifest(
    int SchemaVersion,
    string Name,
    IReadOnlyList<int> Vlans,
    IReadOnlyList<MachineManifest> Machines)
{
    public const int CurrentSchemaVersion = 1;

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>Reads and validates a manifest; every problem is a <see cref="ManifestException"/> naming the file.</summary>
    public static NetworkManifest Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, $"cannot read the network manifest: {e.Message}");
        }
        return Parse(text, path);
    }

    public static NetworkManifest Parse(string json, string source)
    {
        NetworkManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<NetworkManifest>(json, Options); }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new ManifestException(source, $"not a valid network manifest{where}: {e.Message}");
        }
        if (manifest is null) throw new ManifestException(source, "the manifest is empty");
        manifest.Validate(source);
        return manifest;
    }

    void Validate(string source)
    {
        if (SchemaVersion != CurrentSchemaVersion)
            throw new ManifestException(source, $"schemaVersion {SchemaVersion} is not supported (expected {CurrentSchemaVersion}); rebuild the network with this version's nix/ expressions");
        if (Machines.Count == 0) throw new ManifestException(source, "the network has no machines");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in Machines)
        {
            if (!seen.Add(m.Name)) throw new ManifestException(source, $"machine '{m.Name}' is listed twice");
            if (string.IsNullOrWhiteSpace(m.StartScript)) throw new ManifestException(source, $"machine '{m.Name}' has no startScript");
            foreach (var i in m.Interfaces)
                if (!Vlans.Contains(i.Vlan))
                    throw new ManifestException(source, $"machine '{m.Name}' is on VLAN {i.Vlan}, which the network does not list");
        }
    }

    public MachineManifest Machine(string name) =>
        Machines.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"the network '{Name}' has no machine '{name}' (it has: {string.Join(", ", Machines.Select(m => m.Name))})");
}

public sealed record MachineManifest(
    string Name,
    int Node,
    string StartScript,
    int MemoryMB,
    int Cores,
    IReadOnlyList<InterfaceManifest> Interfaces,
    IReadOnlyList<ForwardManifest> Forwards,
    string Kernel,
    string Initrd,
    string KernelParams,
    string Backend);

public sealed record InterfaceManifest(int Vlan, string Name, string Mac, string Ipv4, string Netdev);

public sealed record ForwardManifest(string Protocol, int HostPort, int GuestPort);

public sealed class ManifestException(string source, string message) : Exception($"{source}: {message}");
