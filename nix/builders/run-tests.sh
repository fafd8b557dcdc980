# Builder of nix/run-tests.nix: boot the network and run the compiled xunit v3 tests in the build.
# The test process owns the VMs (state under this build's $TMPDIR, forwarded ports remapped to
# free ones), so parallel builds never share sockets or ports.
set -eu
export HOME="$TMPDIR/home" DOTNET_CLI_HOME="$TMPDIR/home"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$HOME"
say() { printf 'nixvm: %s\n' "$*" >&2; }

if [ -z "$assembly" ]; then
  set -- "$tests"/*.runtimeconfig.json
  if [ $# -ne 1 ] || [ ! -e "$1" ]; then
    say "runTests '$testName': attribute 'assembly': cannot tell the test assembly in $tests (runtime configs: $*); set assembly = \"<Project>.dll\""
    exit 1
  fi
  assembly=$(basename "$1" .runtimeconfig.json).dll
fi
if [ ! -f "$tests/$assembly" ]; then
  say "runTests '$testName': attribute 'assembly': $tests/$assembly does not exist"
  exit 1
fi

results="$TMPDIR/results"
junit="$results/${assembly%.dll}.junit.xml"
mkdir -p "$results/logs"
. "$testEnvironmentPath" # the manifest, log and coverage directories for the test process
unset XDG_RUNTIME_DIR # the driver's private state directory goes under this build's $TMPDIR

# testArgs arrive one per line.
set --
if [ -n "$testArgs" ]; then
  while IFS= read -r a; do set -- "$@" "$a"; done <<EOF
$testArgs
EOF
fi

status=0
cd "$TMPDIR"
timeout --kill-after=30 "$timeout" dotnet exec "$tests/$assembly" -noColor -result-junit "$junit" "$@" || status=$?

if [ ! -f "$junit" ]; then
  if [ "$status" -eq 124 ]; then why="it did not finish within $timeout s (timeout) and was stopped"; else why="it exited with status $status"; fi
  say "the VM tests of '$testName' produced no results: $why; see the output above"
  exit 1
fi
# One line per failed test case: xunit writes <testcase name="N" …><failure message="M…" …>.
failed=$(sed 's/<testcase /\n<testcase /g' "$junit" \
  | sed -n 's/^<testcase name="\([^"]*\)"[^>]*><\(failure\|error\)[^>]* message="\([^"]*\)".*/\1: \3/p' \
  | sed 's/&#xA;.*//; s/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g')
read -r passed failures skipped <<EOF
$(sh "$junitCounts" "$junit")
EOF
total=$((passed + failures + skipped))
if [ "$status" -ne 0 ] || [ -n "$failed" ] || [ "$total" -eq 0 ]; then
  [ -z "$failed" ] || printf '%s\n' "$failed" | while IFS= read -r t; do say "VM test failed: $t"; done
  [ "$total" -ne 0 ] || say "no tests ran in $assembly"
  say "$testName: the VM tests failed (status $status); rebuild with -K to keep the results, console logs and driver log in $results"
  exit 1
fi

# The coverage collector's warnings (data lost in a guest, an instrumented program that wrote nothing): code, a tab, the message.
if [ -f "$results/coverage/warnings.txt" ]; then
  while IFS="$(printf '\t')" read -r code message; do say "warning $code: $message"; done <"$results/coverage/warnings.txt"
fi
cp -r "$results" "$out"
mkdir -p "$out/nix-support"
{
  echo "report junit $out/$(basename "$junit")"
  echo "report testlog $out/logs driver.log"
  if [ -f "$out/coverage/html/index.html" ]; then echo "report coverage $out/coverage/html index.html"; fi
} >"$out/nix-support/hydra-build-products"
say "$testName: VM tests: $passed passed, $failures failed, $skipped skipped"
