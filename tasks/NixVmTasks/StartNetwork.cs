using System.Diagnostics;
using Microsoft.Build.Framework;
using NixVm.Shared;

namespace NixVmTasks;

/// <summary>
/// NixVmUp: boots the network in a detached <c>nixvm-runner up</c> whose stdio are files (a child
/// holding MSBuild's pipes would hang the build), records its pid, waits for the runner's ready
/// file (<see cref="RunnerReady"/>) and prints each machine's state directory and forwarded ports.
/// </summary>
public sealed class StartNetwork : Microsoft.Build.Utilities.Task
{
    [Required] public string RunnerAssembly { get; set; } = "";
    [Required] public string Manifest { get; set; } = "";
    [Required] public string PidFile { get; set; } = "";
    [Required] public string OutputFile { get; set; } = "";
    [Required] public string ReadyFile { get; set; } = "";
    [Required] public string LogDirectory { get; set; } = "";
    [Required] public string ProjectFile { get; set; } = "";
    public string Accelerator { get; set; } = "auto";
    public int TimeoutSeconds { get; set; } = 300;

    public override bool Execute()
    {
        if (RunnerProcess.Alive(PidFile) is { } running)
        {
            Log.Warning(ErrorCodes.NetworkAlreadyUp, ProjectFile, 0,
                $"the network is already up (runner pid {running}); stop it first with -t:NixVmDown");
            PrintState();
            return true;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PidFile))!);
        Directory.CreateDirectory(LogDirectory);
        File.Delete(ReadyFile); // a stale one from a runner that was killed
        // sh puts the runner in the background with file stdio and its own session, prints its pid and exits.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-c", "setsid \"$0\" \"$1\" up --manifest \"$2\" --logs \"$3\" --accelerator \"$4\" --ready-file \"$5\" >\"$6\" 2>&1 </dev/null & echo $!",
                     ToolLocator.Dotnet(), RunnerAssembly, Manifest, LogDirectory, Accelerator, ReadyFile, OutputFile,
                 })
            psi.ArgumentList.Add(a);
        using (var sh = Process.Start(psi)!)
        {
            var pidText = sh.StandardOutput.ReadToEnd().Trim();
            sh.WaitForExit();
            File.WriteAllText(PidFile, pidText);
        }
        var pid = int.Parse(File.ReadAllText(PidFile));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(TimeoutSeconds))
        {
            if (RunnerReady.Read(ReadyFile) is not null)
            {
                PrintState();
                Log.LogMessage(MessageImportance.High, "NixVm: network is up; stop it with: dotnet build -t:NixVmDown");
                return true;
            }
            if (!RunnerProcess.Exists(pid))
            {
                File.Delete(PidFile);
                var output = File.Exists(OutputFile) ? File.ReadAllText(OutputFile).Trim() : "";
                Log.Error(ErrorCodes.NetworkUpFailed, ProjectFile, 0,
                    $"the network did not come up: {output}");
                return false;
            }
            Thread.Sleep(100);
        }
        Posix.Kill(pid, Posix.SigTerm);
        File.Delete(PidFile);
        Log.Error(ErrorCodes.NetworkUpFailed, ProjectFile, 0,
            $"the network was not ready within {TimeoutSeconds} s; stopped it. See {LogDirectory}");
        return false;
    }

    void PrintState()
    {
        if (RunnerReady.Read(ReadyFile) is not { } ready) return;
        Log.LogMessage(MessageImportance.High, $"NixVm: accelerator: {ready.Accelerator}");
        foreach (var line in ready.Describe())
            Log.LogMessage(MessageImportance.High, "NixVm: " + line);
    }
}
