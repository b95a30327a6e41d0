/* src/cli_run.c -- stub. */
#include <config.h>
