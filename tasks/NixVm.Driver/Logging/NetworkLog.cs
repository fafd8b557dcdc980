namespace NixVm.Driver.Logging;

/// <summary>
/// Where a network's output goes: each machine's serial console to <c>&lt;dir&gt;/&lt;machine&gt;.log</c>,
/// the driver's own lines (commands, waits, timings) to <c>&lt;dir&gt;/driver.log</c>, and all of it, as it
/// arrives, to an optional sink such as the test's output.
/// </summary>
sealed class NetworkLog : IDisposable
{
    readonly string? directory;
    readonly Action<string>? sink;
    readonly Dictionary<string, StreamWriter> files = new();
    readonly Lock gate = new();

    public NetworkLog(string? directory, Action<string>? sink = null)
    {
        this.directory = directory;
        this.sink = sink;
        if (directory is not null) Directory.CreateDirectory(directory);
    }

    /// <summary>A line the guest printed on its serial console.</summary>
    public void Console(string machine, string line) => Write(machine, $"{machine} # {line}");

    /// <summary>Something the driver did or saw on a machine.</summary>
    public void Machine(string machine, string message) => Write("driver", $"{machine}: {message}");

    public void Driver(string message) => Write("driver", message);

    void Write(string file, string line)
    {
        var stamped = $"{DateTime.Now:HH:mm:ss.fff} {line}";
        lock (gate)
        {
            if (directory is not null)
            {
                if (!files.TryGetValue(file, out var w))
                {
                    w = new StreamWriter(Path.Combine(directory, file + ".log"), append: true) { AutoFlush = true };
                    files[file] = w;
                }
                w.WriteLine(stamped);
            }
        }
        try { sink?.Invoke(line); }
        catch (InvalidOperationException) { /* the test that owned the sink has finished */ }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var w in files.Values) w.Dispose();
            files.Clear();
        }
    }
}
