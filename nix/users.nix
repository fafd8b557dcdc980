# A guest's accounts (its generated /etc/passwd and /etc/group): a few system accounts plus, for
# each service user that is not one of them, a user with uid 1000 up, a group of the same name
# and a home /home/<user> (created, owned by the user); a service `group` that does not exist is
# created too (gid 1000 up).
# Argument: the services' { user; group; } (group may be null).
services:
let
  lib = import ./lib.nix;
  inherit (builtins) any filter listToAttrs map;

  systemUsers = [
    { name = "root"; uid = 0; gid = 0; home = "/root"; shell = "/bin/bash"; }
    { name = "daemon"; uid = 1; gid = 1; home = "/usr/sbin"; shell = "/usr/sbin/nologin"; }
    { name = "www-data"; uid = 33; gid = 33; home = "/var/www"; shell = "/usr/sbin/nologin"; }
    { name = "nobody"; uid = 65534; gid = 65534; home = "/nonexistent"; shell = "/usr/sbin/nologin"; }
  ];
  systemGroups = [
    { name = "root"; gid = 0; } { name = "daemon"; gid = 1; } { name = "www-data"; gid = 33; } { name = "nogroup"; gid = 65534; }
  ];
  named = n: xs: any (x: x.name == n) xs;

  newUserNames = filter (u: !(named u systemUsers)) (lib.unique (map (s: s.user) services));
  newGroupNames = filter (g: !(named g systemGroups))
    (lib.unique (newUserNames ++ filter (g: g != null) (map (s: s.group) services)));
  groups = systemGroups ++ lib.imap (i: n: { name = n; gid = 999 + i; }) newGroupNames;
  byName = xs: listToAttrs (map (x: { inherit (x) name; value = x; }) xs);
  groupByName = byName groups;
  users = systemUsers ++ lib.imap (i: n: {
    name = n; uid = 999 + i; gid = groupByName.${n}.gid; home = "/home/${n}"; shell = "/bin/sh";
  }) newUserNames;
  userByName = byName users;
in {
  inherit users groups;
  lookupUser = n: userByName.${n} or null;
  lookupGroup = n: groupByName.${n} or null;
  userNames = map (u: u.name) users;
  groupNames = map (g: g.name) groups;
  # The homes to create: those of the users made here.
  homes = map (n: { path = "/home/${n}"; inherit (userByName.${n}) uid gid; mode = "0755"; }) newUserNames;
  passwd = lib.joinLines (map (u: "${u.name}:x:${toString u.uid}:${toString u.gid}:${u.name}:${u.home}:${u.shell}") users) + "\n";
  group = lib.joinLines (map (g: "${g.name}:x:${toString g.gid}:") groups) + "\n";
}
