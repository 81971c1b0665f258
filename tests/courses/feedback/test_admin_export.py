"""Exports of submissions: XLSX (read back with openpyxl) and CSV, one row per
submission and one column per question (a Likert matrix one per statement, the
chosen options of a multiple-choice question in one cell), formula-safe: text that
a spreadsheet would run as a formula stays literal text in XLSX and is neutralised
with a leading ' in CSV."""

import codecs
import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from courses.models import FeedbackKind, ReviewStatus
from tests.courses.feedback.conftest import (
    NASTY,
    SCRIPT,
    SUBMISSIONS,
    aware,
    full_answers,
    make_form,
    make_submission,
)

pytestmark = pytest.mark.django_db

FIXED_HEADINGS = [
    "编号",
    "提交时间",
    "反馈表",
    "页面",
    "课程",
    "讲师",
    "填写人",
    "用户名",
    "是否匿名",
    "单位",
    "处理状态",
    "跟进人",
    "跟进说明",
    "处理人",
    "处理时间",
]
QUESTION_HEADINGS = [
    "培训目标与我的工作相关",
    "对讲师的评价：讲师准备充分",
    "对讲师的评价：讲师专业",
    "对讲师的评价：讲师平易近人",
    "您向同事推荐本课程的可能性",
    "您从哪里得知本课程",
    "您最想深入的主题",
    "联系电话或备注",
    "您的建议",
    "问题是否已解决",
    "培训日期",
]


@pytest.fixture
def nasty(fb_forms, fb_tree, fb_data):
    """One submission whose typed answers and names look like formulas."""
    return make_submission(
        fb_forms["training"],
        fb_tree["course_a"],
        respondent_name=NASTY["minus"],
        organisation_name=NASTY["at"],
        when=aware(2026, 3, 20, 8, 30),
        answers=full_answers(contact=NASTY["plus"], suggestions=NASTY["hyperlink"]),
    )


