"""报送收集: sending the units' forms, receiving them and reviewing the differences, who is late."""
