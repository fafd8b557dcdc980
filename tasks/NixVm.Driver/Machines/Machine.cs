using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NixVm.Driver.Manifest;
using NixVm.Driver.Processes;
using NixVm.Shared;

namespace NixVm.Driver.Machines;

/// <summary>
/// One QEMU guest speaking the NixOS backdoor protocol: we listen on <c>shell</c> and
/// <c>monitor</c> before QEMU starts and QEMU connects to both (so the ready marker cannot be
/// lost); QMP is QEMU's server socket; the serial console is QEMU's stdout. Get one from the
/// <see cref="VirtualNetwork"/> that owns it (<c>network["name"]</c>); commands start it on first use.
/// </summary>
public sealed partial class Machine
{
    readonly MachineContext context;
    /// <summary>The running boot; null while the machine is stopped.</summary>
    MachineBoot? boot;
    /// <summary>The latest boot's console, kept after the boot ends so a stopped machine's console stays readable.</summary>
    SerialConsole? lastConsole;
    readonly Dictionary<int, int> forwardedPorts = new();
    /// <summary>Why the machine failed; set until <see cref="StartAsync"/>.</summary>
    string? failedReason;

    internal Machine(MachineManifest manifest, MachineContext context)
    {
        Manifest = manifest;
        this.context = context;
        StateDirectory = Path.Combine(context.StateRoot, "vm-state-" + manifest.Name);
    }

    /// <summary>The machine's name in the network.</summary>
    public string Name => Manifest.Name;

    /// <summary>The machine as built: interfaces (MAC, IPv4 per VLAN), declared forwards, memory, cores, kernel.</summary>
    public MachineManifest Manifest { get; }

    /// <summary>The machine's private state directory (sockets, <c>xchg</c>); removed with the network.</summary>
    public string StateDirectory { get; }

    /// <summary>Whether QEMU is running (the guest may still be booting).</summary>
    public bool IsRunning => boot is { IsRunning: true };

    /// <summary>QEMU's pid while the machine runs.</summary>
    public int? ProcessId => boot?.Process.Pid;

    /// <summary>Whether QEMU is running and connected to the driver (see <see cref="WaitForReadyAsync"/> for the guest's shell).</summary>
    public bool IsReady => boot is { Connected: true, IsRunning: true };

    /// <summary>Time from the latest start's first QEMU to the guest's ready marker (a first start counts its cold boot and its save).</summary>
    public TimeSpan? BootTime { get; private set; }

    /// <summary>Runs from the latest start, for <see cref="BootTime"/>.</summary>
    readonly Stopwatch startClock = new();

    /// <summary>Guest port → host port on 127.0.0.1, for the declared forwards and those added later.</summary>
    public IReadOnlyDictionary<int, int> ForwardedPorts => forwardedPorts;

    /// <summary>Everything the serial console printed since the last start.</summary>
    public string ConsoleText => lastConsole?.Text ?? "";

    /// <summary>The guest's exchange directory on the host (the guest's <c>/tmp/xchg</c>).</summary>
    internal string ExchangeDirectory => Path.Combine(StateDirectory, Contract.Directories.HostExchange);

    /// <summary>
    /// Starts QEMU; returns once QEMU has connected its monitor and shell (the guest is still booting).
    /// A machine of ours restores from its snapshot when there is a usable one, else boots (and
    /// saves one at its go-ahead point for the next start, see <see cref="NetworkOptions.Snapshots"/>).
    /// Does nothing when it runs already. This is also the way back from a failure (see <see cref="MachineFailedException"/>).
    /// </summary>
    /// <exception cref="MachineFailedException">QEMU did not start or did not connect within <see cref="NetworkOptions.BootTimeout"/>.</exception>
    /// <exception cref="MissingToolException">util-linux (setsid, setpriv) is not installed.</exception>
    public async Task StartAsync(CancellationToken ct = default)
    {
        failedReason = null;
        await BootAsync(ct);
    }

