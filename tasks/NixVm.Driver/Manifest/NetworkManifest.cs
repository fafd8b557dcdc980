using System.Text.Json;
using System.Text.Json.Serialization;

namespace NixVm.Driver.Manifest;

/// <summary>The <c>network.json</c> that <c>nix/build-vms.nix</c> writes next to the start scripts.</summary>
/// <param name="SchemaVersion">The manifest's format version (the driver reads <see cref="CurrentSchemaVersion"/> only).</param>
/// <param name="Name">The network's name.</param>
/// <param name="Vlans">The VLAN numbers, one switch each.</param>
/// <param name="Machines">The machines, in declaration order.</param>
public sealed record NetworkManifest(
    int SchemaVersion,
    string Name,
    IReadOnlyList<int> Vlans,
    IReadOnlyList<MachineManifest> Machines)
{
    internal const int CurrentSchemaVersion = 1;

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>Reads and validates a manifest; every problem is a <see cref="ManifestException"/> naming the file.</summary>
    internal static NetworkManifest Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, $"cannot read the network manifest: {e.Message}");
        }
        return Parse(text, path);
    }

    internal static NetworkManifest Parse(string json, string source)
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

    /// <summary>The machine of that name.</summary>
    /// <exception cref="KeyNotFoundException">The network has no such machine (the message lists those it has).</exception>
    public MachineManifest Machine(string name) =>
        Machines.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"the network '{Name}' has no machine '{name}' (it has: {string.Join(", ", Machines.Select(m => m.Name))})");
}
