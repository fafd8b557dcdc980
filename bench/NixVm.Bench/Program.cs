using System.CommandLine;
using NixVm.Bench;

// The benchmark harness (not part of the test suite): figures are ratios against baselines
// measured in the same run, printed with the host load, never asserted.

var rtt = new Option<int>("--rtt") { DefaultValueFactory = _ => 200, Description = "round trips of `true` to time" };
var boots = new Option<int>("--boots") { DefaultValueFactory = _ => 5, Description = "boots per boot figure" };
var scale = new Option<string>("--scale") { DefaultValueFactory = _ => "1,2,4,8", Description = "machine counts started together" };

var root = new RootCommand("NixVmTasks benchmarks: boot floor vs boot-to-ready, backdoor round trip, parallel boots, memory")
{
    rtt, boots, scale,
};
root.SetAction(async (parse, ct) =>
{
    var bench = new Benchmarks(Console.Out);
    await bench.RunAsync(parse.GetValue(boots), parse.GetValue(rtt),
        parse.GetValue(scale)!.Split(',').Select(int.Parse).ToArray(), ct);
    return 0;
});
return await root.Parse(args).InvokeAsync();
