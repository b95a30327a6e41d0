# plots/doob-paths.gp -- stub, to be written.
