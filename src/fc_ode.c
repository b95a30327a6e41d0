/* src/fc_ode.c -- stub, to be written. */
#include <config.h>
typedef int fc_stub_fc_ode;
