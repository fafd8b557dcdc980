# Body of bin/run-vms (the config arrays above are generated): start the whole network by hand.
# One vde_switch hub per VLAN plus one QEMU per machine, all in a private state directory that
# is removed again on exit; nothing is left running (Ctrl-C, TERM or any failure).
# shellcheck shell=bash disable=SC2154 # network, machines, vlans, forwards, qemu_pid: the generated prelude
set -euo pipefail
bin=$(cd "$(dirname "$0")" && pwd)
accel=${NIXVM_ACCEL:-tcg}
export NIXVM_ACCEL=$accel
timeout_s=${NIXVM_READY_TIMEOUT:-120}

for tool in vde_switch "${NIXVM_QEMU:-qemu-system-x86_64}"; do
  command -v "$tool" >/dev/null || { echo "run-vms: $tool not found (run scripts/bootstrap)" >&2; exit 1; }
done

state=$(mktemp -d "${TMPDIR:-/tmp}/nixvm-$network.XXXXXX")
chmod 700 "$state"
# SIGKILL runs no trap: a reaper removes the state directory once the last holder of this pipe
# (we and the children below, which die with us) is gone.
# shellcheck disable=SC2034 # never read: the open descriptor is what keeps the reaper waiting
exec {reaper}> >(exec -a nixvm-reaper bash -c 'read -r _; rm -rf "$1"' nixvm-reaper "$state")
pids=()
cleanup() {
  trap "" INT TERM # a second signal must not interrupt the cleanup
  trap - EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Children die with us even if we are SIGKILLed (the fifo EOF stops vde_switch anyway).
pdeath=()
command -v setpriv >/dev/null && pdeath=(setpriv --pdeathsig KILL)

for v in "${vlans[@]}"; do
  sock=$state/vde$v.ctl
  mkfifo "$state/vde$v.in"
  "${pdeath[@]}" vde_switch --sock "$sock" --dirmode 0700 --hub <"$state/vde$v.in" >"$state/vde$v.log" 2>&1 &
  pids+=($!)
  # shellcheck disable=SC2034 # never read: the open descriptor is the point
  exec {fd}>"$state/vde$v.in" # hold its stdin open: vde_switch exits on EOF
  for _ in $(seq 100); do [ -e "$sock/ctl" ] && break; sleep 0.05; done
  [ -e "$sock/ctl" ] || { echo "run-vms: vde_switch for VLAN $v did not start:" >&2; cat "$state/vde$v.log" >&2; exit 1; }
  export "QEMU_VDE_SOCKET_$v=$sock"
done

for m in "${machines[@]}"; do
  d=$state/$m
  mkdir -p "$d"
  TMPDIR=$d USE_TMPDIR=1 "${pdeath[@]}" "$bin/run-$m-vm" \
    -chardev "socket,id=shell,path=$d/shell,server=on,wait=off" -device virtio-serial -device virtconsole,chardev=shell \
    -monitor "unix:$d/monitor,server=on,wait=off" -serial "file:$d/console.log" -no-reboot \
    </dev/null >"$d/qemu.log" 2>&1 &
  pids+=($!)
  # shellcheck disable=SC2004 # qemu_pid is associative (declare -A in the prelude): $m is a key
  qemu_pid[$m]=$!
done

echo "network '$network' ($accel): state in $state"
for m in "${machines[@]}"; do
  d=$state/$m
  echo "  $m: $d (console: $d/console.log)"
  # NIXVM_HOSTFWD replaces the declared forwards (empty: none).
  if [ -z "${NIXVM_HOSTFWD+set}" ]; then printf '%s' "${forwards[$m]}"
  elif [ -n "$NIXVM_HOSTFWD" ]; then echo "    forwards: $NIXVM_HOSTFWD"; fi
  echo "    root shell: socat - UNIX-CONNECT:$d/shell"
done

start=$EPOCHREALTIME
elapsed() { printf '%.1f' "$(echo "$EPOCHREALTIME - $start" | awk '{print $1 - $3}')"; }
pending=("${machines[@]}")
while [ ${#pending[@]} -gt 0 ]; do
  left=()
  for m in "${pending[@]}"; do
    log=$state/$m/console.log
    if grep -q 'NIXVM-FATAL' "$log" 2>/dev/null; then
      echo "run-vms: machine '$m' failed: $(grep -m1 -o 'NIXVM-FATAL.*' "$log")" >&2; exit 1
    elif grep -q 'nixvm: ready' "$log" 2>/dev/null; then
      echo "  $m ready after $(elapsed) s"
    elif ! kill -0 "${qemu_pid[$m]}" 2>/dev/null; then
      echo "run-vms: QEMU of machine '$m' exited:" >&2; cat "$state/$m/qemu.log" "$log" >&2 2>/dev/null; exit 1
    else
      left+=("$m")
    fi
  done
  pending=("${left[@]+"${left[@]}"}")
  if [ ${#pending[@]} -gt 0 ]; then
    [ "${EPOCHREALTIME%.*}" -lt $((${start%.*} + timeout_s)) ] || { echo "run-vms: not ready after $timeout_s s: ${pending[*]}" >&2; exit 1; }
    sleep 0.1
  fi
done
echo "all machines ready; press Ctrl-C to stop"
# Returns when every QEMU has exited (e.g. poweroff in all guests) or on a signal (trap).
for m in "${machines[@]}"; do wait "${qemu_pid[$m]}" || true; done
