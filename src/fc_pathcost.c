/* src/fc_pathcost.c -- stub, to be written. */
typedef int fc_stub_fc_pathcost;
