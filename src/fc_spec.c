/* src/fc_spec.c -- stub, to be written. */
#include <config.h>
typedef int fc_stub_fc_spec;
