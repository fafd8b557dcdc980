using System.Text.RegularExpressions;
using NixVm.Driver.Logging;
using NixVm.Shared;

namespace NixVm.Driver.Machines;

/// <summary>
/// Reads one QEMU's serial console (its stdout) and stderr, each on a thread of its own, logs
/// every line as it arrives and notices the guest's fail-fast marker and a kernel panic. A restored
/// machine's console starts with the lines its snapshot's boot printed (<see cref="Snapshots.Snapshot"/>).
/// </summary>
sealed class SerialConsole
{
    /// <summary>How the Linux kernel starts its last line (printed at any log level).</summary>
    const string PanicMarker = "Kernel panic - not syncing: ";

    readonly string machine;
    readonly NetworkLog log;
    readonly List<string> lines = new();
    readonly List<string> qemuErrors = new();
    readonly Lock gate = new();
    TaskCompletionSource changed = NewSignal();
    readonly Thread stdoutThread, stderrThread;

    /// <summary>Pumps QEMU's stdout and stderr; starts with <paramref name="replayed"/> (a snapshot's console), logged unless <paramref name="replayedLogged"/>.</summary>
    public SerialConsole(string machine, StreamReader stdout, StreamReader stderr, NetworkLog log, IReadOnlyList<string> replayed, bool replayedLogged)
    {
        this.machine = machine;
        this.log = log;
        foreach (var line in replayed) OnConsoleLine(line, logged: replayedLogged);
        stdoutThread = new Thread(() => Pump(stdout, OnConsoleLine)) { IsBackground = true, Name = $"console-{machine}" };
        stderrThread = new Thread(() => Pump(stderr, OnQemuError)) { IsBackground = true, Name = $"qemu-stderr-{machine}" };
        stdoutThread.Start();
        stderrThread.Start();
    }

    /// <summary>The reason from the guest's fail-fast marker, once it printed one.</summary>
    public string? FatalReason { get; private set; }

    /// <summary>The kernel's panic message, once the guest panicked (it then reboots, which ends QEMU).</summary>
    public string? PanicReason { get; private set; }

    /// <summary>
    /// An error after which QEMU stops the guest but does not exit (KVM failing to run it), so that
    /// nothing else would end the boot before its timeout.
    /// </summary>
    public string? QemuFatal { get; private set; }

    /// <summary>What QEMU itself wrote to stderr (bad options, port clashes, …).</summary>
    public string QemuErrors { get { lock (gate) return string.Join("\n", qemuErrors); } }

    public string Text { get { lock (gate) return string.Join("\n", lines); } }

    /// <summary>The lines so far.</summary>
    public string[] Lines { get { lock (gate) return [.. lines]; } }

    /// <summary>Completes when a new line arrives or the console closes.</summary>
    public Task Changed { get { lock (gate) return changed.Task; } }

    public bool Closed { get; private set; }

    public void WaitForEnd(TimeSpan timeout)
    {
        stdoutThread.Join(timeout);
        stderrThread.Join(timeout);
    }

    public async Task<Match> WaitForTextAsync(Regex pattern, int fromLine, CancellationToken ct)
    {
        var next = fromLine;
        while (true)
        {
            Task signal;
            lock (gate)
            {
                for (; next < lines.Count; next++)
                    if (pattern.Match(lines[next]) is { Success: true } m) return m;
                if (Closed) throw new EndOfStreamException("the serial console closed (QEMU exited)");
                signal = changed.Task;
            }
            await signal.WaitAsync(ct);
        }
    }

    void OnConsoleLine(string line) => OnConsoleLine(line, logged: false);

    void OnConsoleLine(string line, bool logged)
    {
        line = line.TrimEnd('\r');
        if (!logged) log.Console(machine, line);
        lock (gate)
        {
            lines.Add(line);
            // What the guest init prints, with a reason, right before it powers off on failure.
            var marker = Contract.Guest.FatalMarker;
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && FatalReason is null) FatalReason = line[(at + marker.Length)..].Trim();
            var panic = line.IndexOf(PanicMarker, StringComparison.Ordinal);
            if (panic >= 0 && PanicReason is null) PanicReason = line[(panic + PanicMarker.Length)..].Trim();
            Signal();
        }
    }

    void OnQemuError(string line)
    {
        log.Machine(machine, "qemu: " + line);
        lock (gate)
        {
            qemuErrors.Add(line);
            if (line.Contains("KVM internal error", StringComparison.Ordinal) && QemuFatal is null)
            {
                QemuFatal = $"QEMU: {line.Trim()}: this host's KVM cannot run the guest; use the tcg accelerator (NixVmAccelerator=tcg, or auto, which probes KVM first)";
                Signal();
            }
        }
    }

    void Pump(StreamReader reader, Action<string> onLine)
    {
        try
        {
            while (reader.ReadLine() is { } line) onLine(line);
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        lock (gate)
        {
            if (Thread.CurrentThread == stdoutThread) Closed = true;
            Signal();
        }
    }

    void Signal()
    {
        var old = changed;
        changed = NewSignal();
        old.TrySetResult();
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
