/* src/fc_interp.c -- stub, to be written. */
typedef int fc_stub_fc_interp;
