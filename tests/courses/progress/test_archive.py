"""培训档案 (/my/archive/): every cycle, score, attempts, hours; print and XLSX
export (formula-safe); privacy and the query budget."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Quiz, QuizAttempt
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.models.quizzes import AttemptStatus
from courses.selectors.dashboard import my_archive
from tests.courses.progress.test_dashboard import (
    enrol,
    make_course,
    make_index,
    make_learner,
)

pytestmark = pytest.mark.django_db

ARCHIVE_URL = "/my/archive/"
XLSX_URL = "/my/archive/?format=xlsx"


@pytest.fixture
def learner(db):
    return make_learner("archive-learner")


@pytest.fixture
def index(db):
    return make_index()


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def attempt(user, quiz, number: int, started_at, **fields) -> QuizAttempt:
    fields.setdefault("status", AttemptStatus.GRADED)
    return QuizAttempt.objects.create(
        user=user, quiz=quiz, number=number, started_at=started_at, **fields
    )


@pytest.fixture
def recurring(learner, index):
    """A course taken in two cycles (attempts in each) and a one-off course."""
    now = timezone.now()
    quiz = Quiz.objects.create(title="安全考试")
    course = make_course(
        index, "安全生产", lessons=1, quiz=quiz, estimated_hours=Decimal("2.5")
    )
    first_start = now - timedelta(days=200)
    second_start = now - timedelta(days=20)
    enrol(
        learner,
        course,
        cycle=1,
        is_current=False,
        enrolled_at=first_start,
        status=EnrollmentStatus.COMPLETED,
        completed_at=first_start + timedelta(days=5),
        score=Decimal("80.0"),
        source=EnrollmentSource.ASSIGNED,
    )
    enrol(learner, course, cycle=2, enrolled_at=second_start)
    # cycle 1: one attempt before enrolling (counts for the first cycle) and two
    # after; cycle 2: one graded, one still open (not counted)
    attempt(learner, quiz, 1, first_start - timedelta(days=1), percentage=50)
    attempt(learner, quiz, 2, first_start + timedelta(days=2), percentage=60)
    attempt(learner, quiz, 3, first_start + timedelta(days=4), percentage=80)
    attempt(learner, quiz, 4, second_start + timedelta(days=1), percentage=40)
    attempt(
        learner,
        quiz,
        5,
        second_start + timedelta(days=2),
        status=AttemptStatus.IN_PROGRESS,
    )
    other = make_course(index, "产品入门", estimated_hours=Decimal("1.0"))
    enrol(
        learner,
        other,
        enrolled_at=now - timedelta(days=100),
        status=EnrollmentStatus.COMPLETED,
        completed_at=now - timedelta(days=90),
    )
    return course


def test_archive_lists_every_cycle_with_attempts_and_hours(learner, recurring):
    archive = my_archive(user=learner)

    rows = [
        (e.course.title, e.cycle, e.status, e.score, e.attempt_count)
        for e in archive.enrollments
    ]
    assert rows == [
        ("安全生产", 2, EnrollmentStatus.IN_PROGRESS, None, 1),
        ("产品入门", 1, EnrollmentStatus.COMPLETED, None, 0),
        ("安全生产", 1, EnrollmentStatus.COMPLETED, Decimal("80.0"), 3),
    ]
    assert archive.completed_count == 2
    assert archive.completed_hours == Decimal("3.5")
    assert archive.enrollments[2].course.estimated_hours == Decimal("2.5")


def test_other_learners_attempts_and_enrolments_are_not_counted(learner, recurring):
    other = make_learner("archive-other")
    enrol(other, recurring, enrolled_at=timezone.now() - timedelta(days=300))
    attempt(other, recurring.quiz, 1, timezone.now() - timedelta(days=10))

    archive = my_archive(user=learner)

    assert len(archive.enrollments) == 3
    assert [e.attempt_count for e in archive.enrollments] == [1, 0, 3]


def test_archive_page_shows_rows_summary_and_print(signed_in, recurring):
    response = signed_in.get(ARCHIVE_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert "培训档案" in html
    assert html.count("安全生产") >= 2
    assert "产品入门" in html
    assert "3.5 小时" in html
    assert "data-print hidden>打印</button>" in html
    assert f'href="{XLSX_URL}"' in html
    assert "css/dashboard.css" in html


def test_empty_archive_links_to_the_catalogue(signed_in, index):
    html = signed_in.get(ARCHIVE_URL).content.decode()

    assert "还没有培训记录。" in html
    assert "浏览课程目录" in html


@pytest.mark.parametrize("url", [ARCHIVE_URL, XLSX_URL])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('accounts:login')}?next=")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", [ARCHIVE_URL, XLSX_URL])
def test_archive_is_private(signed_in, recurring, url):
    response = signed_in.get(url)

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def _read_xlsx(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook["培训档案"]


def test_xlsx_export_has_chinese_headers_and_rows(signed_in, recurring):
    sheet = _read_xlsx(signed_in.get(XLSX_URL))
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == (
        "课程",
        "周期",
        "来源",
        "状态",
        "报名日期",
        "截止日期",
        "完成日期",
        "成绩（%）",
        "考试次数",
        "学时（小时）",
    )
    assert len(rows) == 4
    oldest = rows[3]
    assert oldest[0] == "安全生产"
    assert oldest[1] == 1
    assert oldest[2] == "指派"
    assert oldest[3] == "已完成"
    completed_at = recurring.enrollments.get(cycle=1).completed_at
    assert oldest[6] == f"{timezone.localtime(completed_at):%Y-%m-%d}"
    assert oldest[7] == 80
    assert oldest[8] == 3
    assert oldest[9] == 2.5


def test_hostile_course_title_stays_text(signed_in, learner, index):
    hostile = '=HYPERLINK("http://evil.example/","点我")'
    enrol(learner, make_course(index, hostile))

    sheet = _read_xlsx(signed_in.get(XLSX_URL))
    cell = sheet.cell(row=2, column=1)

    assert cell.value == hostile
    assert cell.data_type == "s"
    html = signed_in.get(ARCHIVE_URL).content.decode()
    assert "=HYPERLINK(&quot;http://evil.example/&quot;" in html


def test_never_shows_another_learners_archive(client, learner, index):
    other = make_learner("archive-someone")
    enrol(other, make_course(index, "别人的档案课程"))
    enrol(learner, make_course(index, "自己的档案课程"))
    client.force_login(learner)

    for url in (ARCHIVE_URL, f"{ARCHIVE_URL}?user={other.pk}"):
        html = client.get(url).content.decode()
        assert "自己的档案课程" in html
        assert "别人的档案课程" not in html
    sheet = _read_xlsx(client.get(f"{XLSX_URL}&user={other.pk}"))
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "自己的档案课程"
    ]


def _many(learner, index, count: int) -> None:
    now = timezone.now()
    quiz = Quiz.objects.create(title="批量考试")
    for n in range(count):
        course = make_course(index, f"档案课程 {n}", lessons=0, quiz=quiz)
        enrol(
            learner,
            course,
            enrolled_at=now - timedelta(days=n + 1),
            status=EnrollmentStatus.COMPLETED,
            completed_at=now,
            score=Decimal("90"),
        )
    attempt(learner, quiz, 1, now - timedelta(hours=1))


@pytest.mark.parametrize("count", [1, 50])
def test_selector_runs_one_query(learner, index, count, django_assert_num_queries):
    _many(learner, index, count)

    with django_assert_num_queries(1):
        archive = my_archive(user=learner)
        assert len(archive.enrollments) == count
        assert all(e.course.title for e in archive.enrollments)


@pytest.mark.parametrize("url", [ARCHIVE_URL, XLSX_URL])
def test_page_and_export_queries_do_not_grow(
    client, index, url, django_assert_num_queries
):
    small = make_learner("archive-small")
    large = make_learner("archive-large")
    _many(small, index, 1)
    _many(large, index, 50)
    client.force_login(small)
    client.get(url)  # warm the site-root and settings caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200

    client.force_login(large)
    with django_assert_num_queries(len(captured)):
        response = client.get(url)
    assert response.status_code == 200
