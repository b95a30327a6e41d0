/* src/cli_eval.c -- stub. */
#include <config.h>
