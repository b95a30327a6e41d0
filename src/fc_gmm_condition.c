/* src/fc_gmm_condition.c -- stub, to be written. */
#include <config.h>
typedef int fc_stub_fc_gmm_condition;
