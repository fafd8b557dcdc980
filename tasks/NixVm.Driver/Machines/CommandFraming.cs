using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// How commands travel to the guest's root shell (a non-interactive bash on <c>/dev/hvc0</c>,
/// as in NixOS' test instrumentation; our own guests run the same bash).
///
/// Besides the console that carries the shell, the driver gives QEMU three flow-controlled
/// virtio serial ports: <see cref="StdoutPort"/>, <see cref="StderrPort"/> and
/// <see cref="ControlPort"/>. Output cannot go over the console itself: QEMU's virtconsole drops
/// bytes whenever the host socket is momentarily full (a console cannot be throttled), so a
/// megabyte of output would lose pages. A plain virtserialport throttles the guest instead.
///
/// Once per connection we send <see cref="SetupScript"/>: it finds the ports by name in
/// /sys/class/virtio-ports (no udev needed), keeps them open as fds 7, 8 and 9, defines
/// <c>__nixvm_run</c>, and starts a watcher that reads job ids from the control port. Each command
/// is then one line, <c>__nixvm_run $'&lt;command&gt;' &lt;id&gt;</c>: the guest runs it in a background
/// subshell with its own process group (<c>set -m</c>), stdin from /dev/null, stdout on port 7 and
/// stderr on port 8, waits, writes <c>\x1eNIXVM-END:&lt;id&gt;\n</c> after the output on both ports
/// and <c>\x1eNIXVM-END:&lt;id&gt;:&lt;status&gt;\n</c> on the console. The id is random per command, so
/// no output can forge a marker. Output a command's background children write after it ended
/// shows up in the next command's output (as with the nixpkgs driver, detach them from stdout).
///
/// Timeouts and cancellation: the host writes the id to the control port; the watcher kills that
/// job's process group at once and the command ends with status 137 and its markers as usual.
///
/// Cost: one fork and no exec per command (process spawns are what cost under TCG; the nixpkgs
/// framing spawns timeout, bash and base64 and needs a second round trip for the status).
/// Needs only bash in the guest, so stock NixOS test VMs work the same way.
/// </summary>
public static class CommandFraming
{
    public const string StdoutPort = "org.nixvm.stdout";
    public const string StderrPort = "org.nixvm.stderr";
    public const string ControlPort = "org.nixvm.control";
    public const string MarkerPrefix = "\u001eNIXVM-END:";
    public const string SetupId = "setup";

    public static readonly string SetupScript = string.Join("\n",
        "set -m",
        "__nixvm_jobs=/tmp/.nixvm-jobs; mkdir -p \"$__nixvm_jobs\"",
        "__nixvm_port() { # sets __nixvm_dev to the device of the named virtio port, waiting up to 5 s for it",
        "  local p n i",
        "  for i in {1..50}; do",
        "    for p in /sys/class/virtio-ports/*; do",
        "      [ -r \"$p/name\" ] && read -r n < \"$p/name\" && [ \"$n\" = \"$1\" ] && { __nixvm_dev=/dev/${p##*/}; return 0; }",
        "    done",
        "    sleep 0.1",
        "  done",
        "  echo \"nixvm: no virtio port named $1\" >&2; return 1",
        "}",
        $"__nixvm_port {StdoutPort} && exec 7>\"$__nixvm_dev\"",
        $"__nixvm_port {StderrPort} && exec 8>\"$__nixvm_dev\"",
        $"__nixvm_port {ControlPort} && exec 9<\"$__nixvm_dev\"",
        // Job ids and pids for the watcher, appended through an open fd: cheaper than a file per command.
        "exec 6>>\"$__nixvm_jobs/jobs\"",
        "__nixvm_run() {",
        "  ( eval \"set -euo pipefail; $1\" ) </dev/null >&7 2>&8 6>&- 7>&- 8>&- 9<&- &",
        "  printf '%s %d\\n' \"$2\" $! >&6",
        "  wait $!",
        "  local rc=$?",
        "  printf '\\036NIXVM-END:%s\\n' \"$2\" >&7",
        "  printf '\\036NIXVM-END:%s\\n' \"$2\" >&8",
        "  printf '\\036NIXVM-END:%s:%d\\n' \"$2\" $rc",
        "}",
        "( while read -r id <&9; do while read -r j pg; do [ \"$j\" = \"$id\" ] && kill -9 -- \"-$pg\"; done < \"$__nixvm_jobs/jobs\"; done ) </dev/null >/dev/null 2>&1 6>&- 7>&- 8>&- &",
        "exec 9<&-",
        $"printf '\\036NIXVM-END:{SetupId}:0\\n'",
        "");

    public static string NewId() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    public static byte[] Frame(string command, string id) =>
        Encoding.UTF8.GetBytes($"__nixvm_run {QuoteAnsiC(command)} {id}\n");

    /// <summary>Bash <c>$'…'</c> quoting: the command arrives as one word whatever it contains.</summary>
    public static string QuoteAnsiC(string s)
    {
        if (s.Contains('\0')) throw new ArgumentException("a shell command cannot contain NUL characters", nameof(s));
        var b = new StringBuilder("$'", s.Length + 8);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': b.Append(@"\\"); break;
                case '\'': b.Append(@"\'"); break;
                case '\n': b.Append(@"\n"); break;
                case '\t': b.Append(@"\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) b.Append($"\\x{(int)c:x2}");
                    else b.Append(c);
                    break;
            }
        }
        return b.Append('\'').ToString();
    }

    public static byte[] Marker(string id) => Encoding.ASCII.GetBytes(MarkerPrefix + id);
}

/// <summary>
/// Accumulates bytes from one stream until the end marker of one command: <c>\x1eNIXVM-END:&lt;id&gt;</c>,
/// an optional suffix (the console's <c>:&lt;status&gt;</c>) and a newline.
/// </summary>
public sealed class MarkerReader(string id)
{
    readonly byte[] marker = CommandFraming.Marker(id);
    readonly MemoryStream buffer = new();
    int scanned;

    ReadOnlySpan<byte> Buffered => buffer.GetBuffer().AsSpan(0, (int)buffer.Length);

    /// <summary>How many leading bytes can no longer be part of the marker (safe to log while streaming).</summary>
    public int SafeLength { get; private set; }

    public ReadOnlySpan<byte> Safe => Buffered[..SafeLength];

    /// <summary>Adds bytes; returns true once the marker line is complete.</summary>
    public bool Feed(ReadOnlySpan<byte> data, out MarkerEnd end)
    {
        buffer.Write(data);
        var all = Buffered;
        var from = Math.Max(0, scanned - marker.Length);
        var at = all[from..].IndexOf(marker);
        end = default;
        if (at < 0)
        {
            scanned = all.Length;
            SafeLength = Math.Max(SafeLength, all.Length - marker.Length + 1);
            return false;
        }
        at += from;
        SafeLength = at;
        var rest = all[(at + marker.Length)..];
        var nl = rest.IndexOf((byte)'\n');
        if (nl < 0) { scanned = at + marker.Length; return false; }
        end = new MarkerEnd(all[..at].ToArray(), Encoding.ASCII.GetString(rest[..nl]), rest[(nl + 1)..].ToArray());
        return true;
    }
}

/// <param name="Before">The bytes before the marker: the command's output on a port.</param>
/// <param name="Suffix">What followed the id on the marker line (":&lt;status&gt;" on the console, "" on ports).</param>
/// <param name="After">Bytes that followed the marker line.</param>
public readonly record struct MarkerEnd(byte[] Before, string Suffix, byte[] After);
