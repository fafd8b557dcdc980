using System.Text.Json;

namespace NixVm.Shared;

/// <summary>
/// The KVM verdicts the driver's probe caches in <c>&lt;cache&gt;/accelerator-probe.json</c>:
/// <c>"&lt;host kernel&gt;|&lt;qemu&gt;@&lt;mtime&gt;|&lt;guest kernel&gt;"</c> → <c>{ Accelerator; Reason }</c>.
/// The driver writes it (Accelerators/AcceleratorProbe.cs), <c>nixvm-runner doctor</c> and
/// nix/accelerator.nix read it.
/// </summary>
static class AcceleratorCache
{
    public const string FileName = "accelerator-probe.json";

    /// <summary>The running host kernel: the first part of every key.</summary>
    public static string HostKernel() =>
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "unknown";

    /// <summary>What a verdict depends on: the host kernel, the QEMU binary and the guest kernel.</summary>
    public static string Key(string qemuStamp, string guestKernel) => $"{HostKernel()}|{qemuStamp}|{guestKernel}";

    /// <summary>Every cached verdict; an unreadable or corrupt file reads as none.</summary>
    public static Dictionary<string, CachedVerdict> Read(string cacheDirectory)
    {
        try { return JsonSerializer.Deserialize<Dictionary<string, CachedVerdict>>(File.ReadAllText(Path.Combine(cacheDirectory, FileName))) ?? new(); }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return new(); }
    }

    public static async Task WriteAsync(string cacheDirectory, Dictionary<string, CachedVerdict> verdicts, CancellationToken ct)
    {
        Directory.CreateDirectory(cacheDirectory);
        await File.WriteAllTextAsync(Path.Combine(cacheDirectory, FileName), JsonSerializer.Serialize(verdicts), ct);
    }

    /// <summary>The verdicts cached for the running host kernel (any QEMU or guest kernel).</summary>
    public static IEnumerable<CachedVerdict> ForThisHost(string cacheDirectory)
    {
        var prefix = HostKernel() + "|";
        return Read(cacheDirectory).Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Value);
    }
}

/// <summary>One cached verdict: <c>kvm</c> or <c>tcg</c>, and why (the property names are what nix/accelerator.nix reads).</summary>
sealed record CachedVerdict(string Accelerator, string Reason);
