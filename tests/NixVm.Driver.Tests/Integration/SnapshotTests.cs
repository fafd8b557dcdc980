using System.Globalization;
using NixVm.Driver.Machines;
using NixVm.Driver.Tests.Support;

namespace NixVm.Driver.Tests.Integration;

/// <summary>
/// Restore instead of boot (real QEMU, real snapshots in a cache of the test's own): the first start
/// of the web sample saves both machines at their go-ahead point, later networks restore them.
/// </summary>
public class SnapshotTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    const string Fetch = "timeout 5 wget -qO- http://webserver/";

    sealed class Logged(string cache) : IDisposable
    {
        readonly List<string> lines = [];
        public NetworkOptions Options(string logName) => new()
        {
            CacheDirectory = cache,
            LogDirectory = Repo.ResultsDirectory(logName),
            RemapForwardedPorts = true,
            LogSink = line =>
            {
                lock (lines) lines.Add(line);
                TestContext.Current.TestOutputHelper?.WriteLine(line);
            },
        };
        public string[] Lines { get { lock (lines) return [.. lines]; } }
        public string[] Of(string machine) => [.. Lines.Where(l => l.StartsWith($"{machine}: ", StringComparison.Ordinal))];
        public void Dispose() { lock (lines) lines.Clear(); }
    }

    static async Task<VirtualNetwork> StartAsync(string vms, NetworkOptions options)
    {
        var network = await VirtualNetwork.CreateAsync(vms, options, Ct);
        try { await network.StartAllAsync(Ct); }
        catch { await network.DisposeAsync(); throw; }
        return network;
    }

    /// <summary>What a test sees of a machine that could differ between a boot and a restore.</summary>
    static async Task AssertLooksBootedAsync(VirtualNetwork network, string name)
    {
        var m = network[name];
        Assert.Equal(name, (await m.SucceedAsync("cat /proc/sys/kernel/hostname", ct: Ct)).Trim());
        foreach (var nic in m.Manifest.Interfaces)
            Assert.Contains($"inet {nic.Ipv4}/24", await m.SucceedAsync($"ip -4 addr show {nic.Name}", ct: Ct));
        // The guest reads its clock somewhere between these two host readings.
        var before = HostClock();
        var guest = double.Parse(await m.SucceedAsync("date +%s.%N", ct: Ct), CultureInfo.InvariantCulture);
        var after = HostClock();
        Assert.True(guest > before - 1 && guest < after + 1, $"{name}'s clock reads {guest:0.000}, the host's {before:0.000} to {after:0.000}");
    }

    static double HostClock() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    static Task<string> RandomAsync(Machine m) => m.SucceedAsync("head -c 16 /dev/urandom | od -An -tx1", ct: Ct);

    [Fact(Timeout = 900_000)]
    public async Task A_restored_machine_is_indistinguishable_from_a_booted_one()
    {
        using var cache = new TempDirectory();
        using var log = new Logged(cache.Path);
        var vms = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");

        // When the client's save was logged, on a clock started as the network's start began.
        var clock = new System.Diagnostics.Stopwatch();
        TimeSpan? savedAt = null;
        var logged = log.Options("snapshot-cold");
        var toLog = logged.LogSink!;
        var cold = logged with
        {
            LogSink = line =>
            {
                if (line.StartsWith("client: saved at its go-ahead point", StringComparison.Ordinal)) savedAt ??= clock.Elapsed;
                toLog(line);
            },
        };
        await using (var booted = await VirtualNetwork.CreateAsync(vms, cold, Ct))
        {
            clock.Start();
            await booted.StartAllAsync(Ct);
            // The first start boots, saves, then runs on from its snapshot like every later start.
            var client = log.Of("client");
            var saved = Array.FindIndex(client, l => l.Contains("saved at its go-ahead point"));
            Assert.True(saved >= 0, "the client saved no snapshot");
            Assert.Contains(client.Skip(saved), l => l.Contains(": restored ("));
            // Its ready time counts from its cold boot: it ends after the save, not from the restored QEMU's start.
            Assert.True(booted["client"].BootTime > savedAt, $"the client's ready time {booted["client"].BootTime} leaves out its boot and save (saved at {savedAt})");
            await AssertLooksBootedAsync(booted, "client");
        }
        log.Dispose();

        // Two networks restored from the same snapshots at the same time.
        await using var one = await StartAsync(vms, log.Options("snapshot-restored-1"));
        await using var two = await StartAsync(vms, log.Options("snapshot-restored-2"));
        Assert.Equal(4, log.Lines.Count(l => l.Contains(": restored (")));
        foreach (var network in new[] { one, two })
        {
            await AssertLooksBootedAsync(network, "client");
            await AssertLooksBootedAsync(network, "webserver");
            // The service runs and the VLAN carries traffic.
            Assert.Contains("Hello from webserver", await network["client"].SucceedAsync(Fetch, ct: Ct));
        }
        Assert.NotEqual(await RandomAsync(one["client"]), await RandomAsync(two["client"]));
    }

    /// <summary>
    /// The bench's case (one idle machine, a fresh cache): the restored machine's console starts with
    /// what its boot printed before the go-ahead point, as a booted machine's does, so waiting for a
    /// boot line (the bench waits for the init's first one) does not wait for a line that never comes.
    /// </summary>
    [Fact(Timeout = 900_000)]
    public async Task A_restored_machine_s_console_starts_with_what_its_boot_printed()
    {
        using var cache = new TempDirectory();
        using var log = new Logged(cache.Path);
        var vms = await NixBuild.BuildAsync(TestNetwork.Case("idle"), "vms");
        string[] booted;
        await using (var network = await StartAsync(vms, log.Options("snapshot-console-cold")))
        {
            Assert.Contains(log.Of("m1"), l => l.Contains("saved at its go-ahead point"));
            booted = network["m1"].ConsoleText.Split('\n');
        }
        await using var restored = await StartAsync(vms, log.Options("snapshot-console-restored"));
        Assert.Contains(log.Of("m1"), l => l.Contains(": restored ("));
        var console = restored["m1"].ConsoleText.Split('\n');
        // The init's first line is an empty one (it ends the firmware's last line), before its go-ahead point.
        var beforeGoAhead = booted.TakeWhile(l => !l.Contains("nixvm: ready")).ToArray();
        Assert.NotEmpty(beforeGoAhead);
        Assert.Equal(beforeGoAhead, console.Take(beforeGoAhead.Length));
        await restored["m1"].WaitForConsoleTextAsync(@"^\s*$", ct: Ct);
        Assert.Contains("nixvm: ready", restored["m1"].ConsoleText);
    }

    /// <summary>A cache where no snapshot can be written (here its <c>snapshots</c> is a file): the machine boots, says why, and runs.</summary>
    [Fact(Timeout = 900_000)]
    public async Task A_cache_that_cannot_be_written_means_a_cold_boot()
    {
        using var cache = new TempDirectory();
        File.WriteAllText(Path.Combine(cache.Path, "snapshots"), "not a directory");
        using var log = new Logged(cache.Path);
        var vms = await NixBuild.BuildAsync(TestNetwork.Case("idle"), "vms");
        await using var network = await StartAsync(vms, log.Options("snapshot-unwritable"));
        Assert.Contains(log.Of("m1"), l => l.Contains("could not save a snapshot") && l.Contains("the next start boots cold too"));
        Assert.DoesNotContain(log.Of("m1"), l => l.Contains(": restored ("));
        Assert.Equal("m1", (await network["m1"].SucceedAsync("cat /proc/sys/kernel/hostname", ct: Ct)).Trim());
        Assert.Equal("not a directory", File.ReadAllText(Path.Combine(cache.Path, "snapshots")));
    }

    [Fact(Timeout = 900_000)]
    public async Task A_foreign_or_broken_snapshot_is_never_used()
    {
        using var cache = new TempDirectory();
        using var log = new Logged(cache.Path);
        var vms = await NixBuild.BuildAsync(TestNetwork.WebSample, "vms");
        await using (await StartAsync(vms, log.Options("snapshot-foreign-cold"))) { }
        var snapshots = Path.Combine(cache.Path, "snapshots");
        var states = Directory.GetFiles(snapshots, "*.state");
        Assert.Equal(2, states.Length);
        var key = (string s) => Path.GetFileNameWithoutExtension(s);
        var webserverLine = log.Of("webserver").Single(l => l.Contains("saved at its go-ahead point"));
        var (server, client) = webserverLine.Contains(key(states[0])) ? (states[0], states[1]) : (states[1], states[0]);
        // The webserver's snapshot replaced by the client's (both files): foreign.
        File.Copy(client, server, overwrite: true);
        File.Copy(Path.ChangeExtension(client, ".json"), Path.ChangeExtension(server, ".json"), overwrite: true);
        // The client's state cut short (its record still matching): QEMU cannot load it.
        using (var f = new FileStream(client, FileMode.Open)) f.SetLength(f.Length / 2);
        log.Dispose();

        await using var network = await StartAsync(vms, log.Options("snapshot-foreign"));
        Assert.Contains(log.Of("webserver"), l => l.Contains("cold boot: snapshot") && l.Contains("was made for start script"));
        Assert.Contains(log.Of("client"), l => l.Contains("cold boot: the snapshot did not load"));
        // Each booted cold and saved anew; only then does it run on from a snapshot: its own new one.
        foreach (var machine in new[] { "webserver", "client" })
        {
            var lines = log.Of(machine);
            var saved = Array.FindIndex(lines, l => l.Contains("saved at its go-ahead point"));
            Assert.True(saved >= 0, $"{machine} saved no new snapshot");
            Assert.Single(lines.Skip(saved), l => l.Contains(": restored ("));
            if (machine == "webserver") Assert.DoesNotContain(lines.Take(saved), l => l.Contains(": restored ("));
        }
        await AssertLooksBootedAsync(network, "webserver");
        await AssertLooksBootedAsync(network, "client");
        Assert.Contains("Hello from webserver", await network["client"].SucceedAsync(Fetch, ct: Ct));
    }
}
