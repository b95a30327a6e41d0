# plots/doob-double-well.gp -- stub, to be written.
