"""The feedback summary as a spreadsheet: XLSX (one sheet per table) or CSV (the
tables one after the other). Formula-safe: in XLSX every text cell is stored as text
(a cell starting with = never becomes a formula); in CSV text starting with = + - @
tab or CR gets a leading apostrophe."""

import csv
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from courses.selectors.feedback_summary import FormSummary

# Cells starting with these become formulas in spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _blank(value):
    return "" if value is None else value


def summary_sections(summary: FormSummary, answers) -> list[tuple[str, list, list]]:
    """The summary as tables (title, headings, rows): the same content for XLSX
    (one sheet each) and CSV (one after the other)."""
    form = summary.form
    overview = [
        [_("反馈表"), form.title],
        [_("提交数"), summary.submissions],
        [_("匿名提交"), summary.anonymous],
        [_("最早提交"), _local(summary.first_at)],
        [_("最近提交"), _local(summary.last_at)],
        [_("导出时间"), _local(timezone.now())],
    ]
    questions, distribution = [], []
    for question in summary.questions:
        if question.is_section:
            continue
        q = question.question
        if question.items:
            for item in question.items:
                questions.append(
                    [
                        question.number,
                        item.item_key,
                        q.text,
                        item.statement,
                        q.get_kind_display(),
                        item.count,
                        _blank(item.mean),
                        _blank(item.top_box),
                    ]
                )
                distribution += [
                    [question.number, item.item_key, item.label, bar.label, bar.count]
                    + [_blank(bar.share)]
                    for bar in item.bars
                ]
        else:
            questions.append(
                [
                    question.number,
                    q.key,
                    q.text,
                    "",
                    q.get_kind_display(),
                    question.answered,
                    "",
                    "",
                ]
            )
            if question.choice:
                distribution += [
                    [question.number, q.key, q.text, bar.label, bar.count]
                    + [_blank(bar.share)]
                    for bar in question.choice.bars
                ]
    months = [f"{month:%Y-%m}" for month in summary.months]
    trend = [[_("（提交数）"), "", *summary.responses_by_month]]
    trend += [
        [series.item.item_key, series.item.label]
        + [_blank(point.mean) for point in series.points]
        for series in summary.trend
    ]
    sections = [
        (_("概览"), [_("项目"), _("内容")], overview),
        (
            _("题目统计"),
            [
                _("题号"),
                _("题目标识"),
                _("题目"),
                _("陈述"),
                _("题型"),
                _("回答人数"),
                _("平均分"),
                _("高分占比（%）"),
            ],
            questions,
        ),
        (
            _("选项分布"),
            [_("题号"), _("题目标识"), _("题目"), _("选项"), _("人数"), _("占比（%）")],
            distribution,
        ),
        (_("月度趋势"), [_("题目标识"), _("题目"), *months], trend),
    ]
    for title, heading, comparison in (
        (_("讲师对比"), _("讲师"), summary.by_trainer),
        (_("课程对比"), _("课程"), summary.by_course),
    ):
        rows = [
            [row.name, column.item.item_key, column.item.label, cell.count]
            + [_blank(cell.mean)]
            for row in comparison.rows
            for column, cell in zip(comparison.items, row.cells, strict=True)
            if cell.count
        ]
        sections.append(
            (
                title,
                [heading, _("题目标识"), _("题目"), _("回答数"), _("平均分")],
                rows,
            )
        )
    sections.append(
        (
            _("文本回答"),
            [_("提交时间"), _("题目"), _("回答"), _("页面"), _("课程")],
            (
                [
                    _local(answer.submission.submitted_at),
                    answer.question.text,
                    answer.text_value,
                    answer.submission.page.title if answer.submission.page else "",
                    answer.submission.course.title if answer.submission.course else "",
                ]
                for answer in answers
            ),
        )
    )
    return sections


def _local(value) -> str:
    if value is None:
        return ""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def csv_safe(value):
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or CR
    gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    """An XLSX cell; text is always stored as text (never a formula), without the
    control characters XML cannot hold."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, str):
        # Cleaned before the cell exists: openpyxl refuses such text on creation.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_xlsx(sections) -> bytes:
    workbook = Workbook(write_only=True)
    for title, headings, rows in sections:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([xlsx_cell(sheet, heading) for heading in headings])
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(sections) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, (title, headings, rows) in enumerate(sections):
        if number:
            writer.writerow([])
        writer.writerow([csv_safe(title)])
        writer.writerow([csv_safe(heading) for heading in headings])
        for row in rows:
            writer.writerow([csv_safe(value) for value in row])
    return "\ufeff" + buffer.getvalue()  # the BOM makes Excel read UTF-8
