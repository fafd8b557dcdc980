using NixVm.Shared;

namespace NixVm.Driver;

/// <summary>How a <see cref="VirtualNetwork"/> runs its machines.</summary>
public sealed record NetworkOptions
{
    /// <summary>The accelerator (default <see cref="AcceleratorMode.Auto"/>: probes whether KVM really boots a guest here and falls back to TCG).</summary>
    public AcceleratorMode Accelerator { get; init; } = AcceleratorMode.Auto;

    /// <summary>Where <c>&lt;machine&gt;.log</c> and <c>driver.log</c> go; null keeps no files.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>Receives every log line as it happens (for example the test's output).</summary>
    public Action<string>? LogSink { get; init; }

    /// <summary>Parent of the private state directory (default: XDG_RUNTIME_DIR, else the temp directory).</summary>
    public string? StateParent { get; init; }

    /// <summary>Forward declared ports from free host ports instead of the declared ones (parallel runs).</summary>
    public bool RemapForwardedPorts { get; init; }

    /// <summary>How many machines boot at once; boots are CPU-bound, so more than the core count only adds contention.</summary>
    public int MaxParallelBoots { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>How long QEMU may take to start and connect, and then the guest to become ready (each, default 2 min).</summary>
    public TimeSpan BootTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one guest command may run when the call gives no timeout (default 15 min); then it is killed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The most output (stdout and stderr together) one command may return (default 256 MiB, at most
    /// 1 GiB). A command that writes more is killed and <see cref="Machines.CommandOutputLimitException"/>
    /// is thrown; the machine stays usable. <see cref="Machines.Machine.ExecuteToStreamAsync"/> streams
    /// stdout without this limit.
    /// </summary>
    public long MaxCommandOutputBytes
    {
        get => maxCommandOutputBytes;
        init => maxCommandOutputBytes = value is > 0 and <= MaxOutputLimit ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxCommandOutputBytes), value, $"must be 1..{MaxOutputLimit} bytes");
    }

    long maxCommandOutputBytes = 256L << 20;
    const long MaxOutputLimit = 1L << 30;   // a byte array (and a MemoryStream) holds less than 2 GiB

    /// <summary>How long the <c>WaitFor…</c>/<c>WaitUntil…</c> calls wait when the call gives no timeout (default 5 min).</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a machine of ours (host backend) starts by restoring a snapshot saved at its first
    /// boot's go-ahead point instead of booting (default true unless the environment has
    /// <c>NIXVM_SNAPSHOTS=0</c>, which the MSBuild property <c>NixVmSnapshots=false</c> sets). Snapshots live in <c>snapshots/</c> of <see cref="CacheDirectory"/>.
    /// </summary>
    public bool Snapshots { get; init; } = Environment.GetEnvironmentVariable(Contract.Environment.Snapshots) != "0";

    /// <summary>The snapshot cache's size limit in MiB (default 2048); the least recently used snapshots go first.</summary>
    public int SnapshotCacheLimitMiB { get; init; } = 2048;

    /// <summary>Where the accelerator verdict and the snapshots are cached (default: the cache directory of nix/contracts.json: NIXVM_CACHE_DIR, else ~/.cache/nixvmtasks).</summary>
    public string? CacheDirectory { get; init; }

    internal string ResolvedCacheDirectory => CacheDirectory ?? Contract.CacheDirectory()
        ?? throw new NetworkSetupException($"{Contract.NoCacheDirectory}: set one (or NetworkOptions.CacheDirectory) for the accelerator verdict and the snapshots");
}
