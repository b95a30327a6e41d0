/* derivations/continuity.c -- stub, to be written. */
#include <config.h>
#include "fc_module.h"
const fc_module fc_module_continuity = { "continuity", "stub", NULL, 0, NULL };
