using System.Text.Json;
using NixVm.Driver.Logging;

namespace NixVm.Driver.Machines.Snapshots;

/// <summary>
/// Saved machines, one per <see cref="SnapshotIdentity"/>: <c>&lt;key&gt;.state</c> (QEMU's migration
/// stream, taken at the guest's go-ahead point) next to <c>&lt;key&gt;.json</c> (the identity it was
/// made for) and <c>&lt;key&gt;.console</c> (the serial console up to that point, see <see cref="Snapshot"/>). A snapshot is used only when its recorded identity equals the machine's; the cache
/// keeps the most recently used snapshots within its size limit. Any failure here costs only speed:
/// the machine boots cold and the reason is logged.
/// </summary>
sealed class SnapshotCache(string directory, long limitBytes, NetworkLog log)
{
    /// <summary>Partial saves older than this are from a crashed run.</summary>
    static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    /// <summary>The snapshot for <paramref name="identity"/>, or null with the reason there is none usable.</summary>
    public Snapshot? Find(SnapshotIdentity identity, out string reason)
    {
        var (state, meta, console) = Files(identity.Key);
        if (!File.Exists(state) || !File.Exists(meta) || !File.Exists(console))
        {
            reason = "no snapshot for this start script, QEMU and accelerator yet";
            return null;
        }
        SnapshotIdentity? recorded;
        try { recorded = JsonSerializer.Deserialize<SnapshotIdentity>(File.ReadAllText(meta)); }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { recorded = null; }
        if (recorded != identity)
        {
            reason = recorded is null ? $"snapshot {meta} is unreadable" : $"snapshot {state} was made for {identity.Difference(recorded)}";
            Discard(identity);
            return null;
        }
        string[] lines;
        try { lines = File.ReadAllLines(console); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"snapshot console {console} is unreadable ({e.Message})";
            Discard(identity);
            return null;
        }
        File.SetLastWriteTimeUtc(state, DateTime.UtcNow); // most recently used: trimmed last
        reason = "";
        return new Snapshot(state, lines);
    }

    /// <summary>A new file for QEMU to save into; <see cref="Commit"/> makes it the snapshot.</summary>
    public string NewPartialFile(SnapshotIdentity identity)
    {
        System.IO.Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"{identity.Key}.{Guid.NewGuid():N}.partial");
    }

    /// <summary>
    /// Makes a finished save the snapshot for <paramref name="identity"/> (replacing any), with the
    /// <paramref name="console"/> lines the guest printed until then; trims the cache and returns the state's file.
    /// </summary>
    public string Commit(string partial, SnapshotIdentity identity, IEnumerable<string> console)
    {
        var (state, meta, consoleFile) = Files(identity.Key);
        File.WriteAllText(meta + ".partial", JsonSerializer.Serialize(identity));
        File.Move(meta + ".partial", meta, overwrite: true);
        File.WriteAllLines(consoleFile + ".partial", console);
        File.Move(consoleFile + ".partial", consoleFile, overwrite: true);
        File.Move(partial, state, overwrite: true);
        Trim();
        return state;
    }

    /// <summary>Removes the snapshot for <paramref name="identity"/> (it was foreign, stale or failed to load).</summary>
    public void Discard(SnapshotIdentity identity)
    {
        var (state, meta, console) = Files(identity.Key);
        File.Delete(state);
        File.Delete(meta);
        File.Delete(console);
    }

    /// <summary>Deletes the least recently used snapshots until the rest fit the limit, and abandoned partial saves.</summary>
    public void Trim()
    {
        if (!System.IO.Directory.Exists(directory)) return;
        var info = new DirectoryInfo(directory);
        foreach (var partial in info.EnumerateFiles("*.partial").Where(f => f.LastWriteTimeUtc < DateTime.UtcNow - AbandonedAfter))
            partial.Delete();
        long total = 0;
        foreach (var state in info.EnumerateFiles("*.state").OrderByDescending(f => f.LastWriteTimeUtc))
        {
            total += state.Length;
            if (total <= limitBytes) continue;
            log.Driver($"snapshot cache over its limit ({limitBytes / (1024 * 1024)} MiB): removing {state.Name}");
            state.Delete();
            File.Delete(Path.ChangeExtension(state.FullName, ".json"));
            File.Delete(Path.ChangeExtension(state.FullName, ".console"));
        }
    }

    (string State, string Meta, string Console) Files(string key) =>
        (Path.Combine(directory, key + ".state"), Path.Combine(directory, key + ".json"), Path.Combine(directory, key + ".console"));
}
