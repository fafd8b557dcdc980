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

    /// <summary>For the build output: the accelerator line, one line per ready machine, the failure.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"accelerator {Accelerator}: {AcceleratorReason}";
        foreach (var m in Machines) yield return $"{m.Name}: ready in {m.ReadySeconds:0.0} s ({Accelerator})";
        if (Failure is not null) yield return $"the network did not boot: {Failure}";
    }
}

sealed record BootedMachine(string Name, double ReadySeconds);
