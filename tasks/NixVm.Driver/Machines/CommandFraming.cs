using System.Text;

namespace NixVm.Driver.Machines;

/// <summary>
/// How commands travel over the backdoor shell (a non-interactive bash on <c>/dev/hvc0</c>, raw
/// tty, as in NixOS' test instrumentation; our own guests run the same bash).
///
/// Once per connection we send <see cref="SetupScript"/>, which defines <c>__nixvm_run</c>. Each
/// command is then one line: <c>__nixvm_run $'&lt;command&gt;' &lt;id&gt;</c>. The guest runs the command
/// in a background subshell with its own process group (<c>set -m</c>), stdin from /dev/null and
/// stdout and stderr into <c>/tmp/xchg/.nixvm/&lt;id&gt;.out|.err</c>. The exchange directory is the
/// host's <c>&lt;state&gt;/xchg</c> over 9p, so the host reads both streams byte-exact and tails them
/// live. Output does not travel over the console on purpose: QEMU's virtconsole drops bytes when
/// the host socket is momentarily full (it cannot throttle a console), so a megabyte of output
/// would lose pages. After <c>wait</c> the guest prints only the end marker
/// <c>\x1eNIXVM-END:&lt;id&gt;:&lt;status&gt;\n</c> on the console; the id is random per command, so no
/// output can forge it.
///
/// Timeouts and cancellation: the host creates <c>.nixvm/&lt;id&gt;.cancel</c>; a watcher loop
/// started by the setup script (builtins only, polls every 0.2 s) kills that job's process
/// group, and the command ends with status 137 and its marker as usual.
///
/// Cost: one fork per command and no exec (process spawns are what cost under TCG; the nixpkgs
/// framing spawns timeout, bash and base64 and needs a second round trip for the status).
/// Needs only bash and the <c>/tmp/xchg</c> share, so it drives stock NixOS test VMs too.
/// </summary>
public static class CommandFraming
{
    public const string ExchangeSubdir = ".nixvm";
    public const string MarkerPrefix = "\u001eNIXVM-END:";
    public const string SetupId = "setup";

    public static readonly string SetupScript = string.Join("\n",
        "set -m",
        "__nixvm_jobs=/tmp/.nixvm-jobs; mkdir -p \"$__nixvm_jobs\" /tmp/xchg/" + ExchangeSubdir,
        // A FIFO nobody writes to: `read -t` on it is a sleep that needs no process.
        "[ -p \"$__nixvm_jobs/tick\" ] || mkfifo \"$__nixvm_jobs/tick\"; exec 9<>\"$__nixvm_jobs/tick\"",
        "__nixvm_run() {",
        "  ( eval \"set -euo pipefail; $1\" ) </dev/null >\"/tmp/xchg/" + ExchangeSubdir + "/$2.out\" 2>\"/tmp/xchg/" + ExchangeSubdir + "/$2.err\" &",
        "  echo $! > \"$__nixvm_jobs/$2\"",
        "  wait $!",
        "  printf '\\036NIXVM-END:%s:%d\\n' \"$2\" $?",
        "}",
        "( while kill -0 $$ 2>/dev/null; do",
        "    read -t 0.2 -u 9",
        "    for f in /tmp/xchg/" + ExchangeSubdir + "/*.cancel; do",
        "      [ -e \"$f\" ] || continue",
        "      f=${f##*/}; read -r pg < \"$__nixvm_jobs/${f%.cancel}\" && kill -9 -- \"-$pg\"",
        "    done",
        "  done ) </dev/null >/dev/null 2>&1 &",
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

    public static byte[] Marker(string id) => Encoding.ASCII.GetBytes(MarkerPrefix + id + ":");
}

/// <summary>
/// Accumulates bytes from the shell until the end marker of one command. Anything before the
/// marker was written to the console by someone else (a detached background process).
/// </summary>
public sealed class CommandOutputReader(string id)
{
    readonly byte[] marker = CommandFraming.Marker(id);
    readonly MemoryStream buffer = new();
    int scanned;

    ReadOnlySpan<byte> Buffered => buffer.GetBuffer().AsSpan(0, (int)buffer.Length);

    /// <summary>Adds bytes; returns true once the marker and its status line are complete.</summary>
    public bool Feed(ReadOnlySpan<byte> data, out CommandEnd end)
    {
        buffer.Write(data);
        var all = Buffered;
        var from = Math.Max(0, scanned - marker.Length);
        var at = all[from..].IndexOf(marker);
        if (at < 0)
        {
            scanned = all.Length;
            end = default;
            return false;
        }
        at += from;
        var rest = all[(at + marker.Length)..];
        var nl = rest.IndexOf((byte)'\n');
        if (nl < 0) { scanned = at + marker.Length; end = default; return false; }
        var status = int.Parse(Encoding.ASCII.GetString(rest[..nl]), System.Globalization.CultureInfo.InvariantCulture);
        end = new CommandEnd(all[..at].ToArray(), status, rest[(nl + 1)..].ToArray());
        return true;
    }
}

/// <param name="Preceding">Console bytes before the marker (nothing, unless a detached process writes to the console).</param>
/// <param name="Status">The command's exit status.</param>
/// <param name="Trailing">Bytes that followed the marker.</param>
public readonly record struct CommandEnd(byte[] Preceding, int Status, byte[] Trailing);
