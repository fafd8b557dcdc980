using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// The host end of the guest's go-ahead point (nix/guest/init.sh, with <see cref="KernelParameter"/>):
/// before anything machine- or moment-specific, the guest says <see cref="WaitingLine"/> on the
/// <see cref="PortName"/> virtio port and waits for one line: the host's clock (Unix time in
/// milliseconds) and 32 bytes of entropy (hex), which nix/guest/goahead.c sets and credits. A snapshot is taken while it waits.
/// </summary>
sealed class GoAheadPort(Socket socket) : IDisposable
{
    public const string PortName = "org.nixvm.goahead";
    public const string KernelParameter = "nixvm.goahead";
    const string WaitingLine = "nixvm-waiting";

    readonly NetworkStream stream = new(socket, ownsSocket: true);

    /// <summary>Returns once the guest waits at its go-ahead point.</summary>
    /// <exception cref="InvalidDataException">The guest said something else, or closed the port.</exception>
    public async Task WaitForGuestAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new InvalidDataException("the guest closed its go-ahead port");
            if (one[0] == '\n') break;
            line.Append((char)one[0]);
        }
        if (line.ToString() != WaitingLine)
            throw new InvalidDataException($"the guest's go-ahead port said '{line}', not '{WaitingLine}'");
    }

    /// <summary>Lets the guest go on, with the clock and entropy it must not keep from a snapshot.</summary>
    public async Task SendAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var line = $"{now} {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line), ct);
    }

    public void Dispose() => stream.Dispose();
}
