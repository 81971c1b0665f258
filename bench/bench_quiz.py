"""Quiz benchmark: server time and query counts to start, render, grade and submit an
attempt, for a 10-question and a 100-question quiz.

    .venv/bin/python bench/bench_quiz.py [--runs 30] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shifu_bench_quiz \\
        .venv/bin/python bench/bench_quiz.py

Builds a throwaway SQLite database (``/tmp/shifu-bench-quiz.sqlite3`` unless
DATABASE_URL is set; a PostgreSQL database is created when missing, never dropped)
with the demo content, adds a bench course whose final exam has 100 questions and a
lesson whose quiz has 10 (single, multiple with partial credit, true/false and
fill-in questions in turn, four choices each: everything graded automatically), and
a learner. For each size it prints the query count and the median and p95
milliseconds over ``--runs`` runs of:

- start: ``quiz_attempt_start`` (draws the questions, creates the answer rows);
- render: GET /learn/attempts/<id>/ through the test client, signed in as the
  learner (the page the learner answers on);
- grade: ``quiz_attempt_submit`` with every question answered (parse, save, grade);
- submit: POST /learn/attempts/<id>/ with action=submit and every answer, through
  the test client (the view around the service).

The query counts must be the same for both sizes. Figures only: nothing here asserts
a timing.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from serving import create_postgres_database, p95, setup_django  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SIZES = (10, 100)
LEARNER = "quiz-bench-learner"


def bank(size: int) -> list[dict]:
    """``size`` automatically graded questions, the four kinds in turn."""
    from courses.models import QuestionKind

    questions = []
    for number in range(1, size + 1):
        kind = [
            QuestionKind.SINGLE,
            QuestionKind.MULTIPLE,
            QuestionKind.TRUE_FALSE,
            QuestionKind.FILL_BLANK,
        ][number % 4]
        choices = {
            QuestionKind.SINGLE: [
                (f"第{number}题选项甲", False),
                (f"第{number}题选项乙", True),
                (f"第{number}题选项丙", False),
                (f"第{number}题选项丁", False),
            ],
            QuestionKind.MULTIPLE: [
                (f"第{number}题选项甲", True),
                (f"第{number}题选项乙", True),
                (f"第{number}题选项丙", False),
                (f"第{number}题选项丁", True),
            ],
            QuestionKind.TRUE_FALSE: [("正确", True), ("错误", False)],
            QuestionKind.FILL_BLANK: [],
        }[kind]
        questions.append(
            {
                "kind": kind,
                "text": f"第{number}题：关于 X7 Pro 保养周期和故障代码的说法",
                "choices": choices,
                "accepted": "E203\nＥ２０３" if kind == QuestionKind.FILL_BLANK else "",
                "partial_credit": kind == QuestionKind.MULTIPLE,
            }
        )
    return questions


def bench_quiz(size: int):
    """The bench quiz of ``size`` questions (created once)."""
    from courses.models import Choice, Question, Quiz

    title = f"性能测试：{size} 题测验"
    quiz = Quiz.objects.filter(title=title).first()
    if quiz is not None:
        return quiz
    quiz = Quiz.objects.create(title=title, max_attempts=0, cooldown_minutes=0)
    questions = Question.objects.bulk_create(
        Question(
            quiz=quiz,
            sort_order=order,
            kind=item["kind"],
            text=item["text"],
            accepted_answers=item["accepted"],
            partial_credit=item["partial_credit"],
            points=Decimal("1"),
            explanation="解析：见第 3 课保养周期表。",
        )
        for order, item in enumerate(bank(size))
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=correct, sort_order=order)
        for question, item in zip(questions, bank(size), strict=True)
        for order, (text, correct) in enumerate(item["choices"])
    )
    return quiz


def build(quizzes: dict) -> tuple:
    """A bench course (final exam: 100 questions) with a lesson (quiz: 10), and the
    learner. Returns (pages by size, learner)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from courses.models import CourseIndexPage, CoursePage, LessonPage
    from home.seeding import child_by_slug, publish_child
    from portal.accounts.roles import GROUP_NAMES, Role

    index = CourseIndexPage.objects.first()
    course = child_by_slug(index, CoursePage, "quiz-bench-course")
    if course is None:
        course = publish_child(
            index,
            CoursePage(
                title="性能测试：测验课程",
                slug="quiz-bench-course",
                summary="用于测验性能测试的课程。",
                objectives="目标一",
                quiz=quizzes[100],
            ),
        )
    lesson = child_by_slug(course, LessonPage, "quiz-bench-lesson")
    if lesson is None:
        lesson = publish_child(
            course,
            LessonPage(
                title="性能测试：测验课时",
                slug="quiz-bench-lesson",
                body=[],
                quiz=quizzes[10],
            ),
        )
    user_model = get_user_model()
    learner = user_model.objects.filter(username=LEARNER).first()
    if learner is None:
        learner = user_model(username=LEARNER, email=f"{LEARNER}@bench.example")
        learner.set_unusable_password()
        learner.save()
        learner.groups.add(Group.objects.get(name=GROUP_NAMES[Role.CUSTOMER]))
    return {100: course, 10: lesson}, learner


