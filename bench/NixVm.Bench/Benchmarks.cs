using System.Diagnostics;
using NixVm.Driver;
using NixVm.Driver.Processes;

namespace NixVm.Bench;

sealed class Benchmarks(TextWriter output)
{
    public static readonly string Root = FindRoot();

    public async Task RunAsync(int boots, int roundTrips, int[] scale, CancellationToken ct)
    {
        output.WriteLine($"host: {Environment.ProcessorCount} cores, load {VirtualNetwork.HostLoad()}, {DateTime.Now:yyyy-MM-dd HH:mm}");
        var one = await BuildAsync(Path.Combine(Root, "bench", "nix", "scale.nix"), "1", ct);

        var floor = new List<double>();
        var ready = new List<double>();
        for (var i = 0; i < boots; i++)
        {
            floor.Add(await RawBootSecondsAsync(one, ct));
            ready.Add(await ReadySecondsAsync(one, ct));
        }
        var floorMedian = Stats.Median(floor);
        var readyMedian = Stats.Median(ready);
        output.WriteLine($"raw QEMU boot to first console line (floor): median {floorMedian:0.000} s  [{Stats.Format(floor)}]");
        output.WriteLine($"our boot to backdoor ready:                 median {readyMedian:0.000} s  [{Stats.Format(ready)}]");
        output.WriteLine($"ratio ready/floor: {readyMedian / floorMedian:0.00}x (target <= 1.30x)   load {VirtualNetwork.HostLoad()}");

        await using (var network = await VirtualNetwork.CreateAsync(one, Options(), ct))
        {
            var m = network["m1"];
            await m.WaitForReadyAsync(ct);
            for (var i = 0; i < 10; i++) await m.ExecuteAsync("true", ct: ct);   // warm-up
            var samples = new List<double>();
            for (var i = 0; i < roundTrips; i++)
            {
                var clock = Stopwatch.StartNew();
                await m.ExecuteAsync("true", ct: ct);
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
            output.WriteLine($"round trip of `true` (n={roundTrips}): median {Stats.Median(samples):0.00} ms, p90 {Stats.Percentile(samples, 0.9):0.00} ms (target median <= 5 ms)   load {VirtualNetwork.HostLoad()}");
            await Task.Delay(2000, ct);
            output.WriteLine($"host memory of one idle machine: {RssMiB(m.ProcessId!.Value):0} MiB RSS");
        }

        double? single = null;
        foreach (var n in scale)
        {
            var manifest = await BuildAsync(Path.Combine(Root, "bench", "nix", "scale.nix"), n.ToString(), ct);
            await using var network = await VirtualNetwork.CreateAsync(manifest, Options() with { MaxParallelBoots = n }, ct);
            var clock = Stopwatch.StartNew();
            await network.StartAllAsync(ct);
            var wall = clock.Elapsed.TotalSeconds;
            single ??= n == 1 ? wall : null;
            await Task.Delay(2000, ct);
            var rss = network.Machines.Select(m => RssMiB(m.ProcessId!.Value)).Average();
            var ratio = single is { } s ? $", {wall / s:0.00}x one machine" : "";
            output.WriteLine($"{n} machine(s) started together: all ready in {wall:0.00} s{ratio}; {rss:0} MiB RSS per idle machine   load {VirtualNetwork.HostLoad()}");
        }
    }

    static NetworkOptions Options() => new() { RemapForwardedPorts = true };

    /// <summary>
    /// The physical floor: the machine started by the driver exactly as for a test (same start
    /// script, devices, kernel and initrd), with <c>nixvm.probe</c> on the kernel command line so
    /// that the init prints its first console line at once and powers off.
    /// </summary>
    static async Task<double> RawBootSecondsAsync(string vms, CancellationToken ct)
    {
        Environment.SetEnvironmentVariable("QEMU_KERNEL_PARAMS", "nixvm.probe");
        try
        {
            await using var network = await VirtualNetwork.CreateAsync(vms, Options(), ct);
            var m = network["m1"];
            var clock = Stopwatch.StartNew();
            await m.StartAsync(ct);
            await m.WaitForConsoleTextAsync("NIXVM-PROBE-OK", ct: ct);
            return clock.Elapsed.TotalSeconds;
        }
        finally { Environment.SetEnvironmentVariable("QEMU_KERNEL_PARAMS", null); }
    }

    /// <summary>From the driver starting QEMU to the backdoor shell answering (the same clock as the floor's).</summary>
    static async Task<double> ReadySecondsAsync(string vms, CancellationToken ct)
    {
        await using var network = await VirtualNetwork.CreateAsync(vms, Options(), ct);
        var m = network["m1"];
        var clock = Stopwatch.StartNew();
        await m.StartAsync(ct);
        await m.WaitForReadyAsync(ct);
        return clock.Elapsed.TotalSeconds;
    }
    static double RssMiB(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:")).Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).First();

    static async Task<string> BuildAsync(string file, string n, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(HostTools.Find("nix-build", HostTools.BootstrapHint),
            ["--option", "substituters", "", "--no-out-link", file, "--argstr", "n", n]) { RedirectStandardOutput = true, RedirectStandardError = true };
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
