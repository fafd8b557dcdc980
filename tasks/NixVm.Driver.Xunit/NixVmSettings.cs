using NixVm.Shared;

namespace NixVm.Driver.Xunit;

/// <summary>
/// Where the network comes from. When the build runs the tests it passes NIXVM_* variables; under
/// a plain <c>dotnet test</c> the build has left <c>nixvm.json</c> beside the test assembly.
/// NIXVM_REMAP_PORTS=1 (set by nix/run-tests.nix) forwards declared ports from free host ports, so
/// parallel runs of the same network do not collide.
/// </summary>
/// <param name="Manifest">The network manifest (<c>network.json</c> or the nix-build result holding it).</param>
/// <param name="LogDirectory">Where the network's logs go; null keeps no log files.</param>
/// <param name="Accelerator">The accelerator the build asked for.</param>
/// <param name="RemapForwardedPorts">Whether declared forwards use free host ports instead.</param>
public sealed record NixVmSettings(string Manifest, string? LogDirectory, AcceleratorMode Accelerator, bool RemapForwardedPorts = false)
{
    /// <summary>The file the build leaves beside the test assembly.</summary>
    public const string FileName = TestSettingsFile.FileName;

    /// <summary>Reads the settings: each NIXVM_* variable that is set, else <see cref="FileName"/> beside the test assembly.</summary>
    /// <exception cref="InvalidOperationException">Neither names a manifest (the message says how to get one).</exception>
    /// <exception cref="ArgumentException">The accelerator is not auto, kvm or tcg.</exception>
    /// <exception cref="System.Text.Json.JsonException"><see cref="FileName"/> is not valid JSON.</exception>
    public static NixVmSettings Load()
    {
        var file = Path.Combine(AppContext.BaseDirectory, FileName);
        var fromFile = TestSettingsFile.Read(file);
        var manifest = Env(Contract.Environment.Manifest) ?? fromFile?.Manifest
            ?? throw new InvalidOperationException(
                $"no network manifest: set {Contract.Environment.Manifest} to a nix-build result (or its network.json), or build the project with the NixVmTasks package so that {file} exists");
        var accelerator = Env(Contract.Environment.Accelerator) ?? fromFile?.Accelerator ?? "auto";
        return new NixVmSettings(manifest, Env(Contract.Environment.LogDirectory) ?? fromFile?.LogDirectory,
            Enum.Parse<AcceleratorMode>(accelerator, ignoreCase: true), Env(Contract.Environment.RemapPorts) == "1");
    }

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
