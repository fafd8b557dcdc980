# Entry point of the nixvm Nix side (host backend: stock kernel + busybox initramfs, the host's
# /usr shared over 9p). Needs no nixpkgs: plain derivations with /bin/sh and host tools.
#   nixvm = import ./nix { };   nixvm.buildVms { name = "web"; machines = { ... }; }
{ kernelDir ? null }:
let
  env = builtins.getEnv;
  orElse = a: b: if a != "" then a else b;
  cacheDir = orElse (env "NIXVM_CACHE_DIR") (orElse (env "XDG_CACHE_HOME") (env "HOME" + "/.cache") + "/nixvmtasks");
  dir = if kernelDir != null then toString kernelDir else orElse (env "NIXVM_KERNEL_DIR") (cacheDir + "/kernel/current");

  kernel = import ./kernel.nix { kernelDir = dir; };
  busybox =
    if builtins.pathExists /bin/busybox then builtins.path { path = /bin/busybox; name = "busybox"; }
    else throw "nixvm: /bin/busybox (a static busybox) is missing: run scripts/bootstrap";
  buildVms = import ./build-vms.nix { inherit kernel busybox; };
in {
  inherit buildVms;
  lib = import ./lib.nix // {
    inherit kernel busybox;
    validate = import ./validate.nix { inherit kernel; };
  };
}
