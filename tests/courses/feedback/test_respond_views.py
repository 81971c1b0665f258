"""Filling in a feedback form through the site: /feedback/<page_id>/ and its thank-you
page, anonymous and login-required forms, one per user, double POSTs, honeypot,
rate limit, dates, restricted pages, the notification e-mail and its escaping,
malformed requests, query budgets and the panel on content pages."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import FeedbackAnswer, FeedbackSubmission
from courses.services.feedback import answer_field_name
from tests.factories.feedback import (
    make_feedback_form,
    many_questions,
    page_with_form,
    question_by_key,
    valid_post_data,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def form_url(page) -> str:
    return reverse("feedback:respond", args=[page.pk])


def thanks_url(page) -> str:
    return reverse("feedback:thanks", args=[page.pk])


def field(form, key, row=0) -> str:
    return answer_field_name(question_by_key(form, key).pk, row)


def page_token(response) -> str:
    match = re.search(r'name="token" value="([0-9a-f-]{36})"', response.text)
    assert match, "no token in the form"
    return match.group(1)


def count(form) -> int:
    return FeedbackSubmission.objects.filter(form=form).count()


@pytest.fixture
def form():
    return make_feedback_form(
        title="培训反馈单",
        thank_you_text="谢谢您的宝贵意见！",
        notify_emails="trainer-lead@example.com\nservice@example.com",
    )


@pytest.fixture
def page(form):
    return page_with_form(form)


# -- GET ------------------------------------------------------------------------


def test_get_renders_the_form_never_cached(client, form, page):
    response = client.get(form_url(page))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    html = response.text
    assert "培训反馈单" in html
    assert page.title in html
    assert f'href="{page.url}"' in html
    uuid.UUID(page_token(response))
    assert 'name="csrfmiddlewaretoken"' in html
    # every kind is there, named by question id only
    for key in ("objectives_relevant", "recommend", "speed", "solved"):
        assert f'name="{field(form, key)}"' in html
    assert f'name="{field(form, "trainer", 3)}"' in html
    assert 'type="checkbox"' in html
    assert 'type="date"' in html
    assert "<textarea" in html
    assert 'maxlength="200"' in html and 'maxlength="2000"' in html
    # the honeypot is hidden from people and assistive technology
    honeypot = re.search(r'<div class="form-field-hp"[^>]*>.*?</div>', html, re.S)
    assert honeypot and 'aria-hidden="true"' in honeypot.group(0)
    assert 'name="website"' in honeypot.group(0)
    assert 'tabindex="-1"' in honeypot.group(0)
    assert 'autocomplete="off"' in honeypot.group(0)
    # anonymous respondents may leave a name and organisation
    assert 'name="respondent_name"' in html and 'name="organisation_name"' in html
    assert "<legend" in html and "<fieldset" in html
    assert "css/feedback.css" in html


def test_each_get_gets_a_fresh_token(client, page):
    assert page_token(client.get(form_url(page))) != page_token(
        client.get(form_url(page))
    )


def test_signed_in_users_are_not_asked_for_name(client_for, customer, page):
    response = client_for(customer).get(form_url(page))
    assert response.status_code == 200
    assert 'name="respondent_name"' not in response.text


def test_matrix_is_a_grid_of_labelled_fieldsets(client, form, page):
    html = client.get(form_url(page)).text
    trainer = question_by_key(form, "trainer")
    for row in (1, 2, 3):
        anchor = f"fb-q{trainer.pk}-{row}"
        block = re.search(
            rf'<fieldset class="fb-matrix-row" id="{anchor}".*?</fieldset>', html, re.S
        ).group(0)
        assert "<legend" in block
        for value in range(5, 0, -1):
            input_id = f"id_q{trainer.pk}_{row}_{value}"
            assert f'<label class="fb-matrix-cell" for="{input_id}">' in block
            assert f'id="{input_id}"' in block
    assert "非常同意" in html and "非常不同意" in html


# -- POST -----------------------------------------------------------------------


def test_valid_post_redirects_303_to_thanks(client, form, page):
    token = page_token(client.get(form_url(page)))
    response = client.post(form_url(page), valid_post_data(form, token=token))
    assert response.status_code == 303
    assert response["Location"] == thanks_url(page)
    submission = FeedbackSubmission.objects.get(form=form)
    assert str(submission.token) == token
    assert submission.page_id == page.pk
    assert FeedbackAnswer.objects.filter(submission=submission).count() == 12
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "谢谢您的宝贵意见！" in thanks.text
    assert f'href="{page.url}"' in thanks.text


def test_anonymous_name_and_organisation_stored(client, form, page):
    client.post(
        form_url(page),
        valid_post_data(form, respondent_name="李师傅", organisation_name="华东精密"),
    )
    submission = FeedbackSubmission.objects.get(form=form)
    assert submission.respondent is None
    assert (submission.respondent_name, submission.organisation_name) == (
        "李师傅",
        "华东精密",
    )


def test_signed_in_post_records_the_respondent(client_for, customer, form, page):
    response = client_for(customer).post(form_url(page), valid_post_data(form))
    assert response.status_code == 303
    assert FeedbackSubmission.objects.get(form=form).respondent == customer


def test_invalid_post_keeps_everything_typed(client, form, page):
    token = page_token(client.get(form_url(page)))
    data = valid_post_data(
        form,
        token=token,
        respondent_name="张三",
        **{
            field(form, "recommend"): "12",
            field(form, "best_point"): "讲得<很>好",
            field(form, "suggestions"): None,
            field(form, "channels"): ["2", "3"],
            field(form, "visit_date"): "2026-13-01",
        },
    )
    response = client.post(form_url(page), data)
    assert response.status_code == 200
    assert count(form) == 0
    html = response.text
    assert "请从列表中选择。" in html
    assert "请回答此题。" in html
    assert "请输入有效的日期" in html
    assert 'role="alert"' in html
    # typed values come back (escaped), the same token too
    assert 'value="讲得&lt;很&gt;好"' in html
    assert 'value="张三"' in html
    assert 'value="2026-13-01"' in html
    channels = field(form, "channels")
    assert re.search(rf'id="id_{channels}_2" name="{channels}" value="2" checked', html)
    assert re.search(rf'id="id_{channels}_3" name="{channels}" value="3" checked', html)
    assert not re.search(
        rf'id="id_{channels}_1" name="{channels}" value="1" checked', html
    )
    assert page_token(response) == token
    assert "no-store" in response["Cache-Control"]


def test_double_post_with_the_same_token_stores_once(client, form, page):
    data = valid_post_data(form)
    first = client.post(form_url(page), data)
    second = client.post(form_url(page), data)
    assert first.status_code == second.status_code == 303
    assert count(form) == 1


def test_double_post_on_a_one_per_user_form_still_thanks(client_for, customer):
    form = make_feedback_form(one_per_user=True)
    page = page_with_form(form)
    client = client_for(customer)
    data = valid_post_data(form)
    for _ in range(2):
        response = client.post(form_url(page), data)
        assert response.status_code == 303
        assert response["Location"] == thanks_url(page)
    assert count(form) == 1


def test_honeypot_looks_like_success_stores_nothing(
    client, form, page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url(page), valid_post_data(form, website="http://cheap.example")
        )
    assert response.status_code == 303
    assert response["Location"] == thanks_url(page)
    assert count(form) == 0
    assert mail.outbox == []


def test_honeypot_caught_even_when_the_rest_is_garbage(client, form, page):
    response = client.post(form_url(page), {"website": "x", "token": "nope"})
    assert response.status_code == 303
    assert count(form) == 0


# -- login, one per user, dates --------------------------------------------------


def test_login_required_form_redirects_anonymous_to_login(client, client_for, customer):
    form = make_feedback_form(allow_anonymous=False)
    page = page_with_form(form)
    for response in (
        client.get(form_url(page)),
        client.post(form_url(page), valid_post_data(form)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert response["Location"].endswith(f"next=/feedback/{page.pk}/")
    assert count(form) == 0
    signed_in = client_for(customer)
    assert signed_in.get(form_url(page)).status_code == 200
    assert signed_in.post(form_url(page), valid_post_data(form)).status_code == 303
    assert count(form) == 1


def test_one_per_user_second_post_gets_a_message(client_for, customer):
    form = make_feedback_form(one_per_user=True, allow_anonymous=False)
    page = page_with_form(form)
    client = client_for(customer)
    assert client.post(form_url(page), valid_post_data(form)).status_code == 303
    again = client.get(form_url(page))
    assert again.status_code == 200
    assert "您已经提交过这份反馈" in again.text
    assert 'name="token"' not in again.text
    second = client.post(form_url(page), valid_post_data(form))
    assert second.status_code == 200
    assert "您已经提交过这份反馈" in second.text
    assert count(form) == 1
    # the same form on another page may be answered
    other = page_with_form(form)
    assert client.post(form_url(other), valid_post_data(form)).status_code == 303


def test_closed_and_not_yet_open_forms_show_a_message(client):
    now = timezone.now()
    closed = make_feedback_form(closes_at=now - timedelta(hours=1))
    later = make_feedback_form(opens_at=now + timedelta(days=3))
    for form, text in ((closed, "已于"), (later, "尚未开放")):
        page = page_with_form(form)
        response = client.get(form_url(page))
        assert response.status_code == 200
        assert text in response.text
        assert 'name="token"' not in response.text
        posted = client.post(form_url(page), valid_post_data(form))
        assert posted.status_code == 200
        assert text in posted.text
        assert count(form) == 0


def test_form_inside_its_dates_is_open(client):
    now = timezone.now()
    form = make_feedback_form(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)
    )
    page = page_with_form(form)
    assert client.post(form_url(page), valid_post_data(form)).status_code == 303


# -- restricted pages, missing pages ---------------------------------------------


def test_staff_only_page_not_available_to_customers(client_for, customer, staff, form):
    page = page_with_form(form)
    restriction = PageViewRestriction.objects.create(
        page=page.get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="客服人员"))
    # the page itself: login for anonymous visitors, 403 for customers
    anonymous = client_for(None)
    assert anonymous.get(page.url).status_code == 302
    for url in (form_url(page), thanks_url(page)):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert anonymous.post(form_url(page), valid_post_data(form)).status_code == 302
    as_customer = client_for(customer)
    assert as_customer.get(page.url).status_code == 403
    assert as_customer.get(form_url(page)).status_code == 403
    assert as_customer.post(form_url(page), valid_post_data(form)).status_code == 403
    assert count(form) == 0
    as_staff = client_for(staff)
    assert as_staff.get(form_url(page)).status_code == 200
    assert as_staff.post(form_url(page), valid_post_data(form)).status_code == 303
    assert count(form) == 1


def test_pages_without_a_form_or_not_live_404(client, form):
    without = page_with_form(None)
    unpublished = page_with_form(form)
    unpublished.unpublish()
    for url in (
        form_url(without),
        thanks_url(without),
        form_url(unpublished),
        "/feedback/0/",
        "/feedback/99999999999999999999/",
        "/feedback/abc/",
        "/feedback/-1/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"token": str(uuid.uuid4())}).status_code in (
            404,
            405,
        ), url


# -- rate limit -----------------------------------------------------------------


def test_rate_limit_per_address(client, form, page, settings):
    settings.FEEDBACK_RATE_LIMIT = (3, 600)
    for _ in range(3):
        assert client.post(form_url(page), valid_post_data(form)).status_code == 303
    response = client.post(form_url(page), valid_post_data(form))
    assert response.status_code == 429
    assert "请求过于频繁" in response.text
    assert response["Retry-After"] == "600"
    assert count(form) == 3
    # invalid and honeypot posts count too; another address is not affected
    other = client.post(
        form_url(page), valid_post_data(form), REMOTE_ADDR="203.0.113.9"
    )
    assert other.status_code == 303
    # GETs are never limited
    assert client.get(form_url(page)).status_code == 200


def test_rate_limit_counts_every_post(client, form, page, settings):
    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    client.post(form_url(page), {"token": "bad"})
    client.post(form_url(page), valid_post_data(form, website="spam"))
    assert client.post(form_url(page), valid_post_data(form)).status_code == 429
    assert count(form) == 0


def test_signed_in_users_limited_per_account(client_for, customer, staff, settings):
    """A class answering from one office address is not blocked by each other."""
    settings.FEEDBACK_RATE_LIMIT = (1, 600)
    form = make_feedback_form()
    page = page_with_form(form)
    assert (
        client_for(customer).post(form_url(page), valid_post_data(form)).status_code
        == 303
    )
    assert (
        client_for(staff).post(form_url(page), valid_post_data(form)).status_code == 303
    )
    assert (
        client_for(staff).post(form_url(page), valid_post_data(form)).status_code == 429
    )


# -- notification e-mail ---------------------------------------------------------


def test_notification_email_escapes_what_was_typed(
    client, form, page, django_capture_on_commit_callbacks
):
    data = valid_post_data(
        form,
        respondent_name=SCRIPT,
        organisation_name="<b>单位</b>",
        **{
            field(form, "best_point"): SCRIPT,
            field(form, "suggestions"): f"第一行\n{SCRIPT}",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(page), data)
    assert response.status_code == 303
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["trainer-lead@example.com", "service@example.com"]
    assert "培训反馈单" in message.subject
    assert "\n" not in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;单位&lt;/b&gt;" in html
    assert "<b>单位</b>" not in html
    # plain text is text
    assert SCRIPT in message.body
    assert "第一行" in message.body
    assert "三天内解决" in message.body and "三天内解决" in html
    assert "4（同意）" in message.body
    assert "讲师专业水平高：4（同意）" in message.body
    assert "2026-05-01" in message.body
    assert "（未登录）" in message.body
    assert page.title in message.body


def test_email_sent_only_after_commit(client, form, page):
    # the test transaction never commits, so nothing is sent
    client.post(form_url(page), valid_post_data(form))
    assert count(form) == 1
    assert mail.outbox == []


# -- malformed input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"token": "x" * 100_000},
        {"token": ["a", "b"]},
        {"token": "\x00"},
        {"website": None, "token": None},
        {"respondent_name": "名" * 10_000},
        {"respondent_name": "\x00\x00"},
        {"organisation_name": ["甲", "乙"]},
        {"extra": "ignored", "q999999": "5"},
    ],
)
def test_malformed_posts_never_500(client, form, page, overrides):
    response = client.post(form_url(page), valid_post_data(form, **overrides))
    assert response.status_code in (200, 303)


def test_malformed_answers_are_field_errors(client, form, page):
    data = valid_post_data(
        form,
        **{
            field(form, "objectives_relevant"): ["5", "4"],
            field(form, "recommend"): "\x00",
            field(form, "speed"): "1" * 5000,
            field(form, "channels"): "x" * 100_000,
            field(form, "best_point"): "长" * 100_000,
            field(form, "suggestions"): "\x00" * 10 + "内容",
            field(form, "visit_date"): "9" * 5000,
            field(form, "trainer", 1): "",
            field(form, "trainer", 9): "5",
        },
    )
    response = client.post(form_url(page), data)
    assert response.status_code == 200
    assert count(form) == 0
    html = response.text
    assert "请从列表中选择。" in html
    assert "最多 200 个字" in html
    assert "请输入有效的日期" in html
    assert "\x00" not in html


def test_list_for_a_single_value_takes_one(client, form, page):
    data = valid_post_data(form, **{field(form, "objectives_relevant"): ["5", "3"]})
    assert client.post(form_url(page), data).status_code == 303
    answer = FeedbackAnswer.objects.get(
        submission__form=form, question_key="objectives_relevant"
    )
    assert answer.int_value in (3, 5)


def test_answers_of_another_form_are_ignored(client, form, page):
    other = make_feedback_form()
    data = valid_post_data(form) | {
        k: v for k, v in valid_post_data(other).items() if k.startswith("q")
    }
    assert client.post(form_url(page), data).status_code == 303
    submission = FeedbackSubmission.objects.get(form=form)
    assert set(submission.answers.values_list("question__form_id", flat=True)) == {
        form.pk
    }


def test_wrong_methods(client, page):
    assert client.put(form_url(page)).status_code == 405
    assert client.post(thanks_url(page)).status_code == 405


# -- query budgets ----------------------------------------------------------------


# Session, user, permissions and groups (signed in), page, form, questions, the
# one-per-user check, breadcrumbs, site, footer; a POST adds the token check, the
# profile, the course, the insert and one bulk insert of every answer.
QUERY_BUDGET = {"get": 13, "post": 18}


def measure(client, form, page):
    client.get(form_url(page))  # warm the site, menu and restriction caches
    data = valid_post_data(form)
    with CaptureQueriesContext(connection) as get_queries:
        assert client.get(form_url(page)).status_code == 200
    with CaptureQueriesContext(connection) as post_queries:
        response = client.post(form_url(page), data)
    assert response.status_code == 303
    return len(get_queries), len(post_queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_query_counts_do_not_grow_with_questions(
    client_for, customer, django_assert_max_num_queries, signed_in
):
    counts = []
    for size in (5, 40):
        form = make_feedback_form(
            many_questions(size), notify_emails="a@example.com", one_per_user=True
        )
        client = client_for(customer if signed_in else None)
        counts.append(measure(client, form, page_with_form(form)))
        page = page_with_form(form)
        client.get(form_url(page))
        data = valid_post_data(form)
        with django_assert_max_num_queries(QUERY_BUDGET["get"]):
            client.get(form_url(page))
        with django_assert_max_num_queries(QUERY_BUDGET["post"]):
            assert client.post(form_url(page), data).status_code == 303
    (small_get, small_post), (large_get, large_post) = counts
    assert large_get <= small_get, counts
    assert large_post <= small_post, counts


# -- the panel on content pages -----------------------------------------------------


@pytest.mark.parametrize("kind", ["lesson", "course", "article", "chapter"])
def test_panel_on_pages_with_a_form(client, form, kind):
    page = page_with_form(form, kind=kind)
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.text
    assert 'class="section panel feedback-panel"' in html
    assert f'href="{form_url(page)}"' in html
    assert "培训反馈单" in html
    panel = re.search(
        r'<section class="section panel feedback-panel".*?</section>', html, re.S
    )
    assert "csrfmiddlewaretoken" not in panel.group(0)
    if kind == "article":
        assert "问题解决了吗？" in panel.group(0)
    without = page_with_form(None, kind=kind)
    other = client.get(without.url)
    assert other.status_code == 200
    assert "feedback-panel" not in other.text
    assert "/feedback/" not in other.text


def test_panel_page_still_cached_for_anonymous_visitors(client, form):
    page = page_with_form(form, kind="article")
    first = client.get(page.url)
    second = client.get(page.url)
    assert first.status_code == second.status_code == 200
    assert second.get("X-Shifu-Cache") == "hit"
    assert form_url(page) in second.text


@pytest.mark.parametrize("kind", ["lesson", "course", "article", "chapter"])
def test_panel_costs_one_query_within_the_page_budget(client, form, kind, settings):
    """The form is one FK read on the specific page: one query, whatever the form."""
    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    for page in (page_with_form(None, kind=kind), page_with_form(form, kind=kind)):
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        counts.append(len(captured))
    without, with_form = counts
    assert with_form <= without + 1, counts
    assert with_form <= 15, counts


def test_one_per_user_switched_on_later_counts_earlier_answers(client_for, customer):
    form = make_feedback_form(one_per_user=False)
    page = page_with_form(form)
    client = client_for(customer)
    assert client.post(form_url(page), valid_post_data(form)).status_code == 303
    form.one_per_user = True
    form.save()
    again = client.get(form_url(page))
    assert "您已经提交过这份反馈" in again.text
    assert 'name="token"' not in again.text
    second = client.post(form_url(page), valid_post_data(form))
    assert second.status_code == 200
    assert "您已经提交过这份反馈" in second.text
    assert count(form) == 1
