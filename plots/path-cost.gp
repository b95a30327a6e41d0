# plots/path-cost.gp -- stub, to be written.
