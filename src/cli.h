/* src/cli.h -- stub. */
