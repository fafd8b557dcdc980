using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// Turns a command's output into log lines as it arrives, up to a byte budget; binary output is
/// logged as its size only. Memory stays within the budget, however long a line is.
/// </summary>
sealed class StreamLogger(Action<string> write, int budget)
{
    readonly List<byte> pending = new();
    long logged;
    bool binary;

    /// <summary>Bytes seen so far, logged or not.</summary>
    public long Total { get; private set; }

    /// <summary>Takes the next chunk of output.</summary>
    public void Add(ReadOnlySpan<byte> data)
    {
        Total += data.Length;
        if (binary || logged >= budget) return;
        if (data.Contains((byte)0)) { binary = true; pending.Clear(); return; }
        foreach (var b in data)
        {
            if (b == (byte)'\n') Emit();
            else if (logged + pending.Count < budget) pending.Add(b);
        }
    }

    public void Flush()
    {
        if (binary) { write($"({Total} bytes of binary output)"); return; }
        if (pending.Count > 0) Emit();
        if (Total > logged) write($"… ({Total - logged} more bytes not logged)");
    }

    void Emit()
    {
        if (logged >= budget) return;
        write(Encoding.UTF8.GetString(pending.ToArray()));
        logged += pending.Count + 1;
        pending.Clear();
    }
}
