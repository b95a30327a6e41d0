/* src/fc_kolmogorov.c -- stub, to be written. */
typedef int fc_stub_fc_kolmogorov;
