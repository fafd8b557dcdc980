using System.Diagnostics;
using NixVm.Driver.Accelerators;
using NixVm.Driver.Logging;
using NixVm.Driver.Machines;
using NixVm.Driver.Manifest;
using NixVm.Driver.Network;
using NixVm.Driver.Processes;

namespace NixVm.Driver;

/// <summary>
/// A network of machines built by <c>nix/build-vms.nix</c>: owns one VLAN switch per VLAN and one
/// QEMU per machine, all inside a private state directory. Disposing it stops every process it
/// started and removes its sockets; if this process dies instead, the children's parent-death
/// signal and the state directory's reaper do the same.
/// </summary>
public sealed class VirtualNetwork : IAsyncDisposable
{
    readonly PrivateStateDirectory state;
    readonly List<VdeSwitch> switches;
    readonly Dictionary<string, Machine> machines;

    VirtualNetwork(NetworkManifest manifest, NetworkLog log, PrivateStateDirectory state, List<VdeSwitch> switches,
        AcceleratorVerdict accelerator, NetworkOptions options)
    {
        Manifest = manifest;
        Log = log;
        this.state = state;
        this.switches = switches;
        Accelerator = accelerator;
        Options = options;
        var context = new MachineContext(log, state.Path, state.Sub("shared-xchg"), accelerator.Accelerator,
            switches.ToDictionary(s => s.Vlan, s => s.Socket), options);
        machines = manifest.Machines.ToDictionary(m => m.Name, m => new Machine(m, context));
    }

    public NetworkManifest Manifest { get; }
    public NetworkLog Log { get; }
    public NetworkOptions Options { get; }
    public AcceleratorVerdict Accelerator { get; }
    public string StateDirectory => state.Path;

    public IReadOnlyCollection<Machine> Machines => machines.Values;

    public Machine this[string name] => machines.TryGetValue(name, out var m) ? m
        : throw new KeyNotFoundException($"the network has no machine '{name}' (it has: {string.Join(", ", machines.Keys)})");

    /// <summary>
    /// Reads <c>network.json</c> (the file, or a directory holding it such as a nix-build result),
    /// chooses the accelerator and starts the VLAN switches. Machines start with <see cref="StartAllAsync"/>
    /// or on first use.
    /// </summary>
    public static async Task<VirtualNetwork> CreateAsync(string manifestPath, NetworkOptions? options = null, CancellationToken ct = default)
    {
        options ??= new NetworkOptions();
        if (Directory.Exists(manifestPath)) manifestPath = Path.Combine(manifestPath, "network.json");
        var manifest = NetworkManifest.Load(manifestPath);
        HostTools.Find("qemu-system-x86_64", HostTools.BootstrapHint);
        var log = new NetworkLog(options.LogDirectory, options.LogSink);
        // The probe boots our own initrd (it answers nixvm.probe); a NixOS initrd would not.
        var probe = manifest.Machines.FirstOrDefault(m => m.Backend == "host");
        var accelerator = probe is null && options.Accelerator == AcceleratorMode.Auto
            ? throw new InvalidOperationException($"network '{manifest.Name}' has no host-backend machine to probe KVM with; choose the accelerator (kvm or tcg) for a nixos network")
            : await new AcceleratorProbe(options.ResolvedCacheDirectory)
                .ResolveAsync(options.Accelerator, probe?.Kernel ?? "", probe?.Initrd ?? "", ct);
        log.Driver($"network '{manifest.Name}': {manifest.Machines.Count} machine(s), VLANs [{string.Join(", ", manifest.Vlans)}]; accelerator {accelerator.Accelerator}: {accelerator.Reason}");

        var state = await PrivateStateDirectory.CreateAsync(options.StateParent);
        var switches = new List<VdeSwitch>();
        try
        {
            foreach (var vlan in manifest.Vlans) switches.Add(await VdeSwitch.StartAsync(vlan, state.Path, ct));
        }
        catch
        {
            foreach (var s in switches) await s.DisposeAsync();
            await state.DisposeAsync();
            log.Dispose();
            throw;
        }
        return new VirtualNetwork(manifest, log, state, switches, accelerator, options);
    }

    /// <summary>Boots every machine (at most <see cref="NetworkOptions.MaxParallelBoots"/> at a time) and waits until all are ready.</summary>
    public async Task StartAllAsync(CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(Options.MaxParallelBoots);
        await Task.WhenAll(machines.Values.Select(async m =>
        {
            await slots.WaitAsync(ct);
            try { await m.WaitForReadyAsync(ct); }
            finally { slots.Release(); }
        }));
        Log.Driver($"all {machines.Count} machine(s) ready in {clock.Elapsed.TotalSeconds:0.00} s (host load {HostLoad()})");
    }

    /// <summary>
    /// Stops every running machine's services (see <see cref="Machine.StopServicesAsync"/>; machines
    /// in parallel, each in reverse start order) and copies their logs into the log directory.
    /// </summary>
    public Task StopServicesAsync(CancellationToken ct = default) =>
        Task.WhenAll(machines.Values.Select(m => m.StopServicesAsync(ct)));

    /// <summary>The host's 1-minute load average, logged next to timings since boots are CPU-bound.</summary>
    public static string HostLoad() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    public async ValueTask DisposeAsync()
    {
        // Services stop gracefully (and leave their logs) before QEMU is killed.
        await Task.WhenAll(machines.Values.Select(StopServicesQuietlyAsync));
        await Task.WhenAll(machines.Values.Select(m => m.DisposeAsync().AsTask()));
        foreach (var s in switches) await s.DisposeAsync();
        await state.DisposeAsync();
        Log.Driver("network stopped");
        Log.Dispose();
    }

    async Task StopServicesQuietlyAsync(Machine machine)
    {
        try { await machine.StopServicesAsync(); }
        catch (Exception e) when (e is MachineFailedException or CommandFailedException or CommandTimeoutException)
        {
            Log.Machine(machine.Name, $"could not stop the services: {e.Message}");
        }
    }
}
