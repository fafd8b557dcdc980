using System.Diagnostics;
using System.Text;
using NixVm.Driver;
using NixVm.Driver.Machines;

namespace NixVm.Bench;

/// <summary>
/// The reliability soak (README: "No process outlives its owner"; issue 12): many commands with
/// random output sizes and random cancellations over a 2-machine network, then kills of a real
/// <c>dotnet build</c> at random moments. Prints failures and leftovers (both must be 0) and how
/// the round trip drifted from the start of the run to its end.
/// </summary>
sealed class SoakBenchmark(TextWriter output, int seed)
{
    readonly Random random = new(seed);

    public async Task RunAsync(string repoRoot, int commands, int kills, CancellationToken ct)
    {
        output.WriteLine($"soak: seed {seed}, {commands} commands, {kills} build kills, load {VirtualNetwork.HostLoad()}");
        if (commands > 0) await CommandsAsync(repoRoot, commands, ct);
        if (kills > 0) await new BuildKills(output, random).RunAsync(repoRoot, kills, ct);
    }

    async Task CommandsAsync(string repoRoot, int commands, CancellationToken ct)
    {
        var manifest = await Benchmarks.BuildAsync(Path.Combine(repoRoot, "bench", "nix", "scale.nix"), "2", ct);
        string state;
        var failures = new List<string>();
        int cancelled = 0, completed = 0;
        long bytes = 0;
        var drift = new List<(int After, double Median)>();
        await using (var network = await VirtualNetwork.CreateAsync(manifest, new NetworkOptions { RemapForwardedPorts = true }, ct))
        {
            state = network.StateDirectory;
            await network.StartAllAsync(ct);
            drift.Add((0, await RoundTripAsync(network["m1"], ct)));
            var rss = Benchmarks.RssMiB(Environment.ProcessId);
            for (var i = 1; i <= commands; i++)
            {
                var machine = network[random.Next(2) == 0 ? "m1" : "m2"];
                var size = OutputSize();
                // The id on the first line shows whether this command's output (and only it) came back.
                var command = $"echo {i}; head -c {size} /dev/zero";
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (random.NextDouble() < 0.1) cancel.CancelAfter(random.Next(0, 50));
                try
                {
                    var r = await machine.ExecuteAsync(command, TimeSpan.FromMinutes(2), cancel.Token);
                    if (r.ExitCode != 0 || !Expected(i, size, r.StdoutBytes))
                        failures.Add($"#{i} on {machine.Name}: exit {r.ExitCode}, {r.StdoutBytes.Length} bytes instead of {size}");
                    bytes += r.StdoutBytes.Length;
                    completed++;
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested && !ct.IsCancellationRequested) { cancelled++; }
                catch (NixVmException e) { failures.Add($"#{i} on {machine.Name}: {e.Message}"); }
                if (i % (commands / 10 == 0 ? 1 : commands / 10) == 0)
                {
                    drift.Add((i, await RoundTripAsync(network["m1"], ct)));
                    output.WriteLine($"  {i} commands: round trip median {drift[^1].Median:0.00} ms, {failures.Count} failures, soak process {Benchmarks.RssMiB(Environment.ProcessId):0} MiB RSS (was {rss:0})   load {VirtualNetwork.HostLoad()}");
                }
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(5), ct);   // the guarantee's bound
        var leftovers = Leftovers.Processes(state).Count + (Directory.Exists(state) ? 1 : 0);
        output.WriteLine($"commands: {completed} completed ({bytes / 1048576.0:0} MiB of output), {cancelled} cancelled, failures {failures.Count}, leftovers {leftovers}");
        foreach (var f in failures.Take(10)) output.WriteLine("  failure " + f);
        output.WriteLine($"round-trip drift: median {drift[0].Median:0.00} ms at the start, {drift[^1].Median:0.00} ms after {drift[^1].After} commands ({drift[^1].Median / drift[0].Median:0.00}x)   load {VirtualNetwork.HostLoad()}");
    }

    /// <summary>Mostly small outputs, some large: 0 B .. 4 MiB, log-uniform.</summary>
    int OutputSize() => random.Next(4) == 0 ? 0 : (int)Math.Pow(2, random.NextDouble() * 22);

    static bool Expected(int id, int size, byte[] stdout)
    {
        var head = Encoding.ASCII.GetBytes($"{id}\n");
        return stdout.Length == head.Length + size && stdout.AsSpan(0, head.Length).SequenceEqual(head)
            && !stdout.AsSpan(head.Length).ContainsAnyExcept((byte)0);
    }

    static async Task<double> RoundTripAsync(Machine m, CancellationToken ct)
    {
        var samples = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var clock = Stopwatch.StartNew();
            await m.ExecuteAsync("true", ct: ct);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Stats.Median(samples);
    }
}