def answer_everything(attempt) -> dict[str, list[str]]:
    """Posted fields answering every question of ``attempt`` correctly."""
    from courses.models import Choice, QuestionKind

    correct = set(
        Choice.objects.filter(
            question__quiz_id=attempt.quiz_id, is_correct=True
        ).values_list("pk", flat=True)
    )
    data = {}
    for answer in attempt.answers.select_related("question").order_by("position"):
        name = f"a{answer.position}"
        if answer.question.kind == QuestionKind.FILL_BLANK:
            data[name] = [answer.question.accepted_answer_list()[0]]
        else:
            data[name] = [
                str(i) for i, cid in enumerate(answer.choice_order) if cid in correct
            ]
    return data


def timed(function, runs: int, prepare=None) -> tuple[int, list[float]]:
    """(queries of the first run, milliseconds of every run). ``prepare`` runs
    untimed before each run and its result is passed to ``function``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = []
    queries = 0
    for run in range(runs):
        argument = prepare() if prepare else None
        if run == 0:
            with CaptureQueriesContext(connection) as captured:
                function(argument)
            queries = len(captured.captured_queries)
            continue  # the first run warms caches; its queries are counted
        begin = time.perf_counter()
        function(argument)
        samples.append((time.perf_counter() - begin) * 1000)
    return queries, samples


def measure(quiz, page, learner, runs: int) -> dict:
    from django.test import Client

    from courses.models import AttemptStatus, QuizAttempt
    from courses.services.quizzes import quiz_attempt_start, quiz_attempt_submit

    client = Client()
    client.force_login(learner)

    def close_open() -> None:
        """One attempt may be open per learner and quiz: close it, unanswered."""
        for attempt in QuizAttempt.objects.filter(
            quiz=quiz, user=learner, status=AttemptStatus.IN_PROGRESS
        ):
            quiz_attempt_submit(attempt=attempt)

    def fresh_attempt():
        close_open()
        attempt = quiz_attempt_start(quiz=quiz, user=learner, page=page)
        return attempt, answer_everything(attempt)

    results = {
        "start": timed(
            lambda _: quiz_attempt_start(quiz=quiz, user=learner, page=page),
            runs,
            prepare=close_open,
        )
    }
    attempt, _data = fresh_attempt()
    url = f"/learn/attempts/{attempt.pk}/"
    status = client.get(url).status_code
    if status == 200:
        results["render (GET)"] = timed(lambda _: client.get(url), runs)
    else:
        results["render (GET)"] = (f"HTTP {status}", [])

    def grade(prepared) -> None:
        attempt, data = prepared
        quiz_attempt_submit(attempt=attempt, data=data, revision=attempt.revision)

    results["grade (submit service)"] = timed(grade, runs, prepare=fresh_attempt)

    posted = []

    def post(prepared) -> None:
        attempt, data = prepared
        response = client.post(
            f"/learn/attempts/{attempt.pk}/",
            {**data, "action": "submit", "revision": attempt.revision},
        )
        posted.append((attempt.pk, response.status_code))

    if status == 200:
        results["submit (POST view)"] = timed(post, runs, prepare=fresh_attempt)
        still_open = QuizAttempt.objects.filter(
            pk__in=[pk for pk, _status in posted], status=AttemptStatus.IN_PROGRESS
        )
        if still_open.exists() or any(code >= 400 for _pk, code in posted):
            raise SystemExit(f"the view did not submit: {posted[:3]}")
    else:
        results["submit (POST view)"] = (f"HTTP {status}", [])
    close_open()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    database_url = os.environ.get(
        "DATABASE_URL", "sqlite:////tmp/shifu-bench-quiz.sqlite3"
    )
    if database_url.startswith("sqlite:///") and not args.keep:
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    if database_url.startswith("postgres"):
        create_postgres_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_demo", "--if-empty")
    quizzes = {size: bench_quiz(size) for size in SIZES}
    pages, learner = build(quizzes)

    figures = {
        size: measure(quizzes[size], pages[size], learner, args.runs) for size in SIZES
    }
    print(
        f"\nquiz attempts on {connection.vendor}, {args.runs} runs each "
        "(the first run counts queries and is not timed)"
    )
    print(f"{'step':<24}{'questions':>10}{'queries':>9}{'median ms':>11}{'p95 ms':>9}")
    for step in figures[SIZES[0]]:
        for size in SIZES:
            queries, samples = figures[size][step]
            if samples:
                print(
                    f"{step:<24}{size:>10}{queries:>9}"
                    f"{statistics.median(samples):>11.1f}{p95(samples):>9.1f}"
                )
            else:
                print(f"{step:<24}{size:>10}{queries:>9}{'n/a':>11}{'n/a':>9}")
    print("\nqueries, 10 -> 100 questions:")
    for step in figures[SIZES[0]]:
        small, large = figures[SIZES[0]][step][0], figures[SIZES[1]][step][0]
        verdict = "same" if small == large else "GROWS"
        print(f"  {step:<24}{small!s:>8} -> {large!s:<8} {verdict}")


if __name__ == "__main__":
    main()
