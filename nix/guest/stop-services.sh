#!/.nixvm/bin/sh
# /.nixvm/bin/nixvm-stop-services [--logs-only]
# Stops this machine's services in the reverse order of their start (the driver runs it through the
# backdoor before it collects coverage and stops the machine), then copies each service's `logs`
# paths to $saved_logs/<path> (/.nixvm/contracts.sh), where the host finds them. A service stops with its stop
# command if it has one, else with its stop signal sent to its process group (each service runs in
# a session of its own); whatever of the group still runs after the stop timeout gets SIGKILL.
# A service that exits because it is being stopped is not a failure: the init sees its .stopping
# marker. --logs-only copies the logs and stops nothing (the init does this before it fails).
# /.nixvm/services/list.sh (generated per machine, see nix/services.nix) defines nixvm_stop_all
# (stop_service calls) and nixvm_copy_all_logs (copy_log calls).
# shellcheck disable=SC2154 # service_logs and saved_logs: set by /.nixvm/contracts.sh
[ -e /.nixvm/services/list.sh ] || exit 0
# shellcheck source=/dev/null # generated from nix/contracts.json
. /.nixvm/contracts.sh
# shellcheck source=/dev/null # generated per machine
. /.nixvm/services/list.sh
run=/.nixvm/run

uptime_cs() { # centiseconds since boot, without forking
  read -r up _ </proc/uptime
  echo $((${up%.*} * 100 + 1${up#*.} - 100))
}
alive() { kill -s 0 "-$1" 2>/dev/null; }
gone_by() { # process-group deadline-in-centiseconds: waits until the group is gone (status 0) or the deadline passed (1)
  while alive "$1"; do
    [ "$(uptime_cs)" -lt "$2" ] || return 1
    sleep 0.1
  done
}

stop_service() { # name signal timeout-seconds launcher
  if [ ! -e "$run/$1.pid" ]; then echo "$1: not started"; return; fi
  read -r group <"$run/$1.pid"
  : >"$run/$1.stopping"
  if ! alive "$group"; then echo "$1: had exited"; return; fi
  deadline=$(($(uptime_cs) + $3 * 100))
  if [ -e "/.nixvm/services/$1.stop" ]; then
    # shellcheck disable=SC2086 # $4 is the launcher: words
    timeout "$3" $4 "/.nixvm/services/$1.stop" </dev/null >>"$service_logs/$1.log" 2>&1 ||
      echo "$1: stop command failed (status $?)"
  else
    kill -s "$2" "-$group"
  fi
  if gone_by "$group" "$deadline"; then echo "$1: stopped"; return; fi
  kill -s KILL "-$group"
  # The driver reads "killed (SIGKILL after N s)": coverage counters of such a service are lost (NIXVM064).
  if gone_by "$group" $(($(uptime_cs) + 500)); then echo "$1: killed (SIGKILL after $3 s)"
  else echo "$1: still running after SIGKILL"; fi
}

copy_log() { # guest path: copied to $saved_logs/<path>
  if [ ! -e "$1" ]; then echo "log $1: no such file or directory"; return; fi
  to=$saved_logs$1
  rm -rf "$to"
  mkdir -p "${to%/*}"
  cp -R "$1" "$to" || echo "log $1: copy failed"
}

case "${1-}" in
  '') nixvm_stop_all ;;
  --logs-only) ;;
  *) echo "usage: nixvm-stop-services [--logs-only]" >&2; exit 2 ;;
esac
nixvm_copy_all_logs
sync
