#include <stdio.h>

int greet(const char *name) {
  if (name[0] == 0)
    return printf("hello, nobody\n");
  return printf("hello, %s\n", name);
}
