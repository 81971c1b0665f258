"""Bulk import and export of question banks (XLSX and CSV): reading every question
type, row-numbered errors, file checks, formula safety, the round trip, the admin
pages, permissions and duplicate submissions."""

import csv
import io
import re
import threading
import time
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission

from courses.models import Choice, CoursePage, Question, QuestionKind, Quiz
from courses.quiz_bank import services, spreadsheet
from courses.quiz_bank.reading import BankFileError, ParsedBank, read_bank
from courses.quiz_bank.services import ImportReceipt, bank_table, quiz_bank_import
from courses.quiz_bank.spreadsheet import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    render_csv,
    render_xlsx,
    template_table,
)
from tests.factories.quizzes import make_quiz, single_choice_bank

HEADER = template_table()[0]
BLANK_OPTIONS = [""] * 6


def row(
    kind,
    text,
    *,
    category="",
    points="",
    options=(),
    answer="",
    partial="",
    explanation="",
):
    options = list(options) + [""] * (6 - len(options))
    return [kind, category, text, points, *options, answer, partial, explanation]


def xlsx_bytes(rows, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in [header, *rows]:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for values in [header, *rows]:
        writer.writerow(values)
    return buffer.getvalue().encode(encoding)


MAKERS = {"xlsx": xlsx_bytes, "csv": csv_bytes}

EVERY_KIND = [
    row(
        "单选题",
        "滤芯建议多久更换一次？",
        category="产品基础",
        points="2",
        options=["一个月", "六个月", "三年"],
        answer="B",
        explanation="六个月更换。",
    ),
    row(
        "多选题",
        "办理退货需要哪些材料？",
        points="3.5",
        options=["订单号", "购买凭证", "身份证原件", "发票"],
        answer="A、D",
        partial="是",
    ),
    row("多选题", "哪些是颜色？", options=["红", "桌子", "蓝"], answer="ac"),
    row("判断题", "E203 表示水压不足。", answer="对"),
    row("判断题", "设备可以带电清洗。", answer="×"),
    row("填空题", "热线几点开始服务？", answer="9点|九点｜9:00"),
    row("填空题", "哪个符号是竖线？", answer="|\n竖线 |"),
    row("简答题", "请简述处理客户投诉的步骤。", points="10", explanation="倾听、核实"),
]


def snapshot(quiz):
    """Everything an import or export must keep, in bank order."""
    return [
        (
            q.kind,
            q.category,
            q.text,
            q.points,
            q.partial_credit,
            q.accepted_answers,
            q.explanation,
            [(c.text, c.is_correct) for c in q.choices.order_by("sort_order")],
        )
        for q in quiz.questions.order_by("sort_order")
    ]


# Reading -------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_reads_every_question_kind(file_format):
    parsed = read_bank(data=MAKERS[file_format](EVERY_KIND))

    assert parsed.errors == []
    single, multiple, letters, true, false, blank, bar, short = parsed.rows
    assert single.row == 2 and single.kind == QuestionKind.SINGLE
    assert single.category == "产品基础" and single.points == Decimal("2")
    assert single.choices == (("一个月", False), ("六个月", True), ("三年", False))
    assert single.explanation == "六个月更换。"
    assert multiple.kind == QuestionKind.MULTIPLE and multiple.partial_credit
    assert multiple.points == Decimal("3.5")
    assert [ok for _text, ok in multiple.choices] == [True, False, False, True]
    assert [ok for _text, ok in letters.choices] == [True, False, True]
    assert letters.points == Decimal("1") and not letters.partial_credit
    assert true.kind == QuestionKind.TRUE_FALSE
    assert true.choices == (("正确", True), ("错误", False))
    assert false.choices == (("正确", False), ("错误", True))
    assert blank.kind == QuestionKind.FILL_BLANK and blank.choices == ()
    assert blank.accepted_answers == "9点\n九点\n9:00"
    assert bar.accepted_answers == "|\n竖线 |"
    assert short.kind == QuestionKind.SHORT_ANSWER and short.points == Decimal("10")
    assert [r.row for r in parsed.rows] == [2, 3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_reads_csv_in_chinese_excel_encodings(encoding):
    parsed = read_bank(data=csv_bytes(EVERY_KIND, encoding=encoding))
    assert parsed.errors == []
    assert parsed.rows[0].text == "滤芯建议多久更换一次？"
    assert parsed.rows[5].accepted_answers == "9点\n九点\n9:00"


def test_xlsx_numbers_and_booleans_are_read_as_text():
    parsed = read_bank(
        data=xlsx_bytes(
            [
                ["单选题", "", "数字选项", 2.5, 1, 2, 3, "", "", "", "C", "", ""],
                ["判断题", "", "布尔答案", 1, *BLANK_OPTIONS, True, "", ""],
            ]
        )
    )
    assert parsed.errors == []
    numbers, boolean = parsed.rows
    assert numbers.points == Decimal("2.5")
    assert numbers.choices == (("1", False), ("2", False), ("3", True))
    assert boolean.choices == (("正确", True), ("错误", False))


def test_row_numbers_count_blank_rows_and_multiline_csv_records():
    rows = [
        row("简答题", "第一题"),
        [""] * len(HEADER),
        row("简答题", "第二题\n有两行"),
        row("未知", "第三题"),
    ]
    for data in (xlsx_bytes(rows), csv_bytes(rows)):
        parsed = read_bank(data=data)
        assert [r.row for r in parsed.rows] == [2, 4]
        assert [(e.row, e.text) for e in parsed.errors] == [(5, "第三题")]


BAD_ROWS = [
    (row("问答题", "题"), "未知题型“问答题”"),
    (row("", "题"), "题型为空"),
    (row("单选题", "", options=["甲", "乙"], answer="A"), "题目为空"),
    (row("简答题", "题", points="两分"), "分值“两分”不是数字"),
    (row("简答题", "题", points="0"), "分值须大于 0"),
    (row("简答题", "题", points="-1"), "分值须大于 0"),
    (row("简答题", "题", points="1.005"), "最多两位小数"),
    (row("简答题", "题", points="NaN"), "不是数字"),
    (
        row("单选题", "题", options=["甲", "乙"], answer="C"),
        "正确答案 C 对应的选项C为空",
    ),
    (row("多选题", "题", options=["甲", "乙"], answer="A,F"), "选项F为空"),
    (
        row("单选题", "题", options=["甲", "乙", "丙"], answer="A,C"),
        "单选题只能有一个正确答案",
    ),
    (row("单选题", "题", options=["甲", "乙"], answer=""), "正确答案为空"),
    (row("单选题", "题", options=["甲", "乙"], answer="第二个"), "无法识别"),
    (
        row("单选题", "题", options=["甲", "", "丙"], answer="A"),
        "选项B为空，但后面的选项有内容",
    ),
    (row("单选题", "题", options=["甲"], answer="A"), "选择题至少需要两个选项"),
    (row("判断题", "题", answer="也许"), "判断题的正确答案请填写“正确”或“错误”"),
    (row("判断题", "题", options=["是", "否"], answer="A"), "判断题无需填写选项"),
    (row("填空题", "题", answer=" | "), "填空题请在“正确答案”列填写参考答案"),
    (row("填空题", "题", options=["甲"], answer="甲"), "填空题不使用选项"),
    (row("简答题", "题", options=["甲", "乙"]), "简答题不使用选项"),
    (row("简答题", "题", answer="要点"), "简答题由讲师评分"),
    (row("单选题", "题", options=["甲", "乙"], answer="A", partial="是"), "只有多选题"),
    (row("多选题", "题", options=["甲", "乙"], answer="A", partial="也许"), "部分得分"),
    (row("简答题", "题", category="类" * 61), "分类不能超过 60 个字"),
    (row("简答题", "题" * 4001), "题目不能超过 4000 个字"),
    (
        row("单选题", "题", options=["甲" * 501, "乙"], answer="B"),
        "选项A不能超过 500 个字",
    ),
]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize(("bad", "reason"), BAD_ROWS)
def test_each_bad_row_is_reported_with_its_row_number(file_format, bad, reason):
    good = row("简答题", "正常的题目")
    parsed = read_bank(data=MAKERS[file_format]([good, good, bad, good]))

    assert [r.row for r in parsed.rows] == [2, 3, 5]
    (error,) = parsed.errors
    assert error.row == 4
    assert any(reason in message for message in error.reasons), error.reasons


def test_a_row_lists_all_its_problems():
    parsed = read_bank(data=csv_bytes([row("问答题", "", points="abc")]))
    (error,) = parsed.errors
    assert len(error.reasons) == 3


def test_question_problems_are_applied_last():
    # Letters are fine, but the bank rules from grading still apply.
    parsed = read_bank(
        data=csv_bytes([row("多选题", "题", options=["甲"], answer="A")])
    )
    assert parsed.errors[0].reasons == ("选择题至少需要两个选项。",)


def test_headers_are_matched_loosely_and_extra_columns_ignored():
    header = ["备注", " 题型 ", "题目*", "选项 A", "选项b", "答案", "分数"]
    data = csv_bytes([["x", "单选", "题", "甲", "乙", "b", "2"]], header=header)
    (parsed,) = read_bank(data=data).rows
    assert parsed.choices == (("甲", False), ("乙", True))
    assert parsed.points == Decimal("2")


def test_more_options_than_the_template_and_tab_separated_text():
    header = [*HEADER[:10], "选项G", *HEADER[10:]]
    options = ["一", "二", "三", "四", "五", "六", "七"]
    values = ["多选题", "", "七个选项", "1", *options, "A,G", "", ""]
    data = ("\t".join(header) + "\n" + "\t".join(values)).encode()
    (parsed,) = read_bank(data=data).rows
    assert len(parsed.choices) == 7 and parsed.choices[6] == ("七", True)


FILE_ERRORS = [
    (b"", "文件为空"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "无法识别的文件类型"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不支持旧版 Excel"),
    (b"PK\x03\x04 not really a zip", "文件已损坏"),
    ("只有一列\n简答题\n".encode(), "表头缺少必需的列：题型、题目"),
    ("题型,题目,题目\n简答题,甲,乙\n".encode(), "出现了两次"),
    ("\n题型,题目\n简答题,甲\n".encode(), "第 1 行应为表头"),
    (b"\xff\xfe\xfd\x81\x30", "无法识别文件编码"),
]


@pytest.mark.parametrize(("data", "message"), FILE_ERRORS)
def test_unusable_files_raise_a_clear_error(data, message):
    with pytest.raises(BankFileError) as caught:
        read_bank(data=data)
    assert message in caught.value.message


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_that_is_not_a_workbook_is_refused():
    with pytest.raises(BankFileError, match="不是 Excel"):
        read_bank(data=zip_bytes({"word/document.xml": "<w/>"}))


def test_a_zip_bomb_is_refused_before_reading():
    data = zip_bytes(
        {"xl/workbook.xml": "<x/>", "xl/worksheets/sheet1.xml": " " * (50 * 2**20)}
    )
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(BankFileError, match="内容过大"):
        read_bank(data=data)


def test_a_damaged_workbook_is_refused():
    with pytest.raises(BankFileError, match="可能已损坏"):
        read_bank(data=zip_bytes({"xl/workbook.xml": "<not a workbook"}))


def test_too_big_and_too_many_rows():
    with pytest.raises(BankFileError, match="文件过大"):
        read_bank(data=b"a" * (MAX_UPLOAD_BYTES + 1))
    rows = [row("简答题", f"第{n}题") for n in range(MAX_ROWS)]
    assert len(read_bank(data=csv_bytes(rows)).rows) == MAX_ROWS
    with pytest.raises(BankFileError, match=f"超过 {MAX_ROWS} 行"):
        read_bank(data=csv_bytes([*rows, row("简答题", "多一题")]))
    with pytest.raises(BankFileError, match=f"超过 {MAX_ROWS} 行"):
        read_bank(data=xlsx_bytes([*rows, row("简答题", "多一题")]))


def test_formulas_are_never_evaluated():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row("简答题", "placeholder"))
    sheet.append(row("简答题", "placeholder"))
    text_cell = sheet.cell(row=2, column=3)
    text_cell.value = "=1+1"
    text_cell.data_type = "s"  # typed as text in Excel ('=1+1)
    sheet.cell(row=3, column=3).value = "=SUM(1,2)"  # a real formula, never computed
    buffer = io.BytesIO()
    workbook.save(buffer)

    parsed = read_bank(data=buffer.getvalue())
    assert [r.text for r in parsed.rows] == ["=1+1"]
    assert parsed.errors[0].row == 3 and "题目为空" in parsed.errors[0].reasons[0]

    rows = [
        row("简答题", '=HYPERLINK("http://evil","x")'),
        row("简答题", "'=1+1"),
        row("简答题", "@SUM(A1)", explanation="-2+3"),
    ]
    texts = [r.text for r in read_bank(data=csv_bytes(rows)).rows]
    assert texts == ['=HYPERLINK("http://evil","x")', "=1+1", "@SUM(A1)"]


@pytest.mark.parametrize(
    "value", ["=1+1", "+86", "-5 度", "@a", "\tx", "'=x", "''=x", "'plain", "正常", ""]
)
def test_neutralise_and_restore_are_inverse(value):
    safe = spreadsheet.neutralise(value)
    assert not safe.startswith(spreadsheet.FORMULA_STARTS)
    assert spreadsheet.restore(safe) == value


# Importing and exporting -----------------------------------------------------------


def test_import_appends_after_existing_questions(db):
    quiz = make_quiz(bank=single_choice_bank(3))
    parsed = read_bank(data=xlsx_bytes(EVERY_KIND))
    receipt = quiz_bank_import(quiz=quiz, rows=parsed.rows)
    assert receipt == ImportReceipt(imported=8, same_text=0)

    orders = list(
        quiz.questions.order_by("sort_order").values_list("sort_order", "text")
    )
    assert [order for order, _text in orders] == list(range(11))
    assert orders[3][1] == "滤芯建议多久更换一次？"
    assert Choice.objects.filter(question__quiz=quiz).count() == 12 + 3 + 4 + 3 + 2 + 2


def test_import_is_all_or_nothing_on_a_database_error(db, monkeypatch):
    quiz = make_quiz(bank=[])
    parsed = read_bank(data=csv_bytes(EVERY_KIND))

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Choice.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        quiz_bank_import(quiz=quiz, rows=parsed.rows)
    assert not quiz.questions.exists()


TRICKY_BANK = [
    (
        QuestionKind.MULTIPLE,
        "=CMD|' /C calc'!A0 以等号开头的题目",
        [(f"选项{n}", n in (1, 7)) for n in range(1, 9)],
        "",
        "1.5",
    ),
    (QuestionKind.FILL_BLANK, "+86 开头的号码？", [], "a|b\n-1\n@x", "0.25"),
    (
        QuestionKind.TRUE_FALSE,
        "说法@是否正确",
        [("错误", True), ("正确", False)],
        "",
        "3",
    ),
    (QuestionKind.SHORT_ANSWER, "多行\n题目", [], "", "100"),
]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_round_trip_export_then_import_gives_the_same_bank(db, file_format):
    source = make_quiz(bank=None)
    extra = make_quiz(bank=TRICKY_BANK)
    extra.questions.update(quiz=source)
    Question.objects.filter(quiz=source, text__startswith="=CMD").update(
        partial_credit=True, category="-负数分类", explanation="@提示\n第二行"
    )
    for order, question in enumerate(source.questions.order_by("quiz_id", "pk")):
        question.sort_order = order
        question.save(update_fields=["sort_order"])
    table = bank_table(quiz=source)
    data = render_xlsx(table) if file_format == "xlsx" else render_csv(table)

    target = make_quiz(bank=[], title="空测验")
    parsed = read_bank(data=data)
    assert parsed.errors == []
    quiz_bank_import(quiz=target, rows=parsed.rows)

    expected = snapshot(source)
    # A true/false question always comes back as 正确/错误 in that order.
    for i, item in enumerate(expected):
        if item[0] == QuestionKind.TRUE_FALSE:
            correct = next(text for text, ok in item[7] if ok)
            expected[i] = (
                *item[:7],
                [("正确", correct == "正确"), ("错误", correct == "错误")],
            )
    assert snapshot(target) == expected
    assert len(expected) == 9


def test_exported_csv_is_formula_safe_with_a_bom(db):
    quiz = make_quiz(bank=TRICKY_BANK)
    data = render_csv(bank_table(quiz=quiz))
    assert data.startswith("\ufeff".encode())
    cells = [
        cell
        for line in csv.reader(io.StringIO(data.decode("utf-8-sig")))
        for cell in line
    ]
    assert "'=CMD|' /C calc'!A0 以等号开头的题目" in cells
    assert "'+86 开头的号码？" in cells
    assert not [c for c in cells if c.startswith(spreadsheet.FORMULA_STARTS)]


def test_exported_xlsx_has_only_text_cells_for_text(db):
    quiz = make_quiz(bank=TRICKY_BANK)
    Question.objects.filter(quiz=quiz).update(explanation="控制字符\x0b\x01也能导出")
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(bank_table(quiz=quiz))))
    sheet = workbook["题库"]
    cells = [
        cell for line in sheet.iter_rows() for cell in line if cell.value is not None
    ]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert sheet["C2"].value == "'=CMD|' /C calc'!A0 以等号开头的题目"
    assert sheet["C2"].data_type == "s"
    assert sheet["D2"].value == 1.5
    assert "控制字符也能导出" in [c.value for c in cells]


