"""Who may do what in the feedback admin: group permissions from the migration, the
menu, the permission matrix (training admin, trainer with and without edit rights
on the page, customer, staff, anonymous) for the listing, detail, review, delete
and export, and crafted ids or filters of other trainers' submissions (Wagtail
advisory GHSA-pwm3-7fv4-g6xx): 404 or nothing, never the data."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.test.utils import WagtailTestUtils

from courses.models import FeedbackForm, FeedbackSubmission, ReviewStatus
from courses.selectors.feedback import (
    forms_visible_to,
    pages_using_form,
    submissions_visible_to,
)
from portal.accounts.roles import GROUP_NAMES, Role
from tests.courses.feedback.conftest import FOLLOW_UPS, SUBMISSIONS, grant

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"feedback_submissions:{name}", args=args)


def form_url(name, *args):
    return reverse(FeedbackForm.snippet_viewset.get_url_name(name), args=args)


def exported_ids(response) -> set[int]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}


def _codenames(group_name):
    group = Group.objects.get(name=group_name)
    return set(
        group.permissions.filter(content_type__app_label="courses").values_list(
            "codename", flat=True
        )
    )


def test_migration_grants_trainers_and_training_admins():
    trainer = _codenames(GROUP_NAMES[Role.TRAINER])
    admin = _codenames(GROUP_NAMES[Role.TRAINING_ADMIN])
    assert {
        "add_feedbackform",
        "change_feedbackform",
        "view_feedbackform",
        "view_feedbacksubmission",
    } <= trainer
    assert (
        not {
            "delete_feedbackform",
            "change_feedbacksubmission",
            "delete_feedbacksubmission",
        }
        & trainer
    )
    assert {
        "add_feedbackform",
        "change_feedbackform",
        "delete_feedbackform",
        "view_feedbackform",
        "view_feedbacksubmission",
        "change_feedbacksubmission",
        "delete_feedbacksubmission",
    } <= admin
    for group in (GROUP_NAMES[Role.CUSTOMER], GROUP_NAMES[Role.STAFF]):
        assert not {c for c in _codenames(group) if "feedback" in c}


def _menu_labels(rf, user):
    request = rf.get("/admin/")
    request.user = user
    labels = {}
    for item in admin_menu.menu_items_for_request(request):
        sub = getattr(item, "menu", None)
        labels[str(item.label)] = (
            [str(i.label) for i in sub.menu_items_for_request(request)] if sub else []
        )
    return labels


def test_menu_group_after_quizzes(rf, admin_user, trainer_a):
    labels = _menu_labels(rf, admin_user)
    assert labels["反馈"] == ["反馈表", "提交记录", "跟进事项"]
    names = list(labels)
    assert names.index("反馈") == names.index("测验与考试") + 1
    assert "反馈" in _menu_labels(rf, trainer_a)


# -- selectors ----------------------------------------------------------------------


def test_visibility_selectors(
    fb_data, fb_forms, admin_user, training_admin, trainer, trainer_a, customer, staff
):
    mine = {fb_data[k].pk for k in "abcd"}
    for user in (admin_user, training_admin, trainer):
        assert mine <= set(submissions_visible_to(user).values_list("pk", flat=True))
        assert {f.pk for f in fb_forms.values()} <= set(
            forms_visible_to(user).values_list("pk", flat=True)
        )
    visible = set(submissions_visible_to(trainer_a).values_list("pk", flat=True))
    assert visible & mine == {fb_data["a"].pk, fb_data["b"].pk}
    forms = set(forms_visible_to(trainer_a).values_list("pk", flat=True))
    assert fb_forms["training"].pk in forms
    assert fb_forms["service"].pk not in forms
    for user in (customer, staff):
        assert not submissions_visible_to(user).exists()
        assert not forms_visible_to(user).exists()


def test_page_editors_choose_any_form(client_for, trainer_a, fb_forms):
    """Attaching a shared form (培训反馈单) to a course is the page editor's call; the
    chooser lists every form."""
    chooser = FeedbackForm.snippet_viewset.chooser_viewset
    response = client_for(trainer_a).get(reverse(chooser.get_url_name("choose")))
    assert response.status_code == 200
    assert "客户服务意见单（测试）" in response.json()["html"]


def test_new_unattached_forms_are_visible_to_trainers_who_may_change_forms(
    trainer_a, fb_forms
):
    draft = FeedbackForm.objects.create(title="新写的问卷")
    assert forms_visible_to(trainer_a).filter(pk=draft.pk).exists()
    # Answered somewhere else (say after being detached): not the trainer's any more.
    assert not forms_visible_to(trainer_a).filter(pk=fb_forms["service"].pk).exists()


def test_pages_using_form(fb_tree, fb_forms):
    uses = pages_using_form([fb_forms["training"].pk, fb_forms["service"].pk])
    titles = {use.title for use in uses[fb_forms["training"].pk]}
    assert titles == {"反馈课程甲", "反馈课程甲第一课"}
    assert [use.title for use in uses[fb_forms["service"].pk]] == ["反馈课程乙"]
    assert pages_using_form([]) == {}


# -- the permission matrix ------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_user", "training_admin", "trainer"])
def test_admins_and_page_editors_read_everything(request, client_for, fb_data, who):
    client = client_for(request.getfixturevalue(who))
    listing = client.get(SUBMISSIONS, {"form": fb_data["a"].form_id})
    assert listing.status_code == 200
    for name in ("周建国", "散客单位", "吴丽"):
        assert name in listing.text
    for key in "abcd":
        assert client.get(url("inspect", fb_data[key].pk)).status_code == 200
    ids = exported_ids(client.get(f"{SUBMISSIONS}?export=xlsx"))
    assert {fb_data[k].pk for k in "abcd"} <= ids


def test_trainer_without_edit_rights_sees_only_their_pages(
    client_for, fb_data, trainer_a
):
    client = client_for(trainer_a)
    listing = client.get(SUBMISSIONS)
    assert listing.status_code == 200
    assert "周建国" in listing.text and "散客单位" in listing.text
    assert "吴丽" not in listing.text and "反馈课程乙" not in listing.text
    assert client.get(url("inspect", fb_data["a"].pk)).status_code == 200
    for key in "cd":
        assert client.get(url("inspect", fb_data[key].pk)).status_code == 404
    ids = exported_ids(client.get(f"{SUBMISSIONS}?export=xlsx"))
    assert ids == {fb_data["a"].pk, fb_data["b"].pk}
    csv_text = b"".join(client.get(f"{SUBMISSIONS}?export=csv").streaming_content)
    assert "吴丽".encode() not in csv_text
    follow_ups = client.get(FOLLOW_UPS)
    assert follow_ups.status_code == 200
    assert "吴丽" not in follow_ups.text


@pytest.mark.parametrize("who", ["trainer", "trainer_a"])
def test_trainers_cannot_review_or_delete(request, client_for, fb_data, who):
    client = client_for(request.getfixturevalue(who))
    submission = fb_data["a"]
    for name in ("mark_reviewed", "follow_up", "resolve", "delete"):
        # Wagtail turns PermissionDenied into a redirect to the dashboard.
        assert client.get(url(name, submission.pk)).status_code in (302, 403, 405)
        response = client.post(url(name, submission.pk), {"note": "x"})
        assert response.status_code in (302, 403)
        assert response.get("Location", "/admin/") == "/admin/"
    submission.refresh_from_db()
    assert submission.review_status == ReviewStatus.NEW
    assert FeedbackSubmission.objects.filter(pk=submission.pk).exists()
    detail = client.get(url("inspect", submission.pk))
    assert "标记为已查看" not in detail.text
    assert url("delete", submission.pk) not in detail.text


@pytest.mark.parametrize("who", ["customer", "staff", None])
def test_customers_staff_and_visitors_have_no_feedback_admin(
    request, client_for, fb_data, fb_forms, who
):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)
    submission = fb_data["c"]
    urls = [
        SUBMISSIONS,
        f"{SUBMISSIONS}?export=xlsx",
        f"{SUBMISSIONS}?export=csv",
        url("inspect", submission.pk),
        url("follow_up", submission.pk),
        url("resolve", submission.pk),
        url("delete", submission.pk),
        FOLLOW_UPS,
        form_url("list"),
        form_url("edit", fb_forms["training"].pk),
        reverse("feedback_summary", args=[fb_forms["training"].pk]),
    ]
    for target in urls:
        response = client.get(target)
        assert response.status_code in (302, 403), (who, target)
        assert "吴丽" not in response.content.decode(), (who, target)
    for name in ("mark_reviewed", "resolve", "delete"):
        response = client.post(url(name, submission.pk))
        assert response.status_code in (302, 403)
    submission.refresh_from_db()
    assert submission.review_status == ReviewStatus.FOLLOW_UP


# -- crafted requests ---------------------------------------------------------------


def test_crafted_ids_are_404_even_with_change_and_delete_rights(
    client_for, fb_data, trainer_a
):
    """A trainer granted review and delete rights still acts only on submissions of
    pages they can edit."""
    user = grant(trainer_a, "change_feedbacksubmission", "delete_feedbacksubmission")
    client = client_for(user)
    other = fb_data["c"]
    for name in ("inspect", "follow_up", "resolve", "delete"):
        assert client.get(url(name, other.pk)).status_code == 404, name
    for name in ("mark_reviewed", "follow_up", "resolve", "delete"):
        assert client.post(url(name, other.pk), {"note": "x"}).status_code == 404
    assert client.get(url("inspect", 999999)).status_code == 404
    other.refresh_from_db()
    assert other.review_status == ReviewStatus.FOLLOW_UP
    assert other.follow_up_note == "请乙老师回访。"
    # ... while their own page's submission works.
    response = client.post(url("mark_reviewed", fb_data["a"].pk))
    assert response.status_code == 302
    fb_data["a"].refresh_from_db()
    assert fb_data["a"].review_status == ReviewStatus.REVIEWED
    assert client.post(url("delete", fb_data["b"].pk)).status_code == 302
    assert not FeedbackSubmission.objects.filter(pk=fb_data["b"].pk).exists()


def test_crafted_export_filters_return_nothing(
    client_for, fb_data, fb_forms, fb_tree, trainer_a, organisation
):
    client = client_for(trainer_a)
    crafted = [
        f"form={fb_forms['service'].pk}",
        f"page={fb_tree['course_b'].pk}",
        f"course={fb_tree['course_b'].pk}",
        f"trainer={fb_tree['course_b'].trainer_id}",
        "page=999999",
    ]
    for query in crafted:
        assert exported_ids(client.get(f"{SUBMISSIONS}?{query}&export=xlsx")) == set()
        listing = client.get(f"{SUBMISSIONS}?{query}")
        assert listing.status_code == 200
        assert "周建国" not in listing.text and "吴丽" not in listing.text
    # The trainer's own filters still work.
    ids = exported_ids(
        client.get(f"{SUBMISSIONS}?organisation={organisation.pk}&export=xlsx")
    )
    assert ids == {fb_data["a"].pk}


def test_crafted_form_ids_are_404_for_trainers(
    client_for, fb_data, fb_forms, trainer_a
):
    client = client_for(trainer_a)
    service = fb_forms["service"]
    for name in ("edit", "delete", "usage", "history"):
        assert client.get(form_url(name, service.pk)).status_code == 404, name
    assert client.get(form_url("edit", fb_forms["training"].pk)).status_code == 200
    listing = client.get(form_url("list"))
    assert "培训反馈单（测试）" in listing.text
    assert "客户服务意见单（测试）" not in listing.text
    assert client.get(reverse("feedback_summary", args=[service.pk])).status_code == 404


class TestFormListing(WagtailTestUtils):
    def test_counts_pages_and_links(
        self, client_for, fb_data, fb_forms, admin_user, trainer_a
    ):
        training = fb_forms["training"]
        response = client_for(admin_user).get(form_url("list") + "?q=测试")
        assert response.status_code == 200
        rows = {
            row.select_one("td a").get_text(strip=True): row
            for row in self.get_soup(response.content).select("tbody tr")
        }
        row = rows["培训反馈单（测试）"]
        cells = [td.get_text(" ", strip=True) for td in row.select("td")]
        assert "9" in cells  # answerable questions (the section is not counted)
        assert "3" in cells  # submissions a, b, c
        assert "反馈课程甲第一课" in row.get_text()
        assert f"{SUBMISSIONS}?form={training.pk}" in str(row)
        assert reverse("feedback_summary", args=[training.pk]) in str(row)
        # A trainer counts only the submissions they may read.
        response = client_for(trainer_a).get(form_url("list"))
        row = next(
            r
            for r in self.get_soup(response.content).select("tbody tr")
            if "培训反馈单（测试）" in r.get_text()
        )
        assert "2" in [td.get_text(strip=True) for td in row.select("td")]
