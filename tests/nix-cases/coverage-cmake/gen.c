/* Run by the build: writes banner.h. */
#include <stdio.h>

int main(int argc, char **argv) {
  FILE *f;
  if (argc != 2) return 2;
  f = fopen(argv[1], "w");
  if (!f) return 1;
  fputs("#define BANNER \"greeter\"\n", f);
  return fclose(f) != 0;
}
