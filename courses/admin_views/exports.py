"""Spreadsheet exports of admin listings that are safe to open in Excel.

``SafeSpreadsheetExportMixin`` goes on a Wagtail ``IndexView`` with ``list_export``:
- XLSX: headings and text values are stored as text cells (a title starting with
  "=" is never a formula), characters XML cannot hold are dropped;
- CSV: a UTF-8 BOM first (Excel reads the Chinese text), every heading and value that
  a spreadsheet would run as a formula (= + - @ tab CR LF) gets a leading apostrophe,
  times as "YYYY-MM-DD HH:MM".
"""

import csv
import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from wagtail.admin.views.mixins import Echo, ExcelDateFormatter

from courses.admin_views.quizzes import FORMULA_TRIGGERS


def csv_safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def text_cell(worksheet, value) -> WriteOnlyCell:
    """A write-only XLSX cell that always holds ``value`` as text."""
    cell = WriteOnlyCell(worksheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"
    return cell


class SafeSpreadsheetExportMixin:
    def stream_csv(self, queryset):
        yield "\ufeff"
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        yield writer.writerow(
            {
                field: csv_safe(str(self.get_heading(queryset, field)))
                for field in self.list_export
            }
        )
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_xlsx(self, queryset, output):
        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title="Sheet1")
        worksheet.append(
            text_cell(worksheet, self.get_heading(queryset, field))
            for field in self.list_export
        )
        date_format = ExcelDateFormatter().get()
        for item in queryset:
            worksheet.append(
                self.generate_xlsx_row(
                    worksheet, self.to_row_dict(item), date_format=date_format
                )
            )
        workbook.save(output)

    def preprocess_field_value(self, field, value, export_format):
        if export_format == self.FORMAT_CSV and isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        value = super().preprocess_field_value(field, value, export_format)
        if not isinstance(value, str):
            return value
        if export_format == self.FORMAT_XLSX:
            # Wagtail stores a leading "=" as text already; characters XML cannot
            # hold would make openpyxl fail.
            return ILLEGAL_CHARACTERS_RE.sub("", value)
        return csv_safe(value)
