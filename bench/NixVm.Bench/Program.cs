using System.CommandLine;
using NixVm.Bench;

// The benchmark harness (not part of the test suite): figures are ratios against baselines
// measured in the same run, printed with the host load, never asserted.

var rtt = new Option<int>("--rtt") { DefaultValueFactory = _ => 200, Description = "round trips of `true` to time" };
var boots = new Option<int>("--boots") { DefaultValueFactory = _ => 11, Description = "boots per boot figure" };
var scale = new Option<string>("--scale") { DefaultValueFactory = _ => "1,2,4,8", Description = "machine counts started together" };
var dotnetBoots = new Option<int>("--dotnet-boots") { DefaultValueFactory = _ => 5, Description = "boots per start-up setting of the .NET service figure (0 skips it)" };
var only = new Option<string>("--only") { DefaultValueFactory = _ => "all", Description = "all; dotnet: only the .NET service figure; levers: only the guest memory levers; perclass: only the per-class suite; soak: only the reliability soak" };
var soakCommands = new Option<int>("--soak-commands") { DefaultValueFactory = _ => 10_000, Description = "commands of the soak (--only soak)" };
var soakKills = new Option<int>("--soak-kills") { DefaultValueFactory = _ => 20, Description = "dotnet build kills of the soak (--only soak)" };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => Environment.TickCount, Description = "the soak's random seed (printed; pass it to repeat a run)" };
var perClass = new Option<int>("--perclass-runs") { DefaultValueFactory = _ => 3, Description = "runs per variant of the 10-class suite, shared vs fresh network per class (0 skips it)" };
var leverRounds = new Option<int>("--lever-rounds") { DefaultValueFactory = _ => 5, Description = "alternating rounds of the memory levers (--only levers)" };
var noop = new Option<int>("--noop-builds") { DefaultValueFactory = _ => 5, Description = "no-op dotnet builds per project (0 skips the MSBuild figure)" };

var root = new RootCommand("NixVmTasks benchmarks: boot floor vs boot-to-ready, backdoor round trip, parallel boots, memory")
{
    rtt, boots, scale, noop, dotnetBoots, perClass, only, soakCommands, soakKills, seed, leverRounds,
};
root.SetAction(async (parse, ct) =>
{
    if (parse.GetValue(only) == "soak")
    {
        await new SoakBenchmark(Console.Out, parse.GetValue(seed)).RunAsync(Benchmarks.Root, parse.GetValue(soakCommands), parse.GetValue(soakKills), ct);
        return 0;
    }
    if (parse.GetValue(only) == "levers")
    {
        await new MemoryLevers(Console.Out).RunAsync(parse.GetValue(leverRounds), 100, ct);
        return 0;
    }
    if (parse.GetValue(only) == "dotnet")
    {
        await new DotnetServiceBenchmark(Console.Out).RunAsync(Benchmarks.Root, parse.GetValue(dotnetBoots), DotnetServiceBenchmark.Settings, ct);
        return 0;
    }
    if (parse.GetValue(only) == "perclass")
    {
        await new PerClassBenchmark(Console.Out).RunAsync(Benchmarks.Root, parse.GetValue(perClass), ct);
        return 0;
    }
    var bench = new Benchmarks(Console.Out);
    await bench.RunAsync(parse.GetValue(boots), parse.GetValue(rtt),
        parse.GetValue(scale)!.Split(',').Select(int.Parse).ToArray(), ct);
    if (parse.GetValue(noop) > 0)
        await new NoOpBuildBenchmark(Console.Out).RunAsync(Benchmarks.Root, parse.GetValue(noop), ct);
    if (parse.GetValue(perClass) > 0)
        await new PerClassBenchmark(Console.Out).RunAsync(Benchmarks.Root, parse.GetValue(perClass), ct);
    if (parse.GetValue(dotnetBoots) > 0)
        await new DotnetServiceBenchmark(Console.Out).RunAsync(Benchmarks.Root, parse.GetValue(dotnetBoots), DotnetServiceBenchmark.Settings, ct);
    return 0;
});
return await root.Parse(args).InvokeAsync();
