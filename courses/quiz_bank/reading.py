"""Reading a question bank from an XLSX or CSV upload and judging every row.

Reading never evaluates anything: an XLSX is opened read-only with the values Excel
cached (``data_only``), a text cell that starts with "=" stays that text, and a CSV is
only ever text. A row number is the row as the user sees it in Excel: the header is
row 1, and a CSV record spanning several lines (a quoted newline) is still one row.
Nothing here writes; ``services.quiz_bank_import`` does.
"""

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from courses.models.quizzes import QuestionKind
from courses.quiz_bank.spreadsheet import (
    BAR,
    CENT,
    FALSE_LABEL,
    FALSY,
    HEADER_ALIASES,
    HEADERS,
    KIND_BY_LABEL,
    LETTER_SEPARATORS,
    MAX_POINTS,
    MAX_ROWS,
    MAX_UNZIPPED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_ENTRIES,
    NO_WORDS,
    OLE_MAGIC,
    OPTION_PREFIX,
    REQUIRED,
    TRUE_LABEL,
    TRUTHY,
    YES_WORDS,
    ZIP_MAGIC,
    folded,
    restore,
)
from courses.services.grading import question_problems


class BankFileError(Exception):
    """The file as a whole cannot be read: wrong type, too big, no header, ..."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BankRow:
    """One valid question read from a file."""

    row: int
    kind: str
    text: str
    category: str = ""
    points: Decimal = Decimal("1")
    partial_credit: bool = False
    choices: tuple[tuple[str, bool], ...] = ()
    accepted_answers: str = ""
    explanation: str = ""


@dataclass(frozen=True)
class RowError:
    """A row that cannot be imported, with every reason found (Chinese)."""

    row: int
    text: str
    reasons: tuple[str, ...]


@dataclass
class ParsedBank:
    rows: list[BankRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.errors)


def _cell_text(value) -> str:
    """A cell as text: numbers without float noise, booleans as TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return str(value)


def _clean(value: str) -> str:
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return restore(text).strip()


def _key(header: str) -> str:
    return "".join(unicodedata.normalize("NFKC", header).split()).strip("*").casefold()


