"""The feedback form editor (snippet): nested questions validated as a whole, with
Chinese messages on the question concerned: options per question type, duplicate
keys, keys filled in when left blank, and questions that already have answers
(neither deleted — FeedbackAnswer.question is PROTECT — nor re-keyed or re-typed).
Deleting a form with submissions is refused with a message, never a 500."""

import re

import pytest
from django.urls import reverse

from courses.models import FeedbackForm, FeedbackKind, FeedbackQuestion
from tests.courses.feedback.conftest import SERVICE_QUESTIONS, make_form

pytestmark = pytest.mark.django_db

FORM_FIELDS = {
    "title": "新问卷",
    "intro": "",
    "thank_you_text": "谢谢！",
    "allow_anonymous": "on",
    "opens_at": "",
    "closes_at": "",
    "notify_emails": "",
    "likert_labels": "非常同意\n同意\n一般\n不同意\n非常不同意",
}


def snippet_url(name, *args):
    return reverse(FeedbackForm.snippet_viewset.get_url_name(name), args=args)


def question_data(
    i, *, key="", kind="likert", text="题目", options="", pk="", delete=False
):
    prefix = f"questions-{i}-"
    data = {
        f"{prefix}id": str(pk),
        f"{prefix}ORDER": str(i + 1),
        f"{prefix}kind": kind,
        f"{prefix}key": key,
        f"{prefix}required": "on",
        f"{prefix}text": text,
        f"{prefix}help_text": "",
        f"{prefix}options": options,
    }
    if delete:
        data[f"{prefix}DELETE"] = "1"
    return data


def post_data(questions, *, initial=0, **fields):
    data = {**FORM_FIELDS, **fields}
    data.update(
        {
            "questions-TOTAL_FORMS": str(len(questions)),
            "questions-INITIAL_FORMS": str(initial),
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
        }
    )
    for i, question in enumerate(questions):
        data.update(question_data(i, **question))
    return data


def existing(form, **changes):
    """The editor's POST data for ``form`` as it stands; ``changes`` maps a key to
    the fields to change on that question (``delete=True`` deletes it)."""
    questions = []
    for question in form.questions.order_by("sort_order"):
        values = {
            "pk": question.pk,
            "key": question.key,
            "kind": question.kind,
            "text": question.text,
            "options": question.options,
        }
        values.update(changes.get(question.key, {}))
        questions.append(values)
    return post_data(questions, initial=len(questions), title=form.title)


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.text


def test_create_form_with_blank_keys_filled_in(client_for, admin_user):
    response = client_for(admin_user).post(
        snippet_url("add"),
        post_data(
            [
                {"kind": "section", "text": "第一部分"},
                {"key": "overall", "kind": "likert", "text": "总体评价"},
                {"kind": "single", "text": "渠道", "options": "官网\n销售"},
            ]
        ),
    )
    assert response.status_code == 302, response.text[-2000:]
    form = FeedbackForm.objects.get(title="新问卷")
    keys = list(form.questions.order_by("sort_order").values_list("key", flat=True))
    assert keys[1] == "overall"
    for key in (keys[0], keys[2]):
        assert re.fullmatch(r"q-[0-9a-f]{8}", key)
    assert keys[0] != keys[2]


