#!/.nixvm/bin/sh
# busybox nc has no -z (port probe), which NixOS' wait_for_open_port and ready checks use.
# Emulate "nc -z [-v] [-w N] host port": connect, then run 'true' on the connection (-e), so
# the probe never waits for the server to speak or hang up. Everything else: busybox nc.
probe='' w=''
for a; do case $a in --*) ;; -*z*) probe=1 ;; esac; done
if [ -n "$probe" ]; then
  while [ $# -gt 2 ]; do
    case $1 in -w) w="-w $2"; shift ;; -*w?*) w="-w ${1#*w}" ;; esac
    shift
  done
  # shellcheck disable=SC2086 # $w is empty or the two words -w N
  exec /.nixvm/bin/busybox nc $w "$1" "$2" -e /.nixvm/bin/true 2>/dev/null
fi
exec /.nixvm/bin/busybox nc "$@"
