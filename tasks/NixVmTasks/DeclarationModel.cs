using System.Text.Json.Serialization;

namespace NixVmTasks;

/// <summary>What the build writes for <c>nix/from-json.nix</c>: the same attribute names as a Nix declaration.</summary>
sealed class NetworkDeclaration
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("machines")] public SortedDictionary<string, MachineDeclaration> Machines { get; set; } = new(StringComparer.Ordinal);
}

sealed class MachineDeclaration
{
    [JsonPropertyName("nixFile")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? NixFile { get; set; }
    [JsonPropertyName("memoryMB")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? MemoryMB { get; set; }
    [JsonPropertyName("cores")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Cores { get; set; }
    [JsonPropertyName("vlans")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<int>? Vlans { get; set; }
    [JsonPropertyName("services")] public List<ServiceDeclaration> Services { get; set; } = new();
    [JsonPropertyName("forwards")] public List<ForwardDeclaration> Forwards { get; set; } = new();
}

sealed class ServiceDeclaration
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("command")] public string Command { get; set; } = "";
    [JsonPropertyName("ready")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Ready { get; set; }
}

sealed class ForwardDeclaration
{
    [JsonPropertyName("host")] public int Host { get; set; }
    [JsonPropertyName("guest")] public int Guest { get; set; }
}
