using System.Net.Sockets;

namespace NixVm.Driver.Machines;

/// <summary>The unix sockets a machine's QEMU connects to, listening before QEMU starts.</summary>
sealed class SocketListeners : IDisposable
{
    readonly string directory;
    readonly Dictionary<string, Socket> listeners = new();

    public SocketListeners(string directory, params string[] names)
    {
        this.directory = directory;
        foreach (var name in names)
        {
            var path = Path(name);
            File.Delete(path);
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.Bind(new UnixDomainSocketEndPoint(path));
            s.Listen(1);
            listeners[name] = s;
        }
    }

    public string Path(string name) => System.IO.Path.Combine(directory, name);

    /// <summary>Accepts QEMU's connection on every socket.</summary>
    public async Task<Dictionary<string, Socket>> AcceptAllAsync(CancellationToken ct)
    {
        var accepted = await Task.WhenAll(listeners.Select(async l => (l.Key, Socket: await l.Value.AcceptAsync(ct))));
        return accepted.ToDictionary(a => a.Key, a => a.Socket);
    }

    /// <summary>Closes the listening sockets (.NET also removes their files); accepted connections stay open.</summary>
    public void Dispose()
    {
        foreach (var l in listeners.Values) l.Dispose();
    }
}
