"""Plan workbooks: the city's task list read in, the store's plan written out. No Qt."""
