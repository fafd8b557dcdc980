using NixVm.Driver.Machines;
using NixVm.Driver.Processes;

namespace NixVm.Driver.Coverage;

/// <summary>
/// Collects native (gcov) coverage from every machine of a network: guests run with
/// <c>GCOV_PREFIX=/tmp/xchg/coverage-data</c> (see nix/guest/init.sh), so each instrumented program
/// writes its <c>.gcda</c> files into the machine's exchange directory on the host when it exits.
/// The hits of instrumented .NET services go to <see cref="DotnetCoverage"/>.
/// Call this before disposing the network (which removes those directories).
/// </summary>
public static class CoverageCollector
{
    /// <summary>Below a machine's <c>xchg</c> directory (the guest's <c>/tmp/xchg</c>).</summary>
    internal const string DataSubdirectory = "coverage-data";

    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Stops the instrumented programs still running in each ready machine with SIGTERM (a
    /// long-running server writes its data only when it exits; it should exit with status 0, since
    /// the init powers the guest off when a service fails), then captures what every machine
    /// wrote — also a machine that crashed or was never started (<see cref="MachineCoverageStatus.NoData"/>).
    /// Machines that cannot stop their programs are logged, not thrown.
    /// </summary>
    /// <param name="network">The network, not yet disposed.</param>
    /// <param name="outputDirectory">The report's directory (its content is replaced).</param>
    /// <param name="ct">Cancels the collection.</param>
    /// <exception cref="MissingToolException">lcov is not installed.</exception>
    /// <exception cref="InvalidOperationException">lcov could not merge the machines' tracefiles or write the HTML report.</exception>
    public static async Task<CoverageReport> CollectAsync(VirtualNetwork network, string outputDirectory, CancellationToken ct = default)
    {
        await Task.WhenAll(network.Machines.Where(m => m.IsReady).Select(m => StopInstrumentedProgramsAsync(m, network, ct)));
        var report = await NativeCoverage.CaptureAsync(
            network.Machines.OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => (m.Name, Path.Combine(m.StateDirectory, "xchg", DataSubdirectory))),
            outputDirectory, ct);
        await DotnetCoverage.CollectAsync(network, outputDirectory, ct);
        network.Log.Driver(report.SummaryLine);
        return report;
    }

    // An instrumented executable contains libgcov, which reads GCOV_PREFIX_STRIP; one grep looks at
    // all of them (a process per pid costs seconds under TCG). Zombies have no readable exe, so
    // "/proc/<pid>/exe exists" means still running.
    const string StopScript = """
        stopped=()
        for f in $(grep -ls GCOV_PREFIX_STRIP /proc/[0-9]*/exe || true); do
          p=${f#/proc/}; p=${p%/exe}
          kill -TERM "$p" 2>/dev/null && stopped+=("$p") || true
        done
        for _ in $(seq 100); do
          alive=(); for p in "${stopped[@]}"; do [ ! -e "/proc/$p/exe" ] || alive+=("$p"); done
          [ ${#alive[@]} -gt 0 ] || break
          sleep 0.1
        done
        sync
        echo "stopped: ${stopped[*]:-none}; still running: ${alive[*]:-none}"
        """;

    static async Task StopInstrumentedProgramsAsync(Machine machine, VirtualNetwork network, CancellationToken ct)
    {
        try
        {
            var said = await machine.SucceedAsync(StopScript, StopTimeout, ct);
            network.Log.Machine(machine.Name, "coverage: instrumented programs " + said.Trim());
        }
        catch (NixVmException e)
        {
            // Collect what exists: the data of programs that exited earlier is on the host already.
            network.Log.Machine(machine.Name, $"coverage: could not stop instrumented programs: {e.Message}");
        }
    }
}
