/* src/fc_wasserstein.c -- stub, to be written. */
typedef int fc_stub_fc_wasserstein;