    async Task BootAsync(CancellationToken ct)
    {
        if (IsRunning) return;
        await StopBootAsync();
        startClock.Restart();
        Directory.CreateDirectory(StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(ExchangeDirectory);
        var env = new Dictionary<string, string?>
        {
            ["TMPDIR"] = StateDirectory,
            ["USE_TMPDIR"] = "1",
            ["SHARED_DIR"] = context.SharedDirectory,
            [Contract.Environment.StartAccelerator] = context.Accelerator,
            [Contract.Environment.HostForwards] = HostForwards(),
        };
        foreach (var (vlan, sock) in context.VlanSockets) env[$"QEMU_VDE_SOCKET_{vlan}"] = sock;
        // Without snapshots (and for a NixOS guest, which has no go-ahead point) the guest just boots.
        var identity = SnapshotIdentityOrNull();
        if (identity is null)
        {
            await LaunchAsync(env, null, ct);
            return;
        }
        env["QEMU_KERNEL_PARAMS"] = $"{identity.KernelParameters} {GoAheadPort.KernelParameter}".TrimStart();
        if (!await TryRestoreAsync(env, identity, consoleLogged: false, ct))
        {
            await LaunchAsync(env, null, ct);
            await WaitForGoAheadPointAsync(ct);
            var save = SaveAsync(identity, ct);
            await StopBootOnFailureAsync(save);
            if (save.Result) await RunOnFromSnapshotAsync(env, identity, ct);
        }
        await boot!.GoAhead.SendAsync(ct);
    }

    /// <summary>
    /// Launches QEMU (loading <paramref name="restoreFrom"/> if given) and waits until it has connected.
    /// <paramref name="consoleLogged"/>: the snapshot's console is in the log already (this start saved it).
    /// </summary>
    async Task LaunchAsync(Dictionary<string, string?> env, Snapshots.Snapshot? restoreFrom, CancellationToken ct, bool consoleLogged = false)
    {
        var replayed = restoreFrom is null ? "" : consoleLogged ? $" from snapshot {restoreFrom.State}" : $" from snapshot {restoreFrom.State} (its console up to the go-ahead point replayed)";
        context.Log.Machine(Name, $"starting {Manifest.StartScript} (accelerator {context.Accelerator}){replayed}");
        var started = await MachineBoot.LaunchAsync(Name, Manifest.StartScript, StateDirectory, ExchangeDirectory, env, context.Log, restoreFrom, consoleLogged);
        (boot, lastConsole) = (started, started.Console);
        await StopBootOnFailureAsync(started.ConnectAsync(context.Options.BootTimeout, ct));
        context.Log.Machine(Name, $"QEMU running (pid {started.Process.Pid})");
    }

    /// <summary>Awaits a step of the boot; if it fails, the boot is stopped (QEMU killed) before the exception goes on.</summary>
    async Task StopBootOnFailureAsync(Task step)
    {
        try { await step; }
        catch (MachineFailedException e) { throw await FailAsync(e.Reason); }
        catch
        {
            await StopBootAsync();
            throw;
        }
    }

    /// <summary>Waits until the guest's root shell is up (starting the machine if needed); fails at once if the guest reports a boot failure.</summary>
    /// <exception cref="MachineFailedException">The guest reported a boot failure, QEMU exited, or the guest was not ready within <see cref="NetworkOptions.BootTimeout"/> (the machine is stopped).</exception>
    public async Task WaitForReadyAsync(CancellationToken ct = default)
    {
        if (failedReason is { } earlier)
            throw new MachineFailedException(Name, $"it failed earlier (StartAsync boots it again): {earlier}");
        // QEMU ended unasked while no call waited on it (a panic, a fatal error): failed, not booted again.
        if (boot is { IsRunning: false } ended)
            throw await FailAsync(await ended.FailureReasonAsync());
        if (!IsRunning) await BootAsync(ct);
        var current = boot!;
        if (current.Ready) return;
        await StopBootOnFailureAsync(current.WaitForShellAsync(context.Options.BootTimeout, ct));
        BootTime = startClock.Elapsed;
        context.Log.Machine(Name, $"connected to guest root shell ({current.Elapsed.TotalSeconds:0.00} s after QEMU started, {BootTime.Value.TotalSeconds:0.00} s after the start began)");
    }

    /// <summary>The running boot, for calls that need QEMU's connections.</summary>
    MachineBoot ConnectedBoot() =>
        boot is { Connected: true } b ? b : throw new InvalidOperationException($"machine '{Name}' is not running");

    /// <summary>Why the machine stopped: the guest's own marker, else QEMU's exit and stderr, else (QEMU runs) <paramref name="whileRunning"/>.</summary>
    Task<string> FailureReasonAsync(string whileRunning) =>
        boot?.FailureReasonAsync(whileRunning) ?? Task.FromResult("the machine is not running");

    /// <summary>
    /// The machine failed: it is stopped and stays failed — every later call throws at once instead
    /// of waiting for a guest that cannot answer, or booting it again unasked — until <see cref="StartAsync"/>.
    /// </summary>
    async Task<MachineFailedException> FailAsync(string reason)
    {
        failedReason = reason;
        context.Log.Machine(Name, $"failed: {reason}");
        await StopBootAsync();
        return new MachineFailedException(Name, reason);
    }

    string HostForwards()
    {
        forwardedPorts.Clear();
        var rules = new List<string>();
        foreach (var f in Manifest.Forwards)
        {
            var host = context.Options.RemapForwardedPorts ? FreeTcpPort() : f.HostPort;
            if (!context.Options.RemapForwardedPorts && !IsFree(f.Protocol, host))
                throw new MachineFailedException(Name, $"host port {host} ({f.Protocol}, forwarded to the guest's port {f.GuestPort}) is already in use on 127.0.0.1: " +
                    "stop what listens there, declare another host port, or remap the declared ports to free ones (NetworkOptions.RemapForwardedPorts, NIXVM_REMAP_PORTS=1)");
            forwardedPorts[f.GuestPort] = host;
            rules.Add($"hostfwd={f.Protocol}:127.0.0.1:{host}-:{f.GuestPort}");
        }
        return string.Join(",", rules);
    }

    /// <summary>Whether QEMU can take the port: checked first, because QEMU's own error names neither the port's user nor the machine.</summary>
    static bool IsFree(string protocol, int port)
    {
        try
        {
            if (protocol == "udp") new UdpClient(new IPEndPoint(IPAddress.Loopback, port)).Dispose();
            else
            {
                var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
            }
            return true;
        }
        catch (SocketException) { return false; }
    }

    internal static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Ends the running boot (kills QEMU, closes its connections) and copies what the services logged.</summary>
    async Task StopBootAsync()
    {
        if (Interlocked.Exchange(ref boot, null) is not { } ending) return;
        await ending.DisposeAsync();
        CopyServiceLogs(); // also after a failure or crash: what the services wrote is in xchg
    }

    /// <summary>Kills QEMU and closes the machine's connections (the network does this when it is disposed).</summary>
    internal async ValueTask DisposeAsync() => await StopBootAsync();
}
