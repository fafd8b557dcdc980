using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NixVm.Driver.Manifest;
using NixVm.Driver.Processes;

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
    ChildProcess? process;
    SerialConsole? console;
    HmpMonitor? monitor;
    QmpClient? qmp;
    BackdoorShell? shell;
    Stopwatch? bootClock;
    readonly Dictionary<int, int> forwardedPorts = new();

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
    public bool IsRunning => process is { HasExited: false };

    /// <summary>QEMU's pid while the machine runs.</summary>
    public int? ProcessId => process?.Pid;

    /// <summary>Whether QEMU is running and connected to the driver (see <see cref="WaitForReadyAsync"/> for the guest's shell).</summary>
    public bool IsReady => shell is not null && IsRunning;

    /// <summary>Time from QEMU's start to the guest's ready marker, for the latest boot.</summary>
    public TimeSpan? BootTime { get; private set; }

    /// <summary>Guest port → host port on 127.0.0.1, for the declared forwards and those added later.</summary>
    public IReadOnlyDictionary<int, int> ForwardedPorts => forwardedPorts;

    /// <summary>Everything the serial console printed since the last start.</summary>
    public string ConsoleText => console?.Text ?? "";

    /// <summary>Starts QEMU; returns once QEMU has connected its monitor and shell (the guest is still booting). Does nothing when it runs already.</summary>
    /// <exception cref="MachineFailedException">QEMU did not start or did not connect within <see cref="NetworkOptions.BootTimeout"/>.</exception>
    /// <exception cref="MissingToolException">util-linux (setsid, setpriv) is not installed.</exception>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (IsRunning) return;
        await StopProcessAsync();
        Directory.CreateDirectory(StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(StateDirectory, "xchg"));
        var qmpPath = Path.Combine(StateDirectory, "qmp");
        // We listen and QEMU connects (NixOS order), so nothing the guest prints early is lost.
        using var listeners = new SocketListeners(StateDirectory, "shell", "monitor", "stdout", "stderr", "control");

        var env = new Dictionary<string, string?>
        {
            ["TMPDIR"] = StateDirectory,
            ["USE_TMPDIR"] = "1",
            ["SHARED_DIR"] = context.SharedDirectory,
            ["NIXVM_ACCEL"] = context.Accelerator,
            ["NIXVM_HOSTFWD"] = HostForwards(),
        };
        foreach (var (vlan, sock) in context.VlanSockets) env[$"QEMU_VDE_SOCKET_{vlan}"] = sock;
        string[] args =
        [
            // Exactly what the nixpkgs driver passes …
            "-qmp", $"unix:{qmpPath},server=on,wait=off",
            "-monitor", $"unix:{listeners.Path("monitor")}",
            "-chardev", $"socket,id=shell,path={listeners.Path("shell")}",
            "-device", "virtio-serial",
            "-device", "virtconsole,chardev=shell",
            "-device", "virtio-rng-pci",
            "-serial", "stdio",
            "-no-reboot",
            "-nographic",
            // … plus the flow-controlled output and control ports of our framing.
            .. Port("stdout", CommandFraming.StdoutPort),
            .. Port("stderr", CommandFraming.StderrPort),
            .. Port("control", CommandFraming.ControlPort),
        ];
        string[] Port(string socket, string name) =>
            ["-chardev", $"socket,id=nixvm-{socket},path={listeners.Path(socket)}", "-device", $"virtserialport,chardev=nixvm-{socket},name={name}"];
        context.Log.Machine(Name, $"starting {Manifest.StartScript} (accelerator {context.Accelerator})");
        bootClock = Stopwatch.StartNew();
        process = await ChildProcess.StartAsync(Manifest.StartScript, args, env, StateDirectory);
        console = new SerialConsole(Name, process.StandardOutput, process.StandardError, context.Log);

        using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startup.CancelAfter(context.Options.BootTimeout);
        try
        {
            var accepts = listeners.AcceptAllAsync(startup.Token);
            await UntilExitOrAsync(accepts, startup.Token);
            var sockets = accepts.Result;
            shell = new BackdoorShell(Name, new BackdoorSockets(sockets["shell"], sockets["stdout"], sockets["stderr"], sockets["control"]), context.Log);
            monitor = new HmpMonitor(sockets["monitor"]);
            await UntilExitOrAsync(monitor.WaitForPromptAsync(startup.Token), startup.Token);
            qmp = await QmpClient.ConnectAsync(Name, qmpPath, startup.Token);
            shellConnected = false;
            context.Log.Machine(Name, $"QEMU running (pid {process.Pid})");
        }
        catch (Exception e)
        {
            var reason = e is MachineFailedException f ? f.Reason : await FailureReasonAsync();
            await StopProcessAsync();
            if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
            throw new MachineFailedException(Name, $"QEMU did not start: {reason}");
        }
    }

    bool shellConnected;

    /// <summary>Waits until the guest's root shell is up (starting the machine if needed); fails at once if the guest reports a boot failure.</summary>
    /// <exception cref="MachineFailedException">The guest reported a boot failure, QEMU exited, or the guest was not ready within <see cref="NetworkOptions.BootTimeout"/> (the machine is stopped).</exception>
    public async Task WaitForReadyAsync(CancellationToken ct = default)
    {
        if (!IsRunning) await StartAsync(ct);
        if (shellConnected) return;
        using var boot = CancellationTokenSource.CreateLinkedTokenSource(ct);
        boot.CancelAfter(context.Options.BootTimeout);
        try
        {
            await UntilExitOrAsync(shell!.ConnectAsync(boot.Token), boot.Token);
        }
        catch (Exception e)
        {
            var cancelled = e is OperationCanceledException && ct.IsCancellationRequested;
            var reason = e switch
            {
                MachineFailedException f => f.Reason,
                OperationCanceledException when !cancelled && console?.FatalReason is null && IsRunning =>
                    $"the guest did not become ready within {context.Options.BootTimeout.TotalSeconds:0} s (see its console log)",
                _ => await FailureReasonAsync(),
            };
            await StopProcessAsync();
            if (cancelled) throw;
            throw new MachineFailedException(Name, reason);
        }
        shellConnected = true;
        BootTime = bootClock!.Elapsed;
        context.Log.Machine(Name, $"connected to guest root shell ({BootTime.Value.TotalSeconds:0.00} s after QEMU started)");
    }

    /// <summary>
    /// Awaits <paramref name="work"/>, but gives up as soon as QEMU exits or the guest prints its
    /// fail-fast marker, so a broken guest is reported at once instead of after a timeout.
    /// </summary>
    async Task UntilExitOrAsync(Task work, CancellationToken ct)
    {
        var exited = process!.WaitForExitAsync(ct);
        while (!work.IsCompleted)
        {
            if (console!.FatalReason is { } fatal)
                throw new MachineFailedException(Name, GuestFailed(fatal));
            await Task.WhenAny(work, exited, console.Changed);
            if (exited.IsCompleted && !work.IsCompleted)
                throw new MachineFailedException(Name, await FailureReasonAsync());
        }
        await work;
    }

    /// <summary>Why the machine stopped: the guest's own marker, else QEMU's exit and stderr.</summary>
    async Task<string> FailureReasonAsync()
    {
        if (process is null) return "the machine is not running";
        // Give QEMU and the console reader a moment to say their last words.
        try { await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(3)); } catch (TimeoutException) { }
        console?.WaitForEnd(TimeSpan.FromSeconds(1));
        if (console?.FatalReason is { } fatal) return GuestFailed(fatal);
        var errors = console?.QemuErrors is { Length: > 0 } e ? $": {e}" : "";
        return process.HasExited
            ? $"QEMU exited with status {process.ExitCode}{errors}"
            : $"the guest shell disconnected{errors}";
    }

    string HostForwards()
    {
        forwardedPorts.Clear();
        var rules = new List<string>();
        foreach (var f in Manifest.Forwards)
        {
            var host = context.Options.RemapForwardedPorts ? FreeTcpPort() : f.HostPort;
            forwardedPorts[f.GuestPort] = host;
            rules.Add($"hostfwd={f.Protocol}:127.0.0.1:{host}-:{f.GuestPort}");
        }
        return string.Join(",", rules);
    }

    internal static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Kills QEMU (whole process group) and closes every connection and socket file of this machine.</summary>
    async Task StopProcessAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            console?.WaitForEnd(TimeSpan.FromSeconds(2));
            CopyServiceLogs(); // also after a failure or crash: what the services wrote is in xchg
        }
        shell?.Dispose();
        monitor?.Dispose();
        qmp?.Dispose();
        (process, shell, monitor, qmp, shellConnected, servicesStopped) = (null, null, null, null, false, false);
        if (Directory.Exists(StateDirectory))
            File.Delete(Path.Combine(StateDirectory, "qmp"));
    }

    /// <summary>Kills QEMU and closes the machine's connections (the network does this when it is disposed).</summary>
    internal async ValueTask DisposeAsync() => await StopProcessAsync();
}