def test_duplicate_keys_are_refused_in_chinese(client_for, admin_user):
    response = client_for(admin_user).post(
        snippet_url("add"),
        post_data(
            [
                {"key": "overall", "kind": "likert", "text": "总体评价"},
                {"key": "overall", "kind": "rating", "text": "推荐度"},
            ]
        ),
    )
    text = errors_of(response)
    assert "题目标识“overall”在本表单中重复" in text
    assert "Please correct the duplicate" not in text
    assert not FeedbackForm.objects.filter(title="新问卷").exists()


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            {"kind": "single", "text": "渠道", "options": "只有一个"},
            "请至少填写两个选项",
        ),
        (
            {"kind": "multiple", "text": "主题", "options": "保养\n保养"},
            "选项不能重复",
        ),
        (
            {"kind": "likert_matrix", "text": "讲师", "options": ""},
            "请至少填写两个选项（量表矩阵至少一条陈述）",
        ),
        (
            {"kind": "likert", "text": "总体", "options": "甲\n乙"},
            "只有单选、多选和量表矩阵需要填写选项或陈述",
        ),
        ({"kind": "yes_no", "text": "解决了吗", "key": "不是 slug"}, "slug"),
    ],
)
def test_options_rules_per_kind(client_for, admin_user, question, message):
    response = client_for(admin_user).post(snippet_url("add"), post_data([question]))
    text = errors_of(response)
    if message == "slug":
        assert "error-message" in text
    else:
        assert message in text
    assert not FeedbackForm.objects.filter(title="新问卷").exists()


def test_a_likert_matrix_with_one_statement_is_fine(client_for, admin_user):
    response = client_for(admin_user).post(
        snippet_url("add"),
        post_data(
            [{"key": "m", "kind": "likert_matrix", "text": "讲师", "options": "专业"}]
        ),
    )
    assert response.status_code == 302


def test_answered_question_cannot_be_deleted(client_for, admin_user, fb_data, fb_forms):
    form = fb_forms["training"]
    question = form.questions.get(key="suggestions")
    response = client_for(admin_user).post(
        snippet_url("edit", form.pk), existing(form, suggestions={"delete": True})
    )
    text = errors_of(response)
    assert "题目“您的建议”已有 3 份答卷作答，不能删除" in text
    assert FeedbackQuestion.objects.filter(pk=question.pk).exists()
    # The refused deletion is undone in the re-rendered editor.
    assert 'name="questions-7-DELETE"' in text
    assert not re.search(r'name="questions-7-DELETE"[^>]*value="1"', text)


def test_unanswered_question_can_be_deleted(client_for, admin_user, fb_forms):
    form = fb_forms["service"]  # no submissions in this test
    response = client_for(admin_user).post(
        snippet_url("edit", form.pk), existing(form, comment={"delete": True})
    )
    assert response.status_code == 302
    assert list(form.questions.values_list("key", flat=True)) == ["solved"]


@pytest.mark.parametrize(
    ("change", "label"),
    [({"key": "solved_now"}, "题目标识"), ({"kind": "rating"}, "题型")],
)
def test_answered_question_keeps_key_and_type(
    client_for, admin_user, fb_data, fb_forms, change, label
):
    form = fb_forms["service"]
    response = client_for(admin_user).post(
        snippet_url("edit", form.pk), existing(form, solved=change)
    )
    assert f"这道题已有答卷作答，不能修改{label}" in errors_of(response)
    question = form.questions.get(text="问题是否已解决")
    assert (question.key, question.kind) == ("solved", FeedbackKind.YES_NO)


def test_answered_question_text_and_options_may_change(
    client_for, admin_user, fb_data, fb_forms
):
    form = fb_forms["training"]
    response = client_for(admin_user).post(
        snippet_url("edit", form.pk),
        existing(
            form,
            channel={
                "text": "您是从哪里得知本课程的？",
                "options": "官网\n销售\n同事\n展会",
            },
        ),
    )
    assert response.status_code == 302
    assert form.questions.get(key="channel").option_list[-1] == "展会"


def test_form_with_submissions_cannot_be_deleted(
    client_for, admin_user, fb_data, fb_forms
):
    form = fb_forms["service"]
    client = client_for(admin_user)
    response = client.post(snippet_url("delete", form.pk), follow=True)
    assert response.status_code == 200
    assert FeedbackForm.objects.filter(pk=form.pk).exists()
    assert "已有提交记录，不能删除" in response.text or "不能删除" in response.text


