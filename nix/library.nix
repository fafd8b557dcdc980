# NixVmTasks copies this file to obj/nixvm/default.nix (NixVmLibraryFile) and writes
# nixvm-library.json beside it (WriteExportSettings: the package's nix/ directory as a JSON string,
# so any path works). Hand-written Nix then imports the Nix library of exactly the package version
# the project uses, whatever the configuration:
#   nixvm = import ./obj/nixvm { };
import (/. + (builtins.fromJSON (builtins.readFile ./nixvm-library.json)).nixDirectory)
