/* derivations/guidance.c -- stub, being written.  */
#include <config.h>
#include <stddef.h>
#include "fc_module.h"

const fc_module fc_module_guidance = { "guidance", "being written", NULL, 0, NULL };
