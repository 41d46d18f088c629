"""Indicator values read from workbooks. No Qt."""