def xlsx(client, **params):
    response = client.get(SUBMISSIONS, {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows())
    headings = [cell.value for cell in rows[0]]
    by_id = {row[0].value: dict(zip(headings, row, strict=True)) for row in rows[1:]}
    return headings, by_id


def csv_rows(client, **params):
    response = client.get(SUBMISSIONS, {**params, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return reader.fieldnames, {int(row["编号"]): row for row in reader}


def test_xlsx_columns_and_values(client_for, admin_user, fb_data, fb_forms):
    headings, rows = xlsx(client_for(admin_user), form=fb_forms["training"].pk)
    assert headings == FIXED_HEADINGS + QUESTION_HEADINGS
    assert set(rows) == {fb_data[k].pk for k in "abc"}
    a = {name: cell.value for name, cell in rows[fb_data["a"].pk].items()}
    assert a["提交时间"] == datetime(2026, 3, 1, 10, 0)  # local time, naive
    assert a["反馈表"] == "培训反馈单（测试）"
    assert a["页面"] == "反馈课程甲"
    assert a["课程"] == "反馈课程甲"
    assert a["讲师"] == "甲老师"
    assert a["填写人"] == "周建国"
    assert a["用户名"] == "fb-zhou"
    assert a["是否匿名"] == "否"
    assert a["单位"] == "华东精密机械（反馈测试）"
    assert a["处理状态"] == "待查看"
    assert a["培训目标与我的工作相关"] == 5
    assert a["对讲师的评价：讲师准备充分"] == 5
    assert a["对讲师的评价：讲师专业"] == 4
    assert a["对讲师的评价：讲师平易近人"] == 3
    assert a["您向同事推荐本课程的可能性"] == 9
    assert a["您从哪里得知本课程"] == "销售"
    assert a["您最想深入的主题"] == "保养；安装"
    assert a["问题是否已解决"] == "是"
    assert a["培训日期"] in (date(2026, 2, 27), datetime(2026, 2, 27))
    b = {name: cell.value for name, cell in rows[fb_data["b"].pk].items()}
    assert b["填写人"] == "匿名"
    assert b["是否匿名"] == "是"
    assert b["单位"] == "散客单位"
    assert b["您的建议"] == SCRIPT
    c = {name: cell.value for name, cell in rows[fb_data["c"].pk].items()}
    assert c["处理状态"] == "需跟进"
    assert c["跟进人"] == "系统管理员"
    assert c["跟进说明"] == "请乙老师回访。"
    assert c["处理人"] == "系统管理员"
    assert c["处理时间"] == datetime(2026, 4, 3, 9, 0)
    assert c["问题是否已解决"] == "否"
    assert c["课程"] == "反馈课程乙"


def test_questions_of_several_forms_merge_by_key(client_for, admin_user, fb_data):
    headings, rows = xlsx(client_for(admin_user), course=fb_data["d"].course_id)
    # Training form (c) and service form (d): "solved" is one column for both.
    assert headings.count("问题是否已解决") == 1
    assert "其他意见" in headings
    d = {name: cell.value for name, cell in rows[fb_data["d"].pk].items()}
    assert d["问题是否已解决"] == "是"
    assert d["其他意见"] == "服务乙很及时。"
    assert d["您的建议"] in ("", None)


def test_xlsx_keeps_formula_looking_text_as_text(client_for, admin_user, nasty):
    _headings, rows = xlsx(client_for(admin_user), form=nasty.form_id)
    row = rows[nasty.pk]
    for column, value in (
        ("您的建议", NASTY["hyperlink"]),
        ("联系电话或备注", NASTY["plus"]),
        ("单位", NASTY["at"]),
        ("填写人", f"{NASTY['minus']}（未登录）"),
    ):
        cell = row[column]
        assert cell.value == value, column
        assert cell.data_type == "s", column
    assert row["培训目标与我的工作相关"].data_type == "n"


def test_csv_neutralises_formulas(client_for, admin_user, nasty):
    fieldnames, rows = csv_rows(client_for(admin_user), form=nasty.form_id)
    assert fieldnames == FIXED_HEADINGS + QUESTION_HEADINGS
    row = rows[nasty.pk]
    assert row["您的建议"] == "'" + NASTY["hyperlink"]
    assert row["联系电话或备注"] == "'" + NASTY["plus"]
    assert row["单位"] == "'" + NASTY["at"]
    assert row["填写人"] == "'" + NASTY["minus"] + "（未登录）"
    assert row["提交时间"] == "2026-03-20 08:30"
    assert row["培训目标与我的工作相关"] == "5"
    assert row["您最想深入的主题"] == "保养；安装"


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(A1)", "-3", "@A1", "\tTAB", "\rCR", "普通文字"]
)
def test_every_trigger_is_neutralised_in_csv(
    client_for, admin_user, fb_forms, fb_tree, text
):
    submission = make_submission(
        fb_forms["service"], fb_tree["course_b"], answers={"comment": text}
    )
    _fieldnames, rows = csv_rows(client_for(admin_user), form=fb_forms["service"].pk)
    value = rows[submission.pk]["其他意见"]
    if text == "普通文字":
        assert value == text
    else:
        assert value == "'" + text


def test_script_stays_data_and_default_format_is_xlsx(client_for, admin_user, fb_data):
    client = client_for(admin_user)
    response = client.get(SUBMISSIONS, {"form": fb_data["b"].form_id})
    assert "export=xlsx" in response.text and "export=csv" in response.text
    assert response.text.index("export=xlsx") < response.text.index("export=csv")
    _fields, rows = csv_rows(client, form=fb_data["b"].form_id)
    assert rows[fb_data["b"].pk]["您的建议"] == SCRIPT


def test_export_follows_review_status_filter(client_for, admin_user, fb_data):
    _headings, rows = xlsx(
        client_for(admin_user),
        form=fb_data["a"].form_id,
        review_status=ReviewStatus.FOLLOW_UP,
    )
    assert set(rows) == {fb_data["c"].pk}


def test_csv_starts_with_the_utf8_bom(client_for, admin_user, fb_data):
    """Excel on a Chinese Windows reads a CSV without BOM in the local code page."""
    response = client_for(admin_user).get(
        SUBMISSIONS, {"form": fb_data["a"].form_id, "export": "csv"}
    )
    content = b"".join(response.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    assert content[len(codecs.BOM_UTF8) :].decode("utf-8").startswith("编号,")
    assert content.count(codecs.BOM_UTF8) == 1


def test_question_texts_in_headings_are_formula_safe(
    client_for, admin_user, fb_data, fb_forms
):
    """A question text is typed by a form author: as a heading it stays text in
    XLSX and is neutralised in CSV; characters XML cannot hold are dropped."""
    questions = fb_forms["service"].questions
    questions.filter(key="comment").update(text=NASTY["hyperlink"])
    questions.filter(key="solved").update(text="问题\x0b是否已解决")
    client = client_for(admin_user)
    response = client.get(
        SUBMISSIONS, {"form": fb_forms["service"].pk, "export": "xlsx"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = {cell.value: cell for cell in next(book.active.iter_rows())}
    assert header[NASTY["hyperlink"]].data_type == "s"
    assert all(cell.data_type == "s" for cell in header.values())
    assert "问题是否已解决" in header
    fieldnames, rows = csv_rows(client, form=fb_forms["service"].pk)
    assert "'" + NASTY["hyperlink"] in fieldnames
    assert NASTY["hyperlink"] not in fieldnames
    assert "问题是否已解决" in fieldnames
    assert rows[fb_data["d"].pk]["'" + NASTY["hyperlink"]] == "服务乙很及时。"


def test_same_key_with_another_kind_gets_its_own_column(
    client_for, admin_user, fb_data, fb_tree
):
    """ "solved" is yes/no on the training and service forms but a text on this
    one: two columns, each formatted by its own kind."""
    other = make_form(
        "回访记录（测试）",
        [("solved", FeedbackKind.SHORT_TEXT, "问题解决情况说明", "")],
    )
    e = make_submission(
        other,
        fb_tree["course_b"],
        when=aware(2026, 4, 6, 9, 0),
        answers={"solved": "部分解决"},
    )
    course = fb_tree["course_b"].pk
    for headings, rows in (
        xlsx(client_for(admin_user), course=course),
        csv_rows(client_for(admin_user), course=course),
    ):
        assert headings.count("问题是否已解决") == 1
        assert headings.count("问题解决情况说明") == 1
        values = {
            pk: {name: getattr(cell, "value", cell) or "" for name, cell in row.items()}
            for pk, row in rows.items()
        }
        assert values[e.pk]["问题解决情况说明"] == "部分解决"
        assert values[e.pk]["问题是否已解决"] == ""
        assert values[fb_data["d"].pk]["问题是否已解决"] == "是"
        assert values[fb_data["c"].pk]["问题是否已解决"] == "否"
        assert values[fb_data["d"].pk]["问题解决情况说明"] == ""
