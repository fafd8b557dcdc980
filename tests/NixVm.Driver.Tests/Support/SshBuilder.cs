using System.Net;
using System.Net.Sockets;
using NixVm.Driver.Processes;

namespace NixVm.Driver.Tests.Support;

/// <summary>
/// A Nix remote builder on 127.0.0.1, as a build farm machine is one: the host's sshd on a free port
/// with a host key and one authorized key of its own, whose forced command is
/// <c>nix-store --serve --write</c>, and a store of its own. sshd runs in a private mount namespace
/// with a tmpfs over /nix (a builder on the same store would deadlock on its own locks) and over /run
/// (sshd's privilege separation directory, without touching the host's /run). Needs root for the
/// mount namespace, as CI runs the suite. Disposing stops sshd with its sessions and removes the
/// directory; the tmpfs store goes with the namespace.
/// </summary>
sealed class SshBuilder : IAsyncDisposable
{
    readonly TempDirectory dir;
    readonly ChildProcess sshd;

    SshBuilder(TempDirectory dir, ChildProcess sshd, int port)
    {
        this.dir = dir;
        this.sshd = sshd;
        ClientEnvironment = new Dictionary<string, string>
        {
            ["NIX_SSHOPTS"] = $"-p {port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
        };
    }

    public string Directory => dir.Path;

    public string Uri { get; } = $"ssh://{System.Environment.UserName}@127.0.0.1";

    /// <summary>What nix-build needs to reach the builder (its port; the host key is new every time).</summary>
    public IDictionary<string, string> ClientEnvironment { get; }

    /// <summary>The builder as a line of Nix's machines file: one job, offering <paramref name="features"/>.</summary>
    public string Machine(string features) => $"{Uri} x86_64-linux {dir.File("client_key")} 1 1 {features}";

    public static async Task<SshBuilder> StartAsync(CancellationToken ct)
    {
        Assert.True(System.Environment.IsPrivilegedProcess,
            "the remote-builder test runs sshd in a mount namespace with a /nix of its own: run the suite as root (as CI does)");
        var sshdPath = HostTools.Find("/usr/sbin/sshd", "install openssh-server (scripts/bootstrap does, without starting its service)");
        var dir = new TempDirectory();
        ChildProcess? sshd = null;
        try
        {
            await KeygenAsync(dir.File("host_key"), ct);
            await KeygenAsync(dir.File("client_key"), ct);
            var builderConf = System.IO.Directory.CreateDirectory(dir.File("builder")).FullName;
            // A builder machine's own settings: single-user, no sandbox, no binary cache.
            await File.WriteAllTextAsync(Path.Combine(builderConf, "nix.conf"), "build-users-group =\nsandbox = false\nsubstituters =\n", ct);
            var serve = $"NIX_CONF_DIR={builderConf} XDG_CONFIG_HOME={builderConf} exec nix-store --serve --write";
            await File.WriteAllTextAsync(dir.File("authorized_keys"),
                $"command=\"{serve}\",restrict {await File.ReadAllTextAsync(dir.File("client_key.pub"), ct)}", ct);
            var port = FreePort();
            await File.WriteAllTextAsync(dir.File("sshd_config"), $"""
                ListenAddress 127.0.0.1:{port}
                HostKey {dir.File("host_key")}
                AuthorizedKeysFile {dir.File("authorized_keys")}
                StrictModes no
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PidFile none
                LogLevel ERROR

                """, ct);
            sshd = await ChildProcess.StartAsync("unshare", ["--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs nixvm-builder-store /nix && mount -t tmpfs nixvm-builder-run /run && mkdir -m 0755 /run/sshd && exec \"$0\" -D -e -f \"$1\"",
                sshdPath, dir.File("sshd_config")]);
            await WaitUntilListeningAsync(sshd, port, ct);
            return new SshBuilder(dir, sshd, port);
        }
        catch
        {
            if (sshd is not null) await sshd.DisposeAsync();
            dir.Dispose();
            throw;
        }
    }

    static async Task WaitUntilListeningAsync(ChildProcess sshd, int port, CancellationToken ct)
    {
        while (true)
        {
            if (sshd.HasExited)
            {
                Assert.Fail($"sshd exited ({sshd.ExitCode}) before it listened on 127.0.0.1:{port}: {await sshd.StandardError.ReadToEndAsync(ct)}");
            }
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    static async Task KeygenAsync(string file, CancellationToken ct)
    {
        await using var keygen = await ChildProcess.StartAsync(
            HostTools.Find("ssh-keygen", "install openssh-client (scripts/bootstrap does)"), ["-q", "-t", "ed25519", "-N", "", "-f", file]);
        await keygen.WaitForExitAsync(ct);
        Assert.True(keygen.ExitCode == 0, $"ssh-keygen {file}: {await keygen.StandardError.ReadToEndAsync(ct)}");
    }

    public async ValueTask DisposeAsync()
    {
        await sshd.DisposeAsync();
        dir.Dispose();
    }
}
