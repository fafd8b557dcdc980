using System.Diagnostics;
using NixVm.Driver;
using NixVm.Driver.Machines;
using NixVm.Driver.Processes;
using NixVm.Shared;

namespace NixVm.Bench;

sealed class Benchmarks(TextWriter output)
{
    public static readonly string Root = FindRoot();
    static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public async Task RunAsync(int boots, int roundTrips, int[] scale, CancellationToken ct)
    {
        output.WriteLine($"host: {Environment.ProcessorCount} cores, load {VirtualNetwork.HostLoad()}, {DateTime.Now:yyyy-MM-dd HH:mm}");
        var one = await BuildAsync(Path.Combine(Root, "bench", "nix", "scale.nix"), "1", ct);

        var floor = new List<Boot>();
        var ready = new List<Boot>();
        var restored = new List<Boot>();
        using var cache = new SnapshotCacheDirectory();
        await BootAsync(one, null, m => m.WaitForReadyAsync(ct), ct, cache.Path); // saves the snapshot
        for (var i = 0; i < boots; i++)
        {
            // Each boot starts on a settled host: without the pause, a boot overlaps the previous
            // machine's teardown (measured: the boot after a floor run lost 0.12 s to it).
            await Task.Delay(Settle, ct);
            floor.Add(await BootAsync(one, Contract.Guest.ProbeParameter, m => m.WaitForConsoleTextAsync(Contract.Guest.ProbeMarker, ct: ct), ct));
            await Task.Delay(Settle, ct);
            ready.Add(await BootAsync(one, null, m => m.WaitForReadyAsync(ct), ct));
            await Task.Delay(Settle, ct);
            restored.Add(await BootAsync(one, null, m => m.WaitForReadyAsync(ct), ct, cache.Path));
        }
        var floorSeconds = floor.Select(b => b.Seconds).ToList();
        var readySeconds = ready.Select(b => b.Seconds).ToList();
        var floorMedian = Stats.Median(floorSeconds);
        var readyMedian = Stats.Median(readySeconds);
        output.WriteLine($"raw QEMU boot to first console line (floor): median {floorMedian:0.000} s  [{Stats.Format(floorSeconds)}]");
        output.WriteLine($"our boot to backdoor ready:                 median {readyMedian:0.000} s  [{Stats.Format(readySeconds)}]");
        output.WriteLine($"ratio ready/floor: {readyMedian / floorMedian:0.00}x (target <= 1.30x)   load {VirtualNetwork.HostLoad()}");
        var restoredMedian = Stats.Median(restored.Select(b => b.Seconds).ToList());
        output.WriteLine($"restore to backdoor ready (snapshot):       median {restoredMedian:0.000} s  [{Stats.Format(restored.Select(b => b.Seconds))}]");
        output.WriteLine($"ratio restore/cold boot: {restoredMedian / readyMedian:0.00}x (target <= 0.35x)   load {VirtualNetwork.HostLoad()}");
        // The same kernel and initrd: both runs should reach the init's first line at the same time.
        output.WriteLine($"  check: init's first console line at median {Stats.Median(floor.Select(b => b.FirstLine).ToList()):0.000} s (floor runs), {Stats.Median(ready.Select(b => b.FirstLine).ToList()):0.000} s (ready runs)");

        var cold = await IdleMachineAsync(one, Options(), roundTrips, ct);
        var warm = await IdleMachineAsync(one, Options(cache.Path), roundTrips, ct);
        output.WriteLine($"round trip of `true` (n={roundTrips}): median {cold.RttMedian:0.00} ms, p90 {cold.RttP90:0.00} ms (target median <= 5 ms); restored machine: median {warm.RttMedian:0.00} ms   load {VirtualNetwork.HostLoad()}");
        output.WriteLine($"QEMU CPU to ready: {cold.BootCpuSeconds:0.00} s booted cold, {warm.BootCpuSeconds:0.00} s restored ({warm.BootCpuSeconds / cold.BootCpuSeconds:0.00}x; CPU time is what the host's load changes least)");
        output.WriteLine($"host memory of one idle machine: {cold.RssMiB:0} MiB RSS booted cold (snapshots off), {warm.RssMiB:0} MiB restored (target <= 200 MiB)");
        using (var fresh = new SnapshotCacheDirectory())
        {
            var first = await IdleMachineAsync(one, Options(fresh.Path), roundTrips, ct);
            output.WriteLine($"first start with snapshots (boots, saves, runs on restored): ready in {first.BootSeconds:0.00} s, {first.BootSeconds - cold.BootSeconds:+0.00;-0.00} s on the cold boot above ({cold.BootSeconds:0.00} s); {first.RssMiB:0} MiB RSS once idle   load {VirtualNetwork.HostLoad()}");
        }

        var single = new Dictionary<string, double>();
        foreach (var n in scale)
        {
            var manifest = await BuildAsync(Path.Combine(Root, "bench", "nix", "scale.nix"), n.ToString(), ct);
            await StartTogetherAsync(manifest, n, "cold", Options() with { MaxParallelBoots = n }, single, ct);
            await StartTogetherAsync(manifest, n, "warm-up", Options(cache.Path) with { MaxParallelBoots = n }, single, ct);
            await StartTogetherAsync(manifest, n, "restored", Options(cache.Path) with { MaxParallelBoots = n }, single, ct);
        }
    }

