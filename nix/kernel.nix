# The guest kernel: a stock distribution kernel unpacked by scripts/bootstrap into kernelDir
# (boot/vmlinuz-<kver>, lib/modules/<kver>/ with modules.dep). Gives the uncompressed vmlinux
# (booted directly via PVH: no decompressor, no real-mode setup) and module closures computed
# at evaluation time, so only the needed .ko files are imported into the store.
{ kernelDir }:
let
  lib = import ./lib.nix;
  inherit (builtins) attrNames filter foldl' getAttr hasAttr listToAttrs map match
    pathExists readDir readFile replaceStrings;
  inherit (lib) reverseList;
  kernelVariable = lib.contracts.directories.kernelVariable;

  missing = throw "nixvm: no guest kernel found in ${kernelDir}: set ${kernelVariable} or unpack one there (nixvm-runner doctor, or dotnet build -t:NixVmDoctor, says how)";

  modulesRoot = kernelDir + "/lib/modules";
  versions =
    if pathExists modulesRoot
    then filter (n: (readDir modulesRoot).${n} == "directory") (attrNames (readDir modulesRoot))
    else [ ];
  version =
    if versions == [ ] then missing
    else if builtins.length versions > 1
    then throw "nixvm: several kernels in ${modulesRoot} (${toString versions}): set ${kernelVariable} to a directory with exactly one"
    else builtins.head versions;

  modDir = "${modulesRoot}/${version}";
  bzImagePath = "${kernelDir}/boot/vmlinuz-${version}";
  depFile = "${modDir}/modules.dep";

  # modules.dep: "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko"
  # (already transitive, in load-before order reversed). Names normalise '-' to '_'.
  nameOf = path: replaceStrings [ "-" ] [ "_" ] (builtins.elemAt (match "(.*/)?([^/]+)\\.ko(\\.[a-z]+)?" path) 1);
  parseLine = line:
    let m = match "([^:]+):(.*)" line;
    in { name = nameOf (builtins.head m); value = { path = builtins.head m; deps = lib.words (builtins.elemAt m 1); }; };
  index =
    if pathExists depFile then listToAttrs (map parseLine (lib.lines (readFile depFile)))
    else throw "nixvm: ${depFile} is missing: run 'depmod -b ${kernelDir} ${version}' (nixvm-runner doctor checks the kernel)";
  builtinFile = "${modDir}/modules.builtin";
  builtinSet =
    if pathExists builtinFile
    then listToAttrs (map (p: { name = nameOf p; value = true; }) (lib.lines (readFile builtinFile)))
    else { };

  normalise = replaceStrings [ "-" ] [ "_" ];
  isModule = n: hasAttr (normalise n) index;
  isBuiltin = n: hasAttr (normalise n) builtinSet;
  known = n: isModule n || isBuiltin n;

  # modprobe's load order: each module's dependencies in reverse modules.dep order, then the
  # module itself, without duplicates. Built-in modules need no loading.
  add = acc: name:
    if hasAttr name acc.seen || !(hasAttr name index) then acc
    else
      let
        e = index.${name};
        withDeps = foldl' add acc (map nameOf (reverseList e.deps));
      in { seen = withDeps.seen // { ${name} = true; }; list = withDeps.list ++ [ { inherit name; inherit (e) path; } ]; };
  closure = names: (foldl' add { seen = { }; list = [ ]; } (map normalise names)).list;

  # Import only the given .ko files (relative to modDir), not the ~400 MB tree.
  importModules = paths:
    let
      wanted = listToAttrs (map (p: { name = p; value = true; }) paths);
      parents = p: let m = match "(.*)/[^/]+" p; in if m == null then [ ] else [ (builtins.head m) ] ++ parents (builtins.head m);
      dirs = listToAttrs (map (d: { name = d; value = true; }) (builtins.concatLists (map parents paths)));
      prefix = toString (/. + modDir) + "/";
    in builtins.path {
      path = /. + modDir;
      name = "linux-${version}-modules";
      filter = p: type: let rel = lib.removePrefix prefix (toString p); in
        if type == "directory" then hasAttr rel dirs else hasAttr rel wanted;
    };

  configPath = "${kernelDir}/boot/config-${version}";
  config = if pathExists configPath then builtins.path { path = /. + configPath; name = "linux-${version}-config"; } else "";

  vmlinux = derivation {
    name = "linux-${version}-vmlinux";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ ./builders/vmlinux.sh ];
    bzImage =
      if pathExists bzImagePath then builtins.path { path = /. + bzImagePath; name = "linux-${version}-bzImage"; }
      else missing;
    PATH = "/usr/bin:/bin";
  };
in {
  inherit version vmlinux config closure importModules isModule isBuiltin known;
  dir = kernelDir;
}
