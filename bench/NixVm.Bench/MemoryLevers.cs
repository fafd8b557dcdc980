using NixVm.Driver;

namespace NixVm.Bench;

/// <summary>
/// What each memory lever of an idle guest saves and costs (<c>--only levers</c>): the same machine
/// booted cold with each QEMU setting in turn (alternating), its boot to ready, round trip and RSS
/// once idle. A setting replaces the start script's <c>-accel</c> value through a QEMU wrapper
/// (<c>NIXVM_QEMU</c>), so the machine as built is the baseline.
/// </summary>
sealed class MemoryLevers(TextWriter output)
{
    /// <summary>The settings compared; the first is the baseline. Measured once and dropped (no gain): see bench/README.md.</summary>
    public static readonly (string Name, string? Accel)[] Settings =
    [
        ("as built", null),
        ("tb-size=1024", "tcg,thread=single,tb-size=1024"),
        ("tb-size=32", "tcg,thread=single,tb-size=32"),
        ("tb-size=16", "tcg,thread=single,tb-size=16"),
    ];

    public async Task RunAsync(int rounds, int roundTrips, CancellationToken ct)
    {
        output.WriteLine($"memory levers of an idle guest (cold boots, snapshots off; {rounds} alternating rounds)   load {VirtualNetwork.HostLoad()}");
        var vms = await Benchmarks.BuildAsync(Path.Combine(Benchmarks.Root, "bench", "nix", "scale.nix"), "1", ct);
        var dir = Directory.CreateTempSubdirectory("nixvm-bench-levers-");
        try
        {
            var wrapper = Path.Combine(dir.FullName, "qemu");
            // Replaces the value of -accel with NIXVM_BENCH_ACCEL when it is set.
            File.WriteAllText(wrapper, """
                #!/bin/bash
                out=() prev=
                for a in "$@"; do
                  if [ "$prev" = -accel ] && [ -n "$NIXVM_BENCH_ACCEL" ]; then a=$NIXVM_BENCH_ACCEL; fi
                  out+=("$a"); prev=$a
                done
                exec qemu-system-x86_64 "${out[@]}"
                """);
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            var results = Settings.Select(_ => new List<Benchmarks.IdleMachine>()).ToArray();
            for (var r = 0; r < rounds; r++)
                for (var i = 0; i < Settings.Length; i++)
                    results[i].Add(await MeasureAsync(vms, wrapper, Settings[i].Accel, roundTrips, ct));
            double Median(int i, Func<Benchmarks.IdleMachine, double> f) => Stats.Median(results[i].Select(f).ToList());
            for (var i = 0; i < Settings.Length; i++)
            {
                var (boot, cpu, rtt) = (Median(i, x => x.BootSeconds), Median(i, x => x.BootCpuSeconds), Median(i, x => x.RttMedian));
                output.WriteLine($"  {Settings[i].Name,-14} idle RSS {Median(i, x => x.RssMiB),4:0} MiB; boot to ready {boot:0.00} s ({boot / Median(0, x => x.BootSeconds):0.00}x), "
                    + $"QEMU CPU to ready {cpu:0.00} s ({cpu / Median(0, x => x.BootCpuSeconds):0.00}x), round trip {rtt:0.00} ms ({rtt / Median(0, x => x.RttMedian):0.00}x)");
            }
            output.WriteLine($"  load {VirtualNetwork.HostLoad()}");
        }
        finally { dir.Delete(recursive: true); }
    }

    static async Task<Benchmarks.IdleMachine> MeasureAsync(string vms, string wrapper, string? accel, int roundTrips, CancellationToken ct)
    {
        Environment.SetEnvironmentVariable("NIXVM_QEMU", wrapper);
        Environment.SetEnvironmentVariable("NIXVM_BENCH_ACCEL", accel);
        try { return await Benchmarks.IdleMachineAsync(vms, new NetworkOptions { RemapForwardedPorts = true, Snapshots = false }, roundTrips, ct); }
        finally
        {
            Environment.SetEnvironmentVariable("NIXVM_QEMU", null);
            Environment.SetEnvironmentVariable("NIXVM_BENCH_ACCEL", null);
        }
    }
}
