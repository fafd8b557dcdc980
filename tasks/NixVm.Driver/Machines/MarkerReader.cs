using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// Finds the end marker of one command in a stream: <c>\x1eNIXVM-END:&lt;id&gt;</c>, an optional
/// suffix (the console's <c>:&lt;status&gt;</c>) and a newline. Output is handed on as soon as it
/// cannot be part of the marker, so memory stays bounded whatever a command writes: only a possible
/// start of the marker (or the marker line itself) is held back.
/// </summary>
sealed class MarkerReader(string id)
{
    readonly byte[] marker = CommandFraming.Marker(id);
    byte[] held = [];

    /// <summary>
    /// Adds bytes. <paramref name="output"/> is the command's output that is now certain (valid until
    /// the next call); returns true once the marker line is complete.
    /// </summary>
    public bool Feed(ReadOnlyMemory<byte> data, out ReadOnlyMemory<byte> output, out MarkerEnd end)
    {
        ReadOnlyMemory<byte> all = held.Length == 0 ? data : (byte[])[.. held, .. data.Span];
        end = default;
        var at = all.Span.IndexOf(marker);
        if (at < 0)
        {
            var keep = PossibleMarkerStart(all.Span);
            output = all[..^keep];
            held = all[^keep..].ToArray();
            return false;
        }
        output = all[..at];
        var rest = all[(at + marker.Length)..];
        var nl = rest.Span.IndexOf((byte)'\n');
        if (nl < 0)
        {
            held = all[at..].ToArray();
            return false;
        }
        held = [];
        end = new MarkerEnd(Encoding.ASCII.GetString(rest.Span[..nl]), rest[(nl + 1)..].ToArray());
        return true;
    }

    /// <summary>The length of the longest end of <paramref name="data"/> that a marker could continue from.</summary>
    int PossibleMarkerStart(ReadOnlySpan<byte> data)
    {
        for (var k = Math.Min(marker.Length - 1, data.Length); k > 0; k--)
            if (data[^k..].SequenceEqual(marker.AsSpan(0, k))) return k;
        return 0;
    }
}
