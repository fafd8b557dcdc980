using System.Diagnostics;
using NixVm.Driver;
using NixVm.Driver.Machines;
using NixVm.Driver.Processes;

namespace NixVm.Bench;

/// <summary>
/// Ready time of an ASP.NET Core minimal API as a guest service (<c>dotnet = { … }</c>, ready =
/// <c>{ http = …; }</c>), one publish per start-up setting, all booted alternately in the same run:
/// <list type="bullet">
/// <item>service ready: from the init starting the services (its <c>nixvm.debug</c> line
/// "services") to its "nixvm: ready" line, on the host's clock; the QEMU process's CPU seconds over
/// the same span (less sensitive to the host's load than the wall clock);</item>
/// <item>boot to ready: from starting QEMU until the backdoor shell answers (after the service).</item>
/// </list>
/// The first setting is the baseline: a plain framework-dependent publish.
/// </summary>
sealed class DotnetServiceBenchmark(TextWriter output)
{
    /// <summary>
    /// One way to publish the API: the <c>-p:</c> properties of its publish; <c>Aot</c>: a NativeAOT
    /// publish (<c>CreateSlimBuilder</c>, as <c>dotnet new webapiaot</c> writes it), run as its native executable.
    /// </summary>
    public sealed record Setting(string Label, string Properties = "", bool Aot = false);

    // Measured before and found no faster than the noise (or slower), so no longer run: TieredPGO=false,
    // InvariantGlobalization, UseSystemResourceKeys, ConcurrentGarbageCollection=false,
    // TieredCompilation=false, ReadyToRun, DOTNET_hostBuilder__reloadConfigOnChange=false,
    // DOTNET_EnableWriteXorExecute=0, a 2-core guest (multi-threaded TCG), and ready checks that wait
    // for the port to listen before polling (the polls' processes cost the one vCPU no measurable time).
    public static readonly Setting[] Settings =
    [
        new("plain publish (baseline)"),
        new("NativeAOT (PublishAot)", Aot: true),
        new("NativeAOT + InvariantGlobalization", "InvariantGlobalization=true", Aot: true),
    ];

    const string Program = """
        var app = WebApplication.CreateBuilder(args).Build();
        app.MapGet("/health", () => "ok");
        app.Run();
        """;

