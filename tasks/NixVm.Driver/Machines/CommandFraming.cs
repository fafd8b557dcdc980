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
/// is then one line on the console, <c>__nixvm_run $'&lt;command&gt;' &lt;id&gt;</c>: the guest runs it in
/// a subshell with stdin from /dev/null, stdout on port 7 and stderr on port 8 (in the foreground:
/// a background job and <c>wait</c> cost 1 ms more per command under TCG)
/// and then writes <c>\x1eNIXVM-END:&lt;id&gt;\n</c> after the output on stderr and
/// <c>\x1eNIXVM-END:&lt;id&gt;:&lt;status&gt;\n</c> after the output on stdout. The id is random per
/// command and the command cannot see it, so no output can forge a marker. Output a command's background children write after it
/// ended shows up in the next command's output (as with the nixpkgs driver, detach them from stdout).
/// After set-up the console carries nothing back; the host only watches it for the shell going away.
///
/// Timeouts and cancellation: the host writes the id to the control port; the watcher stops the
/// running job and all its descendants (found through /proc) and kills them, so the command ends
/// with status 137 and its markers as usual, and answers on the same port <c>&lt;id&gt;</c> +
/// <see cref="Killed"/>, or + <see cref="NothingToKill"/> when no job ran (it has not started yet, or
/// it has ended and its markers are on their way). The watcher kills whatever job runs, so the host
/// (<see cref="JobKiller"/>) sends no other command until every request has its answer, and asks
/// again after "nothing" until the markers are in: a request can neither reach the next command nor
/// come too early for its own. Job control (<c>set -m</c>) would give each job a process group to
/// kill instead, but costs 1.5 ms per command under TCG.
///
/// Cost: one fork and no exec per command (process spawns are what cost under TCG; the nixpkgs
/// framing spawns timeout, bash and base64 and needs a second round trip for the status).
/// Needs only bash in the guest, so stock NixOS test VMs work the same way.
/// </summary>
static class CommandFraming
{
    public const string StdoutPort = "org.nixvm.stdout";
    public const string StderrPort = "org.nixvm.stderr";
    public const string ControlPort = "org.nixvm.control";
    public const string MarkerPrefix = "\u001eNIXVM-END:";
    public const string SetupId = "setup";
    /// <summary>The watcher's answers on the control port, after the id.</summary>
    public const string Killed = ":killed", NothingToKill = ":none";

    public static readonly string SetupScript = string.Join("\n",
        // One pass over the ports per try: each sysfs read costs under TCG.
        "__nixvm_ports() { # opens our virtio ports as fds 7 (stdout), 8 (stderr) and 9 (control), waiting up to 5 s for them",
        "  local p n i out= err= ctl=",
        "  for i in {1..50}; do",
        "    for p in /sys/class/virtio-ports/*; do",
        "      read -r n 2>/dev/null < \"$p/name\" || continue",
        "      case $n in",
        $"        {StdoutPort}) out=/dev/${{p##*/}} ;;",
        $"        {StderrPort}) err=/dev/${{p##*/}} ;;",
        $"        {ControlPort}) ctl=/dev/${{p##*/}} ;;",
        "      esac",
        "    done",
        "    [ -n \"$out\" ] && [ -n \"$err\" ] && [ -n \"$ctl\" ] && { exec 7>\"$out\" 8>\"$err\" 9<>\"$ctl\"; return; }",
        "    sleep 0.1",
        "  done",
        $"  echo \"nixvm: the virtio ports {StdoutPort}, {StderrPort} and {ControlPort} are not all there\"; return 1",
        "}",
        "__nixvm_ports; __nixvm_setup=$?",
        // fd 5 stays open on /dev/null: a dup per command is cheaper than an open (syscalls are slow under TCG).
        "exec 5</dev/null",
        // The markers are written with echo, not printf: half the cost under TCG (no format to interpret).
        $"__nixvm_end={QuoteAnsiC(MarkerPrefix)}",
        // The command sees no positional parameters and no variable holding its id, so it cannot
        // write its own end marker: $1 (the command) goes through a variable that is unset first.
        "__nixvm_run() {",
        "  __nixvm_cmd=$1",
        "  ( set --; eval \"unset __nixvm_cmd; set -euo pipefail; $__nixvm_cmd\" ) <&5 >&7 2>&8",
        "  local rc=$?",
        "  echo \"${__nixvm_end}$2\" >&8",
        "  echo \"${__nixvm_end}$2:$rc\" >&7",
        "}",
        // The watcher (a subshell: $$ is the shell, $BASHPID itself): on a cancel request, stop the
        // shell's other child (the running job) and every descendant, then kill them all; fails when there was none.
        "__nixvm_kill() {",
        "  local all=' ' found=1 p s r",
        "  while [ $found = 1 ]; do",
        "    found=0",
        "    for p in /proc/[0-9]*; do",
        "      read -r s < \"$p/stat\" 2>/dev/null || continue",
        "      r=${s##*) }; r=${r#* }; r=${r%% *}",
        "      [ \"${p#/proc/}\" = \"$BASHPID\" ] && continue",
        "      case \"$all\" in *\" ${p#/proc/} \"*) continue ;; esac",
        "      if [ \"$r\" = \"$$\" ] || case \"$all\" in *\" $r \"*) true ;; *) false ;; esac; then",
        "        kill -STOP \"${p#/proc/}\" 2>/dev/null; all=\"$all${p#/proc/} \"; found=1",
        "      fi",
        "    done",
        "  done",
        "  [ \"$all\" != ' ' ] || return 1",
        "  kill -9 $all 2>/dev/null || true",
        "}",
        $"( while read -r id <&9; do if __nixvm_kill; then echo \"$id{Killed}\"; else echo \"$id{NothingToKill}\"; fi >&9; done ) </dev/null >/dev/null 2>&1 7>&- 8>&- &",
        "exec 9<&-",
        $"echo \"${{__nixvm_end}}{SetupId}:$__nixvm_setup\"",
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
