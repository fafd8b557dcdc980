using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// Accumulates bytes from one stream until the end marker of one command: <c>\x1eNIXVM-END:&lt;id&gt;</c>,
/// an optional suffix (the console's <c>:&lt;status&gt;</c>) and a newline.
/// </summary>
sealed class MarkerReader(string id)
{
    readonly byte[] marker = CommandFraming.Marker(id);
    readonly MemoryStream buffer = new();
    int scanned;

    ReadOnlySpan<byte> Buffered => buffer.GetBuffer().AsSpan(0, (int)buffer.Length);

    /// <summary>How many leading bytes can no longer be part of the marker (safe to log while streaming).</summary>
    public int SafeLength { get; private set; }

    public ReadOnlySpan<byte> Safe => Buffered[..SafeLength];

    /// <summary>Adds bytes; returns true once the marker line is complete.</summary>
    public bool Feed(ReadOnlySpan<byte> data, out MarkerEnd end)
    {
        buffer.Write(data);
        var all = Buffered;
        var from = Math.Max(0, scanned - marker.Length);
        var at = all[from..].IndexOf(marker);
        end = default;
        if (at < 0)
        {
            scanned = all.Length;
            SafeLength = Math.Max(SafeLength, all.Length - marker.Length + 1);
            return false;
        }
        at += from;
        SafeLength = at;
        var rest = all[(at + marker.Length)..];
        var nl = rest.IndexOf((byte)'\n');
        if (nl < 0) { scanned = at + marker.Length; return false; }
        end = new MarkerEnd(all[..at].ToArray(), Encoding.ASCII.GetString(rest[..nl]), rest[(nl + 1)..].ToArray());
        return true;
    }
}
