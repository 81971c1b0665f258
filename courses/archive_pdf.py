"""A training archive (培训档案) as an A4 PDF: the learner's name, organisation and
the print date, a table of every course and cycle (and, in the admin, learning
paths), and the totals.

Chinese is drawn with the embedded font of ``courses.pdf_fonts``. Every piece of
user text (names, titles) is XML-escaped before it reaches a reportlab
``Paragraph``, whose mini-markup would otherwise run ``<img src=...>`` or
``<a href=...>`` from a learner's name: user text is always printed literally and
never makes reportlab open a file or URL.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from courses.pdf_fonts import cjk_font

MARGIN = 15 * mm
# 课程, 来源, 报名, 完成, 成绩, 考试次数, 学时, 状态 (A4 portrait less the margins).
COURSE_WIDTHS = [58 * mm, 18 * mm, 20 * mm, 20 * mm, 14 * mm, 14 * mm, 14 * mm, 22 * mm]
PATH_WIDTHS = [58 * mm, 18 * mm, 20 * mm, 20 * mm, 42 * mm, 22 * mm]
CERTIFICATE_WIDTHS = [36 * mm, 74 * mm, 24 * mm, 24 * mm, 22 * mm]


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=8.5, leading=11)
    base.wordWrap = "CJK"  # Chinese lines break between any two characters
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24),
        "meta": ParagraphStyle("meta", parent=base, fontSize=10, leading=15),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=18),
        "cell": base,
        "head": ParagraphStyle("head", parent=base, textColor=colors.white),
    }


def _text(value, style) -> Paragraph:
    """``value`` printed literally (escaped), wrapped to its cell."""
    return Paragraph(escape("" if value is None else str(value)), style)


def _date(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d}" if value else "—"


def _number(value) -> str:
    if value is None:
        return "—"
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _table(headings, rows, widths, styles) -> Table:
    data = [[_text(h, styles["head"]) for h in headings]]
    data += [[_text(cell, styles["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2f4f6f")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                (
                    "ROWBACKGROUNDS",
                    (0, 1),
                    (-1, -1),
                    [colors.white, colors.HexColor("#f1f4f7")],
                ),
            ]
        )
    )
    return table


def course_rows(enrollments) -> list[list[str]]:
    rows = []
    for enrollment in enrollments:
        title = enrollment.course.title
        if enrollment.cycle > 1:
            title = _("%(title)s（第 %(cycle)s 周期）") % {
                "title": title,
                "cycle": enrollment.cycle,
            }
        rows.append(
            [
                title,
                enrollment.get_source_display(),
                _date(enrollment.enrolled_at),
                _date(enrollment.completed_at),
                _number(enrollment.score),
                str(enrollment.attempt_count),
                _number(enrollment.course.estimated_hours),
                enrollment.get_status_display(),
            ]
        )
    return rows


def path_rows(path_enrollments) -> list[list[str]]:
    return [
        [
            enrollment.path.title,
            enrollment.get_source_display(),
            _date(enrollment.enrolled_at),
            _date(enrollment.completed_at),
            enrollment.current_stage.title if enrollment.current_stage else "—",
            enrollment.get_status_display(),
        ]
        for enrollment in path_enrollments
    ]


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont(cjk_font(), 8)
    canvas.drawRightString(
        A4[0] - MARGIN, 8 * mm, _("第 %(page)s 页") % {"page": doc.page}
    )
    canvas.restoreState()


def certificate_rows(certificates) -> list[list[str]]:
    return [
        [
            certificate.serial,
            certificate.title,
            _date(certificate.issued_at),
            f"{certificate.valid_until:%Y-%m-%d}" if certificate.valid_until else "—",
            str(certificate.status_label),
        ]
        for certificate in certificates
    ]


def archive_pdf(
    *,
    name: str,
    organisation: str,
    archive,
    path_enrollments=None,
    certificates=None,
    printed_at=None,
) -> bytes:
    """The PDF of ``archive`` (``courses.selectors.dashboard.Archive``) for the
    learner called ``name``; ``path_enrollments`` adds a learning-path table,
    ``certificates`` (from ``my_certificates``) a certificate table."""
    styles = _styles()
    printed_at = printed_at or timezone.now()
    story = [
        _text(_("培训档案"), styles["title"]),
        _text(_("学员：%(name)s") % {"name": name}, styles["meta"]),
        _text(
            _("组织：%(organisation)s") % {"organisation": organisation or "—"},
            styles["meta"],
        ),
        _text(_("打印日期：%(date)s") % {"date": _date(printed_at)}, styles["meta"]),
        _text(
            _("已完成课程 %(count)s 门，累计学时 %(hours)s 小时")
            % {
                "count": archive.completed_count,
                "hours": _number(archive.completed_hours),
            },
            styles["meta"],
        ),
        Spacer(1, 4 * mm),
    ]
    headings = [
        _("课程"),
        _("来源"),
        _("报名日期"),
        _("完成日期"),
        _("成绩（%）"),
        _("考试次数"),
        _("学时"),
        _("状态"),
    ]
    if archive.enrollments:
        rows = course_rows(archive.enrollments)
        story.append(_table(headings, rows, COURSE_WIDTHS, styles))
    else:
        story.append(_text(_("还没有培训记录。"), styles["meta"]))
    if path_enrollments:
        story += [
            Spacer(1, 6 * mm),
            _text(_("学习路径"), styles["heading"]),
            _table(
                [
                    _("学习路径"),
                    _("来源"),
                    _("报名日期"),
                    _("完成日期"),
                    _("当前阶段"),
                    _("状态"),
                ],
                path_rows(path_enrollments),
                PATH_WIDTHS,
                styles,
            ),
        ]
    if certificates:
        story += [
            Spacer(1, 6 * mm),
            _text(_("证书"), styles["heading"]),
            _table(
                [_("证书编号"), _("课程"), _("颁发日期"), _("有效期至"), _("状态")],
                certificate_rows(certificates),
                CERTIFICATE_WIDTHS,
                styles,
            ),
        ]
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("培训档案"),
        author="Shifu",
    )
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return output.getvalue()
