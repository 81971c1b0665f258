"""Fixed data for the summary tests, built with the ORM (no respondent service), so
every figure the tests expect can be computed by hand.

``build_world()`` makes two courses (甲 taught by 甲讲师, 乙 by 乙讲师, a lesson under
甲) and three forms:

- ``form`` (汇总测试表): one question of every kind, keys prefixed ``t_``; six
  submissions, two a month from January to March 2026 (local time), described in
  ``SUBMISSIONS`` below;
- ``other`` (共用题目表): asks ``t_content`` too (Likert: pooled into the trainer and
  course comparisons) and ``t_nps`` as a Likert item (a different kind from the
  rating on ``form``: never pooled); one submission on course 甲;
- ``hidden`` (乙课程专用表): attached to course 乙 only, one submission there.

Hand-computed figures over the six submissions of ``form``:

- t_content (Likert) 5 4 3 2 5 4: n 6, mean 23/6 = 3.83, top box 4/6 = 66.7 %;
- t_grid statement 1: 5 4 3 5 4 2: n 6, mean 3.83, top box 66.7 %;
  statement 2: 4 4 2 - 5 3: n 5, mean 18/5 = 3.60, top box 3/5 = 60.0 %;
- t_nps (0-10) 10 9 6 0 8 10: n 6, mean 43/6 = 7.17, 9-10: 3/6 = 50.0 %;
- t_solved 1 1 0 1 0 -: 是 3 (60.0 %), 否 2 (40.0 %);
- t_channel 1 2 3 1 1 2: 官网 3 (50.0 %), the formula-looking option 2 (33.3 %),
  同事 1 (16.7 %);
- t_topics, five respondents: 保养 3 (60.0 %), 故障 3 (60.0 %), 安装 2 (40.0 %);
- t_comment: five answers; t_date: two (2026-01-09, 2026-01-19).
"""

import itertools
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from courses.models import (
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    FeedbackQuestion,
    FeedbackSubmission,
    ReviewStatus,
)
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role
from tests.factories.pages import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)

FORMULA_OPTION = '=HYPERLINK("http://evil.example","点我")'
FORMULA_COMMENT = "=1+2 公式测试"
SCRIPT_COMMENT = "<script>alert(1)</script>"
CONTENT_TEXT = "内容<实用>"
STATEMENT_2 = "表达<清楚>"

QUESTIONS = [
    # key, kind, text, options
    ("t_part", FeedbackKind.SECTION, "第一部分：课程", []),
    ("t_content", FeedbackKind.LIKERT, CONTENT_TEXT, []),
    ("t_grid", FeedbackKind.LIKERT_MATRIX, "讲师评价", ["准备充分", STATEMENT_2]),
    ("t_nps", FeedbackKind.RATING, "推荐可能性", []),
    ("t_solved", FeedbackKind.YES_NO, "问题是否解决", []),
    ("t_channel", FeedbackKind.SINGLE, "获知渠道", ["官网", FORMULA_OPTION, "同事"]),
    ("t_topics", FeedbackKind.MULTIPLE, "想深入的主题", ["保养", "故障", "安装"]),
    ("t_comment", FeedbackKind.LONG_TEXT, "建议", []),
    ("t_date", FeedbackKind.DATE, "培训日期", []),
]
OTHER_QUESTIONS = [
    ("t_content", FeedbackKind.LIKERT, "内容实用（共用）", []),
    ("t_nps", FeedbackKind.LIKERT, "同一标识、不同题型", []),
]
HIDDEN_QUESTIONS = [("t_hidden", FeedbackKind.LIKERT, "乙课程满意度", [])]

