"""The submission listing and detail: each filter narrows correctly, the search box
matches respondent and organisation names, everything a respondent typed is
escaped, the detail lists every answer under its question, and the listing and
export cost the same number of queries for 3 and 30 submissions."""

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import ReviewStatus
from tests.courses.feedback.conftest import (
    FORMS,
    SCRIPT,
    SUBMISSIONS,
    TRAINING_QUESTIONS,
    aware,
    full_answers,
    make_form,
    make_submission,
    make_user,
)

pytestmark = pytest.mark.django_db

ESCAPED_SCRIPT = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


def exported(client, **params) -> set[int]:
    response = client.get(SUBMISSIONS, {**params, "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content))
    ).active
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {
        int(pk)
        for pk in re.findall(
            r"/admin/feedback/submissions/inspect/(\d+)/", response.text
        )
    }


@pytest.fixture
def ids(fb_data):
    return {key: fb_data[key].pk for key in "abcd"}


def test_each_filter_narrows(
    client_for, admin_user, fb_data, fb_forms, fb_tree, organisation, trainer_b, ids
):
    client = client_for(admin_user)
    mine = set(ids.values())

    def only(**params):
        return exported(client, **params) & mine

    assert only() == mine
    assert only(form=fb_forms["service"].pk) == {ids["d"]}
    assert only(form=fb_forms["training"].pk) == {ids["a"], ids["b"], ids["c"]}
    assert only(page=fb_tree["lesson_a"].pk) == {ids["b"]}
    assert only(course=fb_tree["course_a"].pk) == {ids["a"], ids["b"]}
    assert only(trainer=trainer_b.pk) == {ids["c"], ids["d"]}
    assert only(organisation=organisation.pk) == {ids["a"]}
    assert only(submitted_at_from="2026-03-05", submitted_at_to="2026-04-02") == {
        ids["b"],
        ids["c"],
    }
    assert only(anonymous="true") == {ids["b"], ids["d"]}
    assert only(anonymous="false") == {ids["a"], ids["c"]}
    assert only(review_status=ReviewStatus.FOLLOW_UP) == {ids["c"]}
    assert only(review_status=ReviewStatus.NEW) == {ids["a"], ids["b"]}
    assert only(review_status=ReviewStatus.REVIEWED) == {ids["d"]}
    assert only(q="周建国") == {ids["a"]}
    assert only(q="fb-wu") == {ids["c"]}  # the respondent's username
    assert only(q="散客") == {ids["b"]}  # a typed organisation name
    assert only(q="华东精密") == {ids["a"]}  # the organisation record
    assert only(form=fb_forms["training"].pk, anonymous="true") == {ids["b"]}


def test_listing_rows_show_where_who_and_status(
    client_for, admin_user, fb_data, fb_forms
):
    response = client_for(admin_user).get(
        SUBMISSIONS, {"form": fb_forms["training"].pk}
    )
    assert listed(response) == {fb_data[k].pk for k in "abc"}
    text = response.text
    for expected in (
        "2026-03-01 10:00",
        "反馈课程甲第一课",
        "甲老师",
        "乙老师",
        "周建国",
        "华东精密机械（反馈测试）",
        "匿名",
        "散客单位",
        "需跟进（系统管理员）",
        "待查看",
        "多安排实操练习。",
    ):
        assert expected in text, expected
    # Newest first.
    order = re.findall(r"/admin/feedback/submissions/inspect/(\d+)/", text)
    assert [int(pk) for pk in dict.fromkeys(order)] == [
        fb_data["c"].pk,
        fb_data["b"].pk,
        fb_data["a"].pk,
    ]
    # The summary of the filtered form, carrying the filters.
    summary = reverse("feedback_summary", args=[fb_forms["training"].pk])
    assert f"{summary}?form={fb_forms['training'].pk}" in text


def test_invalid_filters_show_nothing(client_for, admin_user, fb_data):
    client = client_for(admin_user)
    assert listed(client.get(SUBMISSIONS, {"form": "999999"})) == set()
    assert listed(client.get(SUBMISSIONS, {"submitted_at_from": "昨天"})) == set()


def test_typed_text_is_escaped_in_listing_and_detail(
    client_for, admin_user, fb_data, fb_forms, fb_tree
):
    sneaky = make_submission(
        fb_forms["training"],
        fb_tree["course_a"],
        respondent_name='<img src=x onerror="alert(1)">',
        organisation_name="<b>单位</b>",
        answers={"suggestions": SCRIPT},
    )
    client = client_for(admin_user)
    listing = client.get(SUBMISSIONS, {"form": fb_forms["training"].pk})
    detail = client.get(
        reverse("feedback_submissions:inspect", args=[fb_data["b"].pk])
    ).text
    sneaky_detail = client.get(
        reverse("feedback_submissions:inspect", args=[sneaky.pk])
    ).text
    for html in (listing.text, detail, sneaky_detail):
        assert SCRIPT not in html
        assert ESCAPED_SCRIPT in html
    for html in (listing.text, sneaky_detail):
        assert "<img src=x" not in html and "&lt;img src=x" in html
        assert "<b>单位</b>" not in html and "&lt;b&gt;单位&lt;/b&gt;" in html


def test_detail_lists_every_answer_under_its_question(client_for, admin_user, fb_data):
    response = client_for(admin_user).get(
        reverse("feedback_submissions:inspect", args=[fb_data["a"].pk])
    )
    assert response.status_code == 200
    text = response.text
    for _key, _kind, question, _options in TRAINING_QUESTIONS:
        assert question in text, question
    for expected in (
        "5 · 非常同意",  # Likert
        "讲师准备充分：5 · 非常同意",  # matrix statements
        "讲师专业：4 · 同意",
        "讲师平易近人：3 · 一般",
        "9 / 10",  # rating
        "<li>保养</li>",  # multiple choice
        "<li>安装</li>",
        "销售",  # single choice
        "13800000000",
        "多安排实操练习。",
        "2026-02-27",
        "周建国（fb-zhou）",
        "华东精密机械（反馈测试）",
    ):
        assert expected in text, expected
    assert "故障排除" not in text  # not chosen
    # A new submission offers the review actions to training admins.
    assert reverse("feedback_submissions:mark_reviewed", args=[fb_data["a"].pk]) in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_unanswered_questions_say_so(client_for, admin_user, fb_forms, fb_tree):
    bare = make_submission(fb_forms["training"], fb_tree["course_a"], answers={})
    text = (
        client_for(admin_user)
        .get(reverse("feedback_submissions:inspect", args=[bare.pk]))
        .text
    )
    assert text.count("未作答") >= 9


# -- query budgets ------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def budget_form(fb_tree):
    return make_form("预算问卷", TRAINING_QUESTIONS)


def _fill(form, page, count, start=0):
    organisation_user = make_user(f"budget-{start}", name="预算填写人")
    for i in range(start, start + count):
        make_submission(
            form,
            page,
            respondent=organisation_user if i % 2 else None,
            respondent_name="" if i % 2 else f"访客{i}",
            when=aware(2026, 5, 1 + i % 28, 8, 0),
            status=ReviewStatus.FOLLOW_UP if i % 3 == 0 else ReviewStatus.NEW,
            assignee=organisation_user if i % 3 == 0 else None,
            answers=full_answers(suggestions=f"意见 {i}"),
        )


@pytest.mark.parametrize("who", ["admin_user", "trainer_a"])
def test_listing_and_export_queries_do_not_grow(
    request, client_for, budget_form, fb_tree, who
):
    client = client_for(request.getfixturevalue(who))
    urls = [
        f"{SUBMISSIONS}?form={budget_form.pk}",
        f"{SUBMISSIONS}?form={budget_form.pk}&export=xlsx",
        f"{SUBMISSIONS}?form={budget_form.pk}&export=csv",
        f"/admin/feedback/follow-ups/?form={budget_form.pk}",
        f"{FORMS}?q=%E9%A2%84%E7%AE%97",  # 预算: the form listing's counts
    ]
    _fill(budget_form, fb_tree["course_a"], 3)
    small = [_queries(client, url) for url in urls]
    _fill(budget_form, fb_tree["lesson_a"], 27, start=3)
    large = [_queries(client, url) for url in urls]
    assert small == large
    assert max(large) <= 30
    response = client.get(urls[0])
    assert len(listed(response)) == 30
