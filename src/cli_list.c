/* src/cli_list.c -- stub. */
#include <config.h>
