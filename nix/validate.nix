# Checks a network declaration and fills in defaults. Every error is a `throw` that names the
# machine and the attribute, e.g.
#   nixvm: machine 'webserver': attribute 'vlans': VLAN 0 is out of range (1..255)
# The declaration is plain data (no functions), so the JSON that MSBuild writes can be fed
# through builtins.fromJSON with the same attribute names.
{ kernel }:
{ name, machines }:
let
  lib = import ./lib.nix;
  inherit (builtins) all attrNames concatLists concatStringsSep elem filter foldl' genList
    hasAttr isAttrs isInt isList isString length listToAttrs map match removeAttrs;
  inherit (lib) show typeName;

  allowed = [ "vlans" "memoryMB" "cores" "services" "files" "forwards" "modules" "kernelParams" ];
  net = msg: throw "nixvm: network '${name}': ${msg}";

  checkMachine = m: decl:
    let
      fail = attr: msg: throw "nixvm: machine '${m}': attribute '${attr}': ${msg}";
      get = attr: default: decl.${attr} or default;
      listOf = attr: v: if isList v then v else fail attr "expected a list, got ${typeName v}";
      intIn = attr: what: lo: hi: v:
        if !(isInt v) then fail attr "${what} must be an integer, got ${show v}"
        else if v < lo || v > hi then fail attr "${what} ${toString v} is out of range (${toString lo}..${toString hi})"
        else v;
      noUnknown = attr: what: keys: set:
        let bad = filter (k: !(elem k keys)) (attrNames set);
        in if bad == [ ] then set
           else fail attr "${what} has unknown attribute '${builtins.head bad}' (allowed: ${concatStringsSep ", " keys})";

      unknown = filter (a: !(elem a allowed)) (attrNames decl);

      vlans =
        let vs = map (intIn "vlans" "VLAN" 1 255) (listOf "vlans" (get "vlans" [ 1 ]));
            dup = filter (v: length (filter (w: w == v) vs) > 1) vs;
        in if dup != [ ] then fail "vlans" "VLAN ${toString (builtins.head dup)} is listed twice" else vs;

      memoryMB =
        let v = get "memoryMB" 256; in
        if !(isInt v) then fail "memoryMB" "must be an integer number of MiB, got ${show v}"
        else if v < 128 then fail "memoryMB" "${toString v} MiB is too little (minimum 128)"
        else if v > 1048576 then fail "memoryMB" "${toString v} MiB is too much (maximum 1048576)"
        else v;

      cores = intIn "cores" "cores" 1 16 (get "cores" 1);

      services =
        let
          checkOne = i: s:
            let what = if isAttrs s && isString (s.name or null) then "service '${s.name}'" else "service ${toString i}"; in
            if !(isAttrs s) then fail "services" "${what} must be an attribute set, got ${typeName s}"
            else let s' = noUnknown "services" what [ "name" "command" "ready" "readyTimeout" ] s; in
            if !(s' ? name) then fail "services" "${what} has no 'name'"
            else if !(isString s'.name) || match "[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}" s'.name == null
            then fail "services" "${what}: name ${show s'.name} is not valid (letters, digits, _ . @ -)"
            else if !(s' ? command) then fail "services" "service '${s'.name}' has no 'command'"
            else if !(isString s'.command) || s'.command == "" then fail "services" "service '${s'.name}': command must be a non-empty string"
            else if !(s'.ready or null == null || isString s'.ready) then fail "services" "service '${s'.name}': ready must be a string or null"
            else if !(isInt (s'.readyTimeout or 30)) || (s'.readyTimeout or 30) < 1
            then fail "services" "service '${s'.name}': readyTimeout must be a positive integer (seconds), got ${show (s'.readyTimeout or 30)}"
            else { inherit (s') name command; ready = s'.ready or null; readyTimeout = s'.readyTimeout or 30; };
          ss = map (e: checkOne e.index e.value) (lib.indexed (listOf "services" (get "services" [ ])));
          names = map (s: s.name) ss;
          dup = filter (n: length (filter (x: x == n) names) > 1) names;
        in if dup != [ ] then fail "services" "service '${builtins.head dup}' is declared twice" else ss;

      files =
        let
          raw = get "files" { };
          # Files are placed in the initramfs; these are mounted over at boot, so a file there would be hidden.
          mountedAtBoot = [ "/dev" "/proc" "/sys" "/nix/store" "/tmp/xchg" "/tmp/shared" "/.nixvm" ];
          hidden = path:
            map (d: "is under ${d}, which is mounted at boot (the file would be hidden)")
              (filter (d: path == d || lib.hasPrefix (d + "/") path) mountedAtBoot)
            ++ (if path == "/etc" || path == "/usr" then [ "is the host's ${path} itself, not a file in it" ] else [ ]);
          checkOne = path: v:
            let
              what = "file '${path}'";
              spec = if isString v then { text = v; } else if isAttrs v then noUnknown "files" what [ "text" "source" "mode" ] v
                     else fail "files" "${what} must be a string or { text | source; mode; }, got ${typeName v}";
              mode = spec.mode or "0644";
              whyHidden = hidden path;
            in
            if match "/[^\n]*" path == null then fail "files" "path '${path}' is not absolute"
            else if match ".*(/\\.\\.?/|/\\.\\.?$|//|/$).*" path != null then fail "files" "path '${path}' is not normalised (no '.', '..', '//' or trailing '/')"
            else if whyHidden != [ ] then fail "files" "path '${path}' ${builtins.head whyHidden}"
            else if (spec ? text) == (spec ? source) then fail "files" "${what} needs exactly one of 'text' or 'source'"
            else if spec ? text && !(isString spec.text) then fail "files" "${what}: text must be a string"
            else if spec ? source && !(builtins.isPath spec.source || isString spec.source) then fail "files" "${what}: source must be a path"
            else if spec ? source && isString spec.source && !(lib.hasPrefix "/" spec.source) then fail "files" "${what}: source '${spec.source}' is not an absolute path"
            else if spec ? source && !(builtins.pathExists spec.source) then fail "files" "${what}: source ${toString spec.source} does not exist"
            else if !(isString mode) || match "[0-7]{3,4}" mode == null then fail "files" "${what}: mode ${show mode} is not an octal mode like \"0644\""
            else { inherit path mode; } // (if spec ? text then { text = spec.text; } else { source = spec.source; });
        in if !(isAttrs raw) then fail "files" "expected an attribute set of absolute guest paths, got ${typeName raw}"
           else map (p: checkOne p raw.${p}) (attrNames raw);

      forwards =
        map (e:
          let f = e.value; what = "forward ${toString e.index}"; in
          if !(isAttrs f) then fail "forwards" "${what} must be { host; guest; protocol ? \"tcp\"; }, got ${typeName f}"
          else let f' = noUnknown "forwards" what [ "host" "guest" "protocol" ] f; in
          if !(f' ? host) || !(f' ? guest) then fail "forwards" "${what} needs both 'host' and 'guest' ports"
          else {
            hostPort = intIn "forwards" "${what}: host port" 1 65535 f'.host;
            guestPort = intIn "forwards" "${what}: guest port" 1 65535 f'.guest;
            protocol = let p = f'.protocol or "tcp"; in
              if elem p [ "tcp" "udp" ] then p else fail "forwards" "${what}: protocol ${show p} is not \"tcp\" or \"udp\"";
          }) (lib.indexed (listOf "forwards" (get "forwards" [ ])));

      modules = map (n:
        if !(isString n) then fail "modules" "module names must be strings, got ${show n}"
        else if !(kernel.known n) then fail "modules" "kernel ${kernel.version} has no module '${n}' (not in modules.dep or modules.builtin)"
        else n) (listOf "modules" (get "modules" [ ]));

      kernelParams = map (p:
        if !(isString p) || match "[^\n]*" p == null then fail "kernelParams" "kernel parameters must be single-line strings, got ${show p}"
        else p) (listOf "kernelParams" (get "kernelParams" [ ]));
    in
    if match "[a-z][a-z0-9-]{0,62}" m == null
    then throw "nixvm: machine '${m}': the name is not a valid host name (lower-case letter, then up to 62 lower-case letters, digits or '-')"
    else if !(isAttrs decl) then throw "nixvm: machine '${m}': the declaration must be an attribute set, got ${typeName decl}"
    else if unknown != [ ]
    then fail (builtins.head unknown) "unknown attribute (allowed: ${concatStringsSep ", " allowed})"
    else { name = m; inherit vlans memoryMB cores services files forwards modules kernelParams; };

  names = attrNames machines; # sorted: node numbers follow alphabetical order
  checked =
    if !(isAttrs machines) then net "'machines' must be an attribute set of machine declarations"
    else if names == [ ] then net "no machines declared"
    else if length names > 254 then net "${toString (length names)} machines declared, at most 254 are supported (node numbers 1..254)"
    else map (e: e.value // { node = e.index; }) (lib.indexed (map (m: checkMachine m machines.${m}) names));

  # A host port may be forwarded once per protocol across the whole network.
  portClash = foldl' (seen: m: foldl' (seen: f:
      let key = "${f.protocol}/${toString f.hostPort}"; in
      if seen.${key} or null == m.name
      then throw "nixvm: machine '${m.name}': attribute 'forwards': host port ${key} is forwarded twice"
      else if hasAttr key seen
      then throw "nixvm: machine '${m.name}': attribute 'forwards': host port ${key} is already forwarded by machine '${seen.${key}}'"
      else seen // { ${key} = m.name; }) seen m.forwards) { } checked;

  # Force every check now, so an error in an attribute the build never reads still fails.
  deep = builtins.deepSeq (map (m: removeAttrs m [ "files" ] // { files = map (f: f.path + f.mode) m.files; }) checked) portClash;
in
if !(isString name) || match "[A-Za-z0-9][A-Za-z0-9._-]{0,99}" name == null
then throw "nixvm: network name ${show name} is not valid (letters, digits, . _ -)"
else builtins.seq deep checked
