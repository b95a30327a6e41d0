# plots/continuity-order.gp -- stub