def read_bank(*, data: bytes) -> ParsedBank:
    """Every data row of an XLSX or CSV file, judged: valid rows and row errors.

    Raises BankFileError when the file as a whole is unusable."""
    if not data:
        raise BankFileError(_("文件为空。"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise BankFileError(
            _("文件过大：最大 %(size)s MB。")
            % {"size": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if data.startswith(ZIP_MAGIC):
        table = _xlsx_table(data)
    elif data.startswith(OLE_MAGIC):
        raise BankFileError(
            _(
                "不支持旧版 Excel（.xls）或加密的文件，"
                "请在 Excel 中另存为 .xlsx 或 CSV 后再导入。"
            )
        )
    else:
        table = _csv_table(data)
    return _judge(table)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise BankFileError(
            _("文件已损坏，无法作为 Excel（.xlsx）文件读取。")
        ) from error
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise BankFileError(
            _("文件不是 Excel（.xlsx）工作簿，请使用导入模板另存为 .xlsx 或 CSV。")
        )
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES
    ):
        raise BankFileError(_("Excel 文件内容过大，请拆分后分批导入。"))


def _xlsx_table(data: bytes) -> list[tuple[int, list[str]]]:
    """The non-blank rows of the first worksheet with their Excel row numbers."""
    import openpyxl

    _check_zip(data)
    try:
        with warnings.catch_warnings():
            # Unsupported extensions (conditional formats, slicers) only warn.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
            try:
                sheet = workbook.worksheets[0]
                # Some writers record a wrong sheet size; read what is there.
                sheet.reset_dimensions()
                return _collect(
                    enumerate(sheet.iter_rows(values_only=True), start=1),
                    convert=_cell_text,
                )
            finally:
                workbook.close()
    except BankFileError:
        raise
    # A damaged workbook fails inside openpyxl with whatever its XML, zip or style
    # readers raise (KeyError, ValueError, TypeError, IndexError, ...).
    except Exception as error:  # noqa: BLE001
        raise BankFileError(
            _("无法读取该 Excel 文件，文件可能已损坏；请用导入模板重新保存。")
        ) from error


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise BankFileError(
            _(
                "无法识别的文件类型，"
                "请上传 Excel（.xlsx）或 CSV（UTF-8 / GBK 编码）文件。"
            )
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BankFileError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件。"))


def _csv_table(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _collect(enumerate(reader, start=1), convert=str)
    except csv.Error as error:
        raise BankFileError(
            _("CSV 文件格式有误（第 %(line)s 行附近），请用 Excel 重新保存。")
            % {"line": reader.line_num}
        ) from error


def _collect(numbered_rows: Iterable, *, convert) -> list[tuple[int, list[str]]]:
    """Non-blank rows as text, stopping as soon as there are too many."""
    table = []
    for number, cells in numbered_rows:
        values = [_clean(convert(cell)) for cell in cells]
        if not any(values):
            continue
        if len(table) > MAX_ROWS:
            raise BankFileError(
                _("题目超过 %(max)s 行，请拆分后分批导入。") % {"max": MAX_ROWS}
            )
        table.append((number, values))
    return table


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column positions by key (options as "option:A") and the option letters in
    the file, in order."""
    positions: dict[str, int] = {}
    letters = []
    for index, cell in enumerate(header):
        key = _key(cell)
        if not key:
            continue
        column = HEADER_ALIASES.get(key)
        prefix = OPTION_PREFIX.casefold()
        if column is None and key.startswith(prefix):
            letter = key.removeprefix(prefix).upper()
            if re.fullmatch(r"[A-Z]{1,2}", letter):
                column = f"option:{letter}"
                letters.append(letter)
        if column is None:
            continue
        if column in positions:
            raise BankFileError(
                _("表头中“%(column)s”列出现了两次。") % {"column": cell}
            )
        positions[column] = index
    return positions, letters


def _judge(table: list[tuple[int, list[str]]]) -> ParsedBank:
    if not table or table[0][0] != 1:
        raise BankFileError(_("第 1 行应为表头，请使用导入模板。"))
    positions, letters = _columns(table[0][1])
    missing = [HEADERS[key] for key in REQUIRED if key not in positions]
    if missing:
        raise BankFileError(
            _("表头缺少必需的列：%(columns)s。请使用导入模板。")
            % {"columns": "、".join(missing)}
        )
    parsed = ParsedBank()
    for number, cells in table[1:]:
        values = {
            column: cells[index] if index < len(cells) else ""
            for column, index in positions.items()
        }
        result = parse_row(number, values, letters)
        if isinstance(result, RowError):
            parsed.errors.append(result)
        else:
            parsed.rows.append(result)
    return parsed


def _points(raw: str, problems: list[str]) -> Decimal:
    if not raw:
        return Decimal("1")
    try:
        points = Decimal(unicodedata.normalize("NFKC", raw))
    except InvalidOperation:
        points = None
    if points is None or not points.is_finite():
        problems.append(_("分值“%(value)s”不是数字。") % {"value": raw})
    elif points <= 0:
        problems.append(_("分值须大于 0。"))
    elif points > MAX_POINTS or points != points.quantize(CENT):
        problems.append(_("分值须不超过 9999.99，且最多两位小数。"))
    else:
        return points.quantize(CENT)
    return Decimal("1")


def _letters(raw: str, columns: Sequence[str]) -> list[str] | None:
    """Choice letters from "B", "A,C", "AC", "A、C", "a c"; None if unreadable."""
    known = set(columns)
    letters: list[str] = []
    for token in LETTER_SEPARATORS.split(unicodedata.normalize("NFKC", raw).upper()):
        if not token:
            continue
        if token in known:
            parts = [token]
        elif re.fullmatch(r"[A-Z]+", token):
            parts = list(token)
        else:
            return None
        letters += [part for part in parts if part not in letters]
    return letters or None


def _too_long(value: str, limit: int, label: str, problems: list[str]) -> None:
    if len(value) > limit:
        problems.append(
            _("%(label)s不能超过 %(limit)s 个字（现有 %(length)s 个）。")
            % {"label": label, "limit": limit, "length": len(value)}
        )


def parse_row(number: int, values: dict[str, str], letters: Sequence[str]):
    """A BankRow, or a RowError with every problem of the row."""
    problems: list[str] = []
    raw_kind = values.get("kind", "")
    kind = KIND_BY_LABEL.get(folded(raw_kind))
    if not raw_kind:
        problems.append(_("题型为空。"))
    elif kind is None:
        problems.append(
            _("未知题型“%(kind)s”，可填：单选题、多选题、判断题、填空题、简答题。")
            % {"kind": raw_kind}
        )
    text = values.get("text", "")
    if not text:
        problems.append(_("题目为空。"))
    _too_long(text, 4000, _("题目"), problems)
    category = values.get("category", "")
    _too_long(category, 60, _("分类"), problems)
    explanation = values.get("explanation", "")
    _too_long(explanation, 4000, _("解析"), problems)
    points = _points(values.get("points", ""), problems)

    options = [(letter, values.get(f"option:{letter}", "")) for letter in letters]
    while options and not options[-1][1]:
        options.pop()
    for letter, option in options:
        if not option:
            problems.append(
                _("选项%(letter)s为空，但后面的选项有内容；请从选项A起依次填写。")
                % {"letter": letter}
            )
        _too_long(option, 500, _("选项%(letter)s") % {"letter": letter}, problems)

    raw_partial = folded(values.get("partial", ""))
    partial = raw_partial in YES_WORDS
    if not partial and raw_partial not in NO_WORDS:
        problems.append(_("“部分得分”只能填“是”或“否”。"))
    elif partial and kind is not None and kind != QuestionKind.MULTIPLE:
        problems.append(_("只有多选题可以设置部分得分。"))

    answer = values.get("answer", "")
    choices: list[tuple[str, bool]] = []
    accepted = ""
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        choices, answer_problems = _choice_answer(kind, answer, options, letters)
        problems += answer_problems
    elif kind == QuestionKind.TRUE_FALSE:
        choices, answer_problems = _true_false_answer(answer, options)
        problems += answer_problems
    elif kind == QuestionKind.FILL_BLANK:
        # One answer per line; on a single line "|" separates them.
        parts = answer.split("\n") if "\n" in answer else BAR.split(answer)
        accepted = "\n".join(part.strip() for part in parts if part.strip())
        if not accepted:
            problems.append(
                _("填空题请在“正确答案”列填写参考答案，多个答案用“|”分隔。")
            )
        if options:
            problems.append(_("填空题不使用选项，请清空选项列。"))
    elif kind == QuestionKind.SHORT_ANSWER:
        if options:
            problems.append(_("简答题不使用选项，请清空选项列。"))
        if answer:
            problems.append(
                _("简答题由讲师评分，不填写“正确答案”；参考要点请写在“解析”列。")
            )

    if not problems and kind is not None:
        problems += question_problems(
            kind=kind, choices=choices, accepted_answers=accepted
        )
    if problems:
        return RowError(row=number, text=text[:40], reasons=tuple(problems))
    return BankRow(
        row=number,
        kind=kind,
        text=text,
        category=category,
        points=points,
        partial_credit=partial,
        choices=tuple(choices),
        accepted_answers=accepted,
        explanation=explanation,
    )


def _choice_answer(kind, answer, options, letters):
    problems = []
    if not answer:
        return [], [_("正确答案为空，请填写选项字母，如 B 或 A,C。")]
    picked = _letters(answer, letters)
    if picked is None:
        return [], [
            _("正确答案“%(answer)s”无法识别，请填写选项字母，如 B 或 A,C。")
            % {"answer": answer}
        ]
    filled = {letter for letter, option in options if option}
    for letter in picked:
        if letter not in filled:
            problems.append(
                _("正确答案 %(letter)s 对应的选项%(letter)s为空。") % {"letter": letter}
            )
    if kind == QuestionKind.SINGLE and len(picked) > 1:
        problems.append(
            _("单选题只能有一个正确答案，现为 %(answer)s。")
            % {"answer": ",".join(picked)}
        )
    return [(option, letter in picked) for letter, option in options], problems


def _true_false_answer(answer, options):
    word = folded(answer)
    texts = [option for _letter, option in options]
    letter_answer = texts == [TRUE_LABEL, FALSE_LABEL] and word in ("a", "b")
    if texts and texts != [TRUE_LABEL, FALSE_LABEL]:
        return [], [_("判断题无需填写选项（导入时自动生成“正确”“错误”两个选项）。")]
    if word in TRUTHY or (letter_answer and word == "a"):
        value = True
    elif word in FALSY or (letter_answer and word == "b"):
        value = False
    else:
        return [], [_("判断题的正确答案请填写“正确”或“错误”。")]
    return [(TRUE_LABEL, value), (FALSE_LABEL, not value)], []
