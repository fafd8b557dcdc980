#!/.nixvm/bin/sh
# PID 1 of a nixvm "host backend" guest. Everything lives in the initramfs; /usr, /etc and
# /nix/store come from the host over 9p; generated and declared files are already in place (in the
# overlays' upper layers, see nix/builders/initrd.sh). /.nixvm/machine.sh (generated per machine)
# sets NIXVM_MODULES, NIXVM_HOSTNAME, NIXVM_NICS and defines nixvm_services.
# Any failing step prints the fatal marker and a reason, then powers off at once (fail fast).
# /.nixvm/contracts.sh (generated from nix/contracts.json) sets the markers and directories the
# host reads: $fatal_marker, $ready_banner, $backdoor_ready, $service_logs, ...
# shellcheck disable=SC2154 # those variables, which shellcheck cannot see being set
export PATH=/.nixvm/sbin:/.nixvm/bin
# shellcheck source=/dev/null # generated from nix/contracts.json
. /.nixvm/contracts.sh
busybox mount -t devtmpfs devtmpfs /dev
# Without a serial port (no -serial given) /dev/ttyS0 exists but cannot be opened.
C=/dev/ttyS0
{ : >"$C"; } 2>/dev/null || C=/dev/null
# shellcheck disable=SC2094 # the console is a terminal: read from and written to
exec <"$C" >"$C" 2>&1
echo # end the firmware's last line, so that our markers start a line

fatal() {
  printf '\n%s%s\n' "$fatal_marker" "$*" >"$C" # on a line of its own, even after partial output
  poweroff -f
  echo o >/proc/sysrq-trigger # poweroff failed: last resort
}
# busybox poweroff/reboot/halt (without -f) signal PID 1; there is nothing to stop gracefully.
trap 'sync; poweroff -f' USR2
trap 'sync; reboot -f' TERM
trap 'sync; halt -f' USR1

mount -t proc proc /proc || fatal "mount /proc"
read -r cmdline </proc/cmdline
case " $cmdline " in
  *" $probe_parameter "*) echo "$probe_marker"; poweroff -f ;;
esac
dbg=
case " $cmdline " in *" nixvm.debug "*) dbg=1 ;; esac
step() { # with the kernel parameter nixvm.debug: print boot progress with the uptime
  [ -z "$dbg" ] || { read -r up _ </proc/uptime; echo "nixvm-debug: $up $*" >"$C"; }
}
step init started
mkdir -p /dev/pts /dev/shm
mount -a -T /.nixvm/fstab.early || fatal "mount /sys, /dev/pts and /dev/shm (see the message above)"

step modules
# shellcheck source=/dev/null # generated per machine (nix/initrd.nix)
. /.nixvm/machine.sh || fatal "read /.nixvm/machine.sh"

# modprobe finds them through /lib/modules/<version>/modules.dep in the initramfs (later hidden by /usr).
# shellcheck disable=SC2086 # a list of module names
modprobe -a $NIXVM_MODULES || fatal "load the kernel modules $NIXVM_MODULES (see the message above)"

mount_shares() { # /.nixvm/fstab.shares; on failure, name the first mount missing
  mount -a -T /.nixvm/fstab.shares && return
  while read -r what dir type _; do
    case "$what" in '' | '#'*) continue ;; esac
    mountpoint -q "$dir" && continue
    [ "$type" = 9p ] && fatal "mount 9p share '$what' on $dir (is QEMU given -virtfs ...,mount_tag=$what?)"
    fatal "mount $type on $dir"
  done </.nixvm/fstab.shares
  fatal "mount the host's shares (see the message above)"
}
# The go-ahead point (only with the kernel parameter nixvm.goahead, which our driver passes and the
# nixpkgs driver does not): nothing machine- or moment-specific has happened yet and no 9p share
# is mounted (virtio-9p refuses migration once mounted), so the host may save the machine here and
# later restore it instead of booting (tasks/NixVm.Driver/Machines/Snapshots). The go-ahead line
# carries what must be fresh after a restore: the host's clock and entropy.
goahead() {
  port='' i=0
  while [ -z "$port" ]; do
    for p in /sys/class/virtio-ports/*; do
      read -r n 2>/dev/null <"$p/name" || continue
      [ "$n" = org.nixvm.goahead ] && port=/dev/${p##*/}
    done
    [ -n "$port" ] && break
    i=$((i + 1))
    [ $i -lt 50 ] || fatal "no virtio port org.nixvm.goahead (kernel parameter nixvm.goahead without the driver)"
    sleep 0.1
  done
  exec 3<>"$port" || fatal "open $port"
  echo nixvm-waiting >&3
  read -r now seed <&3 || fatal "read the go-ahead from $port"
  exec 3>&-
  nixvm-goahead "$now" "$seed" || fatal "set the clock and reseed the random number generator (see the message above)"
}
case " $cmdline " in *" nixvm.goahead "*) step go-ahead point; goahead ;; esac

step 9p mounts
mount_shares

