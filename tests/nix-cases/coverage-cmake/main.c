#include "banner.h"
#include <stdio.h>
#include <string.h>

int greet(const char *name);

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    puts(BANNER " 1.0");
    return 0;
  }
  return greet(argc > 1 ? argv[1] : "") < 0;
}
