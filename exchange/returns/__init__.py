"""The county's return: one return object, its workbook and PDF, and the export that writes and signs them. No Qt."""
