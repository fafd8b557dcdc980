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

  allowed = [ "vlans" "memoryMB" "cores" "services" "files" "masks" "forwards" "modules" "kernelParams" ];
  # The code of each attribute's errors (memoryMB out of range: 006, a host port clash: 010).
  codeOf = {
    vlans = "007"; memoryMB = "005"; cores = "008"; services = "018"; files = "019"; masks = "019";
    forwards = "011"; modules = "024"; kernelParams = "024";
  };

  serviceAttrs = [ "name" "command" "dotnet" "user" "group" "environment" "directories" "workingDirectory"
    "ready" "readyTimeout" "stop" "logs" ];
  signals = [ "TERM" "INT" "HUP" "QUIT" "KILL" "USR1" "USR2" ];

  # Why a guest path is not acceptable (absolute and normalised), or null.
  pathProblem = p:
    if !(isString p) then "must be a string, got ${typeName p}"
    else if match "/[^\n]*" p == null then "'${p}' is not absolute"
    else if p != "/" && match ".*(/\\.\\.?/|/\\.\\.?$|//|/$).*" p != null then "'${p}' is not normalised (no '.', '..', '//' or trailing '/')"
    else null;

  # Paths that boot mounts over: anything put there at build time would be hidden.
  mountedAtBoot = [ "/dev" "/proc" "/sys" "/nix/store" lib.contracts.guest.exchange lib.contracts.guest.shared "/.nixvm" ];
  hidden = path:
    map (d: "is under ${d}, which is mounted at boot (it would be hidden)")
      (filter (d: path == d || lib.hasPrefix (d + "/") path) mountedAtBoot)
    ++ (if path == "/etc" || path == "/usr" then [ "is the host's ${path} itself, not a file in it" ] else [ ]);

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

      # Services: see checkService below; accounts (users.nix) come from the checked users and groups.
      services =
        let
          raw = listOf "services" (get "services" [ ]);
          ss = lib.imap (checkService accounts) raw;
          accounts = import ./users.nix (map (s: { inherit (s) user group; }) ss);
          names = map (s: s.name) ss;
          dup = filter (n: length (filter (x: x == n) names) > 1) names;
          # the second declaration of the name is the mistake
          second = n: head (builtins.tail (filter (s: isAttrs s && s.name or null == n) raw));
        in if dup != [ ] then failAt "services" [ (posOf "name" (second (head dup))) ] "service '${head dup}' is declared twice"
           else { list = ss; inherit accounts; };

      checkService = accounts: i: s:
        let
          what = if isAttrs s && isString (s.name or null) then "service '${s.name}'" else "service ${toString i}";
          # an error in attribute `attr` of the service (or of `inner`, a set inside it)
          bad = attr: failAt "services" [ (posOf attr s) ];
          badIn = inner: key: attr: failAt "services" [ (posOf key inner) (posOf attr s) ];
          s' = if isAttrs s then noUnknown "services" what serviceAttrs s
               else fail "services" "${what} must be an attribute set, got ${typeName s}";
          opt = attr: default: let v = s'.${attr} or null; in if v == null then default else v;

          name =
            if !(s' ? name) then fail "services" "${what} has no 'name'"
            else if !(isString s'.name) || match "[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}" s'.name == null
            then bad "name" "${what}: name ${show s'.name} is not valid (letters, digits, _ . @ -)"
            else s'.name;
          svc = "service '${name}'";

          command =
            if opt "dotnet" null != null then
              (if opt "command" null != null then bad "command" "${svc}: give 'command' or 'dotnet', not both" else dotnetCommand s'.dotnet)
            else if !(s' ? command) then bad "name" "${svc} has no 'command' (or 'dotnet')"
            else if !(isString s'.command) || s'.command == "" then bad "command" "${svc}: command must be a non-empty string"
            else s'.command;

          # The published output is copied into the store; the guest runs an entry assembly (.dll) with
          # the host's dotnet (shared /usr), and a NativeAOT executable (any other file) by itself.
          dotnetPublished = let dir = s'.dotnet.publishDir; in builtins.path {
            path = if builtins.isPath dir then dir else /. + dir;
            name = "nixvm-service-" + builtins.replaceStrings [ "@" ] [ "_" ] name;
          };
          dotnetCommand = d:
            let
              badD = key: badIn d key "dotnet";
              d' = if isAttrs d then noUnknown "services" "${svc}: dotnet" [ "publishDir" "assembly" "args" ] d
                   else bad "dotnet" "${svc}: dotnet must be { publishDir; assembly; args ? [ ]; }, got ${typeName d}";
              dir = d'.publishDir;
              dirText = toString dir;
              args = d'.args or [ ];
              host = filter builtins.pathExists [ "/usr/bin/dotnet" "/usr/share/dotnet/dotnet" ];
              managed = match ".*\\.dll" d'.assembly != null;
            in
            if !(d' ? publishDir) || !(d' ? assembly) then badD "publishDir" "${svc}: dotnet needs 'publishDir' and 'assembly'"
            else if !(builtins.isPath dir || isString dir && lib.hasPrefix "/" dir) then badD "publishDir" "${svc}: dotnet.publishDir must be a path or an absolute path string, got ${show dir}"
            else if !(builtins.pathExists dirText) then badD "publishDir" "${svc}: dotnet.publishDir ${dirText} does not exist"
            else if !(isString d'.assembly) || match "[^/\n][^\n]*" d'.assembly == null || match "(.*/)?\\.\\.(/.*)?" d'.assembly != null
            then badD "assembly" "${svc}: dotnet.assembly must be a file name inside publishDir, got ${show d'.assembly}"
            else if !(builtins.pathExists "${dirText}/${d'.assembly}") then badD "assembly" "${svc}: ${dirText}/${d'.assembly} does not exist"
            else if !(isList args) || !(builtins.all isString args) then badD "args" "${svc}: dotnet.args must be a list of strings"
            else if !managed then concatStringsSep " " ([ "exec" (lib.shellEscape "${dotnetPublished}/${d'.assembly}") ] ++ map lib.shellEscape args)
            else if host == [ ] then bad "dotnet" "${svc}: this host has no dotnet (looked for /usr/bin/dotnet and /usr/share/dotnet/dotnet; the guest runs the host's)"
            else concatStringsSep " " ([ "exec" (head host) (lib.shellEscape "${dotnetPublished}/${d'.assembly}") ] ++ map lib.shellEscape args);

          accountName = attr: v:
            if isString v && match "[a-z_][a-z0-9_-]{0,31}" v != null then v
            else bad attr "${svc}: ${attr} ${show v} is not a valid account name (lower-case letters, digits, _ and -, up to 32)";
          user = accountName "user" (opt "user" "root");
          group = if opt "group" null == null then null else accountName "group" s'.group;
          uid = (accounts.lookupUser user).uid;
          gid = if group == null then (accounts.lookupUser user).gid else (accounts.lookupGroup group).gid;

          environment =
            let env = opt "environment" { }; in
            if !(isAttrs env) then bad "environment" "${svc}: environment must be an attribute set of strings, got ${typeName env}"
            else builtins.mapAttrs (k: v:
              if match "[A-Za-z_][A-Za-z0-9_]*" k == null then badIn env k "environment" "${svc}: environment variable name '${k}' is not valid (letters, digits, _)"
              else if !(isString v) then badIn env k "environment" "${svc}: environment variable ${k} must be a string, got ${typeName v}"
              else v) env;

          directories = map (e:
            let
              d = e.value;
              spec = if isString d then { path = d; }
                else if isAttrs d then noUnknown "services" "${svc}: directory ${toString e.index}" [ "path" "owner" "group" "mode" ] d
                else bad "directories" "${svc}: a directory must be \"/abs/path\" or { path; owner ?; group ?; mode ?; }, got ${typeName d}";
              badDir = key: if isAttrs d then badIn d key "directories" else bad "directories";
              path = spec.path or (badDir "path" "${svc}: directory ${toString e.index} has no 'path'");
              owner = spec.owner or user;
              dgroup = spec.group or group;
              mode = spec.mode or "0755";
              whyBad = pathProblem path;
              whyHidden = hidden path;
              ownerAccount = accounts.lookupUser owner;
              groupAccount = accounts.lookupGroup dgroup;
            in
            if whyBad != null then badDir "path" "${svc}: directory ${whyBad}"
            else if path == "/" then badDir "path" "${svc}: directory '/' is the root directory"
            else if whyHidden != [ ] then badDir "path" "${svc}: directory '${path}' ${head whyHidden}"
            else if !(isString owner) || ownerAccount == null
            then badDir "owner" "${svc}: directory '${path}': owner ${show owner} is not a user of the guest (${concatStringsSep ", " accounts.userNames})"
            else if dgroup != null && (!(isString dgroup) || groupAccount == null)
            then badDir "group" "${svc}: directory '${path}': group ${show dgroup} is not a group of the guest (${concatStringsSep ", " accounts.groupNames})"
            else if !(isString mode) || match "[0-7]{3,4}" mode == null then badDir "mode" "${svc}: directory '${path}': mode ${show mode} is not an octal mode like \"0755\""
            else { inherit path mode; uid = ownerAccount.uid; gid = if dgroup == null then ownerAccount.gid else groupAccount.gid; })
            (lib.indexed (let v = opt "directories" [ ]; in if isList v then v else bad "directories" "${svc}: directories must be a list, got ${typeName v}"));

          workingDirectory =
            # A .NET service starts in its published folder, its content root (appsettings.json): ASP.NET
            # Core watches the content root recursively, from / that is every shared file (~60 s under TCG).
            # `command` first: it checks the dotnet attribute set.
            let p = opt "workingDirectory" (if opt "dotnet" null != null then builtins.seq command "${dotnetPublished}" else "/"); in
            if pathProblem p != null then bad "workingDirectory" "${svc}: workingDirectory ${pathProblem p}" else p;

          # As a busybox sh command (the init polls it); tcp and http use busybox nc and wget.
          ready =
            let r = opt "ready" null; badR = key: badIn r key "ready"; forms = "\"command\" | { command = \"…\"; } | { tcp = port; } | { http = \"http://…\"; }"; in
            if r == null then null
            else if isString r then (if r == "" then bad "ready" "${svc}: ready must not be empty (null: no check)" else r)
            else if !(isAttrs r) then bad "ready" "${svc}: ready must be ${forms}, got ${typeName r}"
            else if length (attrNames r) != 1 || !(elem (head (attrNames r)) [ "command" "tcp" "http" ])
            then bad "ready" "${svc}: ready must be ${forms}, got { ${concatStringsSep "; " (attrNames r)} }"
            else if r ? command then (if isString r.command && r.command != "" then r.command else badR "command" "${svc}: ready.command must be a non-empty string")
            else if r ? tcp then "nc -z 127.0.0.1 ${toString (intIn "services" [ (posOf "tcp" r) ] "${svc}: ready.tcp port" 1 65535 r.tcp)}"
            else if isString r.http && match "http://[^ \n]+" r.http != null then "wget -q -O /dev/null ${lib.shellEscape r.http}"
            else badR "http" "${svc}: ready.http must be an http:// URL, got ${show r.http}";

          readyTimeout = let t = opt "readyTimeout" 30; in
            if !(isInt t) || t < 1 then bad "readyTimeout" "${svc}: readyTimeout must be a positive integer (seconds), got ${show t}" else t;

          stop =
            let
              st = opt "stop" { };
              st' = if isAttrs st then noUnknown "services" "${svc}: stop" [ "signal" "command" "timeout" ] st
                    else bad "stop" "${svc}: stop must be { signal ? \"TERM\"; command ? null; timeout ? 10; }, got ${typeName st}";
              signal = st'.signal or "TERM";
              stopCommand = st'.command or null;
              timeout = st'.timeout or 10;
            in
            if !(elem signal signals) then badIn st "signal" "stop" "${svc}: stop.signal ${show signal} is not one of ${concatStringsSep ", " signals}"
            else if !(stopCommand == null || isString stopCommand && stopCommand != "") then badIn st "command" "stop" "${svc}: stop.command must be a non-empty string or null"
            else if !(isInt timeout) || timeout < 1 then badIn st "timeout" "stop" "${svc}: stop.timeout must be a positive integer (seconds), got ${show timeout}"
            else { inherit signal timeout; command = stopCommand; };

          logs =
            let v = opt "logs" [ ]; in
            if !(isList v) then bad "logs" "${svc}: logs must be a list of absolute guest paths, got ${typeName v}"
            else map (p: if pathProblem p != null then bad "logs" "${svc}: log path ${pathProblem p}" else p) v;
        in {
          inherit name command user group uid gid environment directories workingDirectory ready readyTimeout stop logs;
        };

      files =
        let
          raw = get "files" { };
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

      # Paths of the host's /etc or /usr that the guest must not see (whiteouts in the overlay's upper layer).
      masks =
        let
          raw = listOf "masks" (get "masks" [ ]);
          under = dir: p: p == dir || lib.hasPrefix (dir + "/") p;
          filePaths = attrNames (let f = get "files" { }; in if isAttrs f then f else { });
        in map (p:
          let
            why = pathProblem p;
            clash = filter (f: under p f) filePaths;
          in
          if why != null then fail "masks" "mask ${why}"
          else if !(lib.hasPrefix "/etc/" p || lib.hasPrefix "/usr/" p) then fail "masks" "mask '${p}' is not under /etc or /usr (only the host's shared /etc and /usr can be masked)"
          else if length (filter (q: q == p) raw) > 1 then fail "masks" "mask '${p}' is listed twice"
          else if clash != [ ] then fail "masks" "mask '${p}' would hide the declared file '${head clash}'"
          else if !(builtins.pathExists p) then fail "masks" "mask '${p}': the host has no such file or directory"
          else p) raw;

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
    else {
      name = m; inherit vlans memoryMB cores files masks forwards modules kernelParams;
      services = services.list;
      inherit (services) accounts;
    };

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
