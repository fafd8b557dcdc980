using System.Runtime.InteropServices;

namespace NixVm.Bench;

/// <summary>
/// CPU seconds (user + system) of this process's children that have ended and been waited for:
/// getrusage(RUSAGE_CHILDREN). A child's figure includes its own waited-for descendants (the test
/// process waits for its QEMUs and switches), so the difference across one child's run is the CPU
/// of that run's whole process tree, counted to the end of each process.
/// </summary>
static class ChildrenCpu
{
    const int RusageChildren = -1;

    public static double Seconds()
    {
        // struct rusage on 64-bit Linux: ru_utime and ru_stime (timeval: seconds, microseconds), then 14 longs.
        var usage = new long[18];
        if (getrusage(RusageChildren, usage) != 0) throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        return usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int getrusage(int who, [Out] long[] usage);
}
