using System.Net.Sockets;

namespace NixVm.Driver.Machines;

/// <summary>
/// One host socket of the backdoor (the console or an output port), read command by command up
/// to each command's end marker. Bytes after a marker are kept for the next command.
/// </summary>
sealed class MarkedStream(Socket socket) : IDisposable
{
    readonly NetworkStream stream = new(socket, ownsSocket: true);
    readonly byte[] buffer = new byte[64 * 1024];
    byte[] carry = [];

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => stream.WriteAsync(data, ct).AsTask();

    /// <summary>
    /// Reads until <paramref name="id"/>'s marker, handing the output before it to
    /// <paramref name="output"/> piece by piece as it arrives. EndOfStreamException if the guest hangs up.
    /// </summary>
    public async Task<MarkerEnd> ReadUntilMarkerAsync(string id, Func<ReadOnlyMemory<byte>, ValueTask> output, CancellationToken ct)
    {
        var reader = new MarkerReader(id);
        ReadOnlyMemory<byte> pending = carry;
        carry = [];
        while (true)
        {
            if (pending.IsEmpty)
            {
                var n = await stream.ReadAsync(buffer, ct);
                if (n == 0) throw new EndOfStreamException("the guest closed its end");
                pending = buffer.AsMemory(0, n);
            }
            var done = reader.Feed(pending, out var certain, out var end);
            pending = ReadOnlyMemory<byte>.Empty;
            if (!certain.IsEmpty) await output(certain);
            if (done)
            {
                carry = end.After;
                return end;
            }
        }
    }

    /// <summary>Whatever arrives next, as text; null when the guest hung up.</summary>
    public async Task<string?> ReadSomeAsync(CancellationToken ct)
    {
        if (carry.Length > 0)
        {
            var pending = System.Text.Encoding.UTF8.GetString(carry);
            carry = [];
            return pending;
        }
        var n = await stream.ReadAsync(buffer, ct);
        return n == 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>Reads until a plain text appears (the guest's ready marker); returns what came before it.</summary>
    public async Task<string> ReadUntilTextAsync(string text, CancellationToken ct)
    {
        var seen = new System.Text.StringBuilder();
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) throw new EndOfStreamException("the guest shell disconnected before it was ready");
            seen.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
            var at = seen.ToString().IndexOf(text, StringComparison.Ordinal);
            if (at >= 0)
            {
                // Nothing may follow the marker (NixOS' contract); keep it anyway rather than lose it.
                carry = System.Text.Encoding.UTF8.GetBytes(seen.ToString()[(at + text.Length)..]);
                return seen.ToString()[..at];
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
