"""The office's signing identity, workbook and PDF signatures, verification and the city's trust list. No Qt."""