    public async Task RunAsync(string repoRoot, int boots, IReadOnlyList<Setting> settings, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("nixvm-bench-dotnet-").FullName;
        try
        {
            var project = Path.Combine(root, "Api");
            Directory.CreateDirectory(project);
            File.WriteAllText(Path.Combine(project, "Api.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(project, "Program.cs"), Program);
            var aotProject = Path.Combine(root, "AotApi");
            Directory.CreateDirectory(aotProject);
            File.WriteAllText(Path.Combine(aotProject, "Api.csproj"), File.ReadAllText(Path.Combine(project, "Api.csproj")).Replace("</PropertyGroup>", "  <PublishAot>true</PublishAot>\n  </PropertyGroup>"));
            File.WriteAllText(Path.Combine(aotProject, "Program.cs"), Program.Replace("CreateBuilder", "CreateSlimBuilder"));
            // Outside the repository: none of its Directory.Build.* or central package versions apply.
            File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project />");

            var networks = new List<string>();
            for (var i = 0; i < settings.Count; i++)
            {
                var publish = Path.Combine(root, $"publish{i}");
                var setting = settings[i];
                var args = new List<string> { "publish", setting.Aot ? aotProject : project, "-c", "Release", "-o", publish, "--artifacts-path", Path.Combine(root, $"artifacts{i}") };
                if (setting.Aot) args.AddRange(["-r", "linux-x64"]);
                args.AddRange(setting.Properties.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => "-p:" + p));
                await RunAsync("dotnet", args, root, ct);
                var nix = Path.Combine(root, $"network{i}.nix");
                File.WriteAllText(nix, $$"""
                    (import {{Path.Combine(repoRoot, "nix")}} { }).buildVms {
                      name = "dotnet-bench-{{i}}";
                      machines.server = {
                        memoryMB = 512;
                        services = [ {
                          name = "api";
                          dotnet = { publishDir = "{{publish}}"; assembly = "{{(setting.Aot ? "Api" : "Api.dll")}}"; args = [ "--urls" "http://127.0.0.1:5000" ]; };
                          ready = { http = "http://127.0.0.1:5000/health"; };
                          readyTimeout = 600;
                        } ];
                      };
                    }
                    """);
                networks.Add((await RunAsync(HostTools.Find("nix-build", HostTools.BootstrapHint), ["--option", "substituters", "", "--no-out-link", nix], root, ct)).Trim());
            }

            var results = settings.Select(_ => new List<Start>()).ToList();
            var logs = Path.Combine(root, "logs");
            for (var b = 0; b < boots; b++)
                for (var i = 0; i < settings.Count; i++)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);   // a settled host, as for the boot figures
                    try
                    {
                        var start = await StartAsync(networks[i], logs, ct);
                        results[i].Add(start);
                        output.WriteLine($"  boot {b + 1}, {settings[i].Label}: service ready {start.ServiceSeconds:0.00} s, QEMU CPU {start.ServiceCpuSeconds:0.00} s, boot to ready {start.BootSeconds:0.00} s   load {VirtualNetwork.HostLoad()}");
                    }
                    catch (MachineFailedException e)   // counted out, with what the guest said
                    {
                        output.WriteLine($"  boot {b + 1}, {settings[i].Label}: failed: {e.Message}");
                        foreach (var log in new[] { "server.log", "server.api.log" }.Select(f => Path.Combine(logs, f)).Where(File.Exists))
                            output.WriteLine($"    {Path.GetFileName(log)}: …{string.Join("\n      ", File.ReadLines(log).TakeLast(15))}");
                    }
                }

            output.WriteLine($"ASP.NET Core minimal API as a guest service (TCG, 1 core, 512 MiB; medians of {boots} boots, settings alternating)   load {VirtualNetwork.HostLoad()}");
            var baseline = Stats.Median(results[0].Select(r => r.ServiceSeconds).DefaultIfEmpty(double.NaN).ToList());
            var baselineCpu = Stats.Median(results[0].Select(r => r.ServiceCpuSeconds).DefaultIfEmpty(double.NaN).ToList());
            for (var i = 0; i < settings.Count; i++)
            {
                if (results[i].Count == 0) { output.WriteLine($"  {settings[i].Label,-28} no boot succeeded"); continue; }
                var service = results[i].Select(r => r.ServiceSeconds).ToList();
                var cpu = results[i].Select(r => r.ServiceCpuSeconds).ToList();
                var boot = results[i].Select(r => r.BootSeconds).ToList();
                output.WriteLine($"  {settings[i].Label,-28} service ready: median {Stats.Median(service):0.00} s ({Stats.Median(service) / baseline:0.00}x) [{Stats.Format(service)}]; " +
                                 $"QEMU CPU {Stats.Median(cpu):0.00} s ({Stats.Median(cpu) / baselineCpu:0.00}x); boot to ready {Stats.Median(boot):0.00} s");
            }
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    /// <summary>Runs a program to its end; its stdout, or an exception with its output when it fails.</summary>
    static async Task<string> RunAsync(string program, IEnumerable<string> args, string directory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program, args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed:\n{await stdout}{await stderr}");
        return await stdout;
    }

    readonly record struct Start(double ServiceSeconds, double ServiceCpuSeconds, double BootSeconds);

    static async Task<Start> StartAsync(string vms, string logs, CancellationToken ct)
    {
        Environment.SetEnvironmentVariable("QEMU_KERNEL_PARAMS", "nixvm.debug");   // the init prints its steps
        try
        {
            await using var network = await VirtualNetwork.CreateAsync(vms, new NetworkOptions { RemapForwardedPorts = true, LogDirectory = logs }, ct);
            var m = network["server"];
            var clock = Stopwatch.StartNew();
            await m.StartAsync(ct);
            var services = Mark(m, @"nixvm-debug: [0-9.]+ services", clock, ct);
            var ready = Mark(m, @"^nixvm: ready", clock, ct);
            await m.WaitForReadyAsync(ct);
            var boot = clock.Elapsed.TotalSeconds;
            var (s, r) = (await services, await ready);
            return new Start(r.Seconds - s.Seconds, r.Cpu - s.Cpu, boot);
        }
        finally { Environment.SetEnvironmentVariable("QEMU_KERNEL_PARAMS", null); }
    }

    /// <summary>When a console line appeared: host clock and the QEMU process's CPU seconds at that moment.</summary>
    static async Task<(double Seconds, double Cpu)> Mark(Machine m, string pattern, Stopwatch clock, CancellationToken ct)
    {
        await m.WaitForConsoleTextAsync(pattern, ct: ct);
        return (clock.Elapsed.TotalSeconds, CpuSeconds(m.ProcessId!.Value));
    }

    /// <summary>utime + stime of a process (clock ticks of 1/100 s).</summary>
    static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }
}
