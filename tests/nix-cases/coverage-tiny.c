/* A program with known coverage for CoverageTests. Every line gcov counts carries a mark naming
 * the roles that execute it: "serve" (a service, stopped with SIGTERM when coverage is
 * collected) and "hello" (run once by the test); "none" for lines no role reaches. Lines
 * without a mark must not be executable. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) { /* hit: serve */
  (void)sig;
  stop = 1; /* hit: serve */
} /* hit: serve */

static int serve(void) { /* hit: serve */
  signal(SIGTERM, on_term); /* hit: serve */
  puts("serving"); /* hit: serve */
  fflush(stdout); /* hit: serve */
  while (!stop) /* hit: serve */
    pause(); /* hit: serve */
  return 0; /* hit: serve */
}

static int hello(const char *name) { /* hit: hello */
  if (name[0] == 0) /* hit: hello */
    return 1; /* hit: none */
  printf("hello, %s\n", name); /* hit: hello */
  return 0; /* hit: hello */
}

int main(int argc, char **argv) { /* hit: serve hello */
  if (argc == 2 && strcmp(argv[1], "serve") == 0) /* hit: serve hello */
    return serve(); /* hit: serve */
  if (argc == 3 && strcmp(argv[1], "hello") == 0) /* hit: hello */
    return hello(argv[2]); /* hit: hello */
  fputs("usage: coverage-tiny serve | coverage-tiny hello NAME\n", stderr); /* hit: none */
  return 2; /* hit: none */
}
