using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NixVm.Driver.Machines;

/// <summary>QEMU's machine protocol: newline-delimited JSON, QEMU is the server (as in the nixpkgs driver).</summary>
sealed class QmpClient : IDisposable
{
    readonly Socket socket;
    readonly StreamReader reader;
    readonly StreamWriter writer;
    readonly SemaphoreSlim gate = new(1, 1);

    QmpClient(Socket socket)
    {
        this.socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        reader = new StreamReader(stream);
        writer = new StreamWriter(stream) { AutoFlush = true, NewLine = "\n" };
    }

    public static async Task<QmpClient> ConnectAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                var client = new QmpClient(socket);
                await client.ReadMessageAsync(ct);                     // greeting {"QMP": …}
                await client.ExecuteAsync("qmp_capabilities", null, ct);
                return client;
            }
            catch (SocketException)
            {
                socket.Dispose();
                await Task.Delay(20, ct);   // QEMU creates the socket a moment after it starts
            }
        }
    }

    public async Task<JsonNode?> ExecuteAsync(string command, object? arguments, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var request = new JsonObject { ["execute"] = command };
            if (arguments is not null) request["arguments"] = JsonSerializer.SerializeToNode(arguments);
            await writer.WriteLineAsync(request.ToJsonString().AsMemory(), ct);
            while (true)
            {
                var message = await ReadMessageAsync(ct);
                if (message.ContainsKey("event")) continue;   // asynchronous events (e.g. NIC_RX_FILTER_CHANGED) are not replies
                if (message["error"] is JsonObject error)
                    throw new InvalidOperationException($"QMP {command}: {error["desc"]}");
                return message["return"];
            }
        }
        finally { gate.Release(); }
    }

    async Task<JsonObject> ReadMessageAsync(CancellationToken ct)
    {
        var line = await reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("QMP connection closed");
        return JsonNode.Parse(line)?.AsObject() ?? throw new InvalidDataException($"bad QMP message: {line}");
    }

    public void Dispose()
    {
        socket.Dispose();
        gate.Dispose();
    }
}
