"""Files of the 营商台账: problems imported from a workbook (a 12345 export), the printable
督办单 per unit, and the ledger exported with its personal data masked."""