def test_form_without_submissions_can_be_deleted(client_for, admin_user):
    form = make_form("临时问卷", SERVICE_QUESTIONS)
    response = client_for(admin_user).post(snippet_url("delete", form.pk))
    assert response.status_code == 302
    assert not FeedbackForm.objects.filter(pk=form.pk).exists()


def test_trainers_edit_but_do_not_delete_forms(client_for, trainer_a, fb_forms):
    client = client_for(trainer_a)
    form = fb_forms["training"]
    assert client.get(snippet_url("edit", form.pk)).status_code == 200
    response = client.post(snippet_url("delete", form.pk))
    assert response.status_code in (302, 403, 404)
    assert FeedbackForm.objects.filter(pk=form.pk).exists()


MATRIX = "讲师准备充分\n讲师专业\n讲师平易近人"


@pytest.mark.parametrize(
    "statements",
    [
        "讲师专业\n讲师准备充分\n讲师平易近人",
        "讲师准备充分\n讲师平易近人",
        "讲师准备充分\n讲师幽默\n讲师专业\n讲师平易近人",
        "讲师准备很充分\n讲师专业\n讲师平易近人",
    ],
    ids=["reordered", "removed", "inserted-in-the-middle", "reworded"],
)
def test_answered_matrix_statements_only_appended(
    client_for, admin_user, fb_data, fb_forms, statements
):
    """Matrix answers are stored by statement number: anything but appending would
    move or hide earlier answers."""
    form = fb_forms["training"]
    response = client_for(admin_user).post(
        snippet_url("edit", form.pk),
        existing(form, trainer_quality={"options": statements}),
    )
    assert "这道题已有答卷作答，只能在末尾添加陈述。" in errors_of(response)
    assert form.questions.get(key="trainer_quality").options == MATRIX


def test_answered_matrix_accepts_a_statement_at_the_end(
    client_for, admin_user, fb_data, fb_forms
):
    form = fb_forms["training"]
    response = client_for(admin_user).post(
        snippet_url("edit", form.pk),
        existing(form, trainer_quality={"options": MATRIX + "\n讲师幽默"}),
    )
    assert response.status_code == 302
    question = form.questions.get(key="trainer_quality")
    assert question.option_list == [*MATRIX.split("\n"), "讲师幽默"]


def test_unanswered_matrix_statements_may_change(client_for, admin_user, fb_forms):
    form = fb_forms["training"]  # no submissions in this test
    response = client_for(admin_user).post(
        snippet_url("edit", form.pk),
        existing(form, trainer_quality={"options": "讲师专业\n讲师准备充分"}),
    )
    assert response.status_code == 302
    question = form.questions.get(key="trainer_quality")
    assert question.option_list == ["讲师专业", "讲师准备充分"]


def test_trainers_cannot_see_or_set_notify_emails(client_for, trainer_a, fb_forms):
    """notify_emails receives the submissions of every page using the form, some of
    which the trainer cannot see: only training admins set it."""
    form = fb_forms["training"]
    FeedbackForm.objects.filter(pk=form.pk).update(notify_emails="lead@example.com")
    client = client_for(trainer_a)
    page = client.get(snippet_url("edit", form.pk))
    assert page.status_code == 200
    assert 'name="notify_emails"' not in page.text
    response = client.post(
        snippet_url("edit", form.pk),
        {**existing(form), "notify_emails": "attacker@example.com"},
    )
    assert response.status_code == 302, response.text[-2000:]
    form.refresh_from_db()
    assert form.notify_emails == "lead@example.com"


def test_training_admins_set_notify_emails(client_for, training_admin, fb_forms):
    form = fb_forms["training"]
    client = client_for(training_admin)
    assert 'name="notify_emails"' in client.get(snippet_url("edit", form.pk)).text
    response = client.post(
        snippet_url("edit", form.pk),
        {**existing(form), "notify_emails": "lead@example.com"},
    )
    assert response.status_code == 302, response.text[-2000:]
    form.refresh_from_db()
    assert form.notify_emails == "lead@example.com"
