"""指标填报: the indicator grid, its side panel, dialogs, paste preview and undo commands."""
