using Microsoft.Build.Framework;
using NixVm.Shared;

namespace NixVmTasks;

/// <summary>NixVmDown: stops the runner NixVmUp started (SIGTERM, which stops every VM and switch), then its files.</summary>
public sealed class StopNetwork : Microsoft.Build.Utilities.Task
{
    [Required] public string PidFile { get; set; } = "";
    public int GraceSeconds { get; set; } = 30;

    public override bool Execute()
    {
        if (RunnerProcess.Alive(PidFile) is not { } pid)
        {
            File.Delete(PidFile);
            Log.LogMessage(MessageImportance.High, "NixVm: no network is up");
            return true;
        }
        Posix.Kill(pid, Posix.SigTerm);
        var deadline = DateTime.UtcNow.AddSeconds(GraceSeconds);
        while (RunnerProcess.Exists(pid) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        if (RunnerProcess.Exists(pid))
        {
            Log.LogWarning($"NixVm: the runner (pid {pid}) did not stop within {GraceSeconds} s; killing it (its VMs die with it)");
            Posix.Kill(pid, Posix.SigKill);
        }
        File.Delete(PidFile);
        Log.LogMessage(MessageImportance.High, $"NixVm: network stopped (runner pid {pid})");
        return true;
    }
}
