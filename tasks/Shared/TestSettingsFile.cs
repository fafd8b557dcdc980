using System.Text.Json;

namespace NixVm.Shared;

/// <summary>
/// nixvm.json, which the build leaves beside the test assembly so that a plain <c>dotnet test</c>
/// finds the network: written by the WriteTestSettings task, read by NixVmSettings.
/// </summary>
sealed record TestSettingsFile(string? Manifest, string? LogDirectory, string? Accelerator)
{
    public const string FileName = "nixvm.json";

    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static TestSettingsFile? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<TestSettingsFile>(File.ReadAllText(path), Options) : null;
}
