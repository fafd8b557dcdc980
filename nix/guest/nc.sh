#!/.nixvm/bin/sh
# busybox nc has no -z (port probe), which NixOS' wait_for_open_port and ready checks use:
# emulate "nc -z [-w N] host port" with bash's /dev/tcp, pass everything else to busybox nc.
case " $* " in
  *" -z "*)
    for a; do h=$p; p=$a; done # the last two arguments: host port
    exec bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$h" "$p" 2>/dev/null ;;
esac
exec /.nixvm/bin/busybox nc "$@"
