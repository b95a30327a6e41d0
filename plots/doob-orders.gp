# plots/doob-orders.gp -- stub, to be written.
