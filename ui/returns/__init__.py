"""报表报送: the return's workflow, its tables and dialogs."""
