using System.Diagnostics;
using NixVm.Driver.Logging;
using NixVm.Driver.Processes;

namespace NixVm.Driver.Machines;

/// <summary>
/// One boot of a machine: its QEMU process and everything connected to it (serial console, HMP
/// monitor, QMP, backdoor shell and the sockets they came in on) and how far the boot got.
/// <see cref="Machine.StartAsync"/> launches one; it is disposed when that QEMU stops for any
/// reason (shutdown, crash, reboot, a failed boot, the network's disposal), so nothing of one boot
/// outlives it or leaks into the next.
/// </summary>
sealed class MachineBoot : IAsyncDisposable
{
    readonly string machine;
    readonly string stateDirectory;
    readonly string exchangeDirectory;
    readonly NetworkLog log;
    readonly Stopwatch clock;
    SocketListeners? listeners;
    BackdoorShell? shell;
    HmpMonitor? monitor;
    QmpClient? qmp;
    GoAheadPort? goAhead;

    MachineBoot(string machine, string stateDirectory, string exchangeDirectory, NetworkLog log,
        SocketListeners listeners, Stopwatch clock, ChildProcess process, Snapshots.Snapshot? restoredFrom, bool consoleLogged)
    {
        this.clock = clock;
        this.machine = machine;
        this.stateDirectory = stateDirectory;
        this.exchangeDirectory = exchangeDirectory;
        this.log = log;
        this.listeners = listeners;
        Process = process;
        Console = new SerialConsole(machine, process.StandardOutput, process.StandardError, log, restoredFrom?.Console ?? [], consoleLogged);
    }

    public ChildProcess Process { get; }

    /// <summary>This boot's serial console (it stays readable after the boot ends).</summary>
    public SerialConsole Console { get; }

    /// <summary>QEMU has connected every socket (<see cref="ConnectAsync"/> succeeded).</summary>
    public bool Connected => qmp is not null;

    /// <summary>The guest's root shell is up (<see cref="WaitForShellAsync"/> succeeded).</summary>
    public bool Ready { get; private set; }

    /// <summary>The guest's services were stopped during this boot.</summary>
    public bool ServicesStopped { get; set; }

    public bool IsRunning => !Process.HasExited;

    public BackdoorShell Shell => shell ?? throw NotConnected();
    public HmpMonitor Monitor => monitor ?? throw NotConnected();
    public QmpClient Qmp => qmp ?? throw NotConnected();
    public GoAheadPort GoAhead => goAhead ?? throw NotConnected();

    string QmpPath => Path.Combine(stateDirectory, "qmp");

    /// <summary>
    /// Starts QEMU through the machine's start script with the driver's sockets appended. We listen
    /// and QEMU connects (the NixOS order), so nothing the guest prints early is lost.
    /// <paramref name="restoreFrom"/>: a snapshot to load instead of booting (see <see cref="Snapshots.SnapshotCache"/>);
    /// <paramref name="consoleLogged"/>: its console is in the log already (it was saved by this start).
    /// </summary>
    public static async Task<MachineBoot> LaunchAsync(string machine, string startScript, string stateDirectory,
        string exchangeDirectory, IReadOnlyDictionary<string, string?> environment, NetworkLog log, Snapshots.Snapshot? restoreFrom = null,
        bool consoleLogged = false)
    {
        var listeners = new SocketListeners(stateDirectory, "shell", "monitor", "stdout", "stderr", "control", "goahead");
        try
        {
            string[] args =
            [
                // Exactly what the nixpkgs driver passes …
                "-qmp", $"unix:{Path.Combine(stateDirectory, "qmp")},server=on,wait=off",
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
                // … and the go-ahead point's port (a snapshot loads only into these same devices:
                // change SnapshotIdentity.CurrentLayout with them).
                .. Port("goahead", GoAheadPort.PortName),
                // (exec: runs a shell; QEMU 7.2 has no file: URI)
                .. restoreFrom is null ? [] : new[] { "-incoming", $"exec:cat<{ShellQuote(restoreFrom.State)}" },
            ];
            string[] Port(string socket, string name) =>
                ["-chardev", $"socket,id=nixvm-{socket},path={listeners.Path(socket)}", "-device", $"virtserialport,chardev=nixvm-{socket},name={name}"];
            var clock = Stopwatch.StartNew();
            var process = await ChildProcess.StartAsync(startScript, args, environment, stateDirectory);
            return new MachineBoot(machine, stateDirectory, exchangeDirectory, log, listeners, clock, process, restoreFrom, consoleLogged);
        }
        catch
        {
            listeners.Dispose();
            throw;
        }
    }