def test_template_is_a_valid_import_file_with_a_kind_drop_down():
    for data in (render_xlsx(template_table()), render_csv(template_table())):
        parsed = read_bank(data=data)
        assert parsed.errors == [] and len(parsed.rows) == 2
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(template_table())))
    validations = workbook["题库"].data_validations.dataValidation
    assert any("单选题,多选题,判断题,填空题,简答题" in v.formula1 for v in validations)
    assert workbook.sheetnames == ["题库", "填写说明"]


@pytest.mark.parametrize("size", [5, 40])
def test_export_and_import_queries_do_not_grow(db, size, django_assert_max_num_queries):
    quiz = make_quiz(bank=single_choice_bank(size))
    with django_assert_max_num_queries(2):
        table = bank_table(quiz=quiz)
    rows = read_bank(data=render_csv(table)).rows
    with django_assert_max_num_queries(10):
        quiz_bank_import(quiz=quiz, rows=rows)
    assert quiz.questions.count() == 2 * size


# Admin pages -------------------------------------------------------------------------


@pytest.fixture
def quiz(db):
    return make_quiz(bank=single_choice_bank(2), title="售后服务考试")


def admin_user_with(username, *codenames):
    user = get_user_model().objects.create_user(username, password="x")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", *codenames])
    )
    return user


