using System.Text.Json;

namespace NixVm.Shared;

/// <summary>
/// What <c>nixvm-runner up --ready-file</c> writes once every machine is ready, and what NixVmUp
/// (StartNetwork) waits for: the network's state directory and each machine's forwards. Written
/// to a temporary file and renamed, so a reader sees all of it or nothing.
/// </summary>
sealed record RunnerReady(string Accelerator, string StateDirectory, IReadOnlyList<ReadyMachine> Machines)
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public void Write(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Options));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's content, or null while it does not exist.</summary>
    public static RunnerReady? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<RunnerReady>(File.ReadAllText(path), Options) : null;

    /// <summary>For people: one line per machine, then the state directory.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var m in Machines)
        {
            var forwards = string.Join(", ", m.Forwards.Select(f => $"127.0.0.1:{f.HostPort} -> {m.Name}:{f.GuestPort}"));
            yield return $"{m.Name}: ready in {m.BootSeconds:0.00} s, state {m.StateDirectory}{(forwards.Length > 0 ? ", forwards " + forwards : "")}";
        }
        yield return $"state: {StateDirectory}";
    }
}

/// <summary>A ready machine: where its sockets and exchange directory are, and the 127.0.0.1 ports forwarded to it.</summary>
sealed record ReadyMachine(string Name, string StateDirectory, double BootSeconds, IReadOnlyList<ReadyForward> Forwards);

sealed record ReadyForward(int HostPort, int GuestPort);
