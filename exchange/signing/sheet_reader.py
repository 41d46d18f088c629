"""Reading a sheet's cells as openpyxl reads them, at a fraction of its cost.

The workbook signature hashes every cell as openpyxl's streaming parser (read-only mode) reads
it, when signing and when checking, so a file signed by an earlier version still verifies and
a value reads the same whichever program saved it. That parser builds an object per inline
string (``Text.from_tree``) and parses with defusedxml's pure-Python expat handlers, which made
most of a consolidation's time. ``SheetReader`` is the same parser (the same elements read the
same way: rows, dimensions, layout) on the standard library's C parser, with a quicker reading
of the cells this program and the office suites write: a number, a shared, inline or cached
string, a boolean or an error code, its value in at most one ``<v>`` or ``<is><t>``. Any other
cell (a formula, a date, rich text, attributes or children it does not expect) goes to
openpyxl's own code, so every cell reads exactly as openpyxl reads it. A row's cells come as
(column, value, data type, style id) tuples rather than openpyxl's dicts.
"""
from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet import _reader as openpyxl_reader
from openpyxl.worksheet._reader import INLINE_STRING, VALUE_TAG, WorkSheetParser, _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS

TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"
DIGITS = "0123456789"


class SheetReader(WorkSheetParser):
    """openpyxl's streaming sheet parser (read-only mode, formulas kept as formulas)."""

    def parse(self):
        """openpyxl's ``parse``, on the standard library's C parser rather than defusedxml's
        pure-Python one (half the time). What defusedxml refuses, a DOCTYPE or an entity, the
        guard (exchange.common.workbook_guard.check_zip) has refused in every member before a
        byte is parsed, and expat itself limits entity expansion; a file signed here is our own."""
        r = openpyxl_reader
        dispatcher = {r.COL_TAG: self.parse_column_dimensions, r.PROT_TAG: self.parse_sheet_protection,
                      r.EXT_TAG: self.parse_extensions, r.CF_TAG: self.parse_formatting,
                      r.LEGACY_TAG: self.parse_legacy, r.ROW_BREAK_TAG: self.parse_row_breaks,
                      r.COL_BREAK_TAG: self.parse_col_breaks, r.CUSTOM_VIEWS_TAG: self.parse_custom_views}
        properties = {r.PRINT_TAG: ("print_options", r.PrintOptions), r.MARGINS_TAG: ("page_margins", r.PageMargins),
                      r.PAGE_TAG: ("page_setup", r.PrintPageSetup), r.HEADER_TAG: ("HeaderFooter", r.HeaderFooter),
                      r.FILTER_TAG: ("auto_filter", r.AutoFilter),
                      r.VALIDATION_TAG: ("data_validations", r.DataValidationList),
                      r.PROPERTIES_TAG: ("sheet_properties", r.WorksheetProperties),
                      r.VIEWS_TAG: ("views", r.SheetViewList), r.FORMAT_TAG: ("sheet_format", r.SheetFormatProperties),
                      r.SCENARIOS_TAG: ("scenarios", r.ScenarioList), r.TABLE_TAG: ("tables", r.TablePartList),
                      r.HYPERLINK_TAG: ("hyperlinks", r.HyperlinkList), r.MERGE_TAG: ("merged_cells", r.MergeCells)}
        for _event, element in iterparse(self.source):
            tag = element.tag
            if tag in dispatcher:
                dispatcher[tag](element)
                element.clear()
            elif tag in properties:
                name, kind = properties[tag]
                setattr(self, name, kind.from_tree(element))
                element.clear()
            elif tag == r.ROW_TAG:
                row = self.parse_row(element)
                element.clear()
                yield row

    def parse_cell(self, element) -> tuple[int, Any, str, int]:
        """(column, value, data type, style id) of a cell, as openpyxl's parse_cell gives them."""
        coordinate = element.get("r")
        letters = coordinate.rstrip(DIGITS) if coordinate else ""
        if not letters or letters == coordinate or len(element) > 1:  # counted columns, or a formula and its value
            return self._openpyxl_cell(element)
        data_type = element.get("t", "n")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        value = None
        if len(element):
            child = element[0]
            if child.tag == VALUE_TAG and data_type != "inlineStr":
                text = child.text
                if not text:
                    pass
                elif data_type == "n" and style_id not in self.date_formats:
                    value = _cast_number(text)
                elif data_type == "s":
                    value = self.shared_strings[int(text)]
                elif data_type == "str":
                    data_type, value = "s", text
                elif data_type == "b":
                    value = bool(int(text))
                elif data_type == "e":
                    value = text
                else:  # a date, or a type openpyxl reads its own way
                    return self._openpyxl_cell(element)
            elif child.tag == INLINE_STRING and data_type == "inlineStr" and not child.attrib:
                value = _inline_text(child)
                if value is None:
                    return self._openpyxl_cell(element)
                data_type = "s"
            else:
                return self._openpyxl_cell(element)
        self.col_counter = column = column_index_from_string(letters)  # as openpyxl's coordinate_to_tuple
        return column, value, data_type, style_id

    def _openpyxl_cell(self, element) -> tuple[int, Any, str, int]:
        cell = super().parse_cell(element)
        return cell["column"], cell["value"], cell["data_type"], cell["style_id"]


def _inline_text(element) -> str | None:
    """The text of an ``<is>`` holding at most one plain ``<t>`` (None for anything else)."""
    if not len(element):
        return ""
    if len(element) > 1:
        return None
    text = element[0]
    if text.tag != TEXT_TAG or text.attrib or len(text):
        return None
    return text.text or ""
