"""The city's consolidation of the counties' returns: verify, combine, rank, write. No Qt."""
