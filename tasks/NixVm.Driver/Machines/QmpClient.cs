using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NixVm.Driver.Machines;

/// <summary>QEMU's machine protocol: newline-delimited JSON, QEMU is the server (as in the nixpkgs driver).</summary>
sealed class QmpClient : IDisposable
{
    readonly string machine;
    readonly Socket socket;
    readonly StreamReader reader;
    readonly StreamWriter writer;
    readonly SemaphoreSlim gate = new(1, 1);

    QmpClient(string machine, Socket socket)
    {
        this.machine = machine;
        this.socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        reader = new StreamReader(stream);
        writer = new StreamWriter(stream) { AutoFlush = true, NewLine = "\n" };
    }

    public static async Task<QmpClient> ConnectAsync(string machine, string path, CancellationToken ct)
    {
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                var client = new QmpClient(machine, socket);
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

    /// <summary>Runs a command and returns its result; <see cref="MonitorCommandException"/> if QEMU answers with an error.</summary>
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
                    throw new MonitorCommandException(machine, command, $"{error["desc"]}");
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
