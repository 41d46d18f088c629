"""Collection from the responsible units: the fill-in workbooks sent out, read back, and reminders. No Qt."""
