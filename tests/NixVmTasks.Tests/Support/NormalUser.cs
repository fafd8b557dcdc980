using System.Diagnostics;

namespace NixVmTasks.Tests.Support;

/// <summary>
/// A temporary normal user with passwordless sudo (useradd -m and a file in /etc/sudoers.d), like a
/// developer's account on a fresh Debian machine; commands run in its login environment (su -l: the
/// user's own PATH, without /usr/sbin). Needs root, as CI runs the suite. Disposing stops what the
/// user left running, deletes its files in /tmp, the user with its home, the sudoers file and what
/// Nix made for it under /nix/var/nix, and gives /nix back to its owner from before
/// (scripts/bootstrap gives /nix to a normal user).
/// </summary>
public sealed class NormalUser : IDisposable
{
    readonly string sudoers;
    readonly string nixOwner;

    public NormalUser()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the normal-user test creates a user: run the suite as root (as CI does)");
        Assert.True(File.Exists("/usr/bin/sudo"), "the normal-user test needs sudo: run scripts/bootstrap");
        nixOwner = Run("stat", "-c", "%u:%g", "/nix").Trim();
        Run("useradd", "--create-home", "--shell", "/bin/bash", Name);
        sudoers = Path.Combine("/etc/sudoers.d", Name);
        File.WriteAllText(sudoers, $"{Name} ALL=(ALL) NOPASSWD: ALL\n");
        File.SetUnixFileMode(sudoers, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        Uid = int.Parse(Run("id", "-u", Name).Trim());
    }

    public string Name { get; } = "nixvm-" + Guid.NewGuid().ToString("N")[..8];
    public int Uid { get; }
    public string Home => Path.Combine("/home", Name);

    /// <summary>Makes <paramref name="directory"/> (and everything in it) the user's.</summary>
    public void Own(string directory) => Run("chown", "-R", $"{Name}:", directory);

    /// <summary>A shell command as the user, in its login environment, from <paramref name="workingDirectory"/>.</summary>
    public async Task<Dotnet.Result> RunAsync(string workingDirectory, string command, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("su") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--login", Name, "--command", $"cd '{workingDirectory}' && {command}" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return new Dotnet.Result(p.ExitCode, $"$ {command}\n{await stdout}{await stderr}");
    }

    /// <summary>The user's processes still running (pid and command line; not the exited ones).</summary>
    public IReadOnlyList<(int Pid, string CommandLine)> Processes()
    {
        var pids = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var status = File.ReadAllLines(Path.Combine(dir, "status"));
                var uid = status.First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1];
                var zombie = status.Any(l => l.StartsWith("State:\tZ", StringComparison.Ordinal));   // exited, not yet reaped
                if (uid == Uid.ToString(System.Globalization.CultureInfo.InvariantCulture) && !zombie)
                    pids.Add((pid, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')));
            }
            catch (IOException) { }
        }
        return pids;
    }

    /// <summary>What the user left directly in /tmp.</summary>
    public IReadOnlyList<string> FilesInTmp() =>
        Run("find", "/tmp", "-mindepth", "1", "-maxdepth", "1", "-user", Name).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        foreach (var (pid, _) in Processes())
            try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        foreach (var entry in FilesInTmp())
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry);
        Run("userdel", "--remove", Name);
        File.Delete(sudoers);
        foreach (var kind in new[] { "profiles", "gcroots" })
        {
            var perUser = Path.Combine("/nix/var/nix", kind, "per-user", Name);
            if (Directory.Exists(perUser)) Directory.Delete(perUser, recursive: true);
        }
        Run("chown", "-R", nixOwner, "/nix");
    }

    static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout.Result;
    }
}
