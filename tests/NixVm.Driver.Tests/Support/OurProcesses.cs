namespace NixVm.Driver.Tests.Support;

/// <summary>Finds live processes (QEMU, vde_switch, …) whose command line mentions a path, via /proc.</summary>
static class OurProcesses
{
    public static List<(int Pid, string CommandLine)> Mentioning(string path)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmd;
            try { cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (cmd.Contains(path, StringComparison.Ordinal) && !cmd.Contains("nixvm-reaper")) found.Add((pid, cmd));
        }
        return found;
    }

    public static bool IsQemuOrVde(string commandLine) =>
        commandLine.Contains("qemu-system", StringComparison.Ordinal) || commandLine.Contains("vde_switch", StringComparison.Ordinal);

    public static async Task<bool> AllGoneAsync(string path, TimeSpan within)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (Mentioning(path).Count == 0) return true;
            await Task.Delay(100);
        }
        return Mentioning(path).Count == 0;
    }
}
