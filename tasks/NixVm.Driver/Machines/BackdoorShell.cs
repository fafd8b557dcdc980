using System.Net.Sockets;
using System.Text;
using NixVm.Driver.Logging;

namespace NixVm.Driver.Machines;

/// <summary>The host end of a guest's root shell (see <see cref="CommandFraming"/> for the wire format).</summary>
sealed class BackdoorShell : IDisposable
{
    public const string ReadyMarker = "Spawning backdoor root shell...";
    const int MaxLoggedBytes = 64 * 1024;
    static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(15);

    readonly string machine;
    readonly Socket socket;
    readonly NetworkStream stream;
    readonly string exchangeDir;
    readonly NetworkLog log;
    readonly SemaphoreSlim gate = new(1, 1);
    readonly byte[] buffer = new byte[64 * 1024];

    public BackdoorShell(string machine, Socket socket, string hostExchangeDir, NetworkLog log)
    {
        this.machine = machine;
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
        exchangeDir = Path.Combine(hostExchangeDir, CommandFraming.ExchangeSubdir);
        Directory.CreateDirectory(exchangeDir);
        this.log = log;
    }

    /// <summary>Reads until the guest prints the ready marker, then installs the framing function.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        var seen = new StringBuilder();
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) throw new EndOfStreamException("the guest shell disconnected before it was ready");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var at = seen.ToString().IndexOf(ReadyMarker, StringComparison.Ordinal);
            if (at >= 0)
            {
                if (at > 0) log.Machine(machine, $"guest shell said: {seen.ToString()[..at].Trim()}");
                break;
            }
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(CommandFraming.SetupScript), ct);
        var reader = new CommandOutputReader(CommandFraming.SetupId);
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) throw new EndOfStreamException("the guest shell disconnected during set-up");
            if (reader.Feed(buffer.AsSpan(0, n), out var end))
            {
                if (end.Stdout.Length > 0) log.Machine(machine, $"guest shell said: {Encoding.UTF8.GetString(end.Stdout).Trim()}");
                return;
            }
        }
    }

    public async Task<ExecResult> ExecuteAsync(string command, TimeSpan? timeout, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try { return await ExecuteLockedAsync(command, timeout, ct); }
        finally { gate.Release(); }
    }

    async Task<ExecResult> ExecuteLockedAsync(string command, TimeSpan? timeout, CancellationToken ct)
    {
        var id = CommandFraming.NewId();
        var errPath = Path.Combine(exchangeDir, id + ".err");
        var cancelPath = Path.Combine(exchangeDir, id + ".cancel");
        log.Machine(machine, $"$ {command}");
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var deadline = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        using var tailStop = new CancellationTokenSource();
        var stderrTail = TailStderrAsync(errPath, tailStop.Token);

        var reader = new CommandOutputReader(id);
        var stdoutLog = new LineLogger(line => log.Machine(machine, "> " + line), MaxLoggedBytes);
        CancellationTokenSource? grace = null;
        CommandEnd end;
        try
        {
            await stream.WriteAsync(CommandFraming.Frame(command, id), CancellationToken.None);
            while (true)
            {
                int n;
                try { n = await stream.ReadAsync(buffer, grace?.Token ?? stop.Token); }
                catch (OperationCanceledException) when (grace is null)
                {
                    // Ask the guest's watcher to kill the job; its marker still arrives, keeping the stream in step.
                    await File.WriteAllTextAsync(cancelPath, "", CancellationToken.None);
                    grace = new CancellationTokenSource(CancelGrace);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    throw new MachineFailedException(machine, $"the guest did not stop `{command}` within {CancelGrace.TotalSeconds} s of being asked to; the shell is out of step");
                }
                if (n == 0) throw new EndOfStreamException("the guest shell disconnected");
                var done = reader.Feed(buffer.AsSpan(0, n), out end);
                stdoutLog.Add(reader.Buffered[..reader.SafeLength]);
                if (done) break;
            }
        }
        finally
        {
            grace?.Dispose();
            tailStop.Cancel();
            await stderrTail;
        }
        stdoutLog.Flush();
        if (end.Trailing.Length > 0)
            log.Machine(machine, $"ignored {end.Trailing.Length} bytes a background process wrote to the shell: {Encoding.UTF8.GetString(end.Trailing).Trim()}");

        var stderr = File.Exists(errPath) ? await File.ReadAllBytesAsync(errPath, CancellationToken.None) : [];
        File.Delete(errPath);
        File.Delete(cancelPath);
        var result = new ExecResult(end.Status, end.Stdout, stderr);
        log.Machine(machine, $"(exit {end.Status}, {end.Stdout.Length} bytes out, {stderr.Length} bytes err, {started.Elapsed.TotalMilliseconds:0.0} ms)");

        ct.ThrowIfCancellationRequested();
        if (deadline.IsCancellationRequested)
            throw new CommandTimeoutException(machine, command, timeout!.Value, result);
        return result;
    }

    /// <summary>Logs the command's stderr while it runs (the file lives in the 9p exchange directory).</summary>
    async Task TailStderrAsync(string path, CancellationToken stopToken)
    {
        var lines = new LineLogger(line => log.Machine(machine, "! " + line), MaxLoggedBytes);
        long offset = 0;
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var stopping = stopToken.IsCancellationRequested;
            if (File.Exists(path))
            {
                await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                f.Seek(offset, SeekOrigin.Begin);
                int n;
                while ((n = await f.ReadAsync(chunk)) > 0)
                {
                    lines.AddSlice(chunk.AsSpan(0, n));
                    offset += n;
                }
            }
            if (stopping) break;
            try { await Task.Delay(100, stopToken); } catch (OperationCanceledException) { }
        }
        lines.Flush();
    }

    /// <summary>Writes a line the shell runs without framing (poweroff, reboot: they end the connection).</summary>
    public async Task SendRawAsync(string line, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try { await stream.WriteAsync(Encoding.UTF8.GetBytes(line), ct); }
        finally { gate.Release(); }
    }

    public void Dispose()
    {
        stream.Dispose();
        gate.Dispose();
    }
}

/// <summary>Turns a growing byte stream into log lines, up to a byte budget.</summary>
sealed class LineLogger(Action<string> write, int budget)
{
    readonly List<byte> pending = new();
    int consumed;   // for Add(): how much of the growing buffer was already taken
    int logged;

    /// <summary>Takes the new part of a buffer that only grows.</summary>
    public void Add(ReadOnlySpan<byte> whole)
    {
        if (whole.Length <= consumed) return;
        AddSlice(whole[consumed..]);
        consumed = whole.Length;
    }

    public void AddSlice(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b == (byte)'\n') Emit();
            else pending.Add(b);
        }
    }

    public void Flush()
    {
        if (pending.Count > 0) Emit();
        if (logged > budget) write($"… ({logged - budget} more bytes not logged)");
    }

    void Emit()
    {
        var line = Encoding.UTF8.GetString(pending.ToArray());
        pending.Clear();
        var before = logged;
        logged += line.Length + 1;
        if (before < budget) write(line);
    }
}
