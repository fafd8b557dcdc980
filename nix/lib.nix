# Small pure helpers shared by the nixvm expressions (no nixpkgs available here).
let
  inherit (builtins) concatStringsSep elemAt filter foldl' genList isString length
    replaceStrings split stringLength substring;
in rec {
  # The strings our processes agree on (environment names, directories, guest markers), defined
  # once in contracts.json: the task assembly and the driver embed the same file.
  contracts = builtins.fromJSON (builtins.readFile ./contracts.json);

  # The cache directory: the first of contracts.directories.cache whose variable is set.
  # scripts/bootstrap fills it: kernel/, sources/ (Debian source packages the tests build).
  cacheDir =
    let set = filter (r: builtins.getEnv r.variable != "") contracts.directories.cache;
    in if set == [ ] then throw "nixvm: no cache directory: none of ${concatStringsSep ", " (map (r: r.variable) contracts.directories.cache)} is set"
    else let r = builtins.head set; in builtins.getEnv r.variable + r.append;
  # The guest kernel that scripts/bootstrap unpacks (NIXVM_KERNEL_DIR overrides the cache's).
  cachedKernelDirectory = cacheDir + contracts.directories.kernelBelowCache;
  kernelDirectory = let d = builtins.getEnv contracts.directories.kernelVariable; in
    if d != "" then d else cachedKernelDirectory;

  # Running the compiled tests (contracts.testRun, which RunVmTests renders too) as POSIX shell for
  # runTests' builder: sets $junit and the positional parameters to dotnet's arguments, from the
  # builder's $tests, $assembly (a file name in $tests) and $results.
  testRunShell =
    let
      word = t: "\"" + replaceStrings [ "{assembly}" "{junit}" "{results}" "{name}" ]
        [ "$tests/$assembly" "$junit" "$results" "\${assembly%.dll}" ] (dquoteEscape t) + "\"";
    in ''
      junit=${word contracts.testRun.junit}
      set -- ${concatStringsSep " " (map word contracts.testRun.arguments)}
    '';

  # Quote for a POSIX shell: 'it'\''s'.
  shellEscape = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] (toString s) + "'";

  # Escape for the inside of a double-quoted shell string (keeps "$VAR" of the caller working).
  dquoteEscape = s: replaceStrings [ "\\" "\"" "$" "`" ] [ "\\\\" "\\\"" "\\$" "\\`" ] s;

  # Non-empty lines of a text.
  lines = text: filter (l: isString l && l != "") (split "\n" text);

  # Split on runs of spaces, dropping empty words.
  words = s: filter (w: isString w && w != "") (split " +" s);

  hasPrefix = p: s: substring 0 (stringLength p) s == p;
  removePrefix = p: s: if hasPrefix p s then substring (stringLength p) (stringLength s) s else s;

  # Two lower-case hex digits of 0..255 (for MAC addresses).
  hex2 = n:
    let d = [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "a" "b" "c" "d" "e" "f" ];
    in elemAt d (n / 16) + elemAt d (n - (n / 16) * 16);

  # 1-based index of each element: [ a b ] -> [ { index = 1; value = a; } ... ].
  indexed = xs: genList (i: { index = i + 1; value = elemAt xs i; }) (length xs);

  # map with the 1-based index: imap (i: x: …) xs.
  imap = f: xs: map (e: f e.index e.value) (indexed xs);

  # Unique elements, first occurrence wins (order kept).
  unique = xs: foldl' (acc: x: if builtins.elem x acc then acc else acc ++ [ x ]) [ ] xs;

  reverseList = xs: let n = length xs; in genList (i: elemAt xs (n - 1 - i)) n;

  # Sort ints ascending.
  sortInts = builtins.sort (a: b: a < b);

  # Human name of a Nix value's type, for error messages.
  typeName = v: {
    int = "an integer"; float = "a float"; string = "a string"; bool = "a boolean";
    list = "a list"; set = "an attribute set"; path = "a path"; null = "null";
    lambda = "a function";
  }.${builtins.typeOf v} or (builtins.typeOf v);

  # Shown value for error messages (strings quoted, other scalars as is).
  show = v:
    if isString v then "'${v}'"
    else if builtins.isInt v || builtins.isFloat v then toString v
    else if builtins.isBool v then (if v then "true" else "false")
    else typeName v;

  joinLines = concatStringsSep "\n";
}
