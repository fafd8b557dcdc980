using System.CommandLine;
using System.Runtime.InteropServices;
using NixVm.Driver;

// nixvm-runner: keeps a virtual network up for interactive use (the seed's run-vms, driven by our
// driver): boots every machine, prints where each one is, and stops everything on SIGINT/SIGTERM.

var manifest = new Option<string>("--manifest") { Required = true, Description = "network.json, or the nix-build result that holds it" };
var logs = new Option<string?>("--logs") { Description = "directory for <machine>.log and driver.log" };
var accel = new Option<AcceleratorMode>("--accelerator") { DefaultValueFactory = _ => AcceleratorMode.Auto, Description = "auto, kvm or tcg" };
var remap = new Option<bool>("--remap-ports") { Description = "forward declared ports from free host ports" };

var up = new Command("up", "boot the network and keep it running until interrupted") { manifest, logs, accel, remap };
up.SetAction(async (parse, _) =>
{
    using var stop = new CancellationTokenSource();
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
    var options = new NetworkOptions
    {
        Accelerator = parse.GetValue(accel),
        LogDirectory = parse.GetValue(logs),
        RemapForwardedPorts = parse.GetValue(remap),
    };
    try
    {
        await using var network = await VirtualNetwork.CreateAsync(parse.GetValue(manifest)!, options, stop.Token);
        Console.WriteLine($"accelerator: {network.Accelerator.Accelerator} ({network.Accelerator.Reason})");
        await network.StartAllAsync(stop.Token);
        foreach (var m in network.Machines)
        {
            var forwards = string.Join(", ", m.ForwardedPorts.Select(p => $"127.0.0.1:{p.Value} -> {m.Name}:{p.Key}"));
            Console.WriteLine($"{m.Name}: ready in {m.BootTime?.TotalSeconds:0.00} s, state {m.StateDirectory}{(forwards.Length > 0 ? ", forwards " + forwards : "")}");
        }
        Console.WriteLine($"state: {network.StateDirectory}");
        Console.WriteLine("all machines ready; stop with Ctrl-C or SIGTERM");
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { });
        Console.WriteLine("stopping");
        return 0;
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        Console.Error.WriteLine("interrupted while starting; stopped");
        return 130;
    }
    catch (NixVmException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
});

var root = new RootCommand("NixVmTasks network runner") { up };
return await root.Parse(args).InvokeAsync();
