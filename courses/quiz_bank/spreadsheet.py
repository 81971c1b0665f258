"""The question-bank file format: one question per row under a fixed Chinese header
row, as XLSX or CSV, and writing it safely.

The format does not change with the interface language, so a file written by one
admin can be read by any other. Writing neutralises every text cell a spreadsheet
would run as a formula (``neutralise``: one leading quote); ``reading.read_bank``
undoes exactly that (``restore``), so an exported bank imports back unchanged.
"""

import csv
import io
import re
import unicodedata
from decimal import Decimal

from courses.models.quizzes import QuestionKind

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# A 2 MB zip can inflate a thousandfold; refuse before openpyxl reads it.
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_ZIP_ENTRIES = 500

# The file format. Deliberately not translated: it is data, not interface.
KIND_LABELS = {
    QuestionKind.SINGLE: "单选题",
    QuestionKind.MULTIPLE: "多选题",
    QuestionKind.TRUE_FALSE: "判断题",
    QuestionKind.FILL_BLANK: "填空题",
    QuestionKind.SHORT_ANSWER: "简答题",
}
TRUE_LABEL, FALSE_LABEL = "正确", "错误"
YES_LABEL, NO_LABEL = "是", "否"
OPTION_PREFIX = "选项"
TEMPLATE_OPTION_COUNT = 6
HEADERS = {
    "kind": "题型",
    "category": "分类",
    "text": "题目",
    "points": "分值",
    "answer": "正确答案",
    "partial": "部分得分",
    "explanation": "解析",
}
REQUIRED = ("kind", "text")
HEADER_ALIASES = {
    **{label: key for key, label in HEADERS.items()},
    "类型": "kind",
    "题干": "text",
    "分数": "points",
    "答案": "answer",
    "答案解析": "explanation",
}
KIND_BY_LABEL = {}
for _kind, _label in KIND_LABELS.items():
    KIND_BY_LABEL[_label] = _kind
    KIND_BY_LABEL[_label.removesuffix("题")] = _kind
    KIND_BY_LABEL[str(_kind)] = _kind
TRUTHY = {"正确", "对", "是", "√", "✓", "✔", "t", "true", "y", "yes", "1"}
FALSY = {"错误", "错", "否", "×", "✗", "✘", "x", "f", "false", "n", "no", "0"}
YES_WORDS = {"是", "y", "yes", "t", "true", "1", "√", "✓", "✔", "对"}
NO_WORDS = {"", "否", "n", "no", "f", "false", "0", "×", "✗", "✘", "x", "错"}

# Leading characters that make Excel, LibreOffice or WPS evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
QUOTE = "'"
LETTER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
BAR = re.compile(r"[|｜]")
CONTROL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_POINTS = Decimal("9999.99")
CENT = Decimal("0.01")


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as the text it is. A value that starts with a
    formula character (or is already quoted in front of one) gets one more quote."""
    if value.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def restore(value: str) -> str:
    """The inverse of ``neutralise``."""
    if value.startswith(QUOTE) and value.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return value[1:]
    return value


def folded(value: str) -> str:
    """For comparing words: NFKC (full-width to half-width), no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def option_letter(index: int) -> str:
    """A, B, ... Z, AA, AB, ... as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# Writing ----------------------------------------------------------------------


def points_value(points: Decimal) -> int | Decimal:
    normal = points.normalize()
    return int(normal) if normal == normal.to_integral_value() else normal


def header_row(option_count: int) -> list[str]:
    return [
        HEADERS["kind"],
        HEADERS["category"],
        HEADERS["text"],
        HEADERS["points"],
        *(OPTION_PREFIX + option_letter(i) for i in range(option_count)),
        HEADERS["answer"],
        HEADERS["partial"],
        HEADERS["explanation"],
    ]


def template_table() -> list[list]:
    """The import template: header and two example rows."""
    blank = [""] * (TEMPLATE_OPTION_COUNT - 3)
    return [
        header_row(TEMPLATE_OPTION_COUNT),
        [
            KIND_LABELS[QuestionKind.SINGLE],
            "产品基础",
            "滤芯建议多久更换一次？",
            2,
            "一个月",
            "六个月",
            "三年",
            *blank,
            "B",
            "",
            "滤芯一般每六个月更换一次，水质差时适当提前。",
        ],
        [
            KIND_LABELS[QuestionKind.MULTIPLE],
            "售后服务",
            "办理退货需要提供哪些材料？",
            3,
            "订单号",
            "购买凭证",
            "身份证原件",
            *blank,
            "A,B",
            YES_LABEL,
            "退货凭订单号和购买凭证办理，无需身份证原件。",
        ],
    ]


HELP_LINES = [
    "每行一道题，第 1 行为表头，请勿修改表头文字；导入时只读取第一个工作表。",
    "题型：单选题、多选题、判断题、填空题、简答题。",
    "分值：大于 0 的数字，最多两位小数；留空为 1 分。",
    "选项：单选题、多选题从选项A起依次填写，最多可增加到选项Z；其他题型不填。",
    "正确答案：单选题填一个字母（如 B）；多选题填多个字母（如 A,C、AC 或 A、C）；"
    "判断题填“正确”或“错误”（也可填 对/错、√/×、T/F），导入时自动生成两个选项；"
    "填空题填参考答案，多个可接受的答案用“|”分隔，或在单元格内换行分隔"
    "（答案本身含“|”时用换行）；简答题不填，由讲师评分。",
    "部分得分：仅多选题可填“是”，按（选对数 − 选错数）/ 正确项数 计分；"
    "其他留空或填“否”。",
    f"每次最多导入 {MAX_ROWS} 题，文件不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB；"
    "CSV 请保存为 UTF-8 或 GBK 编码。",
    "以 = + - @ 开头的内容按文字导入，不会作为公式计算。",
]


def _safe_text(value: str) -> str:
    return neutralise(CONTROL_CHARACTERS.sub("", value))


def render_xlsx(table: list[list]) -> bytes:
    """An XLSX workbook: the bank sheet (every text cell a string, never a formula)
    with a 题型 drop-down, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    header = table[0]
    for row_number, row in enumerate(table, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                cell.value = _safe_text(value)
                cell.data_type = "s"
            else:
                cell.value = value
            if "\n" in str(value):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.freeze_panes = "A2"
    widths = {HEADERS["text"]: 48, HEADERS["explanation"]: 40, HEADERS["answer"]: 14}
    for index, title in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(title, 12)

    last_row = max(len(table), MAX_ROWS + 1)
    kinds = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(KIND_LABELS.values())),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="题型",
        error="请从下拉列表中选择题型。",
    )
    kinds.add(f"A2:A{last_row}")
    partial_column = sheet.cell(
        row=1, column=header.index(HEADERS["partial"]) + 1
    ).column_letter
    partial = DataValidation(
        type="list",
        formula1=f'"{YES_LABEL},{NO_LABEL}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="部分得分",
        error="请填写“是”或“否”。",
    )
    partial.add(f"{partial_column}2:{partial_column}{last_row}")
    sheet.add_data_validation(kinds)
    sheet.add_data_validation(partial)

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 110
    for line in HELP_LINES:
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_csv(table: list[list]) -> bytes:
    """A UTF-8 CSV with a BOM (so Excel detects the encoding), formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table:
        writer.writerow(
            _safe_text(value) if isinstance(value, str) else str(value) for value in row
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
