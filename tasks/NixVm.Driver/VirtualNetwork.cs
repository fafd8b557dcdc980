using System.Diagnostics;
using NixVm.Driver.Accelerators;
using NixVm.Driver.Logging;
using NixVm.Driver.Machines;
using NixVm.Driver.Machines.Snapshots;
using NixVm.Driver.Manifest;
using NixVm.Driver.Network;
using NixVm.Driver.Processes;
using NixVm.Shared;

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
            switches.ToDictionary(s => s.Vlan, s => s.Socket), options,
            options.Snapshots ? new SnapshotCache(Path.Combine(options.ResolvedCacheDirectory, "snapshots"), options.SnapshotCacheLimitMiB * 1024L * 1024, log) : null);
        machines = manifest.Machines.ToDictionary(m => m.Name, m => new Machine(m, context));
    }

    /// <summary>The network as built: its name, VLANs and machines (interfaces with MAC and IPv4, forwards).</summary>
    public NetworkManifest Manifest { get; }

    /// <summary>Where the driver's and the consoles' lines go.</summary>
    internal NetworkLog Log { get; }

    /// <summary>The options the network was created with.</summary>
    public NetworkOptions Options { get; }

    /// <summary>The accelerator the machines run with (<c>kvm</c> or <c>tcg</c>) and why it was chosen.</summary>
    public AcceleratorVerdict Accelerator { get; }

    /// <summary>The private (0700) directory that holds the network's sockets and each machine's state; removed on disposal.</summary>
    public string StateDirectory => state.Path;

    /// <summary>Every machine of the network, started or not.</summary>
    public IReadOnlyCollection<Machine> Machines => machines.Values;

    /// <summary>The machine of that name.</summary>
    /// <exception cref="KeyNotFoundException">The network has no such machine (the message lists those it has).</exception>
    public Machine this[string name] => machines.TryGetValue(name, out var m) ? m
        : throw new KeyNotFoundException($"the network has no machine '{name}' (it has: {string.Join(", ", machines.Keys)})");

    /// <summary>
    /// Reads <c>network.json</c> (the file, or a directory holding it such as a nix-build result),
    /// chooses the accelerator and starts the VLAN switches. Machines start with <see cref="StartAllAsync"/>
    /// or on first use.
    /// </summary>
    /// <param name="manifestPath"><c>network.json</c>, or the directory (nix-build result) that holds it.</param>
    /// <param name="options">How to run the machines; null for the defaults.</param>
    /// <param name="ct">Cancels the accelerator probe and the switches' start.</param>
    /// <exception cref="ManifestException">The manifest cannot be read or is not valid.</exception>
    /// <exception cref="MissingToolException">QEMU, vde_switch or util-linux is not installed.</exception>
    /// <exception cref="NetworkSetupException">A VLAN switch did not start, or KVM was asked for but cannot be used.</exception>
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
            ? throw new NetworkSetupException($"network '{manifest.Name}' has no host-backend machine to probe KVM with; choose the accelerator (kvm or tcg) for a nixos network")
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
    /// <exception cref="MachineFailedException">A machine did not start or did not become ready within <see cref="NetworkOptions.BootTimeout"/>.</exception>
    public async Task StartAllAsync(CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(Options.MaxParallelBoots);
        try
        {
            await Task.WhenAll(machines.Values.Select(async m =>
            {
                await slots.WaitAsync(ct);
                try { await m.WaitForReadyAsync(ct); }
                finally { slots.Release(); }
            }));
        }
        catch (NixVmException e)
        {
            WriteBootReport(e.Message);
            throw;
        }
        Log.Driver($"all {machines.Count} machine(s) ready in {clock.Elapsed.TotalSeconds:0.00} s (host load {HostLoad()})");
        WriteBootReport(null);
    }

    /// <summary>
    /// Stops every running machine's services (see <see cref="Machine.StopServicesAsync"/>; machines
    /// in parallel, each in reverse start order) and copies their logs into the log directory.
    /// </summary>
    /// <exception cref="NixVmException">A machine failed or its stop command failed (the other machines' services are stopped all the same).</exception>
    public Task StopServicesAsync(CancellationToken ct = default) =>
        Task.WhenAll(machines.Values.Select(m => m.StopServicesAsync(ct)));

    void WriteBootReport(string? failure)
    {
        if (Options.LogDirectory is null) return;
        var ready = machines.Values.Where(m => m.BootTime is not null).OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new BootedMachine(m.Name, m.BootTime!.Value.TotalSeconds)).ToList();
        new BootReport(Accelerator.Accelerator, Accelerator.Reason, ready, failure).Write(Options.LogDirectory);
    }

    /// <summary>The host's 1-minute load average, logged next to timings since boots are CPU-bound.</summary>
    internal static string HostLoad() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>
    /// Stops every machine's services (failures are logged, not thrown), kills every QEMU and VLAN
    /// switch, and removes the state directory.
    /// </summary>
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
        catch (NixVmException e)
        {
            Log.Machine(machine.Name, $"could not stop the services: {e.Message}");
        }
    }
}