step network
# Network: eth0 is the SLiRP NIC (host forwards only), eth<k> the k-th VLAN of this machine,
# found by MAC. If the kernel's names differ, rename via temporary names so that no rename
# clashes with an existing name.
# One busybox ifconfig per interface (address, mask and up in one process; forks are what cost under TCG).
ifconfig lo up || fatal "bring up lo"
renames='' slirp='' same=1
for d in /sys/class/net/*; do
  n=${d##*/}
  [ "$n" = lo ] && continue
  read -r mac <"$d/address"
  want=
  for nic in $NIXVM_NICS; do # mac=eth1=192.168.1.2 (every VLAN is a /24)
    [ "${nic%%=*}" = "$mac" ] && { want=${nic#*=}; want=${want%%=*}; }
  done
  if [ -z "$want" ] && [ -z "$slirp" ]; then slirp=$n; want=eth0; fi
  [ -n "$want" ] && { renames="$renames $n=$want"; [ "$n" = "$want" ] || same=; }
done
[ -n "$slirp" ] || fatal "no SLiRP network interface (QEMU -netdev user,id=user.0)"
if [ -z "$same" ]; then
  for r in $renames; do ip link set "${r%=*}" name "nixvm-${r#*=}" || fatal "rename ${r%=*}"; done
  for r in $renames; do ip link set "nixvm-${r#*=}" name "${r#*=}" || fatal "rename ${r%=*}"; done
fi
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up || fatal "configure eth0"
for nic in $NIXVM_NICS; do
  mac=${nic%%=*}; rest=${nic#*=}; name=${rest%%=*}; addr=${rest#*=}
  case " $renames " in *"=$name "*) ;; *) fatal "no network interface with MAC $mac for $name (QEMU_VDE_SOCKET set?)" ;; esac
  ifconfig "$name" "$addr" netmask 255.255.255.0 up || fatal "configure $name"
done
echo "$NIXVM_HOSTNAME" >/proc/sys/kernel/hostname || fatal "set host name"

export HOME=/root USER=root PATH=/.nixvm/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/.nixvm/bin
# Instrumented programs and libraries (nix/coverage/runtime.c) write their .gcda files below the
# exchange directory, where the host collects them, whatever their user: the directory is
# world-writable (sticky) and so is the error log that libgcov appends to.
# (Kept across a reboot: the exchange directory is the host's.)
umask 0
{ { [ -d "$coverage_data" ] || mkdir -m 1777 "$coverage_data"; } && : >>"$coverage_errors"; } ||
  fatal "create $coverage_data"
umask 022
# Ready checks run in busybox sh, where applets beat $PATH: route nc to our wrapper with -z.
prelude='nc() { /.nixvm/bin/nc "$@"; }
'
uptime_cs() { # centiseconds since boot, without forking
  read -r up _ </proc/uptime
  echo $((${up%.*} * 100 + 1${up#*.} - 100))
}
# Each service runs in a session of its own (its process group is what nixvm-stop-services
# signals), as its user (the launcher: the words that run its script as that user, see
# nix/services.nix), with stdout and stderr in $service_logs/<name>.log.
# /.nixvm/run/<name>.pid holds its process group; <name>.stopping marks a stop on purpose, after
# which exiting is not a failure.
nixvm_service() { # name launcher ready timeout
  (
    # shellcheck disable=SC2086 # $2 is the launcher: words
    setsid $2 "/.nixvm/services/$1.run" </dev/null >>"$service_logs/$1.log" 2>&1 &
    echo $! >"/.nixvm/run/$1.pid"
    wait $!
    rc=$?
    [ "$rc" -eq 0 ] || [ -e "/.nixvm/run/$1.stopping" ] || service_failed "$1" "exited with status $rc"
  ) 2>/dev/null & # (no "Killed" notices from this shell on the console)
  [ -n "$3" ] || return 0
  deadline=$(($(uptime_cs) + $4 * 100))
  while :; do
    left=$(((deadline - $(uptime_cs) + 99) / 100))
    [ "$left" -gt 0 ] || service_failed "$1" "not ready after $4 s"
    # timeout: a check that hangs (e.g. a port that accepts but never answers) must not stall boot
    timeout "$left" /.nixvm/bin/sh -c "$prelude$3" </dev/null >/dev/null 2>&1 && return 0
    sleep 0.1
  done
}
service_failed() { # name what: the end of its log on the console, every service's `logs` saved, then fail
  log=$service_logs/$1.log
  printf '\nnixvm: service %s %s; the last lines of %s:\n' "$1" "$2" "$log"
  tail -n 20 "$log"
  /.nixvm/bin/nixvm-stop-services --logs-only >/dev/null 2>&1
  fatal "service '$1' $2 (log: $log)"
}
step services
nixvm_services
echo "$ready_banner"

backdoor() { # NixOS test-instrumentation's backdoor: a root shell on the first virtconsole
  exec </dev/hvc0 >/dev/hvc0
  exec 2>"$C"
  stty -F /dev/hvc0 raw -echo
  cd /tmp || fatal "cd /tmp"
  step backdoor
  echo "$backdoor_ready"
  PS1="" exec /.nixvm/bin/bash --norc /dev/hvc0
}
# hvc0 appears asynchronously once a virtio console port is announced; wait briefly for it
# only if there is a virtio-serial device at all.
set -- /sys/bus/virtio/drivers/virtio_console/virtio*
if [ -e "$1" ]; then
  i=0
  while [ ! -e /dev/hvc0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
while :; do
  if [ -e /dev/hvc0 ]; then
    backdoor &
    shell=$!
    wait $shell
    # Only the kernel's log says so (the console's loglevel hides the OOM killer's messages).
    oom=$(dmesg | grep -m 1 -F "Killed process $shell (") &&
      fatal "the backdoor shell was killed by the kernel's out-of-memory killer (${oom#*] })"
    sleep 0.1 # the shell exited (e.g. "exit" from the host): respawn
  else
    sleep 3600 &
    wait $!
  fi
done
