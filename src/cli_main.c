/* src/cli_main.c -- stub. */
#include <config.h>
int main (void) { return 0; }
