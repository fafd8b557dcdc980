using System.CommandLine;
using NixVm.Bench;

// The benchmark harness (not part of the test suite): figures are ratios against baselines
// measured in the same run, printed with the host load, never asserted.

var rtt = new Option<int>("--rtt") { DefaultValueFactory = _ => 200, Description = "round trips of `true` to time" };
var boots = new Option<int>("--boots") { DefaultValueFactory = _ => 11, Description = "boots per boot figure" };
var scale = new Option<string>("--scale") { DefaultValueFactory = _ => "1,2,4,8", Description = "machine counts started together" };
var noop = new Option<int>("--noop-builds") { DefaultValueFactory = _ => 5, Description = "no-op dotnet builds per project (0 skips the MSBuild figure)" };

var root = new RootCommand("NixVmTasks benchmarks: boot floor vs boot-to-ready, backdoor round trip, parallel boots, memory")
{
    rtt, boots, scale, noop,
};
root.SetAction(async (parse, ct) =>
{
    var bench = new Benchmarks(Console.Out);
    await bench.RunAsync(parse.GetValue(boots), parse.GetValue(rtt),
        parse.GetValue(scale)!.Split(',').Select(int.Parse).ToArray(), ct);
    if (parse.GetValue(noop) > 0)
        await new NoOpBuildBenchmark(Console.Out).RunAsync(Benchmarks.Root, parse.GetValue(noop), ct);
    return 0;
});
return await root.Parse(args).InvokeAsync();
