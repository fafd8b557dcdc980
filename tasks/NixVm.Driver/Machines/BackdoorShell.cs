using System.Text;
using NixVm.Driver.Logging;
using NixVm.Shared;

namespace NixVm.Driver.Machines;

/// <summary>The host end of a guest's root shell and its output ports (wire format: <see cref="CommandFraming"/>).</summary>
sealed class BackdoorShell : IDisposable
{
    const int MaxLoggedBytes = 64 * 1024;
    static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(15);

    readonly string machine;
    readonly NetworkLog log;
    readonly MarkedStream console, stdout, stderr;
    readonly JobKiller killer;
    readonly SemaphoreSlim gate = new(1, 1);
    readonly TaskCompletionSource<string> lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BackdoorShell(string machine, BackdoorSockets sockets, NetworkLog log)
    {
        this.machine = machine;
        this.log = log;
        console = new MarkedStream(sockets.Console);
        stdout = new MarkedStream(sockets.Stdout);
        stderr = new MarkedStream(sockets.Stderr);
        killer = new JobKiller(sockets.Control);
    }

    /// <summary>Reads until the guest prints the ready marker, then installs the framing function.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        var ready = await console.ReadUntilTextAsync(Contract.Guest.BackdoorReady, ct);
        if (ready.Length > 0) log.Machine(machine, $"guest shell said: {ready.Trim()}");
        await console.WriteAsync(Encoding.UTF8.GetBytes(CommandFraming.SetupScript), ct);
        var before = new MemoryStream();
        var end = await console.ReadUntilMarkerAsync(CommandFraming.SetupId, data => before.WriteAsync(data), ct);
        var said = Encoding.UTF8.GetString(before.ToArray()).Trim();
        if (said.Length > 0) log.Machine(machine, $"guest shell said: {said}");
        if (end.Suffix != ":0") throw new MachineFailedException(machine, $"the guest shell could not set up the command framing: {said}");
        _ = WatchConsoleAsync();
    }

    /// <summary>
    /// After set-up the console carries nothing back, so anything on it means trouble: the shell
    /// printing an error, or exiting and being respawned (which loses the framing).
    /// </summary>
    async Task WatchConsoleAsync()
    {
        try
        {
            while (true)
            {
                var text = await console.ReadSomeAsync(CancellationToken.None);
                if (text is null) break;
                log.Machine(machine, $"guest shell said: {text.Trim()}");
                if (text.Contains(Contract.Guest.BackdoorReady, StringComparison.Ordinal))
                {
                    lost.TrySetResult("the guest shell exited and was restarted");
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException) { }
        lost.TrySetResult("the guest shell disconnected");
    }

    /// <summary>
    /// Runs one command. Its stdout goes to <paramref name="stdoutTarget"/> when given, else it is
    /// returned; what is returned (stdout and stderr) may not pass <paramref name="outputLimit"/>.
    /// </summary>
    public async Task<ExecResult> ExecuteAsync(string command, TimeSpan? timeout, long outputLimit, Stream? stdoutTarget, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try { return await ExecuteLockedAsync(command, timeout, outputLimit, stdoutTarget, ct); }
        finally { gate.Release(); }
    }

    async Task<ExecResult> ExecuteLockedAsync(string command, TimeSpan? timeout, long outputLimit, Stream? stdoutTarget, CancellationToken ct)
    {
        var id = CommandFraming.NewId();
        log.Machine(machine, $"$ {command}");
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var deadline = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        // Reads are never cancelled by the caller: the guest is asked to kill the job and its markers
        // still arrive, keeping the streams in step. Only a guest that ignores that request aborts them.
        using var abort = new CancellationTokenSource();
        var killAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Kill()
        {
            if (killAsked.TrySetResult()) abort.CancelAfter(CancelGrace);
        }
        await using var onStop = stop.Token.Register(Kill);

        var limit = new OutputLimit(outputLimit, Kill);
        var outLog = new StreamLogger(line => log.Machine(machine, "> " + line), MaxLoggedBytes);
        var errLog = new StreamLogger(line => log.Machine(machine, "! " + line), MaxLoggedBytes);
        var stdoutSink = new CommandOutput(outLog, limit, stdoutTarget);
        var stderrSink = new CommandOutput(errLog, limit);
        if (lost.Task.IsCompleted) throw new EndOfStreamException(await lost.Task);
        await console.WriteAsync(CommandFraming.Frame(command, id), CancellationToken.None);
        var output = stdout.ReadUntilMarkerAsync(id, stdoutSink.WriteAsync, abort.Token);
        var errors = stderr.ReadUntilMarkerAsync(id, stderrSink.WriteAsync, abort.Token);
        var both = Task.WhenAll(output, errors);
        var killing = KillWhenAskedAsync(id, killAsked.Task, both, abort.Token);
        try
        {
            if (await Task.WhenAny(both, lost.Task) != both) throw new EndOfStreamException(await lost.Task);
            await both;
            // Not before the guest has answered: a kill request it read later would kill the next command.
            await killing;
        }
        catch (EndOfStreamException e)
        {
            lost.TrySetResult(e.Message);
            throw;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // The shell no longer answers: every later command would wait in vain, so it counts as lost.
            var reason = $"the guest did not stop `{command}` within {CancelGrace.TotalSeconds} s of being asked to; the shell is out of step";
            lost.TrySetResult(reason);
            throw new EndOfStreamException(reason);
        }
        outLog.Flush();
        errLog.Flush();
        var result = new ExecResult(int.Parse(output.Result.Suffix.TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture),
            stdoutSink.ToArray(), stderrSink.ToArray());
        log.Machine(machine, $"(exit {result.ExitCode}, {outLog.Total} bytes out, {errLog.Total} bytes err, {started.Elapsed.TotalMilliseconds:0.0} ms)");

        ct.ThrowIfCancellationRequested();
        if (limit.Exceeded)
            throw new CommandOutputLimitException(machine, command, outputLimit);
        if (deadline.IsCancellationRequested)
            throw new CommandTimeoutException(machine, command, timeout!.Value, result);
        return result;
    }

    /// <summary>Once a kill is asked for (before <paramref name="ended"/>), has the guest kill job <paramref name="id"/>.</summary>
    async Task KillWhenAskedAsync(string id, Task asked, Task ended, CancellationToken ct)
    {
        await Task.WhenAny(asked, ended);
        if (asked.IsCompleted) await killer.KillAsync(id, ended, ct);
    }

    /// <summary>Writes a line the shell runs without framing (poweroff, reboot: they end the connection).</summary>
    public async Task SendRawAsync(string line, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try { await console.WriteAsync(Encoding.UTF8.GetBytes(line), ct); }
        finally { gate.Release(); }
    }

    public void Dispose()
    {
        console.Dispose();
        stdout.Dispose();
        stderr.Dispose();
        killer.Dispose();
        gate.Dispose();
    }
}
