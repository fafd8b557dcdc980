using System.Security.Cryptography;
using System.Text;
using NixVm.Driver.Logging;
using NixVm.Driver.Machines.Snapshots;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Unit;

/// <summary>The snapshot cache's rules on real files (the QEMU side: Integration/SnapshotTests).</summary>
public class SnapshotCacheTests
{
    static SnapshotIdentity Identity(string script, string qemu = "/usr/bin/qemu-system-x86_64@1") =>
        new(script, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script))), "", qemu, "tcg", SnapshotIdentity.CurrentLayout);

    static void Save(SnapshotCache cache, SnapshotIdentity identity, int bytes)
    {
        var partial = cache.NewPartialFile(identity);
        File.WriteAllBytes(partial, new byte[bytes]);
        cache.Commit(partial, identity, ["", $"console of {identity.StartScript}"]);
    }

    [Fact]
    public void A_snapshot_made_for_another_QEMU_is_not_used_and_is_removed()
    {
        using var dir = new TempDirectory();
        using var log = new NetworkLog(null);
        var cache = new SnapshotCache(dir.Path, 1 << 20, log);
        var saved = Identity("/nix/store/x-web/bin/run-client-vm");
        Save(cache, saved, 1000);
        Assert.Equal(["", "console of /nix/store/x-web/bin/run-client-vm"], cache.Find(saved, out _)?.Console);

        var upgraded = saved with { Qemu = "/usr/bin/qemu-system-x86_64@2" };
        Assert.NotEqual(saved.Key, upgraded.Key); // another key: the old snapshot is not even looked at
        // The old snapshot under the new key (a copied or hand-made cache): its record refuses it.
        File.Copy(Path.Combine(dir.Path, saved.Key + ".state"), Path.Combine(dir.Path, upgraded.Key + ".state"));
        File.Copy(Path.Combine(dir.Path, saved.Key + ".json"), Path.Combine(dir.Path, upgraded.Key + ".json"));
        File.Copy(Path.Combine(dir.Path, saved.Key + ".console"), Path.Combine(dir.Path, upgraded.Key + ".console"));
        Assert.Null(cache.Find(upgraded, out var reason));
        Assert.Contains("QEMU /usr/bin/qemu-system-x86_64@1, not /usr/bin/qemu-system-x86_64@2", reason);
        Assert.Empty(Directory.GetFiles(dir.Path, upgraded.Key + ".*"));
    }

    [Fact]
    public void The_cache_stays_within_its_limit_keeping_the_most_recently_used()
    {
        using var dir = new TempDirectory();
        using var log = new NetworkLog(null);
        var cache = new SnapshotCache(dir.Path, 1 << 20, log);
        var (a, b, c) = (Identity("/s/a"), Identity("/s/b"), Identity("/s/c"));
        Save(cache, a, 400_000);
        Save(cache, b, 400_000);
        File.SetLastWriteTimeUtc(Path.Combine(dir.Path, a.Key + ".state"), DateTime.UtcNow.AddMinutes(-2));
        File.SetLastWriteTimeUtc(Path.Combine(dir.Path, b.Key + ".state"), DateTime.UtcNow.AddMinutes(-3));
        Assert.NotNull(cache.Find(a, out _)); // used: a is now the most recent
        Save(cache, c, 400_000);

        Assert.True(Directory.GetFiles(dir.Path, "*.state").Sum(f => new FileInfo(f).Length) <= 1 << 20);
        Assert.NotNull(cache.Find(a, out _));
        Assert.NotNull(cache.Find(c, out _));
        Assert.Null(cache.Find(b, out var reason));
        Assert.Contains("no snapshot", reason);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.partial"));
        Assert.Equal(2, Directory.GetFiles(dir.Path, "*.console").Length); // b's went with its state
        Assert.Equal(2, Directory.GetFiles(dir.Path, "*.json").Length);
    }
}
