using System.Diagnostics;
using NixVm.Driver.Machines.Snapshots;

namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    /// <summary>What this machine's snapshot must match; null when snapshots are off or the machine is not ours.</summary>
    SnapshotIdentity? SnapshotIdentityOrNull() =>
        context.Snapshots is null || Manifest.Backend != "host" || !File.Exists(Manifest.StartScript) ? null
            : SnapshotIdentity.Of(Manifest.StartScript, Environment.GetEnvironmentVariable("QEMU_KERNEL_PARAMS") ?? "", context.Accelerator);

    /// <summary>Restores the machine from its snapshot if it has a usable one; false (the reason logged) when it must boot cold.</summary>
    async Task<bool> TryRestoreAsync(Dictionary<string, string?> env, SnapshotIdentity? identity, CancellationToken ct)
    {
        if (context.Snapshots is not { } cache || identity is null) return false;
        var saved = cache.Find(identity, out var reason);
        if (saved is null)
        {
            context.Log.Machine(Name, $"cold boot: {reason}");
            return false;
        }
        try
        {
            await LaunchAsync(env, saved, ct);
            await boot!.WaitForRestoreAsync(context.Options.BootTimeout, ct);
            context.Log.Machine(Name, $"restored ({boot.Elapsed.TotalSeconds:0.00} s after QEMU started)");
            return true;
        }
        catch (MachineFailedException e)
        {
            context.Log.Machine(Name, $"cold boot: the snapshot did not load ({e.Reason}); removing it");
            failedReason = null; // the cold boot that follows is the way back
            await StopBootAsync();
            cache.Discard(identity);
            return false;
        }
    }

    /// <summary>Waits for a cold-booted guest's go-ahead point and saves it there when snapshots are on (a failed save is only logged).</summary>
    async Task SaveAtGoAheadPointAsync(SnapshotIdentity? identity, CancellationToken ct)
    {
        var current = boot!;
        await StopBootOnFailureAsync(current.WaitForGoAheadPointAsync(context.Options.BootTimeout, ct));
        if (context.Snapshots is not { } cache || identity is null) return;
        await StopBootOnFailureAsync(SaveAsync(current, cache, identity, ct));
    }

    async Task SaveAsync(MachineBoot current, SnapshotCache cache, SnapshotIdentity identity, CancellationToken ct)
    {
        string? partial = null;
        try
        {
            partial = cache.NewPartialFile(identity);
            var clock = Stopwatch.StartNew();
            await current.SaveAsync(partial, context.Options.BootTimeout, ct);
            var size = new FileInfo(partial).Length;
            // The guest prints nothing more until its go-ahead: this is its console up to the snapshot.
            var saved = cache.Commit(partial, identity, current.Console.Lines);
            context.Log.Machine(Name, $"saved at its go-ahead point for later starts: {saved} ({size / (1024 * 1024)} MiB in {clock.Elapsed.TotalSeconds:0.00} s)");
        }
        catch (Exception e) when (e is MonitorCommandException or IOException or UnauthorizedAccessException)
        {
            context.Log.Machine(Name, $"could not save a snapshot ({e.Message}); the next start boots cold too");
        }
        finally
        {
            if (partial is not null) File.Delete(partial); // gone once committed
        }
    }
}
