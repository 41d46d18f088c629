"""涉企问题: the 营商台账 workspace (list with colours, the loop's forms, 督办单, import, export)."""