# page, local time, respondent ("u1", "u2" or None), status, answers
SUBMISSIONS = [
    (
        "course_a",
        (2026, 1, 10, 10, 0),
        "u1",
        ReviewStatus.NEW,
        {
            "t_content": 5,
            "t_grid": {1: 5, 2: 4},
            "t_nps": 10,
            "t_solved": 1,
            "t_channel": 1,
            "t_topics": [1, 2],
            "t_comment": "讲得很好，案例实用",
            "t_date": date(2026, 1, 9),
        },
    ),
    (
        "lesson_a",
        (2026, 1, 20, 9, 0),
        None,
        ReviewStatus.REVIEWED,
        {
            "t_content": 4,
            "t_grid": {1: 4, 2: 4},
            "t_nps": 9,
            "t_solved": 1,
            "t_channel": 2,
            "t_topics": [2],
            "t_comment": FORMULA_COMMENT,
            "t_date": date(2026, 1, 19),
        },
    ),
    (
        "course_a",
        (2026, 2, 5, 14, 0),
        "u2",
        ReviewStatus.FOLLOW_UP,
        {
            "t_content": 3,
            "t_grid": {1: 3, 2: 2},
            "t_nps": 6,
            "t_solved": 0,
            "t_channel": 3,
            "t_topics": [1, 2, 3],
            "t_comment": SCRIPT_COMMENT,
        },
    ),
    (
        "course_b",
        (2026, 2, 14, 16, 0),
        None,
        ReviewStatus.NEW,
        {
            "t_content": 2,
            "t_grid": {1: 5},
            "t_nps": 0,
            "t_solved": 1,
            "t_channel": 1,
        },
    ),
    (
        # Half an hour into March in Shanghai, still February in UTC.
        "course_b",
        (2026, 3, 1, 0, 30),
        "u1",
        ReviewStatus.NEW,
        {
            "t_content": 5,
            "t_grid": {1: 4, 2: 5},
            "t_nps": 8,
            "t_solved": 0,
            "t_channel": 1,
            "t_topics": [3],
            "t_comment": "希望多一些实操",
        },
    ),
    (
        "course_b",
        (2026, 3, 28, 11, 0),
        None,
        ReviewStatus.REVIEWED,
        {
            "t_content": 4,
            "t_grid": {1: 2, 2: 3},
            "t_nps": 10,
            "t_channel": 2,
            "t_topics": [1],
            "t_comment": "实操时间太短",
        },
    ),
]

_tokens = itertools.count(1)


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def make_person(username, *, name, role=Role.CUSTOMER, organisation=None):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@summary.example"
    )
    Profile.objects.create(user=user, display_name=name, organisation=organisation)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


def make_form(title, questions, **settings) -> FeedbackForm:
    form = FeedbackForm.objects.create(title=title, **settings)
    FeedbackQuestion.objects.bulk_create(
        FeedbackQuestion(
            form=form,
            key=key,
            kind=kind,
            text=text,
            options="\n".join(options),
            sort_order=number,
        )
        for number, (key, kind, text, options) in enumerate(questions)
    )
    return form


def answer_rows(form, values: dict) -> list[FeedbackAnswer]:
    """Unsaved answer rows for ``values`` ({key: value}) by the storage rule."""
    questions = {q.key: q for q in form.questions.all()}
    rows = []
    for key, value in values.items():
        question = questions[key]
        common = {"question": question, "question_key": key}
        options = question.option_list
        if question.kind == FeedbackKind.LIKERT_MATRIX:
            rows += [
                FeedbackAnswer(**common, row=row, int_value=score)
                for row, score in value.items()
            ]
        elif question.kind == FeedbackKind.MULTIPLE:
            rows += [
                FeedbackAnswer(**common, row=n, int_value=n, text_value=options[n - 1])
                for n in value
            ]
        elif question.kind == FeedbackKind.SINGLE:
            rows.append(
                FeedbackAnswer(**common, int_value=value, text_value=options[value - 1])
            )
        elif question.kind == FeedbackKind.DATE:
            rows.append(FeedbackAnswer(**common, date_value=value))
        elif question.kind in (FeedbackKind.SHORT_TEXT, FeedbackKind.LONG_TEXT):
            rows.append(FeedbackAnswer(**common, text_value=value))
        else:
            rows.append(FeedbackAnswer(**common, int_value=int(value)))
    return rows


def submit(form, page, *, course, when, respondent=None, status=ReviewStatus.NEW,
           answers=None) -> FeedbackSubmission:  # fmt: skip
    organisation = None
    if respondent is not None:
        organisation = respondent.profile.organisation
    submission = FeedbackSubmission.objects.create(
        form=form,
        page=page,
        course=course,
        trainer=course.trainer if course else None,
        respondent=respondent,
        respondent_name=respondent.profile.display_name if respondent else "",
        organisation=organisation,
        organisation_name=organisation.name if organisation else "",
        submitted_at=when,
        token=f"00000000-0000-4000-9000-{next(_tokens):012d}",
        review_status=status,
    )
    rows = answer_rows(form, answers or {})
    for row in rows:
        row.submission = submission
    FeedbackAnswer.objects.bulk_create(rows)
    return submission


