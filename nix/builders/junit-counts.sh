# junit-counts.sh FILE: prints "<passed> <failed> <skipped>" for a JUnit file (xunit v3's
# -result-junit). A test case with a <failure> or <error> failed, one with <skipped> was skipped
# (not passed), any other passed; the same rule as NixVmTasks' JUnitResults.cs.
set -eu
sed 's/<testcase /\n<testcase /g' "$1" | awk '
  /^<testcase / { n++; if (/<failure|<error/) f++; else if (/<skipped/) s++ }
  END { printf "%d %d %d\n", n - f - s, f, s }'
