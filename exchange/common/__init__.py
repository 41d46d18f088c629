"""Pieces every file crossing the office boundary uses: the workbook guard, atomic file writes, PDF fonts and page template, clipboard blocks. No Qt."""
