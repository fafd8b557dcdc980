/* A module: loaded with dlopen by a program that is not instrumented itself. */
#include <ctype.h>
#include <string.h>

void shout(char *text) {
  for (; *text; text++)
    *text = (char)toupper((unsigned char)*text);
}
