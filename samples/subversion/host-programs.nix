# Guests run the host's programs (shared /usr): a machine that needs some fails evaluation with one
# clear message when they are missing, instead of a service failing at boot.
machine: paths: declaration:
let missing = builtins.filter (p: !(builtins.pathExists p)) paths; in
if missing == [ ] then declaration
else throw "samples/subversion: machine '${machine}' runs ${builtins.concatStringsSep ", " missing} from the host, which has none: run scripts/bootstrap (apache2, libapache2-mod-svn, subversion)"
