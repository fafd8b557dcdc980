using System.Runtime.InteropServices;

namespace NixVm.Shared;

/// <summary>libc's kill(2): signals a pid or, negative, a process group (Process.Kill can do neither with SIGTERM).</summary>
static class Posix
{
    public const int SigTerm = 15, SigKill = 9;

    /// <summary>True when the signal was delivered.</summary>
    public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
