/* A long-running program that is not instrumented itself but loads an instrumented module, as
 * Apache loads its modules: module-host MODULE TEXT prints shout(TEXT) and runs until SIGTERM,
 * then returns (the module's counters are written when the process exits). */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) {
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv) {
  void *module;
  void (*shout)(char *);
  if (argc != 3) return 2;
  module = dlopen(argv[1], RTLD_NOW);
  if (!module) {
    fprintf(stderr, "module-host: %s\n", dlerror());
    return 1;
  }
  *(void **)&shout = dlsym(module, "shout");
  if (!shout) return 1;
  signal(SIGTERM, on_term);
  shout(argv[2]);
  puts(argv[2]);
  fflush(stdout);
  while (!stop) pause();
  return 0;
}
