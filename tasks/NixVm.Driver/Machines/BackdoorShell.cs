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
                if (end.Preceding.Length > 0) log.Machine(machine, $"guest shell said: {Encoding.UTF8.GetString(end.Preceding).Trim()}");
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
        var outPath = Path.Combine(exchangeDir, id + ".out");
        var errPath = Path.Combine(exchangeDir, id + ".err");
        var cancelPath = Path.Combine(exchangeDir, id + ".cancel");
        log.Machine(machine, $"$ {command}");
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var deadline = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        using var tailStop = new CancellationTokenSource();
        var tail = Task.WhenAll(
            TailAsync(outPath, new StreamLogger(line => log.Machine(machine, "> " + line), MaxLoggedBytes), tailStop.Token),
            TailAsync(errPath, new StreamLogger(line => log.Machine(machine, "! " + line), MaxLoggedBytes), tailStop.Token));

        var reader = new CommandOutputReader(id);
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
                if (reader.Feed(buffer.AsSpan(0, n), out end)) break;
            }
        }
        finally
        {
            grace?.Dispose();
            tailStop.Cancel();
            await tail;
        }
        foreach (var stray in new[] { end.Preceding, end.Trailing }.Where(b => b.Length > 0))
            log.Machine(machine, $"ignored {stray.Length} bytes a background process wrote to the shell console: {Encoding.UTF8.GetString(stray).Trim()}");

        var result = new ExecResult(end.Status, await TakeAsync(outPath), await TakeAsync(errPath));
        File.Delete(cancelPath);
        log.Machine(machine, $"(exit {end.Status}, {result.StdoutBytes.Length} bytes out, {result.StderrBytes.Length} bytes err, {started.Elapsed.TotalMilliseconds:0.0} ms)");

        ct.ThrowIfCancellationRequested();
        if (deadline.IsCancellationRequested)
            throw new CommandTimeoutException(machine, command, timeout!.Value, result);
        return result;
    }

    static async Task<byte[]> TakeAsync(string path)
    {
        if (!File.Exists(path)) return [];
        var bytes = await File.ReadAllBytesAsync(path, CancellationToken.None);
        File.Delete(path);
        return bytes;
    }

    /// <summary>Logs a stream while the command runs (the file lives in the 9p exchange directory).</summary>
    static async Task TailAsync(string path, StreamLogger lines, CancellationToken stopToken)
    {
        long offset = 0;
        var chunk = new byte[64 * 1024];
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
                    lines.Add(chunk.AsSpan(0, n));
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

/// <summary>
/// Turns a command's output into log lines as it arrives, up to a byte budget; binary output is
/// logged as its size only.
/// </summary>
sealed class StreamLogger(Action<string> write, int budget)
{
    readonly List<byte> pending = new();
    long total;
    int logged;
    bool binary;

    public void Add(ReadOnlySpan<byte> data)
    {
        total += data.Length;
        if (binary) return;
        if (data.Contains((byte)0)) { binary = true; pending.Clear(); return; }
        foreach (var b in data)
        {
            if (b == (byte)'\n') Emit();
            else pending.Add(b);
        }
    }

    public void Flush()
    {
        if (binary) { write($"({total} bytes of binary output)"); return; }
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
