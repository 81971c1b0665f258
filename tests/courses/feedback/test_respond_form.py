"""The respondent form built from a feedback form's questions: every field type, valid
and invalid, required flags, option numbers mapped back on the server, text
cleaning, and what the template gets to render."""

import uuid
from datetime import date

import pytest

from courses.feedback_forms import FeedbackResponseForm, likert_choices
from courses.models import FeedbackKind
from courses.services.feedback import answer_field_name, form_questions
from tests.factories.feedback import (
    make_feedback_form,
    question_by_key,
    valid_cleaned_data,
    valid_post_data,
)

pytestmark = pytest.mark.django_db


def build(form, data=None, *, anonymous=True):
    return FeedbackResponseForm(
        data,
        feedback_form=form,
        questions=form_questions(form),
        anonymous=anonymous,
    )


def field_of(form, key, row=0):
    return answer_field_name(question_by_key(form, key).pk, row)


def errors_for(form, key, value, row=0):
    """The errors of question ``key`` when it is posted as ``value``."""
    name = field_of(form, key, row)
    bound = build(form, valid_post_data(form, **{name: value}))
    bound.is_valid()
    return bound.errors.get(name, [])


@pytest.fixture
def form():
    return make_feedback_form(likert_labels="很同意\n同意\n说不清\n不同意\n很不同意")


def test_valid_post_cleans_to_typed_values(form):
    bound = build(form, valid_post_data(form))
    assert bound.is_valid(), bound.errors
    expected = valid_cleaned_data(form)
    for name, value in expected.items():
        assert bound.cleaned_data[name] == value, name
    assert isinstance(bound.cleaned_data["token"], uuid.UUID)


def test_fields_per_question_and_matrix_row(form):
    bound = build(form)
    names = set(bound.fields)
    trainer = question_by_key(form, "trainer")
    assert {f"q{trainer.pk}_1", f"q{trainer.pk}_2", f"q{trainer.pk}_3"} <= names
    assert f"q{trainer.pk}" not in names
    section = question_by_key(form, "part_course")
    assert not any(name.startswith(f"q{section.pk}") for name in names)
    assert {"token", "website", "respondent_name", "organisation_name"} <= names
    assert "respondent_name" not in build(form, anonymous=False).fields


def test_likert_uses_the_forms_labels_five_to_one(form):
    assert likert_choices(form) == [
        (5, "很同意"),
        (4, "同意"),
        (3, "说不清"),
        (2, "不同意"),
        (1, "很不同意"),
    ]
    item = next(i for i in build(form).items() if i.kind == FeedbackKind.LIKERT)
    assert [(c.value, c.label) for c in item.choices][0] == ("5", "很同意")


@pytest.mark.parametrize(
    ("key", "value", "row"),
    [
        ("objectives_relevant", "6", 0),
        ("objectives_relevant", "0", 0),
        ("objectives_relevant", "非常同意", 0),
        ("trainer", "9", 2),
        ("recommend", "11", 0),
        ("recommend", "-1", 0),
        ("recommend", "5.5", 0),
        ("speed", "4", 0),
        ("speed", "0", 0),
        ("speed", "三天内解决", 0),
        ("channels", ["1", "7"], 0),
        ("channels", ["电话"], 0),
        ("solved", "2", 0),
        ("solved", "yes", 0),
    ],
)
def test_choices_outside_the_list_are_field_errors(form, key, value, row):
    errors = errors_for(form, key, value, row)
    assert errors == ["请从列表中选择。"]


@pytest.mark.parametrize(
    ("key", "row"),
    [
        ("objectives_relevant", 0),
        ("trainer", 1),
        ("trainer", 3),
        ("recommend", 0),
        ("speed", 0),
        ("best_point", 0),
        ("suggestions", 0),
        ("solved", 0),
        ("visit_date", 0),
    ],
)
def test_required_questions(form, key, row):
    assert errors_for(form, key, "", row) == ["请回答此题。"]


def test_required_multiple_choice(form):
    name = field_of(form, "channels")
    bound = build(form, valid_post_data(form, **{name: None}))
    assert not bound.is_valid()
    assert bound.errors[name] == ["请至少选择一项。"]