    /// <summary>What <see cref="IdleMachineAsync"/> measures: boot to ready (wall and QEMU's CPU), round trips of <c>true</c>, RSS once idle.</summary>
    internal readonly record struct IdleMachine(double BootSeconds, double BootCpuSeconds, double RttMedian, double RttP90, double RssMiB);

    /// <summary>Starts machine m1 of <paramref name="vms"/>, times it to ready, then round trips of <c>true</c>, then its RSS 2 s later.</summary>
    internal static async Task<IdleMachine> IdleMachineAsync(string vms, NetworkOptions options, int roundTrips, CancellationToken ct)
    {
        await using var network = await VirtualNetwork.CreateAsync(vms, options, ct);
        var m = network["m1"];
        var boot = Stopwatch.StartNew();
        await m.WaitForReadyAsync(ct);
        var (bootSeconds, bootCpu) = (boot.Elapsed.TotalSeconds, CpuSeconds(m.ProcessId!.Value));
        await Task.Delay(Settle, ct); // the round trip of an idle machine, not of one still settling after boot
        for (var i = 0; i < 10; i++) await m.ExecuteAsync("true", ct: ct);   // warm-up
        var samples = new List<double>();
        for (var i = 0; i < roundTrips; i++)
        {
            var clock = Stopwatch.StartNew();
            await m.ExecuteAsync("true", ct: ct);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        await Task.Delay(2000, ct);
        return new IdleMachine(bootSeconds, bootCpu, Stats.Median(samples), Stats.Percentile(samples, 0.9), RssMiB(m.ProcessId!.Value));
    }

    /// <summary>CPU seconds (user + system) a process has used: less sensitive to the host's load than wall time.</summary>
    internal static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime, stime in clock ticks (USER_HZ = 100)
    }

