using NixVm.Shared;

namespace NixVmTasks;

/// <summary>The detached <c>nixvm-runner up</c> behind NixVmUp, found again through its pidfile.</summary>
static class RunnerProcess
{
    /// <summary>The pid in the pidfile, if that process is alive and still our runner (pids get reused).</summary>
    public static int? Alive(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) return null;
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("nixvm-runner", StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");
}
