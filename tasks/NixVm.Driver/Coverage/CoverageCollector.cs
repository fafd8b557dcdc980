using NixVm.Driver.Machines;
using NixVm.Driver.Processes;
using NixVm.Shared;

namespace NixVm.Driver.Coverage;

/// <summary>
/// Collects native (gcov) coverage from every machine of a network: instrumented code (built by
/// nixvm.lib, with nix/coverage/runtime.c linked in) writes its <c>.gcda</c> files below the guest's
/// <c>/tmp/xchg/coverage-data</c>, the machine's exchange directory on the host, when its process exits.
/// The hits of instrumented .NET services go to <see cref="DotnetCoverage"/>.
/// Call this before disposing the network (which removes those directories).
/// </summary>
public static class CoverageCollector
{
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // The report directories this process has collected into, with their warnings so far.
    static readonly Dictionary<string, (List<CoverageWarning> Lost, List<CoverageWarning> Silent)> Collected = new(StringComparer.Ordinal);
    static readonly SemaphoreSlim ReportGate = new(1, 1);

    /// <summary>
    /// Stops the services (gracefully, as <see cref="VirtualNetwork.StopServicesAsync"/>; a no-op if
    /// that ran already), then, in each ready machine, every other process that has instrumented code
    /// mapped (its program or a shared object it loaded) with SIGTERM, since a process writes its data
    /// when it exits; then captures what every machine wrote — also a machine that crashed or was
    /// never started (<see cref="MachineCoverageStatus.NoData"/>) — and reports what is missing as
    /// <see cref="CoverageReport.Warnings"/> (also in <c>warnings.txt</c> and the driver log).
    /// </summary>
    /// <remarks>
    /// The first collection of this process into a directory replaces what was there; each later
    /// one (another network of the same test run: a network per test class or per test) adds its
    /// machines' data to the report, so the report covers every network the process collected.
    /// Collections into one directory take turns.
    /// </remarks>
    /// <param name="network">The network, not yet disposed.</param>
    /// <param name="outputDirectory">The report's directory (replaced by this process's first collection into it).</param>
    /// <param name="ct">Cancels the collection.</param>
    /// <exception cref="MissingToolException">lcov is not installed.</exception>
    /// <exception cref="CoverageException">lcov could not merge the machines' tracefiles or write the HTML report.</exception>
    public static async Task<CoverageReport> CollectAsync(VirtualNetwork network, string outputDirectory, CancellationToken ct = default)
    {
        try { await network.StopServicesAsync(ct); }
        catch (NixVmException e)
        {
            network.Log.Driver($"coverage: could not stop the services: {e.Message}"); // collect what exists
        }
        var survivors = await Task.WhenAll(network.Machines.Where(m => m.IsReady).Select(m => StopInstrumentedProcessesAsync(m, network, ct)));
        var machines = network.Machines.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        var instrumented = machines.ToDictionary(m => m.Name, m => m.Manifest.InstrumentedPaths());   // a file each: read once
        List<CoverageWarning> lost = [.. survivors.SelectMany(w => w),
            .. machines.SelectMany(m => CoverageLosses.ProfilingErrors(m.Name, m.ExchangeDirectory, m.ConsoleText)),
            .. machines.SelectMany(m => CoverageLosses.KilledServices(m.Name, m.ServiceStopLines, instrumented[m.Name].Count > 0))];
        var silent = machines.SelectMany(m => CoverageLosses.SilentPrograms(m.Name, instrumented[m.Name], DataDirectory(m))).ToList();
        outputDirectory = Path.GetFullPath(outputDirectory);
        CoverageReport report;
        await ReportGate.WaitAsync(ct);
        try
        {
            var addTo = Collected.TryGetValue(outputDirectory, out var earlier);
            report = await NativeCoverage.CaptureAsync(machines.Select(m => (m.Name, DataDirectory(m))), outputDirectory, ct, addToExisting: addTo);
            // Data lost in any network is lost; a program is silent only when no network's run of it wrote data.
            if (addTo) (lost, silent) = ([.. earlier.Lost.Union(lost)], [.. earlier.Silent.Intersect(silent)]);
            Collected[outputDirectory] = (lost, silent);
            report = report with { Warnings = [.. lost, .. silent] };
            File.Delete(report.WarningsFile);
            if (report.Warnings.Count > 0)
                await File.WriteAllLinesAsync(report.WarningsFile, report.Warnings.Select(w => w.ToString()), ct);
            await DotnetCoverage.CollectAsync(network, outputDirectory, ct);
        }
        finally { ReportGate.Release(); }
        foreach (var w in report.Warnings) network.Log.Driver($"warning {w.Code}: {w.Message}");
        network.Log.Driver(report.SummaryLine);
        return report;
    }

    static string DataDirectory(Machine m) => Path.Combine(m.ExchangeDirectory, Contract.Guest.CoverageData);

    // libgcov, in every instrumented program and shared object, contains the string GCOV_PREFIX_STRIP.
    // The files each process has mapped executable are read from /proc/<pid>/maps by bash itself and
    // one grep looks at the distinct ones (a process per pid costs seconds under TCG). Zombies have
    // no readable exe, so "/proc/<pid>/exe exists" means still running.
    const string StopScript = """
        declare -A pids_of=()
        for maps in /proc/[0-9]*/maps; do
          pid=${maps#/proc/}; pid=${pid%/maps}
          [ "$pid" != $$ ] || continue
          while read -r _ perms _ _ _ path; do
            [[ $perms == *x* && $path == /* ]] && pids_of[$path]+=" $pid"
          done 2>/dev/null <"$maps" || true
        done
        declare -A stop=()
        if [ ${#pids_of[@]} -gt 0 ]; then
          for f in $(grep -ls GCOV_PREFIX_STRIP "${!pids_of[@]}" || true); do
            for p in ${pids_of[$f]}; do stop[$p]=1; done
          done
        fi
        stopped=()
        for p in "${!stop[@]}"; do kill -TERM "$p" 2>/dev/null && stopped+=("$p") || true; done
        for _ in $(seq 100); do
          alive=(); for p in "${stopped[@]}"; do [ ! -e "/proc/$p/exe" ] || alive+=("$p"); done
          [ ${#alive[@]} -gt 0 ] || break
          sleep 0.1
        done
        sync
        echo "stopped: ${stopped[*]:-none}"
        for p in "${alive[@]}"; do echo "still running: $p $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)"; done
        """;

    /// <summary>Stops them; returns a warning for each that is still running (its data is lost).</summary>
    static async Task<IEnumerable<CoverageWarning>> StopInstrumentedProcessesAsync(Machine machine, VirtualNetwork network, CancellationToken ct)
    {
        try
        {
            var said = await machine.SucceedAsync(StopScript, StopTimeout, ct);
            network.Log.Machine(machine.Name, "coverage: processes with instrumented code " + said.Trim());
            return said.Split('\n').Where(l => l.StartsWith("still running: ", StringComparison.Ordinal))
                .Select(l => new CoverageWarning(CoverageWarning.LostDataCode, machine.Name,
                    $"machine '{machine.Name}': process {l["still running: ".Length..].Trim()} has instrumented code and was still running 10 s after SIGTERM: its coverage data is lost (let it exit on SIGTERM)"))
                .ToList();
        }
        catch (NixVmException e)
        {
            // Collect what exists: the data of programs that exited earlier is on the host already.
            network.Log.Machine(machine.Name, $"coverage: could not stop the processes with instrumented code: {e.Message}");
            return [];
        }
    }
}
