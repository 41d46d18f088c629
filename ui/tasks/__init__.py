"""任务清单: the task tree, the detail pane, its dialogs and undo commands, 挂图作战."""
