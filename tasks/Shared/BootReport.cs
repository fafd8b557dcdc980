using System.Text.Json;

namespace NixVm.Shared;

/// <summary>
/// <c>boot.json</c> in the log directory, written once every machine is ready or one failed: the
/// accelerator and why it was chosen, each ready machine's time from QEMU's start to its root
/// shell, and the failure. The driver writes it (VirtualNetwork.StartAllAsync), the build
/// (NixVmTasks' RunVmTests) shows it at default verbosity; people read driver.log.
/// </summary>
sealed record BootReport(string Accelerator, string AcceleratorReason, IReadOnlyList<BootedMachine> Machines, string? Failure)
{
    public const string FileName = "boot.json";

    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public void Write(string logDirectory) => File.WriteAllText(Path.Combine(logDirectory, FileName), JsonSerializer.Serialize(this, Options));

    /// <summary>The report of the last boot into this directory, or null when there is none (or it is unreadable).</summary>
    public static BootReport? Read(string logDirectory)
    {
        try { return JsonSerializer.Deserialize<BootReport>(File.ReadAllText(Path.Combine(logDirectory, FileName)), Options); }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// For the build output: the assembly network's report in the log directory (<see cref="Describe"/>),
    /// then one line for the fresh networks (a class's, a collection's or a test's NetworkFixture) in directories below it.
    /// </summary>
    public static IEnumerable<string> Summarize(string logDirectory)
    {
        var shared = Read(logDirectory);
        foreach (var line in shared?.Describe() ?? []) yield return line;
        var fresh = Directory.Exists(logDirectory)
            ? Directory.EnumerateDirectories(logDirectory, "*", SearchOption.AllDirectories).Select(Read).OfType<BootReport>().ToList() : [];
        if (fresh.Count == 0) yield break;
        if (shared is null) yield return $"accelerator {fresh[0].Accelerator}: {fresh[0].AcceleratorReason}";
        var ready = fresh.SelectMany(r => r.Machines).Select(m => m.ReadySeconds).Order().ToList();
        var failed = fresh.Where(r => r.Failure is not null).ToList();
        yield return $"{fresh.Count} fresh network(s) (per class, collection or test): "
            + (ready.Count > 0 ? $"{ready.Count} machine(s) ready in median {ready[ready.Count / 2]:0.0} s, at most {ready[^1]:0.0} s" : "no machine ready")
            + (failed.Count > 0 ? $"; {failed.Count} did not boot: {failed[0].Failure}" : "");
    }

    /// <summary>For the build output: the accelerator line, one line per ready machine, the failure.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"accelerator {Accelerator}: {AcceleratorReason}";
        foreach (var m in Machines) yield return $"{m.Name}: ready in {m.ReadySeconds:0.0} s ({Accelerator})";
        if (Failure is not null) yield return $"the network did not boot: {Failure}";
    }
}

sealed record BootedMachine(string Name, double ReadySeconds);
