using System.Runtime.InteropServices;

namespace NixVmTasks;

/// <summary>
/// Ends this task host as soon as the build above it dies. Our tasks run in a task host
/// (TaskHostFactory) whose parent is an MSBuild node, which is <c>dotnet build</c> itself or its
/// child. When those are killed (kill -9, the OOM killer) the task host is re-parented and would run
/// its tool (nix-build, the test process) to the end. The watch holds a pidfd of each of them and
/// SIGKILLs this process when one exits; the tool, started with a parent-death signal
/// (<see cref="OwnedToolTask"/>), dies with it. It needs no help from the process that died.
/// </summary>
sealed class BuildWatch : IDisposable
{
    readonly List<int> pidfds;
    readonly int wake;
    readonly Thread thread;

    BuildWatch(List<int> pidfds)
    {
        this.pidfds = pidfds;
        wake = eventfd(0, EfdCloexec);
        thread = new Thread(Watch) { IsBackground = true, Name = "nixvm-build-watch" };
        thread.Start();
    }

    /// <summary>Watches the build's processes above this one until disposed.</summary>
    public static BuildWatch Start()
    {
        var pidfds = new List<int>();
        var child = Environment.ProcessId;
        while (ParentOf(child) is { } parent && parent > 1 && IsBuildProcess(parent))
        {
            var fd = PidfdOpen(parent);
            // Checked after opening: the pidfd names our ancestor, not a process that reused its pid.
            if (ParentOf(child) != parent) Die();
            if (fd < 0) break;   // a kernel older than 5.3 has no pidfds
            pidfds.Add(fd);
            child = parent;
        }
        return new BuildWatch(pidfds);
    }

    /// <summary>An MSBuild node or <c>dotnet build</c>: the dotnet host or the SDK's MSBuild apphost (task hosts, nodes).</summary>
    static bool IsBuildProcess(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim() is "dotnet" or "MSBuild"; }
        catch (IOException) { return false; }
    }

    static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so parse after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; }
    }

    void Watch()
    {
        var fds = pidfds.Append(wake).Select(fd => new PollFd { Fd = fd, Events = PollIn }).ToArray();
        while (true)
        {
            if (poll(fds, (ulong)fds.Length, -1) < 0) continue;   // EINTR
            if (fds[^1].Revents != 0) return;                      // disposed
            if (fds.Any(f => f.Revents != 0)) Die();
        }
    }

    static void Die() => kill(Environment.ProcessId, SigKill);

    public void Dispose()
    {
        ulong one = 1;
        _ = write(wake, ref one, sizeof(ulong));
        thread.Join();
        foreach (var fd in pidfds.Append(wake)) _ = close(fd);
    }

    const int SigKill = 9, EfdCloexec = 0x80000, SysPidfdOpen = 434;
    const short PollIn = 1;

    [StructLayout(LayoutKind.Sequential)]
    struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    static int PidfdOpen(int pid) => (int)syscall(SysPidfdOpen, pid, 0);

    [DllImport("libc", SetLastError = true)]
    static extern long syscall(long number, int pid, uint flags);

    [DllImport("libc", SetLastError = true)]
    static extern int poll([In, Out] PollFd[] fds, ulong nfds, int timeout);

    [DllImport("libc", SetLastError = true)]
    static extern int eventfd(uint initval, int flags);

    [DllImport("libc", SetLastError = true)]
    static extern nint write(int fd, ref ulong value, nuint count);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
