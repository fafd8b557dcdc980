using System.Diagnostics;
using NixVm.Driver.Machines.Snapshots;

namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    /// <summary>What this machine's snapshot must match; null when snapshots are off or the machine is not ours.</summary>
    SnapshotIdentity? SnapshotIdentityOrNull() =>
        context.Snapshots is null || Manifest.Backend != "host" || !File.Exists(Manifest.StartScript) ? null
            : SnapshotIdentity.Of(Manifest.StartScript, Environment.GetEnvironmentVariable("QEMU_KERNEL_PARAMS") ?? "", context.Accelerator);

    /// <summary>
    /// Restores the machine from its snapshot if it has a usable one; false (the reason logged) when it must boot cold.
    /// <paramref name="consoleLogged"/>: this start saved the snapshot, so its console is in the log already.
    /// </summary>
    async Task<bool> TryRestoreAsync(Dictionary<string, string?> env, SnapshotIdentity identity, bool consoleLogged, CancellationToken ct)
    {
        if (context.Snapshots is not { } cache) return false;
        var saved = cache.Find(identity, out var reason);
        if (saved is null)
        {
            context.Log.Machine(Name, $"cold boot: {reason}");
            return false;
        }
        try
        {
            await LaunchAsync(env, saved, ct, consoleLogged);
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

    /// <summary>
    /// Replaces the cold-booted QEMU that has just saved the snapshot with one restored from it, so
    /// that a first start runs on exactly like every later start. A restored QEMU also holds about
    /// 100 MiB less: QEMU keeps the kernel file mapped for a reset unless it was started to load a
    /// snapshot, and the boot's translated code is gone. If the snapshot does not load, the machine
    /// boots cold once more (without saving).
    /// </summary>
    async Task RunOnFromSnapshotAsync(Dictionary<string, string?> env, SnapshotIdentity identity, CancellationToken ct)
    {
        await StopBootAsync();
        if (await TryRestoreAsync(env, identity, consoleLogged: true, ct)) return;
        await LaunchAsync(env, null, ct);
        await WaitForGoAheadPointAsync(ct);
    }

    /// <summary>Waits for a cold-booted guest's go-ahead point (the boot is stopped if it fails).</summary>
    Task WaitForGoAheadPointAsync(CancellationToken ct) =>
        StopBootOnFailureAsync(boot!.WaitForGoAheadPointAsync(context.Options.BootTimeout, ct));

    /// <summary>Saves the guest waiting at its go-ahead point; false when it could not (only logged: this start goes on cold).</summary>
    /// <exception cref="MachineFailedException">QEMU exited, or stopped answering, during the save.</exception>
    async Task<bool> SaveAsync(SnapshotIdentity identity, CancellationToken ct)
    {
        if (context.Snapshots is not { } cache) return false;
        var current = boot!;
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
            return true;
        }
        catch (Exception e) when (e is MonitorCommandException or IOException or UnauthorizedAccessException)
        {
            context.Log.Machine(Name, $"could not save a snapshot ({e.Message}); the next start boots cold too");
            return false;
        }
        finally
        {
            if (partial is not null) File.Delete(partial); // gone once committed
        }
    }
}