def test_optional_questions_may_stay_empty():
    form = make_feedback_form(
        [
            {
                "kind": kind,
                "key": f"k{n}",
                "text": f"题 {n}",
                "required": False,
                "options": "甲\n乙"
                if kind in ("single", "multiple", "likert_matrix")
                else "",
            }
            for n, kind in enumerate(
                [
                    "likert",
                    "likert_matrix",
                    "rating",
                    "single",
                    "multiple",
                    "short_text",
                    "long_text",
                    "yes_no",
                    "date",
                ]
            )
        ]
    )
    bound = build(form, {"token": str(uuid.uuid4())})
    assert bound.is_valid(), bound.errors


def test_text_lengths(form):
    assert errors_for(form, "best_point", "字" * 200) == []
    assert errors_for(form, "best_point", "字" * 201) == [
        "最多 200 个字（现在 201 个）。"
    ]
    assert errors_for(form, "suggestions", "字" * 2000) == []
    assert errors_for(form, "suggestions", "字" * 2001) == [
        "最多 2000 个字（现在 2001 个）。"
    ]


def test_texts_lose_control_characters(form):
    short = field_of(form, "best_point")
    long = field_of(form, "suggestions")
    bound = build(
        form,
        valid_post_data(
            form,
            **{short: "好\x00的\x07\n课", long: "第一行\r\n第二行\x00\x1b\t完\x85"},
        ),
    )
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data[short] == "好的 课"
    assert bound.cleaned_data[long] == "第一行\n第二行\t完"


def test_only_control_characters_is_no_answer(form):
    assert errors_for(form, "best_point", "\x00\x00") == ["请回答此题。"]


@pytest.mark.parametrize(
    "value", ["2026-02-30", "01/05/2026", "明天", "2026-5", "1800-01-01"]
)
def test_bad_dates_in_chinese(form, value):
    errors = errors_for(form, "visit_date", value)
    assert len(errors) == 1
    assert "日期" in errors[0]


def test_good_date(form):
    name = field_of(form, "visit_date")
    bound = build(form, valid_post_data(form, **{name: "2026-12-31"}))
    assert bound.is_valid()
    assert bound.cleaned_data[name] == date(2026, 12, 31)


@pytest.mark.parametrize("token", ["", "not-a-uuid", "1" * 5000])
def test_token_must_be_a_uuid(form, token):
    bound = build(form, valid_post_data(form, token=None) | {"token": token})
    assert not bound.is_valid()
    assert bound.errors["token"] == ["表单已失效，请检查后重新提交。"]


def test_honeypot(form):
    assert not build(form, valid_post_data(form)).caught_in_honeypot
    assert build(form, valid_post_data(form, website="http://spam")).caught_in_honeypot


def test_items_keep_what_was_posted_and_number_questions(form):
    speed = field_of(form, "speed")
    channels = field_of(form, "channels")
    best = field_of(form, "best_point")
    row2 = field_of(form, "trainer", 2)
    bound = build(
        form,
        valid_post_data(
            form, **{speed: "3", channels: ["2", "3"], best: "<b>好</b>", row2: "99"}
        ),
    )
    assert not bound.is_valid()
    items = {item.question.key: item for item in bound.items()}
    assert items["part_course"].number is None
    assert items["objectives_relevant"].number == 1
    assert items["visit_date"].number == 9
    assert [c.checked for c in items["speed"].choices] == [False, False, True]
    assert [c.checked for c in items["channels"].choices] == [False, True, True]
    assert items["best_point"].value == "<b>好</b>"
    rows = items["trainer"].rows
    assert [r.statement for r in rows] == [
        "讲师准备充分",
        "讲师专业水平高",
        "讲师平易近人",
    ]
    assert rows[1].errors == ["请从列表中选择。"]
    assert [c.checked for c in rows[0].choices] == [True, False, False, False, False]
    summary = bound.error_summary(list(items.values()))
    assert summary == [
        (rows[1].anchor, "对讲师的评价：讲师专业水平高", "请从列表中选择。")
    ]
