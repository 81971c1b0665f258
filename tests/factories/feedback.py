"""Feedback forms for tests: ``make_feedback_form`` builds a form with one question of
every kind (or the questions given), and the helpers build what a respondent posts
(``valid_post_data``) or what the respondent form hands the service
(``valid_cleaned_data``)."""

import uuid
from datetime import date
from itertools import cycle, islice

from courses.models import FeedbackForm, FeedbackKind, FeedbackQuestion
from courses.services.feedback import answer_field_name, form_questions

# One question of every kind, with a section heading first.
ALL_KINDS = [
    {"kind": FeedbackKind.SECTION, "key": "part_course", "text": "课程内容"},
    {
        "kind": FeedbackKind.LIKERT,
        "key": "objectives_relevant",
        "text": "培训目标与我的工作相关",
    },
    {
        "kind": FeedbackKind.LIKERT_MATRIX,
        "key": "trainer",
        "text": "对讲师的评价",
        "options": "讲师准备充分\n讲师专业水平高\n讲师平易近人",
    },
    {
        "kind": FeedbackKind.RATING,
        "key": "recommend",
        "text": "您向同事推荐本课程的可能性",
    },
    {
        "kind": FeedbackKind.SINGLE,
        "key": "speed",
        "text": "问题解决的速度",
        "options": "当天解决\n三天内解决\n一周以上",
    },
    {
        "kind": FeedbackKind.MULTIPLE,
        "key": "channels",
        "text": "您通过哪些渠道获得帮助",
        "options": "电话\n在线客服\n现场服务",
    },
    {"kind": FeedbackKind.SHORT_TEXT, "key": "best_point", "text": "最有价值的一点"},
    {
        "kind": FeedbackKind.LONG_TEXT,
        "key": "suggestions",
        "text": "您的建议",
        "help_text": "请尽量具体",
    },
    {"kind": FeedbackKind.YES_NO, "key": "solved", "text": "问题是否已经解决"},
    {"kind": FeedbackKind.DATE, "key": "visit_date", "text": "上门服务日期"},
]

ANSWERABLE_KINDS = [
    FeedbackKind.LIKERT,
    FeedbackKind.LIKERT_MATRIX,
    FeedbackKind.RATING,
    FeedbackKind.SINGLE,
    FeedbackKind.MULTIPLE,
    FeedbackKind.SHORT_TEXT,
    FeedbackKind.LONG_TEXT,
    FeedbackKind.YES_NO,
    FeedbackKind.DATE,
]
OPTIONS_BY_KIND = {
    FeedbackKind.SINGLE: "选项甲\n选项乙\n选项丙",
    FeedbackKind.MULTIPLE: "选项甲\n选项乙\n选项丙",
    FeedbackKind.LIKERT_MATRIX: "陈述一\n陈述二\n陈述三",
}


def many_questions(count: int) -> list[dict]:
    """``count`` questions cycling through every answerable kind."""
    return [
        {
            "kind": kind,
            "key": f"q_{number}",
            "text": f"第 {number} 题",
            "options": OPTIONS_BY_KIND.get(kind, ""),
        }
        for number, kind in enumerate(islice(cycle(ANSWERABLE_KINDS), count), start=1)
    ]


def make_feedback_form(questions=None, **settings) -> FeedbackForm:
    """A saved form with ``questions`` (dicts of FeedbackQuestion fields; default
    ``ALL_KINDS``). Settings (allow_anonymous, one_per_user, dates, notify_emails
    ...) are FeedbackForm fields."""
    settings.setdefault("title", "测试反馈表")
    form = FeedbackForm.objects.create(**settings)
    FeedbackQuestion.objects.bulk_create(
        FeedbackQuestion(
            form=form,
            sort_order=order,
            **{"required": True, "options": "", "help_text": "", **spec},
        )
        for order, spec in enumerate(ALL_KINDS if questions is None else questions)
    )
    return form


def valid_answers(question: FeedbackQuestion) -> dict[str, object]:
    """A valid posted answer for ``question``: field name → value (string or list)."""
    kind = question.kind
    name = answer_field_name(question.pk)
    if kind == FeedbackKind.SECTION:
        return {}
    if kind == FeedbackKind.LIKERT_MATRIX:
        return {
            answer_field_name(question.pk, row): str(5 - (row - 1) % 5)
            for row in range(1, len(question.option_list) + 1)
        }
    return {
        FeedbackKind.LIKERT: {name: "4"},
        FeedbackKind.RATING: {name: "9"},
        FeedbackKind.SINGLE: {name: "2"},
        FeedbackKind.MULTIPLE: {name: ["1", "3"]},
        FeedbackKind.SHORT_TEXT: {name: "案例很实用"},
        FeedbackKind.LONG_TEXT: {name: "希望多安排实操练习。\n资料可以提前发。"},
        FeedbackKind.YES_NO: {name: "1"},
        FeedbackKind.DATE: {name: "2026-05-01"},
    }[kind]


def valid_post_data(form: FeedbackForm, *, token=None, **overrides) -> dict:
    """POST data answering every question of ``form`` validly, with a fresh token
    and an empty honeypot; ``overrides`` replace or add fields (None removes)."""
    data: dict[str, object] = {"token": str(token or uuid.uuid4()), "website": ""}
    for question in form_questions(form):
        data.update(valid_answers(question))
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def valid_cleaned_data(form: FeedbackForm) -> dict[str, object]:
    """What the respondent form's ``cleaned_data`` holds for ``valid_post_data``."""
    cleaned: dict[str, object] = {}
    for question in form_questions(form):
        for name, value in valid_answers(question).items():
            if question.kind == FeedbackKind.MULTIPLE:
                cleaned[name] = [int(v) for v in value]
            elif question.kind in (FeedbackKind.SHORT_TEXT, FeedbackKind.LONG_TEXT):
                cleaned[name] = value
            elif question.kind == FeedbackKind.DATE:
                cleaned[name] = date.fromisoformat(value)
            else:
                cleaned[name] = int(value)
    return cleaned


def question_by_key(form: FeedbackForm, key: str) -> FeedbackQuestion:
    return form.questions.get(key=key)


def page_with_form(form: FeedbackForm | None, *, kind: str = "lesson", trainer=None):
    """A fresh published page carrying ``form``: ``kind`` is lesson (in a new course,
    whose trainer is ``trainer``), course, article or chapter."""
    from home.models import HelpCentrePage, HomePage
    from tests.factories.pages import (
        ArticlePageFactory,
        CourseIndexPageFactory,
        CoursePageFactory,
        HandbookChapterPageFactory,
        HandbookPageFactory,
        LessonPageFactory,
    )

    home = HomePage.objects.get()
    if kind in ("lesson", "course"):
        index = CourseIndexPageFactory(parent=home)
        course = CoursePageFactory(
            parent=index,
            trainer=trainer,
            feedback_form=form if kind == "course" else None,
        )
        if kind == "course":
            return course
        return LessonPageFactory(parent=course, feedback_form=form)
    if kind == "article":
        return ArticlePageFactory(
            parent=HelpCentrePage.objects.get(), feedback_form=form
        )
    if kind == "chapter":
        handbook = HandbookPageFactory(parent=home)
        return HandbookChapterPageFactory(parent=handbook, feedback_form=form)
    raise ValueError(kind)
