"""汇总: the city office's consolidation workspace and its tables."""
