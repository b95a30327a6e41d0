/* src/cli_posterior.c -- stub, being written.  */
typedef int fc_stub_cli_posterior;
