# Checks a network declaration and fills in defaults: the one owner of every declaration rule
# (NixVmTasks only maps MSBuild items to these attribute names). Every error is a `throw` that
# names the machine and the attribute and ends with its code, plus the file and line of the
# offending attribute when Nix knows it (never for JSON input, which has no positions), e.g.
#   nixvm: machine 'webserver': attribute 'vlans': VLAN 0 is out of range (1..255) [NIXVM007 at /src/vms.nix:4]
# The declaration is plain data (no functions), so the JSON that MSBuild writes can be fed
# through builtins.fromJSON with the same attribute names.
{ kernel }:
args:
let
  lib = import ./lib.nix;
  inherit (builtins) attrNames concatStringsSep elem filter foldl' hasAttr head isAttrs isInt isList
    isString length map match removeAttrs;
  inherit (lib) show typeName;

  # " [NIXVMnnn at /file.nix:LINE]" for the first known position among `candidates`, else " [NIXVMnnn]".
  # Positions inside these expressions (from-json.nix merging a nixFile into JSON) are not the user's.
  posOf = attr: set: if isAttrs set then builtins.unsafeGetAttrPos attr set else null;
  ours = toString ./. + "/";
  tag = code: candidates:
    let known = filter (p: p != null && lib.hasPrefix "/" p.file && !(lib.hasPrefix ours p.file)) candidates; in
    if known == [ ] then " [NIXVM${code}]"
    else let p = head known; in " [NIXVM${code} at ${p.file}:${toString p.line}]";

  name = args.name or "vms";
  machines = args.machines or { };
  net = code: msg: throw "nixvm: network ${show name}: ${msg}${tag code [ (posOf "machines" args) ]}";
  extra = filter (a: a != "name" && a != "machines") (attrNames args);

  allowed = [ "vlans" "memoryMB" "cores" "services" "files" "forwards" "modules" "kernelParams" ];
  # The code of each attribute's errors (memoryMB out of range: 006, a host port clash: 010).
  codeOf = {
    vlans = "007"; memoryMB = "005"; cores = "008"; services = "018"; files = "019";
    forwards = "011"; modules = "024"; kernelParams = "024";
  };

  checkMachine = m: decl:
    let
      machinePos = posOf m machines;
      # where: positions more precise than the attribute's own (a service's or a forward's attribute).
      failWith = code: attr: where: msg:
        throw "nixvm: machine '${m}': attribute '${attr}': ${msg}${tag code (where ++ [ (posOf attr decl) machinePos ])}";
      failAt = attr: failWith codeOf.${attr} attr;
      fail = attr: failAt attr [ ];
      get = attr: default: decl.${attr} or default;
      listOf = attr: v: if isList v then v else fail attr "expected a list, got ${typeName v}";
      intIn = attr: where: what: lo: hi: v:
        if !(isInt v) then failAt attr where "${what} must be an integer, got ${show v}"
        else if v < lo || v > hi then failAt attr where "${what} ${toString v} is out of range (${toString lo}..${toString hi})"
        else v;
      noUnknown = attr: what: keys: set:
        let bad = filter (k: !(elem k keys)) (attrNames set);
        in if bad == [ ] then set
           else failAt attr [ (posOf (head bad) set) ] "${what} has unknown attribute '${head bad}' (allowed: ${concatStringsSep ", " keys})";

      unknown = filter (a: !(elem a allowed)) (attrNames decl);

      vlans =
        let vs = map (intIn "vlans" [ ] "VLAN" 1 255) (listOf "vlans" (get "vlans" [ 1 ]));
            dup = filter (v: length (filter (w: w == v) vs) > 1) vs;
        in if dup != [ ] then fail "vlans" "VLAN ${toString (head dup)} is listed twice" else vs;

      memoryMB =
        let v = get "memoryMB" 256; in
        if !(isInt v) then fail "memoryMB" "must be an integer number of MiB, got ${show v}"
        else if v < 128 then failWith "006" "memoryMB" [ ] "${toString v} MiB is too little (minimum 128)"
        else if v > 1048576 then failWith "006" "memoryMB" [ ] "${toString v} MiB is too much (maximum 1048576)"
        else v;

      cores = intIn "cores" [ ] "cores" 1 16 (get "cores" 1);

      services =
        let
          checkOne = i: s:
            let
              what = if isAttrs s && isString (s.name or null) then "service '${s.name}'" else "service ${toString i}";
              bad = attr: failAt "services" [ (posOf attr s) ];
            in
            if !(isAttrs s) then fail "services" "${what} must be an attribute set, got ${typeName s}"
            else let s' = noUnknown "services" what [ "name" "command" "ready" "readyTimeout" ] s; in
            if !(s' ? name) then fail "services" "${what} has no 'name'"
            else if !(isString s'.name) || match "[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}" s'.name == null
            then bad "name" "${what}: name ${show s'.name} is not valid (letters, digits, _ . @ -)"
            else if !(s' ? command) then bad "name" "service '${s'.name}' has no 'command'"
            else if !(isString s'.command) || s'.command == "" then bad "command" "service '${s'.name}': command must be a non-empty string"
            else if !(s'.ready or null == null || isString s'.ready) then bad "ready" "service '${s'.name}': ready must be a string or null"
            else if !(isInt (s'.readyTimeout or 30)) || (s'.readyTimeout or 30) < 1
            then bad "readyTimeout" "service '${s'.name}': readyTimeout must be a positive integer (seconds), got ${show (s'.readyTimeout or 30)}"
            else { inherit (s') name command; ready = s'.ready or null; readyTimeout = s'.readyTimeout or 30; };
          raw = listOf "services" (get "services" [ ]);
          ss = map (e: checkOne e.index e.value) (lib.indexed raw);
          names = map (s: s.name) ss;
          dup = filter (n: length (filter (x: x == n) names) > 1) names;
          # the second declaration of the name is the mistake
          second = n: head (builtins.tail (filter (s: isAttrs s && s.name or null == n) raw));
        in if dup != [ ] then failAt "services" [ (posOf "name" (second (head dup))) ] "service '${head dup}' is declared twice" else ss;

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
              at = posOf path raw;
              bad = attr: failAt "files" [ (posOf attr v) at ];
              badPath = failAt "files" [ at ];
              spec = if isString v then { text = v; } else if isAttrs v then noUnknown "files" what [ "text" "source" "mode" ] v
                     else badPath "${what} must be a string or { text | source; mode; }, got ${typeName v}";
              mode = spec.mode or "0644";
              whyHidden = hidden path;
            in
            if match "/[^\n]*" path == null then badPath "path '${path}' is not absolute"
            else if match ".*(/\\.\\.?/|/\\.\\.?$|//|/$).*" path != null then badPath "path '${path}' is not normalised (no '.', '..', '//' or trailing '/')"
            else if whyHidden != [ ] then badPath "path '${path}' ${head whyHidden}"
            else if (spec ? text) == (spec ? source) then badPath "${what} needs exactly one of 'text' or 'source'"
            else if spec ? text && !(isString spec.text) then bad "text" "${what}: text must be a string"
            else if spec ? source && !(builtins.isPath spec.source || isString spec.source) then bad "source" "${what}: source must be a path"
            else if spec ? source && isString spec.source && !(lib.hasPrefix "/" spec.source) then bad "source" "${what}: source '${spec.source}' is not an absolute path"
            else if spec ? source && !(builtins.pathExists spec.source) then bad "source" "${what}: source ${toString spec.source} does not exist"
            else if !(isString mode) || match "[0-7]{3,4}" mode == null then bad "mode" "${what}: mode ${show mode} is not an octal mode like \"0644\""
            else { inherit path mode; } // (if spec ? text then { text = spec.text; } else { source = spec.source; });
        in if !(isAttrs raw) then fail "files" "expected an attribute set of absolute guest paths, got ${typeName raw}"
           else map (p: checkOne p raw.${p}) (attrNames raw);

      forwards =
        map (e:
          let f = e.value; what = "forward ${toString e.index}"; in
          if !(isAttrs f) then fail "forwards" "${what} must be { host; guest; protocol ? \"tcp\"; }, got ${typeName f}"
          else let f' = noUnknown "forwards" what [ "host" "guest" "protocol" ] f; in
          if !(f' ? host) || !(f' ? guest) then failAt "forwards" [ (posOf "host" f') (posOf "guest" f') ] "${what} needs both 'host' and 'guest' ports"
          else {
            hostPort = intIn "forwards" [ (posOf "host" f') ] "${what}: host port" 1 65535 f'.host;
            guestPort = intIn "forwards" [ (posOf "guest" f') ] "${what}: guest port" 1 65535 f'.guest;
            protocol = let p = f'.protocol or "tcp"; in
              if elem p [ "tcp" "udp" ] then p else failAt "forwards" [ (posOf "protocol" f') ] "${what}: protocol ${show p} is not \"tcp\" or \"udp\"";
            # where the host port was written, for a clash found later across machines
            hostPos = posOf "host" f';
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
    then throw "nixvm: machine '${m}': the name is not a valid host name (lower-case letter, then up to 62 lower-case letters, digits or '-')${tag "004" [ machinePos ]}"
    else if !(isAttrs decl) then throw "nixvm: machine '${m}': the declaration must be an attribute set, got ${typeName decl}${tag "017" [ machinePos ]}"
    else if unknown != [ ]
    then failWith "017" (head unknown) [ ] "unknown attribute (allowed: ${concatStringsSep ", " allowed})"
    else { name = m; inherit vlans memoryMB cores services files forwards modules kernelParams; };

  names = attrNames machines; # sorted: node numbers follow alphabetical order
  checked =
    if !(isAttrs machines) then net "025" "'machines' must be an attribute set of machine declarations, got ${typeName machines}"
    else if names == [ ] then net "016" "no machines declared"
    else if length names > 254 then net "025" "${toString (length names)} machines declared, at most 254 are supported (node numbers 1..254)"
    else map (e: e.value // { node = e.index; }) (lib.indexed (map (m: checkMachine m machines.${m}) names));

  # A host port may be forwarded once per protocol across the whole network.
  portClash = foldl' (seen: m: foldl' (seen: f:
      let
        key = "${f.protocol}/${toString f.hostPort}";
        clash = msg: throw "nixvm: machine '${m.name}': attribute 'forwards': host port ${key} ${msg}${tag "010" [ f.hostPos (posOf m.name machines) ]}";
      in
      if seen.${key} or null == m.name then clash "is forwarded twice"
      else if hasAttr key seen then clash "is already forwarded by machine '${seen.${key}}'"
      else seen // { ${key} = m.name; }) seen m.forwards) { } checked;

  # Force every check now, so an error in an attribute the build never reads still fails.
  deep = builtins.deepSeq (map (m: removeAttrs m [ "files" ] // { files = map (f: f.path + f.mode) m.files; }) checked) portClash;
in
if extra != [ ]
then throw "nixvm: buildVms: unknown argument '${head extra}' (allowed: name, machines)${tag "025" [ (posOf (head extra) args) ]}"
else if !(isString name) || match "[A-Za-z0-9][A-Za-z0-9._-]{0,99}" name == null
then throw "nixvm: network name ${show name} is not valid (letters, digits, . _ -)${tag "025" [ (posOf "name" args) ]}"
else builtins.seq deep (map (m: m // { forwards = map (f: removeAttrs f [ "hostPos" ]) m.forwards; }) checked)
