# Assemble the network's output: bin/run-<m>-vm, bin/run-vms, network.json (all generated in Nix).
set -eu
mkdir -p "$out/bin"
for m in $machineNames; do
  attr=run_$(echo "$m" | tr - _)_vm
  eval "cp \"\$${attr}Path\" \"\$out/bin/run-$m-vm\""
done
cp "$runVmsPath" "$out/bin/run-vms"
chmod 0555 "$out"/bin/*
cp "$networkJsonPath" "$out/network.json"
