using System.Diagnostics;

namespace NixVm.Driver.Processes;

/// <summary>
/// A private (0700) directory for sockets and VM state. A small reaper process holds a pipe from
/// us and removes the directory when that pipe closes, so the sockets go away even when this
/// process is killed with SIGKILL (the VMs themselves die by their parent-death signal). The
/// reaper is not our descendant (its shell backgrounds it and exits, so it is re-parented) and
/// has its own session: a kill of our process tree (MSBuild's timeout and Ctrl-C) or of our
/// process group does not reach it.
/// </summary>
sealed class PrivateStateDirectory : IAsyncDisposable
{
    readonly Process reaper;

    public string Path { get; }

    PrivateStateDirectory(string path, Process reaper)
    {
        Path = path;
        this.reaper = reaper;
    }

    public static async Task<PrivateStateDirectory> CreateAsync(string? parent = null)
    {
        parent ??= DefaultParent();
        Directory.CreateDirectory(parent);
        var dir = System.IO.Path.Combine(parent, "nixvm-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo(HostTools.Find("setsid", "install util-linux"))
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "/bin/sh", "-c", ReaperScript, "nixvm-reaper", dir })
            info.ArgumentList.Add(a);
        var reaper = await SpawnThread.Run(() => Process.Start(info)
            ?? throw new InvalidOperationException("could not start the state directory reaper"));
        return new PrivateStateDirectory(dir, reaper);
    }

    // A background job's stdin is /dev/null, so the pipe goes to it as fd 3. The owner's VMs get their
    // SIGKILL only after its pipe has closed (the kernel closes files before it signals children), so a
    // removal that races a dying process's last file is retried.
    const string ReaperScript = """
        exec 3<&0
        (
          read _ <&3
          for try in 1 2 3 4 5 6 7 8 9 10; do rm -rf -- "$1" 2>/dev/null && exit; sleep 0.2; done
        ) &
        """;

    /// <summary>XDG_RUNTIME_DIR when set (per-user, tmpfs), else the temp directory. Unix socket paths must stay short.</summary>
    static string DefaultParent() =>
        Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } run && Directory.Exists(run)
            ? run
            : System.IO.Path.GetTempPath();

    public string Sub(string name)
    {
        var p = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        reaper.StandardInput.Close();   // the reaper then finds nothing to remove and exits
        await reaper.WaitForExitAsync();
        reaper.Dispose();
    }
}
