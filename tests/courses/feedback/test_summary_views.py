"""The summary page and its exports in the Wagtail admin (/admin/feedback/summary/):
figures and server-drawn SVG charts, escaping, filters, the open answers' search and
pagination, XLSX and CSV exports (formula-safe), permissions and the query budget."""

import csv
import io
import re

import openpyxl
import pytest
from django.db import connection, reset_queries
from django.urls import reverse
from django.utils import timezone

from courses.models import FeedbackForm, FeedbackSubmission, ReviewStatus
from tests.courses.feedback import summary_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_page):
    return data.build_world(home_page)


def summary_url(form, **params):
    url = reverse("feedback_summary", args=[form.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def export_url(form, **params):
    url = reverse("feedback_summary_export", args=[form.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def article(html: str, key: str) -> str:
    found = re.search(
        rf'<article[^>]*data-question="{key}"[^>]*>(.*?)</article>', html, re.S
    )
    assert found, key
    return found.group(1)


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, re.S)


def figure(html: str, name: str) -> str:
    found = re.search(rf"data-{name}[^>]*>([^<]*)<", html)
    assert found, name
    return found.group(1).strip()


def test_urls_are_under_the_admin(world):
    assert summary_url(world["form"]) == f"/admin/feedback/summary/{world['form'].pk}/"
    assert export_url(world["form"]).endswith("/export/")


def test_summary_figures(client_for, admin_user, world):
    html = page(client_for(admin_user), summary_url(world["form"]))
    assert figure(html, 'figure="submissions"') == "6"
    assert figure(html, 'figure="anonymous"') == "3"
    content = article(html, "t_content")
    assert figure(content, "mean") == "3.83"
    assert figure(content, "top-box") == "66.7%"
    nps = article(html, "t_nps")
    assert figure(nps, "mean") == "7.17"
    assert figure(nps, "top-box") == "50.0%"
    grid = article(html, "t_grid")
    assert re.search(r'data-item="t_grid.2".*?data-mean>3.60<', grid, re.S)
    assert re.search(r'data-item="t_grid.2".*?data-top-box>60.0%<', grid, re.S)
    # The distribution table next to each chart.
    assert re.search(r"5 非常同意</th>\s*<td>2</td>\s*<td>33.3%</td>", content)


def test_one_svg_bar_per_value_with_title_and_description(
    client_for, admin_user, world
):
    html = page(client_for(admin_user), summary_url(world["form"]))
    expected_bars = {
        "t_content": 5,
        "t_nps": 11,
        "t_solved": 2,
        "t_channel": 3,
        "t_topics": 3,
    }
    for key, bars in expected_bars.items():
        (chart,) = svgs(article(html, key))
        assert chart.count('class="summary-bar"') == bars, key
        assert 'role="img"' in chart
        assert re.search(r'aria-labelledby="q\d+-title q\d+-desc"', chart)
        assert "<title id=" in chart and "<desc id=" in chart
    (matrix,) = svgs(article(html, "t_grid"))
    assert matrix.count('class="summary-stack"') == 2  # one bar per statement
    # Statement 2 has four non-empty segments (5, 4, 3, 2).
    assert matrix.count('class="summary-segment"') == 4 + 4
    # Open and date questions have no chart.
    assert not svgs(article(html, "t_comment"))
    assert not svgs(article(html, "t_date"))
    assert "<script" not in "".join(svgs(html))


def test_labels_and_answers_are_escaped(client_for, admin_user, world):
    html = page(client_for(admin_user), summary_url(world["form"]))
    assert data.CONTENT_TEXT not in html
    assert "内容&lt;实用&gt;" in html
    assert data.STATEMENT_2 not in html
    assert "表达&lt;清楚&gt;" in html
    assert data.SCRIPT_COMMENT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Inside the SVG too (the matrix legend, titles and labels).
    (matrix,) = svgs(article(html, "t_grid"))
    assert "表达&lt;清楚&gt;" in matrix and "<清楚>" not in matrix


def test_filters_narrow_the_summary(client_for, admin_user, world):
    client = client_for(admin_user)
    html = page(client, summary_url(world["form"], course=world["course_b"].pk))
    assert figure(html, 'figure="submissions"') == "3"
    assert figure(article(html, "t_content"), "mean") == "3.67"
    html = page(client, summary_url(world["form"], anonymous="true"))
    assert figure(html, 'figure="submissions"') == "3"
    assert figure(article(html, "t_content"), "mean") == "3.33"
    html = page(client, summary_url(world["form"], review_status="reviewed"))
    assert figure(html, 'figure="submissions"') == "2"
    html = page(
        client,
        summary_url(
            world["form"],
            submitted_at_from="2026-02-01",
            submitted_at_to="2026-02-28",
        ),
    )
    assert figure(html, 'figure="submissions"') == "2"
    html = page(client, summary_url(world["form"], trainer=world["trainer_1"].pk))
    assert figure(html, 'figure="submissions"') == "3"
    html = page(
        client, summary_url(world["form"], organisation=world["organisations"][1].pk)
    )
    assert figure(html, 'figure="submissions"') == "1"
    html = page(client, summary_url(world["form"], page=world["lesson_a"].pk))
    assert figure(html, 'figure="submissions"') == "1"


def test_invalid_filter_shows_nothing(client_for, admin_user, world):
    html = page(client_for(admin_user), summary_url(world["form"], course=999999))
    assert figure(html, 'figure="submissions"') == "0"
    assert "筛选条件无效" in html


def test_trend_and_comparison_tables(client_for, admin_user, world):
    html = page(client_for(admin_user), summary_url(world["form"]))
    trend = re.search(r'<table[^>]*data-table="trend".*?</table>', html, re.S).group(0)
    assert re.findall(r"<th scope=\"col\">(\d{4}-\d{2})</th>", trend) == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    row = re.search(r'data-item="t_content">.*?</tr>', trend, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["4.50", "2.50", "4.50"]
    # The trend chart defaults to the first item; one column per month.
    (chart,) = [c for c in svgs(html) if 'data-chart="trend"' in c]
    assert chart.count('class="summary-column"') == 3
    trainers = re.search(
        r'data-table="summary-trainers-heading".*?</table>', html, re.S
    ).group(0)
    assert "甲讲师" in trainers and "乙讲师" in trainers
    row = re.search(r'data-item="t_content">.*?</tr>', trainers, re.S).group(0)
    assert "共用" in row
    assert re.findall(r"data-mean>([^<]*)<", row) == ["3.67", "3.25"]  # 乙, 甲
    courses = re.search(
        r'data-table="summary-courses-heading".*?</table>', html, re.S
    ).group(0)
    assert "汇总课程甲" in courses and "汇总课程乙" in courses


def test_trend_item_can_be_chosen(client_for, admin_user, world):
    html = page(client_for(admin_user), summary_url(world["form"], trend="t_grid.2"))
    (chart,) = [c for c in svgs(html) if 'data-chart="trend"' in c]
    assert data.STATEMENT_2.replace("<", "&lt;").replace(">", "&gt;") in chart
    assert '<option value="t_grid.2" selected>' in html


def test_open_answers_search_and_pagination(client_for, admin_user, world):
    client = client_for(admin_user)
    html = page(client, summary_url(world["form"], answers_q="实操"))
    assert figure(html, 'figure="answers"') == "共 2 条回答"
    assert "希望多一些实操" in html and "实操时间太短" in html
    assert "讲得很好" not in html
    question = world["form"].questions.get(key="t_comment")
    html = page(client, summary_url(world["form"], answers_question=question.pk))
    assert figure(html, 'figure="answers"') == "共 5 条回答"
    data.bulk_submit(
        world["form"],
        world["course_a"],
        course=world["course_a"],
        count=30,
        start=data.local(2026, 4, 1, 8, 0),
    )
    html = page(client, summary_url(world["form"]))
    assert figure(html, 'figure="answers"') == "共 35 条回答"
    assert html.count("data-answer=") == 20
    second = page(client, summary_url(world["form"], p=2))
    assert second.count("data-answer=") == 15
    assert "讲得很好" in second  # the oldest answers are on the last page


def test_export_xlsx_is_formula_safe(client_for, admin_user, world):
    response = client_for(admin_user).get(export_url(world["form"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "概览",
        "题目统计",
        "选项分布",
        "月度趋势",
        "讲师对比",
        "课程对比",
        "文本回答",
    ]
    questions = list(book["题目统计"].iter_rows(values_only=True))
    assert questions[0][:8] == (
        "题号",
        "题目标识",
        "题目",
        "陈述",
        "题型",
        "回答人数",
        "平均分",
        "高分占比（%）",
    )
    by_key = {row[1]: row for row in questions[1:]}
    assert by_key["t_content"][5:] == (6, 3.83, 66.7)
    assert by_key["t_grid.2"][3] == data.STATEMENT_2
    assert by_key["t_grid.2"][5:] == (5, 3.6, 60.0)
    assert by_key["t_nps"][5:] == (6, 7.17, 50.0)
    # Formula-looking text is stored as text, never as a formula.
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert {cell.value for cell in cells} == {data.FORMULA_OPTION, data.FORMULA_COMMENT}
    assert all(cell.data_type == "s" for cell in cells)
    answers = [row[2] for row in book["文本回答"].iter_rows(values_only=True)]
    assert data.SCRIPT_COMMENT in answers  # raw in a spreadsheet, not HTML
    trend = list(book["月度趋势"].iter_rows(values_only=True))
    assert trend[0][2:] == ("2026-01", "2026-02", "2026-03")
    row = next(r for r in trend if r[0] == "t_content")
    assert row[2:] == (4.5, 2.5, 4.5)
    trainers = list(book["讲师对比"].iter_rows(values_only=True))
    assert ("甲讲师", "t_content", data.CONTENT_TEXT, 4, 3.25) in trainers


def test_export_csv_neutralises_formulas(client_for, admin_user, world):
    response = client_for(admin_user).get(export_url(world["form"], export="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    values = {value for row in rows for value in row}
    assert "'" + data.FORMULA_OPTION in values
    assert "'" + data.FORMULA_COMMENT in values
    assert not any(
        value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in values
    )
    assert [
        "1",
        "t_content",
        data.CONTENT_TEXT,
        "",
        "五级量表",
        "6",
        "3.83",
        "66.7",
    ] in rows


def test_export_follows_filters_and_search(client_for, admin_user, world):
    client = client_for(admin_user)
    response = client.get(
        export_url(world["form"], export="csv", course=world["course_b"].pk)
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["提交数", "3"] in rows
    response = client.get(export_url(world["form"], answers_q="公式"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    answers = list(book["文本回答"].iter_rows(values_only=True))[1:]
    assert [row[2] for row in answers] == [data.FORMULA_COMMENT]


@pytest.mark.parametrize(
    "value", ["%C2%B2", "99999999999999999999999", "-1", "%EF%BC%91", "other"]
)
def test_a_crafted_text_question_is_ignored(client_for, admin_user, world, value):
    """Only the id of one of this form's text questions narrows the answers;
    anything else ("²", a 23-digit number, another form's question) shows them
    all instead of failing."""
    if value == "other":
        value = world["hidden"].questions.first().pk
    client = client_for(admin_user)
    html = page(client, summary_url(world["form"], answers_question=value))
    assert figure(html, 'figure="answers"') == "共 5 条回答"
    for export in ("xlsx", "csv"):
        url = export_url(world["form"], answers_question=value, export=export)
        assert client.get(url).status_code == 200, export


def test_control_characters_in_the_search_are_dropped(client_for, admin_user, world):
    """A NUL byte would fail on PostgreSQL; control characters are dropped as the
    public form drops them."""
    client = client_for(admin_user)
    html = page(client, summary_url(world["form"], answers_q="%00"))
    assert figure(html, 'figure="answers"') == "共 5 条回答"
    html = page(
        client, summary_url(world["form"], answers_q="%00%E5%AE%9E%0B%E6%93%8D")
    )
    assert figure(html, 'figure="answers"') == "共 2 条回答"  # 实操
    for export in ("xlsx", "csv"):
        url = export_url(world["form"], answers_q="%00", export=export)
        assert client.get(url).status_code == 200, export


def test_export_drops_characters_xml_cannot_hold(client_for, admin_user, world):
    FeedbackForm.objects.filter(pk=world["form"].pk).update(title="汇总\x0b测试表")
    course = world["course_a"]
    type(course).objects.filter(pk=course.pk).update(title="汇总课程\x0b甲")
    response = client_for(admin_user).get(export_url(world["form"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    overview = dict(book["概览"].iter_rows(values_only=True))
    assert overview["反馈表"] == "汇总测试表"
    pages = {row[3] for row in book["文本回答"].iter_rows(values_only=True)}
    assert "汇总课程甲" in pages


def test_trainer_sees_only_the_submissions_of_pages_they_edit(client_for, world):
    editor = data.page_editor(world["course_a"], "sum-editor-a", name="甲助教")
    client = client_for(editor)
    html = page(client, summary_url(world["form"]))
    assert figure(html, 'figure="submissions"') == "3"  # course 甲 and its lesson
    assert figure(article(html, "t_content"), "mean") == "4.00"  # 5 4 3
    # The comparisons too: nothing of course 乙.
    assert "乙讲师" not in html and "汇总课程乙" not in html
    # A form used only on course 乙, and ids that do not exist: 404.
    for form_id in (world["hidden"].pk, 999999):
        for url in (
            reverse("feedback_summary", args=[form_id]),
            reverse("feedback_summary_export", args=[form_id]),
        ):
            assert client.get(url).status_code == 404
    # Filters cannot reach course 乙 either.
    html = page(client, summary_url(world["form"], course=world["course_b"].pk))
    assert figure(html, 'figure="submissions"') == "0"


def test_crafted_ids_are_404_for_admins_too(client_for, admin_user, world):
    client = client_for(admin_user)
    missing = FeedbackForm.objects.order_by("-pk").first().pk + 1
    assert client.get(f"/admin/feedback/summary/{missing}/").status_code == 404
    assert client.get(f"/admin/feedback/summary/{missing}/export/").status_code == 404


@pytest.mark.parametrize("who", ["customer", "staff", None])
def test_others_get_nothing(request, client_for, world, who):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)
    for url in (summary_url(world["form"]), export_url(world["form"])):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert "汇总测试表" not in response.content.decode()


def test_view_permission_is_required(client_for, world):
    """A trainer who may edit course 甲 but lost "view" on submissions: refused
    (Wagtail turns the 403 into a redirect to the dashboard with a message)."""
    from django.contrib.auth.models import Permission

    editor = data.page_editor(world["course_a"], "sum-editor-b", name="甲助教二")
    group = editor.groups.get()
    group.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["view_feedbacksubmission", "change_feedbacksubmission"],
        )
    )
    client = client_for(editor)
    for url in (summary_url(world["form"]), export_url(world["form"])):
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, "/admin/")


def test_demo_forms_render(client_for, admin_user):
    client = client_for(admin_user)
    for form in FeedbackForm.objects.filter(
        title__in=["培训反馈单", "现场培训记录单", "客户服务意见单", "网络培训回访"]
    ):
        html = page(client, summary_url(form))
        assert int(figure(html, 'figure="submissions"')) > 0
        assert svgs(html)


def count_page_queries(client, url) -> int:
    """Queries of one GET, counted by an execute wrapper (the test client's
    request_started signal empties ``connection.queries``)."""
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return len(executed)


def test_summary_page_runs_the_same_queries_at_5_and_200_submissions(
    client_for, admin_user, world, django_assert_max_num_queries, settings
):
    settings.FEEDBACK_SUMMARY_CACHE_SECONDS = 0  # every request aggregates
    form = data.make_form("查询预算表", data.QUESTIONS)
    course = world["course_a"]
    client = client_for(admin_user)
    data.bulk_submit(form, course, course=course, count=5, start=data.local(2026, 1, 1))
    url = summary_url(form)
    client.get(url)  # warm per-process caches (content types, site settings)
    small = count_page_queries(client, url)
    reset_queries()
    with django_assert_max_num_queries(40):
        client.get(url)
    data.bulk_submit(
        form, course, course=course, count=195, start=data.local(2025, 6, 1)
    )
    large = count_page_queries(client, url)
    reset_queries()
    with django_assert_max_num_queries(40):
        response = client.get(url)
    assert figure(response.content.decode(), 'figure="submissions"') == "200"
    assert small == large
    # The export too.
    small_export = count_page_queries(client, export_url(form))
    data.bulk_submit(
        form, course, course=course, count=50, start=data.local(2024, 1, 1)
    )
    assert count_page_queries(client, export_url(form)) == small_export


def test_a_repeated_summary_comes_from_the_cache_until_submissions_change(
    client_for, admin_user, world
):
    form = data.make_form("缓存汇总表", data.QUESTIONS)
    course = world["course_a"]
    client = client_for(admin_user)
    data.bulk_submit(form, course, course=course, count=5, start=data.local(2026, 1, 1))
    url = summary_url(form)
    first = count_page_queries(client, url)
    repeat = count_page_queries(client, url)
    assert repeat < first
    data.bulk_submit(form, course, course=course, count=3, start=data.local(2026, 2, 1))
    response = client.get(url)
    assert figure(response.content.decode(), 'figure="submissions"') == "8"
    FeedbackSubmission.objects.filter(form=form).update(
        reviewed_at=timezone.now(), review_status=ReviewStatus.REVIEWED
    )
    status_filtered = client.get(url, {"review_status": ReviewStatus.REVIEWED})
    assert figure(status_filtered.content.decode(), 'figure="submissions"') == "8"
