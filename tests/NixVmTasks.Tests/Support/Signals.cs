using System.Runtime.InteropServices;

namespace NixVmTasks.Tests.Support;

/// <summary>kill(2), for tests that end a process the way a user or the kernel would.</summary>
static class Signals
{
    public const int Int = 2, Kill = 9;

    /// <summary>Sends <paramref name="signal"/> to a process, or with a negative pid to its process group.</summary>
    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
