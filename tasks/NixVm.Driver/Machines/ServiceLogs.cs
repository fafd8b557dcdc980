using System.Text.RegularExpressions;
using NixVm.Shared;

namespace NixVm.Driver.Machines;

/// <summary>
/// The guest services' logs as the host sees them in a machine's exchange directory (the guest's
/// <c>/tmp/xchg</c>): each service's stdout and stderr in <c>services/&lt;name&gt;.log</c>, and the
/// paths a service declared in <c>logs</c>, copied by <c>nixvm-stop-services</c> to
/// <c>service-logs/&lt;path&gt;</c> (see nix/guest/init.sh and nix/guest/stop-services.sh).
/// </summary>
static class ServiceLogs
{
    const int TailLines = 20;

    /// <summary>Copies every service's output to <c>&lt;logs&gt;/&lt;machine&gt;.&lt;service&gt;.log</c> and the saved <c>logs</c> paths to <c>&lt;logs&gt;/&lt;machine&gt;/&lt;path&gt;</c>.</summary>
    public static void Copy(string machine, string exchange, string logDirectory)
    {
        var output = Path.Combine(exchange, Contract.Guest.ServiceLogs);
        if (Directory.Exists(output))
            foreach (var log in Directory.EnumerateFiles(output, "*.log"))
                File.Copy(log, Path.Combine(logDirectory, $"{machine}.{Path.GetFileName(log)}"), overwrite: true);
        var saved = Path.Combine(exchange, Contract.Guest.SavedLogs);
        if (Directory.Exists(saved)) CopyTree(saved, Path.Combine(logDirectory, machine));
    }

    /// <summary>
    /// The last lines of the log a guest failure names ("… (log: /tmp/xchg/services/x.log)", as the
    /// init reports a service that exited or never got ready), to append to its reason; else "".
    /// </summary>
    public static string TailFor(string fatalReason, string exchange)
    {
        if (LogReference.Match(fatalReason) is not { Success: true } m) return "";
        var path = Path.Combine(exchange, m.Groups["path"].Value);
        if (!File.Exists(path)) return "";
        var lines = File.ReadAllLines(path);
        var tail = lines.Skip(Math.Max(0, lines.Length - TailLines));
        return $"\nlast lines of {Path.GetFileName(path)}:\n" + string.Join("\n", tail);
    }

    static readonly Regex LogReference = new(@"\(log: " + Regex.Escape(Contract.Guest.Exchange + "/") + @"(?<path>[^)]+)\)");

    static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        foreach (var d in Directory.EnumerateDirectories(from)) CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
