"""Reading a staff list (员工名单) from CSV: encoding, headers and rows.

Excel on Chinese Windows saves CSV as GBK; newer tools save UTF-8, often with a BOM.
Headers are Chinese (工号, 姓名, 邮箱, 手机, 部门, 角色) or English aliases.
Nothing here judges the values; ``services.staff_import_rows`` does.
"""

import csv
import io

from django.utils.translation import gettext as _

from portal.accounts.services import StaffRow

COLUMN_ALIASES = {
    "employee_number": (
        "工号",
        "员工编号",
        "employee_number",
        "employee number",
        "employee_no",
    ),
    "display_name": ("姓名", "name", "display_name", "full_name", "full name"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail", "mail"),
    "phone": ("手机", "手机号", "phone", "mobile"),
    "department": ("部门", "department", "dept"),
    "role": ("角色", "role"),
}
REQUIRED_COLUMNS = ("employee_number", "display_name", "email")
_COLUMN_BY_HEADER = {
    alias.casefold(): column
    for column, aliases in COLUMN_ALIASES.items()
    for alias in aliases
}
COLUMN_LABELS = {column: aliases[0] for column, aliases in COLUMN_ALIASES.items()}


class StaffFileError(Exception):
    """The file as a whole cannot be read (encoding, missing header or columns)."""


ENCODINGS = {"utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030"}


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of its encoding: UTF-8 (with or without BOM),
    else GB18030 (a superset of GBK and GB2312)."""
    for encoding, name in ENCODINGS.items():
        try:
            return data.decode(encoding), name
        except UnicodeDecodeError:
            continue
    raise StaffFileError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件。"))


def read_rows(text: str) -> list[StaffRow]:
    """The data rows with their line numbers in the file (the header is line 1).

    Blank lines are skipped; unknown columns are ignored.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise StaffFileError(_("文件为空或缺少表头。"))

    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _COLUMN_BY_HEADER.get(cell.strip().casefold())
        if column is None:
            continue
        if column in positions:
            raise StaffFileError(
                _("表头中“%(column)s”列出现了两次。")
                % {"column": COLUMN_LABELS[column]}
            )
        positions[column] = index
    missing = [COLUMN_LABELS[c] for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise StaffFileError(
            _("表头缺少必需的列：%(columns)s。") % {"columns": "、".join(missing)}
        )

    rows = []
    line = reader.line_num
    for cells in reader:
        first_line, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            column: cells[index].strip() if index < len(cells) else ""
            for column, index in positions.items()
        }
        rows.append(StaffRow(line=first_line, **values))
    return rows