def bulk_submit(form, page, *, course, count: int, start: datetime) -> None:
    """``count`` more submissions of ``form`` answering every question, one an
    hour from ``start`` (for query budgets at two sizes)."""
    from datetime import timedelta

    submissions = FeedbackSubmission.objects.bulk_create(
        FeedbackSubmission(
            form=form,
            page=page,
            course=course,
            trainer=course.trainer,
            submitted_at=start + timedelta(hours=n),
            token=f"00000000-0000-4000-a000-{next(_tokens):012d}",
        )
        for n in range(count)
    )
    values = dict(SUBMISSIONS[0][4])
    rows = []
    for n, submission in enumerate(submissions):
        values["t_content"] = n % 5 + 1
        values["t_comment"] = f"第 {n} 条建议"
        for row in answer_rows(form, values):
            row.submission = submission
            rows.append(row)
    FeedbackAnswer.objects.bulk_create(rows)


def page_editor(page, username, *, name):
    """A trainer with the 讲师 model permissions who may edit ``page`` and below
    only."""
    group = Group.objects.create(name=f"讲师（{name}）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="courses", codename="view_feedbacksubmission"
        )
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = make_person(username, name=name, role=Role.TRAINER)
    user.groups.set([group])
    return user


def build_world(home_page) -> dict:
    organisation_1 = Organisation.objects.create(
        name="甲方物业（汇总测试）", kind=Organisation.Kind.CUSTOMER, code="T-SUM-1"
    )
    organisation_2 = Organisation.objects.create(
        name="乙方酒店（汇总测试）", kind=Organisation.Kind.CUSTOMER, code="T-SUM-2"
    )
    trainer_1 = make_person("sum-trainer-1", name="甲讲师", role=Role.TRAINER)
    trainer_2 = make_person("sum-trainer-2", name="乙讲师", role=Role.TRAINER)
    people = {
        "u1": make_person("sum-u1", name="周一", organisation=organisation_1),
        "u2": make_person("sum-u2", name="吴二", organisation=organisation_2),
    }
    index = CourseIndexPageFactory(parent=home_page, title="汇总测试课程目录")
    course_a = CoursePageFactory(parent=index, title="汇总课程甲", trainer=trainer_1)
    course_b = CoursePageFactory(parent=index, title="汇总课程乙", trainer=trainer_2)
    lesson_a = LessonPageFactory(parent=course_a, title="汇总课程甲第一课")
    pages = {"course_a": course_a, "course_b": course_b, "lesson_a": lesson_a}
    courses = {"course_a": course_a, "course_b": course_b, "lesson_a": course_a}

    form = make_form("汇总测试表", QUESTIONS)
    other = make_form("共用题目表", OTHER_QUESTIONS)
    hidden = make_form("乙课程专用表", HIDDEN_QUESTIONS)
    for page in (course_a, lesson_a):
        type(page).objects.filter(pk=page.pk).update(feedback_form=form)
    type(course_b).objects.filter(pk=course_b.pk).update(feedback_form=hidden)

    submissions = [
        submit(
            form,
            pages[page],
            course=courses[page],
            when=local(*when),
            respondent=people[who] if who else None,
            status=status,
            answers=answers,
        )
        for page, when, who, status, answers in SUBMISSIONS
    ]
    pooled = submit(
        other,
        course_a,
        course=course_a,
        when=local(2026, 2, 20, 10, 0),
        answers={"t_content": 1, "t_nps": 5},
    )
    hidden_submission = submit(
        hidden,
        course_b,
        course=course_b,
        when=local(2026, 2, 21, 10, 0),
        answers={"t_hidden": 5},
    )
    return {
        "form": form,
        "other": other,
        "hidden": hidden,
        "submissions": submissions,
        "pooled": pooled,
        "hidden_submission": hidden_submission,
        "trainer_1": trainer_1,
        "trainer_2": trainer_2,
        "people": people,
        "organisations": [organisation_1, organisation_2],
        **pages,
    }
