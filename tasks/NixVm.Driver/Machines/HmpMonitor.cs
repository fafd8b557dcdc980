using System.Net.Sockets;
using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>QEMU's human monitor (HMP) on a socket QEMU connected to; replies end with the "(qemu) " prompt.</summary>
sealed class HmpMonitor(Socket socket) : IDisposable
{
    const string Prompt = "(qemu) ";
    readonly NetworkStream stream = new(socket, ownsSocket: true);
    readonly SemaphoreSlim gate = new(1, 1);

    public Task WaitForPromptAsync(CancellationToken ct) => ReadUntilPromptAsync(ct);

    public async Task<string> SendAsync(string command, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), ct);
            var reply = await ReadUntilPromptAsync(ct);
            // The monitor echoes the command line first (with terminal escapes); drop that line.
            var nl = reply.IndexOf('\n');
            return (nl >= 0 ? reply[(nl + 1)..] : "").Replace("\r", "").Trim();
        }
        finally { gate.Release(); }
    }

    async Task<string> ReadUntilPromptAsync(CancellationToken ct)
    {
        var text = new StringBuilder();
        var buf = new byte[4096];
        while (!text.ToString().EndsWith(Prompt, StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buf, ct);
            if (n == 0) throw new EndOfStreamException("the QEMU monitor closed");
            text.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        return text.ToString(0, text.Length - Prompt.Length);
    }

    public void Dispose()
    {
        stream.Dispose();
        gate.Dispose();
    }
}
