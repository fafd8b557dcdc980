using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// Turns a command's output into log lines as it arrives, up to a byte budget; binary output is
/// logged as its size only.
/// </summary>
sealed class StreamLogger(Action<string> write, int budget)
{
    readonly List<byte> pending = new();
    int consumed;
    long total;
    int logged;
    bool binary;

    /// <summary>Takes the new part of a prefix that only grows.</summary>
    public void Add(ReadOnlySpan<byte> whole)
    {
        if (whole.Length <= consumed) return;
        var data = whole[consumed..];
        consumed = whole.Length;
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
