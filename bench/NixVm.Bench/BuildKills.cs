using System.Diagnostics;
using System.Runtime.InteropServices;
using NixVm.Driver;

namespace NixVm.Bench;

/// <summary>
/// SIGKILL of a real <c>dotnet build</c> of a 2-machine VM test project at a random moment (restore,
/// compile, nix-build, boot or tests), then, 5 s later, what of it still runs or is left in its state
/// directory's parent. Each build reruns the tests and rebuilds the images (its machine file changes).
/// </summary>
sealed class BuildKills(TextWriter output, Random random)
{
    public async Task RunAsync(string repoRoot, int kills, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("nixvm-bench-soak-").FullName;
        var run = Path.Combine(root, "run");
        var project = Path.Combine(root, "Soak");
        try
        {
            var version = await BenchProjects.PackAsync(repoRoot, root, ct);
            Directory.CreateDirectory(run);
            BenchProjects.WriteProject(project, "Soak", "<NixVmRunTestsOnBuild>true</NixVmRunTestsOnBuild>", $"""
                <PackageReference Include="NixVmTasks" Version="{version}" />
                <VirtualMachine Include="a" NixFile="a.nix" />
                <VirtualMachine Include="b" />
                """);
            File.WriteAllText(Path.Combine(project, "Tests.cs"), """
                using System.Threading.Tasks;
                using NixVm.Driver.Xunit;
                using Xunit;
                [assembly: AssemblyFixture(typeof(NetworkFixture))]
                public class Tests(NetworkFixture network)
                {
                    [Fact] public Task Sleeps() => network["a"].SucceedAsync("sleep 20", ct: TestContext.Current.CancellationToken);
                }
                """);
            var env = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = run, ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
            await FullBuildAsync(project, env, ct);                 // restore, first compile
            var whole = await FullBuildAsync(project, env, ct);     // what each round reruns
            output.WriteLine($"build kills: a whole build takes {whole.TotalSeconds:0} s; killing at a random moment within it   load {VirtualNetwork.HostLoad()}");
            var leftovers = 0;
            for (var i = 1; i <= kills; i++)
            {
                var at = TimeSpan.FromSeconds(random.NextDouble() * whole.TotalSeconds);
                await BuildAsync(project, env, at, i, ct);
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                var running = Leftovers.Processes(root);
                // The SDK's own C# compiler finishes its file by itself; it is not a process of ours.
                var compilers = running.Count(p => p.CommandLine.Contains("/Roslyn/"));
                var left = running.Where(p => !p.CommandLine.Contains("/Roslyn/")).Select(p => p.ToString()).Concat(Directory.GetFileSystemEntries(run)).ToList();
                leftovers += left.Count;
                output.WriteLine($"  kill {i} at {at.TotalSeconds:0.0} s: {(left.Count == 0 ? "nothing of ours left" : "LEFT: " + string.Join("; ", left))}"
                    + (compilers > 0 ? $" ({compilers} csc of the SDK still compiling)" : ""));
                foreach (var p in Leftovers.Processes(root)) kill(p.Pid, 9);   // the next round starts clean
                foreach (var e in Directory.GetFileSystemEntries(run)) Directory.Delete(e, recursive: true);
            }
            output.WriteLine($"build kills: {kills}, leftovers {leftovers}   load {VirtualNetwork.HostLoad()}");
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    /// <summary>A build that must pass (the tests ran); returns how long it took.</summary>
    static async Task<TimeSpan> FullBuildAsync(string project, IReadOnlyDictionary<string, string?> env, CancellationToken ct)
    {
        var (took, exitCode, log) = await BuildAsync(project, env, TimeSpan.FromHours(1), 0, ct);
        if (exitCode != 0 || !log.Contains("VM tests: 1 passed")) throw new InvalidOperationException($"the soak project's build failed:\n{log}");
        return took;
    }

    /// <summary>Starts a build that reruns everything and kills it (SIGKILL) after <paramref name="killAfter"/> unless it ended.</summary>
    static async Task<(TimeSpan Took, int ExitCode, string Log)> BuildAsync(string project, IReadOnlyDictionary<string, string?> env, TimeSpan killAfter, int round, CancellationToken ct)
    {
        File.WriteAllText(Path.Combine(project, "a.nix"), $"{{ files.\"/etc/round\" = \"{round}\\n\"; }}\n");   // new images
        File.AppendAllText(Path.Combine(project, "Tests.cs"), "\n");                                         // tests rerun
        var psi = new ProcessStartInfo("setsid", ["dotnet", "build", "-nodeReuse:false", "--disable-build-servers", "-nologo"])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["UseSharedCompilation"] = "false";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var build = Process.Start(psi)!;
        var stdout = build.StandardOutput.ReadToEndAsync(ct);
        var stderr = build.StandardError.ReadToEndAsync(ct);
        var clock = Stopwatch.StartNew();
        try { await build.WaitForExitAsync(ct).WaitAsync(killAfter, ct); }
        catch (TimeoutException) { kill(build.Id, 9); }
        await build.WaitForExitAsync(ct);
        return (clock.Elapsed, build.ExitCode, await stdout + await stderr);
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}

/// <summary>Processes that name a path in their command line or environment (what a run under that path started).</summary>
static class Leftovers
{
    public sealed record OsProcess(int Pid, string CommandLine)
    {
        public override string ToString() => $"{Pid}: {CommandLine}";
    }

    public static List<OsProcess> Processes(string path)
    {
        var found = new List<OsProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains(path) || File.ReadAllText(Path.Combine(dir, "environ")).Contains(path)) found.Add(new(pid, cmd));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
