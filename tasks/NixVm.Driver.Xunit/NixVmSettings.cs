using System.Text.Json;

namespace NixVm.Driver.Xunit;

/// <summary>
/// Where the network comes from. When the build runs the tests it passes NIXVM_* variables; under
/// a plain <c>dotnet test</c> the build has left <c>nixvm.json</c> beside the test assembly.
/// NIXVM_REMAP_PORTS=1 (set by nix/run-tests.nix) forwards declared ports from free host ports, so
/// parallel runs of the same network do not collide.
/// </summary>
public sealed record NixVmSettings(string Manifest, string? LogDirectory, AcceleratorMode Accelerator, bool RemapForwardedPorts = false)
{
    public const string FileName = "nixvm.json";

    public static NixVmSettings Load()
    {
        var file = Path.Combine(AppContext.BaseDirectory, FileName);
        FileSettings? fromFile = null;
        if (File.Exists(file))
            fromFile = JsonSerializer.Deserialize<FileSettings>(File.ReadAllText(file), new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        var manifest = Env("NIXVM_MANIFEST") ?? fromFile?.Manifest
            ?? throw new InvalidOperationException(
                $"no network manifest: set NIXVM_MANIFEST to a nix-build result (or its network.json), or build the project with the NixVmTasks package so that {file} exists");
        var accelerator = Env("NIXVM_ACCELERATOR") ?? fromFile?.Accelerator ?? "auto";
        return new NixVmSettings(manifest, Env("NIXVM_LOG_DIR") ?? fromFile?.LogDirectory,
            Enum.Parse<AcceleratorMode>(accelerator, ignoreCase: true), Env("NIXVM_REMAP_PORTS") == "1");
    }

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    sealed record FileSettings(string? Manifest, string? LogDirectory, string? Accelerator);
}
