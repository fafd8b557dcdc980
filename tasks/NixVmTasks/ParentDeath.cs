using NixVm.Shared;

namespace NixVmTasks;

/// <summary>
/// How a tool this task host starts dies with it: util-linux's <c>setpriv --pdeathsig</c> sets the
/// signal the kernel sends the tool when this process dies, then execs the tool (same pid, so
/// MSBuild's own timeout and Ctrl-C still reach it). <see cref="BuildWatch"/> ends this task host
/// when the build above it dies.
/// </summary>
static class ParentDeath
{
    /// <summary>
    /// setpriv's path, also when the build's PATH lacks /usr/bin; null when it is not installed (the
    /// tool then runs unwatched rather than not at all).
    /// </summary>
    public static string? Setpriv() => HostPath.Find("setpriv") ?? (File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv" : null);

    /// <summary>setpriv's arguments before the tool's own: the signal (a <c>kill -l</c> name) and the tool.</summary>
    public static string[] Arguments(string signal, string tool) => ["--pdeathsig", signal, "--", tool];
}
