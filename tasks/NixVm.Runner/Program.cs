using System.CommandLine;
using System.Runtime.InteropServices;
using NixVm.Driver;
using NixVm.Shared;

// nixvm-runner: keeps a virtual network up for interactive use (the seed's run-vms, driven by our
// driver): boots every machine, prints where each one is, and stops everything on SIGINT/SIGTERM.
// `doctor` checks the host (Doctor/); `results` reads a test run's JUnit file for runTests (Results/).

var manifest = new Option<string>("--manifest") { Required = true, Description = "network.json, or the nix-build result that holds it" };
var logs = new Option<string?>("--logs") { Description = "directory for <machine>.log and driver.log" };
var accel = new Option<AcceleratorMode>("--accelerator") { DefaultValueFactory = _ => AcceleratorMode.Auto, Description = "auto, kvm or tcg" };
var remap = new Option<bool>("--remap-ports") { Description = "forward declared ports from free host ports" };
var readyFile = new Option<string?>("--ready-file") { Description = "once every machine is ready, write the state and forwards here (JSON, written atomically)" };

var up = new Command("up", "boot the network and keep it running until interrupted") { manifest, logs, accel, remap, readyFile };
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
        var ready = new RunnerReady(network.Accelerator.Accelerator, network.StateDirectory,
            network.Machines.Select(m => new ReadyMachine(m.Name, m.StateDirectory, m.BootTime?.TotalSeconds ?? 0,
                m.ForwardedPorts.Select(p => new ReadyForward(HostPort: p.Value, GuestPort: p.Key)).ToList())).ToList());
        foreach (var line in ready.Describe()) Console.WriteLine(line);
        var readyPath = parse.GetValue(readyFile);
        if (readyPath is not null) ready.Write(readyPath);
        Console.WriteLine("all machines ready; stop with Ctrl-C or SIGTERM");
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { });
        Console.WriteLine("stopping");
        if (readyPath is not null) File.Delete(readyPath); // the network is going down
        return 0;
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        Console.Error.WriteLine("interrupted while starting; stopped");
        return 130;
    }
    catch (Exception e) when (e is NixVmException or IOException) // IOException: the ready file could not be written
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
});

var doctor = new Command("doctor", "check that this host can build and run NixVmTasks networks; exit code 1 when something required is missing");
doctor.SetAction(_ => NixVm.Runner.Doctor.DoctorReport.Print([.. NixVm.Runner.Doctor.HostChecks.Run()], Console.Out));

var junit = new Argument<string>("junit") { Description = "the JUnit file of a test run (xunit v3's -result-junit)" };
var results = new Command("results", "print a test run's failed tests and counts from its JUnit file; exit code 1 when a test failed or none ran") { junit };
results.SetAction(parse => NixVm.Runner.Results.ResultsCommand.Print(parse.GetValue(junit)!, Console.Out));

var root = new RootCommand("NixVmTasks network runner") { up, doctor, results };
return await root.Parse(args).InvokeAsync();
