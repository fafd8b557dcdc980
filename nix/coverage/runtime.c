/* The coverage runtime: linked into every instrumented program and shared object that
 * nixvm builds with coverage (see nix/coverage/runtime.nix), so that no data depends on the
 * environment, the user or who wrote first.
 *
 * libgcov writes each object's .gcda at the absolute path compiled in (the object's store path),
 * below $GCOV_PREFIX, and reports failures as "profiling:<file>:<what>" on stderr or into
 * $GCOV_ERROR_FILE; it reads these variables when it dumps. In a nixvm guest (the init creates
 * the world-writable GUEST_DATA) this runtime sets them itself, at start (for the dumps libgcov
 * makes before exec*) and again right before the dump at exit, which it makes itself with umask 0:
 *  - a hook started with an empty environment or a CGI with a scrubbed one still writes there;
 *  - directories and .gcda files are world-writable, so another user's process merges into them
 *    (libgcov locks each file while it merges) instead of failing after root wrote first;
 *  - libgcov's errors land in GUEST_ERRORS, which the host reads and reports (NIXVM064): during
 *    that dump stderr is the log (gcc 12's libgcov writes most errors to stderr, whatever
 *    GCOV_ERROR_FILE says).
 * On the host (no GUEST_DATA) a run never writes into /nix/store: without a GCOV_PREFIX of the
 * user's it writes below HOST_DATA in the cache directory (~/.cache/nixvmtasks/host-coverage-data).
 *
 * runtime.nix passes GUEST_DATA, GUEST_ERRORS, HOST_DATA and CACHE_RULES in as -D from
 * nix/contracts.json, which owns them (the host reads the same directories). */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(GUEST_DATA) || !defined(GUEST_ERRORS) || !defined(HOST_DATA) || !defined(CACHE_RULES)
#error "compile with the -D options of nix/coverage/runtime.nix"
#endif

/* The cache directory: the first rule whose variable is set, with its suffix (contracts.json). */
static const struct {
  const char *variable, *append;
} cache_rules[] = {CACHE_RULES};

void __gcov_dump(void);

static int in_guest(void) {
  struct stat st;
  return stat(GUEST_DATA, &st) == 0 && S_ISDIR(st.st_mode);
}

static void set_host_prefix(void) {
  static char dir[4096];
  const char *prefix = getenv("GCOV_PREFIX");
  size_t i;
  if (prefix && *prefix) return;
  for (i = 0; i < sizeof cache_rules / sizeof cache_rules[0]; i++) {
    const char *value = getenv(cache_rules[i].variable);
    /* A process started with an empty environment (env -i, a hook) still has a home; without
     * one, the counters go nowhere rather than into the store. */
    if ((!value || !*value) && strcmp(cache_rules[i].variable, "HOME") == 0) {
      struct passwd *pw = getpwuid(getuid());
      value = pw ? pw->pw_dir : "/nonexistent";
    }
    if (value && *value) {
      snprintf(dir, sizeof dir, "%s%s/%s", value, cache_rules[i].append, HOST_DATA);
      setenv("GCOV_PREFIX", dir, 1);
      return;
    }
  }
}

static int choose_destination(void) {
  if (!in_guest()) {
    set_host_prefix();
    return 0;
  }
  setenv("GCOV_PREFIX", GUEST_DATA, 1);
  setenv("GCOV_PREFIX_STRIP", "0", 1);
  setenv("GCOV_ERROR_FILE", GUEST_ERRORS, 1);
  return 1;
}

__attribute__((constructor)) static void nixvm_coverage_start(void) { choose_destination(); }

/* Runs before libgcov's own destructor (priority 99 runs last), which then finds this module's
 * data dumped already and writes nothing twice. */
__attribute__((destructor)) static void nixvm_coverage_dump(void) {
  mode_t saved_mask;
  int log, saved_stderr = -1;
  if (!choose_destination()) {
    __gcov_dump();
    return;
  }
  saved_mask = umask(0);
  log = open(GUEST_ERRORS, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (log >= 0) {
    fflush(stderr);
    saved_stderr = dup(2);
    if (saved_stderr >= 0) dup2(log, 2);
    close(log);
  }
  __gcov_dump();
  if (saved_stderr >= 0) {
    dup2(saved_stderr, 2);
    close(saved_stderr);
  }
  umask(saved_mask);
}
