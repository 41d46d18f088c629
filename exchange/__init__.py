"""Files that cross the office boundary: plan workbooks and indicator values in, returns out. No Qt."""