def use_on_a_course_page(quiz):
    """Attach ``quiz`` to a demo course page; returns the page."""
    page = CoursePage.objects.order_by("pk").first()
    CoursePage.objects.filter(pk=page.pk).update(quiz=quiz)
    return page


@pytest.fixture
def viewer(db, quiz):
    """May view quizzes and edit the course page that uses ``quiz``."""
    user = admin_user_with("quiz-viewer", "view_quiz")
    group = Group.objects.create(name="测验查看")
    GroupPagePermission.objects.create(
        group=group,
        page=use_on_a_course_page(quiz),
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    user.groups.add(group)
    return user


@pytest.fixture
def admin_only(db):
    return admin_user_with("admin-only")


def import_url(quiz):
    return reverse("quiz_bank:import", args=[quiz.pk])


def export_url(quiz, file_format="xlsx"):
    return reverse("quiz_bank:export", args=[quiz.pk]) + f"?format={file_format}"


def upload(data, name="题库.xlsx"):
    return SimpleUploadedFile(name, data)


def form_key(response):
    return re.search(rb'name="submission" value="([0-9a-f]{32})"', response.content)[1]


def post_file(client, quiz, data, name="题库.xlsx", valid_rows_only=False, key=None):
    if key is None:
        key = form_key(client.get(import_url(quiz))).decode()
    payload = {"file": upload(data, name), "submission": key}
    if valid_rows_only:
        payload["valid_rows_only"] = "on"
    return client.post(import_url(quiz), payload)


@pytest.mark.parametrize("who", [None, "customer", "staff"])
def test_learners_and_anonymous_are_sent_away(who, request, client_for, quiz):
    client = client_for(request.getfixturevalue(who) if who else None)
    for url in (
        import_url(quiz),
        export_url(quiz),
        reverse("quiz_bank:template") + "?format=csv",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
    before = Question.objects.count()
    response = client.post(import_url(quiz), {"file": upload(csv_bytes(EVERY_KIND))})
    assert response.status_code == 302
    assert Question.objects.count() == before


def test_admin_users_without_quiz_permission_are_refused(client_for, admin_only, quiz):
    client = client_for(admin_only)
    for url in (import_url(quiz), export_url(quiz), reverse("quiz_bank:template")):
        assert client.get(url).status_code == 302
        ajax = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
        assert ajax.status_code == 403


def test_view_permission_exports_but_cannot_import(client_for, viewer, quiz):
    client = client_for(viewer)
    assert client.get(export_url(quiz)).status_code == 200
    ajax = client.get(import_url(quiz), headers={"x-requested-with": "XMLHttpRequest"})
    assert ajax.status_code == 403
    response = client.post(
        import_url(quiz),
        {"file": upload(csv_bytes(EVERY_KIND), "a.csv")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 403
    assert quiz.questions.count() == 2


def test_quiz_editors_only_reach_quizzes_they_may_edit(client_for, quiz):
    """With change_quiz but no right to edit the page using the quiz, the quiz is
    out of reach (the Quiz permission policy); an unused quiz is not."""
    client = client_for(admin_user_with("quiz-editor", "change_quiz"))
    unused = make_quiz(bank=[], title="未使用的测验")
    assert client.get(import_url(unused)).status_code == 200
    assert client.get(export_url(unused)).status_code == 200

    use_on_a_course_page(quiz)
    xhr = {"x-requested-with": "XMLHttpRequest"}
    assert client.get(import_url(quiz), headers=xhr).status_code == 403
    assert client.get(export_url(quiz), headers=xhr).status_code == 403
    response = client.post(
        import_url(quiz), {"file": upload(csv_bytes(EVERY_KIND), "a.csv")}
    )
    assert response.status_code == 302
    assert quiz.questions.count() == 2


@pytest.mark.parametrize("who", ["trainer", "admin_user"])
def test_trainers_and_admins_see_the_import_page(who, request, client_for, quiz):
    client = client_for(request.getfixturevalue(who))
    response = client.get(import_url(quiz))
    assert response.status_code == 200
    content = response.content.decode()
    assert "仅导入有效的行" in content and "售后服务考试" in content
    assert reverse("quiz_bank:template") + "?format=xlsx" in content
    assert reverse("quiz_bank:template") + "?format=csv" in content
    assert 'enctype="multipart/form-data"' in content


def test_unknown_quiz_and_format_are_not_found(client_for, trainer, quiz):
    client = client_for(trainer)
    assert client.get(reverse("quiz_bank:import", args=[999999])).status_code == 404
    assert client.get(reverse("quiz_bank:export", args=[999999])).status_code == 404
    assert client.get(export_url(quiz, "pdf")).status_code == 404
    assert client.get(reverse("quiz_bank:template") + "?format=exe").status_code == 404


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_download(client_for, trainer, file_format):
    response = client_for(trainer).get(
        reverse("quiz_bank:template") + f"?format={file_format}"
    )
    assert response.status_code == 200
    assert f".{file_format}" in response["Content-Disposition"]
    assert "attachment" in response["Content-Disposition"]
    assert (
        "no-store" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )
    assert len(read_bank(data=response.content).rows) == 2


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_download_round_trips_through_the_import_page(
    client_for, trainer, quiz, file_format
):
    client = client_for(trainer)
    response = client.get(export_url(quiz, file_format))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    target = make_quiz(bank=[], title="新测验")
    response = post_file(client, target, response.content, name=f"x.{file_format}")
    assert response.status_code == 302
    assert snapshot(target) == snapshot(quiz)


def test_valid_upload_imports_and_shows_the_result(client_for, trainer, quiz):
    client = client_for(trainer)
    response = post_file(client, quiz, xlsx_bytes(EVERY_KIND))
    assert response.status_code == 302
    assert "?result=" in response["Location"]
    assert quiz.questions.count() == 10

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "已导入 8 题" in page.content.decode()


def test_invalid_rows_block_the_whole_import_by_default(client_for, trainer, quiz):
    client = client_for(trainer)
    rows = [
        *EVERY_KIND,
        row("问答题", "坏题"),
        row("单选题", "坏题二", options=["甲"], answer="B"),
    ]
    response = post_file(client, quiz, csv_bytes(rows), name="bank.csv")

    assert response.status_code == 200
    content = response.content.decode()
    assert "未导入任何题目" in content
    assert "<td>10</td>" in content and "<td>11</td>" in content
    assert "未知题型“问答题”" in content
    assert "正确答案 B 对应的选项B为空" in content
    assert "其余 8 行有效" in content
    assert quiz.questions.count() == 2


def test_valid_rows_only_imports_the_good_rows_and_lists_the_bad(
    client_for, trainer, quiz
):
    client = client_for(trainer)
    rows = [row("问答题", "坏题"), *EVERY_KIND]
    response = post_file(
        client, quiz, csv_bytes(rows), name="bank.csv", valid_rows_only=True
    )
    assert response.status_code == 302
    assert quiz.questions.count() == 10
    content = client.get(response["Location"]).content.decode()
    assert "已导入 8 题" in content
    assert "以下 1 行有误，未导入" in content and "<td>2</td>" in content


def test_valid_rows_only_with_no_valid_row_imports_nothing(client_for, trainer, quiz):
    response = post_file(
        client_for(trainer), quiz, csv_bytes([row("问答题", "坏题")]), "a.csv", True
    )
    assert response.status_code == 200
    assert "未导入任何题目" in response.content.decode()
    assert quiz.questions.count() == 2


def test_double_submit_imports_once(client_for, trainer, quiz):
    client = client_for(trainer)
    key = form_key(client.get(import_url(quiz))).decode()
    data = xlsx_bytes(EVERY_KIND)
    first = post_file(client, quiz, data, key=key)
    second = post_file(client, quiz, data, key=key)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert quiz.questions.count() == 10
    content = client.get(second["Location"]).content.decode()
    assert "重复的提交已忽略" in content and "已导入 8 题" in content


def test_same_form_with_another_file_is_a_new_import(client_for, trainer, quiz):
    client = client_for(trainer)
    key = form_key(client.get(import_url(quiz))).decode()
    post_file(client, quiz, csv_bytes([row("简答题", "甲")]), "a.csv", key=key)
    post_file(client, quiz, csv_bytes([row("简答题", "乙")]), "a.csv", key=key)
    assert quiz.questions.count() == 4


def test_a_simultaneous_second_submit_waits_for_the_first(client_for, trainer, quiz):
    client = client_for(trainer)
    key = form_key(client.get(import_url(quiz))).decode()
    data = xlsx_bytes(EVERY_KIND)
    token = services.submission_token(form_key=key, data=data, valid_rows_only=False)
    # The first request holds the claim but has not finished yet.
    cache.set(f"quiz_bank:import:{trainer.pk}:{quiz.pk}:{token}", "pending")

    response = post_file(client, quiz, data, key=key)
    assert response.status_code == 302
    assert quiz.questions.count() == 2
    assert "正在导入" in client.get(response["Location"]).content.decode()


def test_a_failed_import_releases_its_claim(db, trainer, quiz, monkeypatch):
    parsed = read_bank(data=csv_bytes(EVERY_KIND))

    def fail(**kwargs):
        raise OSError

    monkeypatch.setattr(services, "quiz_bank_import", fail)
    with pytest.raises(OSError):
        services.quiz_bank_import_once(
            quiz=quiz, parsed=parsed, user=trainer, token="a" * 40
        )
    monkeypatch.undo()
    receipt, fresh = services.quiz_bank_import_once(
        quiz=quiz, parsed=parsed, user=trainer, token="a" * 40
    )
    assert fresh and receipt == ImportReceipt(imported=8, same_text=0)
    assert quiz.questions.count() == 10


def test_simultaneous_submissions_import_once(monkeypatch):
    """Two requests of a double click racing each other: one imports, the other
    waits or sees the result (no database: the claim alone decides)."""
    calls = []
    barrier = threading.Barrier(2)

    def slow_import(*, quiz, rows, user):
        calls.append(quiz.pk)
        time.sleep(0.2)
        return ImportReceipt(imported=len(rows), same_text=0)

    monkeypatch.setattr(services, "quiz_bank_import", slow_import)
    quiz, user = Quiz(pk=424242), SimpleNamespace(pk=1)
    parsed = ParsedBank(rows=[object()])
    outcomes = []

    def submit():
        barrier.wait()
        try:
            outcomes.append(
                services.quiz_bank_import_once(
                    quiz=quiz, parsed=parsed, user=user, token="b" * 40
                )
            )
        except services.ImportInProgress:
            outcomes.append("in progress")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert calls == [424242]
    receipt = ImportReceipt(imported=1, same_text=0)
    assert (receipt, True) in outcomes
    assert outcomes.count((receipt, True)) == 1
    assert len(outcomes) == 2


def test_result_of_another_user_is_not_shown(client_for, trainer, admin_user, quiz):
    client = client_for(trainer)
    response = post_file(client, quiz, xlsx_bytes(EVERY_KIND))
    other = client_for(admin_user).get(response["Location"])
    assert other.status_code == 200
    assert "已导入 8 题" not in other.content.decode()


def test_reimporting_the_same_questions_warns(client_for, trainer, quiz):
    client = client_for(trainer)
    data = csv_bytes(
        [row("单选题", "第1题：选择正确的说法", options=["甲", "乙"], answer="A")]
    )
    response = post_file(client, quiz, data, "a.csv")
    content = client.get(response["Location"]).content.decode()
    assert "其中 1 题的题目与导入前题库中已有的题目相同" in content


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片.xlsx", "无法识别的文件类型"),
        (b"", "empty.xlsx", "文件为空"),
        (b"a" * (MAX_UPLOAD_BYTES + 1), "big.csv", "文件过大"),
        ("题型,题目\n简答题,甲\n".encode(), "题库.txt", "只能导入 .xlsx 或 .csv 文件"),
        (b"PK\x03\x04garbage", "broken.xlsx", "文件已损坏"),
        ("题型,题目\n".encode(), "header-only.csv", "文件中没有题目"),
        ("名称\n甲\n".encode(), "wrong.csv", "表头缺少必需的列"),
    ],
)
def test_bad_files_show_an_error_not_a_500(
    client_for, trainer, quiz, data, name, message
):
    response = post_file(client_for(trainer), quiz, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert quiz.questions.count() == 2


def test_missing_file_or_form_key(client_for, trainer, quiz):
    client = client_for(trainer)
    response = client.post(import_url(quiz), {"submission": "0" * 32})
    assert (
        response.status_code == 200
        and "请选择要导入的文件" in response.content.decode()
    )
    response = client.post(
        import_url(quiz), {"file": upload(csv_bytes(EVERY_KIND), "a.csv")}
    )
    assert response.status_code == 200 and "页面已过期" in response.content.decode()
    assert quiz.questions.count() == 2


def test_import_needs_a_csrf_token(trainer, quiz):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    page = client.get(import_url(quiz))
    response = client.post(
        import_url(quiz),
        {
            "file": upload(csv_bytes(EVERY_KIND), "a.csv"),
            "submission": form_key(page).decode(),
        },
    )
    assert response.status_code == 403
    assert quiz.questions.count() == 2