    async Task StartTogetherAsync(string manifest, int n, string how, NetworkOptions options, Dictionary<string, double> single, CancellationToken ct)
    {
        await using var network = await VirtualNetwork.CreateAsync(manifest, options, ct);
        var clock = Stopwatch.StartNew();
        await network.StartAllAsync(ct);
        var wall = clock.Elapsed.TotalSeconds;
        if (how == "warm-up") return; // its first start saves the snapshots
        var cpu = network.Machines.Sum(m => CpuSeconds(m.ProcessId!.Value));
        if (n == 1) single[how] = wall;
        await Task.Delay(2000, ct);
        var rss = network.Machines.Select(m => RssMiB(m.ProcessId!.Value)).Average();
        var target = (n, how) switch { (4, "cold") => " (target <= 2.5x)", (4, "restored") => " (target <= 1.5x)", _ => "" };
        var ratio = single.TryGetValue(how, out var s) ? $", {wall / s:0.00}x one machine{target}" : "";
        output.WriteLine($"{n} machine(s) started together ({how}): all ready in {wall:0.00} s{ratio}; {rss:0} MiB RSS per idle machine   load {VirtualNetwork.HostLoad()}");
        if (n == 1 || !single.ContainsKey(how)) return;
        // The machines' QEMU CPU to ready spread over the host's cores: no start can be faster than that.
        var floor = cpu / Math.Min(n, Environment.ProcessorCount);
        output.WriteLine($"  their QEMU CPU to ready: {cpu:0.00} s in all; on {Environment.ProcessorCount} cores that alone takes {floor:0.00} s = {floor / s:0.00}x one machine (the floor of the ratio above)");
    }

    /// <summary>Snapshots off unless a cache directory of the run's own is given.</summary>
    static NetworkOptions Options(string? snapshotCache = null) =>
        new() { RemapForwardedPorts = true, Snapshots = snapshotCache is not null, CacheDirectory = snapshotCache };

    /// <summary>The run's own snapshot cache, removed at the end.</summary>
    sealed class SnapshotCacheDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("nixvm-bench-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>One boot's time from the driver starting QEMU to <c>until</c>, and to the init's first console line.</summary>
    readonly record struct Boot(double Seconds, double FirstLine);

    /// <summary>
    /// Starts the machine exactly as for a test (same start script, devices, kernel and initrd)
    /// and times it until <paramref name="until"/>. The floor passes <c>nixvm.probe</c>: the init
    /// prints its first console line at once and powers off.
    /// </summary>
    static async Task<Boot> BootAsync(string vms, string? kernelParams, Func<Machine, Task> until, CancellationToken ct, string? snapshotCache = null)
    {
        Environment.SetEnvironmentVariable("QEMU_KERNEL_PARAMS", kernelParams);
        try
        {
            await using var network = await VirtualNetwork.CreateAsync(vms, Options(snapshotCache), ct);
            var m = network["m1"];
            var clock = Stopwatch.StartNew();
            await m.StartAsync(ct);
            // The init's first line is an empty one (it ends the firmware's last line).
            var firstLine = m.WaitForConsoleTextAsync(@"^\s*$", ct: ct).ContinueWith(_ => clock.Elapsed.TotalSeconds, ct);
            await until(m);
            var seconds = clock.Elapsed.TotalSeconds;
            return new Boot(seconds, await firstLine);
        }
        finally { Environment.SetEnvironmentVariable("QEMU_KERNEL_PARAMS", null); }
    }

    internal static double RssMiB(int pid) => StatusMiB(pid, "VmRSS");

    /// <summary>A memory figure of /proc/&lt;pid&gt;/status (VmRSS: now, VmHWM: peak) in MiB.</summary>
    internal static double StatusMiB(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field + ":")).Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).First();

    internal static async Task<string> BuildAsync(string file, string n, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(HostTools.Find("nix-build", HostTools.BootstrapHint),
            ["--option", "substituters", "", "--no-out-link", file, "--argstr", "n", n])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync(ct);
        var stderr = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"nix-build failed: {stderr}");
        return stdout.Trim();
    }

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NixVmTasks.sln"))) return d.FullName;
        throw new InvalidOperationException("run the benchmarks from the repository (NixVmTasks.sln not found)");
    }
}

static class Stats
{
    public static double Median(IReadOnlyList<double> xs) => Percentile(xs, 0.5);

    public static double Percentile(IReadOnlyList<double> xs, double p)
    {
        var sorted = xs.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
    }

    public static string Format(IEnumerable<double> xs) => string.Join(" ", xs.Select(x => x.ToString("0.00")));
}