    /// <summary>Waits until QEMU has connected the shell, its ports and the monitor, and connects to QMP.</summary>
    /// <exception cref="MachineFailedException">QEMU exited or did not connect within <paramref name="timeout"/>.</exception>
    public async Task ConnectAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startup.CancelAfter(timeout);
        try
        {
            var accepts = listeners!.AcceptAllAsync(startup.Token);
            await UntilExitOrAsync(accepts, startup.Token);
            var sockets = accepts.Result;
            shell = new BackdoorShell(machine, new BackdoorSockets(sockets["shell"], sockets["stdout"], sockets["stderr"], sockets["control"]), log);
            monitor = new HmpMonitor(sockets["monitor"]);
            goAhead = new GoAheadPort(sockets["goahead"]);
            await UntilExitOrAsync(monitor.WaitForPromptAsync(startup.Token), startup.Token);
            qmp = await QmpClient.ConnectAsync(machine, QmpPath, startup.Token);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            var reason = e is MachineFailedException f ? f.Reason : await FailureReasonAsync();
            throw new MachineFailedException(machine, $"QEMU did not start: {reason}");
        }
        finally
        {
            // .NET removes the listening sockets' files; the accepted connections stay open.
            listeners!.Dispose();
            listeners = null;
        }
    }

    /// <summary>Waits until the guest's root shell is up; fails at once if the guest reports a boot failure or QEMU exits.</summary>
    /// <exception cref="MachineFailedException">The guest failed, QEMU exited, or the shell was not up within <paramref name="timeout"/>.</exception>
    public async Task WaitForShellAsync(TimeSpan timeout, CancellationToken ct)
    {
        await GuardedAsync(t => Shell.ConnectAsync(t), "become ready", timeout, ct);
        Ready = true;
    }

    /// <summary>Waits until the guest is at its go-ahead point (a cold boot with <see cref="GoAheadPort.KernelParameter"/>).</summary>
    /// <exception cref="MachineFailedException">The guest failed, QEMU exited, or the guest did not get there within <paramref name="timeout"/>.</exception>
    public Task WaitForGoAheadPointAsync(TimeSpan timeout, CancellationToken ct) =>
        GuardedAsync(t => GoAhead.WaitForGuestAsync(t), "reach its go-ahead point", timeout, ct);

    /// <summary>Waits until QEMU has loaded the snapshot it was launched with and the guest runs.</summary>
    /// <exception cref="MachineFailedException">QEMU could not load it (it exits), or did not finish within <paramref name="timeout"/>.</exception>
    public Task WaitForRestoreAsync(TimeSpan timeout, CancellationToken ct) =>
        GuardedAsync(async t =>
        {
            // The guest was saved paused (see SaveAsync), so it is loaded paused: continue it.
            string? status;
            while ((status = (string?)(await Qmp.ExecuteAsync("query-status", null, t))?["status"]) == "inmigrate")
                await Task.Delay(10, t);
            if (status != "running") await Qmp.ExecuteAsync("cont", null, t);
        }, "be restored", timeout, ct);

    /// <summary>
    /// Saves the guest (paused meanwhile) into <paramref name="file"/> with QMP <c>migrate</c>, then
    /// lets it run on. A save that has not finished within <paramref name="timeout"/> (a stalled
    /// cache file system) is cancelled.
    /// </summary>
    /// <exception cref="MonitorCommandException">QEMU refused, failed or did not finish the save; the guest runs on.</exception>
    /// <exception cref="MachineFailedException">QEMU exited, or stopped answering QMP, during the save.</exception>
    public Task SaveAsync(string file, TimeSpan timeout, CancellationToken ct) =>
        GuardedAsync(t => MigrateAsync(file, timeout, t), "be saved", timeout + QmpGrace, ct, passOn: e => e is MonitorCommandException);

    /// <summary>How long QMP may take to answer once the save's own time is up.</summary>
    static readonly TimeSpan QmpGrace = TimeSpan.FromSeconds(15);

    async Task MigrateAsync(string file, TimeSpan timeout, CancellationToken ct)
    {
        await Qmp.ExecuteAsync("stop", null, ct);
        try
        {
            var clock = Stopwatch.StartNew();
            await Qmp.ExecuteAsync("migrate", new { uri = $"exec:cat>{ShellQuote(file)}" }, ct);
            while (true)
            {
                var info = await Qmp.ExecuteAsync("query-migrate", null, ct);
                var status = (string?)info?["status"];
                if (status == "completed") break;
                if (status is "failed" or "cancelled")
                    throw new MonitorCommandException(machine, "migrate", $"{status}: {info?["error-desc"]}");
                if (clock.Elapsed > timeout)
                {
                    await Qmp.ExecuteAsync("migrate_cancel", null, ct);
                    throw new MonitorCommandException(machine, "migrate", $"not finished within {timeout.TotalSeconds:0} s ({status}); cancelled");
                }
                await Task.Delay(10, ct);
            }
        }
        finally { await Qmp.ExecuteAsync("cont", null, ct); }
    }

    static string ShellQuote(string path) => "'" + path.Replace("'", "'\\''") + "'";

    /// <summary>
    /// Runs <paramref name="work"/> within <paramref name="timeout"/>, failing as soon as the guest fails or QEMU exits;
    /// <paramref name="passOn"/>: exceptions of <paramref name="work"/> that go on unchanged.</summary>
    async Task GuardedAsync(Func<CancellationToken, Task> work, string what, TimeSpan timeout, CancellationToken ct, Func<Exception, bool>? passOn = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try { await UntilExitOrAsync(work(limit.Token), limit.Token); }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested) && passOn?.Invoke(e) != true)
        {
            var reason = e switch
            {
                MachineFailedException f => f.Reason,
                OperationCanceledException when Console.FatalReason is null && IsRunning =>
                    $"the guest did not {what} within {timeout.TotalSeconds:0} s (see its console log)",
                InvalidDataException or MonitorCommandException => $"the guest did not {what}: {e.Message}",
                _ => await FailureReasonAsync(),
            };
            throw new MachineFailedException(machine, reason);
        }
    }

    /// <summary>Time since QEMU started.</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>
    /// Awaits <paramref name="work"/>, but gives up as soon as QEMU exits, reports an error it does not
    /// exit on (KVM), or the guest prints its fail-fast marker, so a broken guest is reported at once instead of after a timeout.
    /// </summary>
    async Task UntilExitOrAsync(Task work, CancellationToken ct)
    {
        var exited = Process.WaitForExitAsync(ct);
        while (!work.IsCompleted)
        {
            if (Console.FatalReason is { } fatal)
                throw new MachineFailedException(machine, GuestFailed(fatal));
            if (Console.QemuFatal is { } qemuFatal)
                throw new MachineFailedException(machine, qemuFatal);
            await Task.WhenAny(work, exited, Console.Changed);
            if (exited.IsCompleted && !work.IsCompleted)
                throw new MachineFailedException(machine, await FailureReasonAsync());
        }
        await work;
    }

    /// <summary>Why the boot ended: the guest's own marker, else QEMU's exit and stderr, else (QEMU runs on) <paramref name="whileRunning"/>.</summary>
    public async Task<string> FailureReasonAsync(string whileRunning = "the guest shell disconnected")
    {
        // Give QEMU and the console reader a moment to say their last words.
        try { await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(3)); } catch (TimeoutException) { }
        Console.WaitForEnd(TimeSpan.FromSeconds(1));
        if (Console.FatalReason is { } fatal) return GuestFailed(fatal);
        if (Console.QemuFatal is { } qemuFatal) return qemuFatal;
        if (Console.PanicReason is { } panic) return $"the guest kernel panicked: {panic} (see its console log)";
        var errors = Console.QemuErrors is { Length: > 0 } e ? $": {e}" : "";
        return Process.HasExited
            ? $"QEMU exited with status {Process.ExitCode}{errors}"
            : $"{whileRunning}{errors}";
    }

    /// <summary>A guest failure's reason, with the last lines of the service log it names.</summary>
    string GuestFailed(string fatal) => $"the guest failed: {fatal}{ServiceLogs.TailFor(fatal, exchangeDirectory)}";

    InvalidOperationException NotConnected() => new($"machine '{machine}': QEMU has not connected yet");

    /// <summary>Kills QEMU (whole process group), lets the console reader finish, and closes every connection and socket file of this boot.</summary>
    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Console.WaitForEnd(TimeSpan.FromSeconds(2));
        listeners?.Dispose();
        shell?.Dispose();
        monitor?.Dispose();
        qmp?.Dispose();
        goAhead?.Dispose();
        if (Directory.Exists(stateDirectory)) File.Delete(QmpPath);
    }
}
