using NixVm.Shared;

namespace NixVm.Driver.Machines;

public sealed partial class Machine
{
    /// <summary>Copies a host file or directory into the guest (through the shared directory, <c>/tmp/shared</c>), creating the target's parent directories.</summary>
    /// <param name="hostPath">The file or directory on the host.</param>
    /// <param name="guestPath">Where the copy goes in the guest (the full path of the copy, not its directory).</param>
    /// <param name="ct">Cancels the copy.</param>
    /// <exception cref="FileNotFoundException"><paramref name="hostPath"/> does not exist.</exception>
    /// <exception cref="CommandFailedException">The guest could not copy it (for example a read-only target).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
    public async Task CopyFromHostAsync(string hostPath, string guestPath, CancellationToken ct = default)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(hostPath));
        var transfer = NewTransferDirectory();
        try
        {
            var staged = Path.Combine(transfer.Host, name);
            if (Directory.Exists(hostPath)) CopyDirectory(hostPath, staged);
            else if (File.Exists(hostPath)) File.Copy(hostPath, staged);
            else throw new FileNotFoundException($"no such file or directory on the host: {hostPath}", hostPath);
            var target = Shell.Quote(guestPath);
            await SucceedAsync($"mkdir -p \"$(dirname {target})\" && cp -r {Shell.Quote(transfer.Guest + "/" + name)} {target}", ct: ct);
        }
        finally { Directory.Delete(transfer.Host, recursive: true); }
    }

    /// <summary>Copies a guest file or directory into a host directory (created if needed, files there overwritten); returns the host path of the copy.</summary>
    /// <param name="guestPath">The file or directory in the guest.</param>
    /// <param name="hostDirectory">The host directory the copy goes into, under the same name.</param>
    /// <param name="ct">Cancels the copy.</param>
    /// <exception cref="CommandFailedException">The guest could not copy it (for example it does not exist).</exception>
    /// <exception cref="MachineFailedException">The machine did not boot, or it failed meanwhile.</exception>
    public async Task<string> CopyToHostAsync(string guestPath, string hostDirectory, CancellationToken ct = default)
    {
        var transfer = NewTransferDirectory();
        try
        {
            await SucceedAsync($"cp -r {Shell.Quote(guestPath)} {Shell.Quote(transfer.Guest + "/")}", ct: ct);
            var name = Path.GetFileName(guestPath.TrimEnd('/'));
            var source = Path.Combine(transfer.Host, name);
            var target = Path.Combine(hostDirectory, name);
            Directory.CreateDirectory(hostDirectory);
            if (Directory.Exists(source)) CopyDirectory(source, target);
            else File.Copy(source, target, overwrite: true);
            return target;
        }
        finally { Directory.Delete(transfer.Host, recursive: true); }
    }

    (string Host, string Guest) NewTransferDirectory()
    {
        var id = CommandFraming.NewId();
        var host = Path.Combine(context.SharedDirectory, id);
        Directory.CreateDirectory(host);
        return (host, Contract.Guest.Shared + "/" + id);
    }

    static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        foreach (var d in Directory.EnumerateDirectories(from)) CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
