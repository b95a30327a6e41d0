/* src/fc_stats.c -- stub, to be written. */
#include <config.h>
typedef int fc_stub_fc_stats;
