"""Nothing a learner's browser receives while an attempt is open tells a right choice
from a wrong one: not the attempt page, not its script, not the autosave answers.

Every quiz in the database (the demo quizzes from ``seed_demo``) and quizzes built
here (shuffled and not, drawn and not) is started and rendered, and:
- each choice's markup differs from its siblings only by its text and position;
- every attribute in the form is on an allow-list (a new attribute that could carry
  a flag fails here until someone looks at it);
- no explanation, no accepted fill-in answer, no choice id, no word such as
  "correct" / 正确答案 appears;
- without shuffling the choices are in the authored order; with shuffling the right
  choice is not where the authoring put it, nor anywhere in particular.
Also here: scores posted by the client are ignored, and other learners' attempt ids
answer 404 everywhere.
"""

import html as html_lib
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import (
    AttemptStatus,
    Choice,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from courses.models.quizzes import CHOICE_KINDS
from courses.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from tests.courses.test_quiz_views import (
    answers_snapshot,
    attempt_url,
    course_with_quiz,
    form,
    make_learner,
    result_url,
    save_url,
    start,
)
from tests.factories.quizzes import correct_form_data, make_quiz, single_choice_bank

FORBIDDEN_WORDS = [
    "correct",
    "is_correct",
    "正确答案",
    "参考答案",
    "答案解析",
    "explanation",
    "accepted",
    "answer_key",
    "data-key",
    "data-right",
    "解析：",
]
ALLOWED_CLASSES = {
    "quiz-form",
    "quiz-status",
    "quiz-progress",
    "quiz-progress-bar",
    "quiz-timer",
    "quiz-timer-clock",
    "quiz-timer-deadline",
    "quiz-save-status",
    "form-error",
    "form-error-summary",
    "quiz-questions",
    "quiz-question-item",
    "quiz-question",
    "has-error",
    "quiz-question-legend",
    "quiz-question-meta",
    "quiz-question-number",
    "badge",
    "badge-muted",
    "quiz-question-points",
    "quiz-question-text",
    "errorlist",
    "quiz-answer-label",
    "helptext",
    "quiz-choices",
    "quiz-choice",
    "quiz-choice-label",
    "quiz-choice-text",
    "form-actions",
    "quiz-actions",
    "button",
    "button-primary",
    "form-note",
}
NUMBER = re.compile(r"\d{1,9}")
PATTERNS = {
    "id": re.compile(r"quiz-form|quiz-errors|q\d+|q\d+-error|a\d+-text"),
    "name": re.compile(r"a\d+|revision|csrfmiddlewaretoken|action"),
    "type": re.compile(r"hidden|text|radio|checkbox|submit|A"),
    "method": re.compile("post"),
    "maxlength": NUMBER,
    "rows": NUMBER,
    "max": NUMBER,
    "data-remaining": NUMBER,
    "tabindex": re.compile("-1"),
    "autocomplete": re.compile("off"),
    "spellcheck": re.compile("false"),
    "aria-hidden": re.compile("true"),
    "aria-live": re.compile("polite"),
    "aria-invalid": re.compile("true"),
    "role": re.compile("status|timer|alert"),
    "aria-describedby": re.compile(r"q\d+-error"),
    "for": re.compile(r"a\d+-text"),
    "href": re.compile(r"#q\d+"),
}
FLAGS = {
    "checked",
    "data-question",
    "data-answered",
    "data-progress",
    "data-clock",
    "data-save-status",
}
MESSAGE_ATTRIBUTE = re.compile(r"data-msg-[a-z-]+")


@pytest.fixture
def learner(db):
    # Staff may take every quiz, customer-only or staff-only.
    return make_learner("leak-learner", group="客服人员")


def open_for(quiz: Quiz) -> Quiz:
    """Lift the rules that could stop a fresh learner starting (rolled back)."""
    quiz.opens_at = quiz.closes_at = None
    quiz.max_attempts = 0
    quiz.cooldown_minutes = 0
    quiz.save()
    return quiz


def form_html(page: str) -> str:
    match = re.search(r'<form id="quiz-form".*?</form>', page, re.S)
    assert match, "no attempt form on the page"
    return match.group(0)


FIELDSET = re.compile(
    r'<fieldset class="quiz-question[^"]*" id="q(\d+)".*?</fieldset>', re.S
)


def fieldsets(page: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in FIELDSET.finditer(page)}


def choice_items(fieldset: str) -> list[str]:
    return re.findall(r'<li class="quiz-choice"[^>]*>.*?</li>', fieldset, re.S)


def normalised(item: str, index: int, text: str) -> str:
    """A choice's markup without its text, its position and the learner's own
    selection: what must be identical for all choices of a question."""
    escaped = html_lib.escape(text, quote=False)
    assert item.count(f'value="{index}"') == 1, item
    item = item.replace(f'value="{index}"', 'value=""')
    assert escaped in item, (escaped, item)
    item = item.replace(escaped, "", 1)
    return item.replace(" checked", "")


def visible_texts(quiz: Quiz, page_titles=()) -> list[str]:
    texts = [quiz.title, quiz.description, *page_titles]
    for question in quiz.questions.all():
        texts.append(question.text)
        texts.extend(question.choices.values_list("text", flat=True))
    return sorted({t for t in texts if t}, key=len, reverse=True)


def residue(page: str, texts) -> str:
    """The page's text and markup with the visible quiz texts taken out."""
    rest = html_lib.unescape(page)
    for text in texts:
        rest = rest.replace(text, "")
        for line in text.splitlines():
            if line.strip():
                rest = rest.replace(line, "")
    return rest


def assert_attributes_allowed(form_part: str, attempt) -> None:
    soup = BeautifulSoup(form_part, "html.parser")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            where = f"<{tag.name} {name}={value!r}> in {attempt.quiz}"
            if name == "class":
                assert set(value) <= ALLOWED_CLASSES, where
            elif name in FLAGS:
                assert value == "", where
            elif MESSAGE_ATTRIBUTE.fullmatch(name):
                assert tag.name == "form", where
            elif name in ("action", "data-save-url"):
                assert value in (attempt_url(attempt), save_url(attempt)), where
            elif name == "value":
                assert_value_allowed(tag, value, attempt, where)
            else:
                assert name in PATTERNS, f"unexpected attribute {where}"
                assert PATTERNS[name].fullmatch(value), where


def assert_value_allowed(tag, value, attempt, where) -> None:
    kind = tag.get("type")
    name = tag.get("name")
    if kind in ("radio", "checkbox") or tag.name == "progress":
        assert NUMBER.fullmatch(value), where
    elif name == "revision":
        assert value == str(attempt.revision), where
    elif name == "csrfmiddlewaretoken":
        assert re.fullmatch(r"[A-Za-z0-9]{32,64}", value), where
    elif tag.name == "button":
        assert value in ("save", "submit"), where
    elif kind == "text":
        saved = set(attempt.answers.values_list("text_answer", flat=True))
        assert value in saved, where
    else:
        raise AssertionError(f"unexpected value {where}")


def assert_no_leak(attempt: QuizAttempt, page: str, payload: bytes, *, fresh: bool):
    quiz = attempt.quiz
    part = form_html(page)
    blocks = fieldsets(part)
    answers = list(
        QuizAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .order_by("position")
    )
    assert sorted(blocks) == [a.position for a in answers], quiz
    texts_by_id = dict(
        Choice.objects.filter(question__quiz=quiz).values_list("pk", "text")
    )
    for answer in answers:
        block = blocks[answer.position]
        items = choice_items(block)
        if answer.question.kind not in CHOICE_KINDS:
            assert items == [], (quiz, answer.position)
            continue
        shown = [texts_by_id[cid] for cid in answer.choice_order]
        assert len(items) == len(shown) >= 2, (quiz, answer.position)
        forms = {
            normalised(item, index, text)
            for index, (item, text) in enumerate(zip(items, shown, strict=True))
        }
        assert len(forms) == 1, (quiz, answer.position, forms)
        if fresh:
            assert "checked" not in block
    assert_attributes_allowed(part, attempt)

    page_titles = [attempt.page.title] if attempt.page else []
    rest = residue(page, visible_texts(quiz, page_titles)).casefold()
    json_text = payload.decode().casefold()
    for word in FORBIDDEN_WORDS:
        assert word.casefold() not in rest, (quiz, word)
        assert word.casefold() not in json_text, (quiz, word)
    form_rest = residue(part, visible_texts(quiz))
    for question in Question.objects.filter(quiz=quiz):
        if question.explanation.strip():
            assert question.explanation.strip() not in rest, (quiz, question.pk)
        if not fresh:
            continue  # the learner's own saved text may equal an accepted answer
        for accepted in question.accepted_answer_list():
            if len(accepted) >= 2 and not accepted.isdigit():
                assert accepted not in form_rest, (quiz, question.pk, accepted)
    # No choice id anywhere a choice is named: values are positions 0..n-1.
    for answer in answers:
        if answer.question.kind not in CHOICE_KINDS:
            continue
        values = re.findall(
            rf'name="a{answer.position}" value="([^"]*)"', blocks[answer.position]
        )
        assert values == [str(i) for i in range(len(values))], (quiz, answer.position)


def take(client, quiz, learner):
    """Start an attempt, render it and autosave it once: what the browser gets."""
    attempt = quiz_attempt_start(quiz=quiz, user=learner)
    response = client.get(attempt_url(attempt))
    assert response.status_code == 200, quiz
    saved = client.post(save_url(attempt), form(attempt, {}, None))
    assert saved.status_code == 200, (quiz, saved.content)
    assert set(saved.json()) == {"revision", "saved_at", "answered"}
    return attempt, response.content.decode(), saved.content


def own_quizzes() -> list[Quiz]:
    return [
        make_quiz(title="不乱序测验"),
        make_quiz(title="乱序测验", shuffle_choices=True, shuffle_questions=True),
        make_quiz(
            title="抽题测验",
            bank=single_choice_bank(30),
            shuffle_choices=True,
            draw_count=10,
        ),
    ]


def test_every_quiz_in_progress_is_indistinguishable(client, learner):
    own_quizzes()
    quizzes = list(Quiz.objects.order_by("pk"))
    assert len(quizzes) >= 3
    client.force_login(learner)
    checked = 0
    for quiz in quizzes:
        if not quiz.questions.exists():
            continue
        open_for(quiz)
        attempt, page, payload = take(client, quiz, learner)
        assert_no_leak(attempt, page, payload, fresh=True)
        # After the learner answered (first choice everywhere, some text), the
        # choices still differ only by the learner's own selection.
        answers = {}
        for answer in attempt.answers.select_related("question"):
            kind = answer.question.kind
            answers[f"a{answer.position}"] = (
                ["0"] if kind in CHOICE_KINDS else ["我的回答"]
            )
        response = client.post(save_url(attempt), form(attempt, answers, None))
        assert response.status_code == 200, response.content
        attempt.refresh_from_db()
        page = client.get(attempt_url(attempt)).content.decode()
        assert_no_leak(attempt, page, response.content, fresh=False)
        quiz_attempt_submit(attempt=attempt, data=None)
        checked += 1
    assert checked == len([q for q in quizzes if q.questions.exists()])


def test_demo_quizzes_are_covered(client, learner):
    """seed_demo attaches a quiz to every demo course; the test above renders them."""
    from courses.models import CoursePage

    demo = Quiz.objects.filter(course_pages__in=CoursePage.objects.all()).distinct()
    assert demo.exists()
    assert all(q.questions.exists() for q in demo)


def test_the_script_knows_no_answers():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "quiz.js").read_text()
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S).casefold()
    for word in ("correct", "正确", "explanation", "解析", "accepted", "score"):
        assert word not in code, word


def test_authored_order_without_shuffle(client, learner):
    quiz = make_quiz(bank=single_choice_bank(6) + make_bank_tail())
    client.force_login(learner)
    attempt, page, _payload = take(client, quiz, learner)
    blocks = fieldsets(form_html(page))
    for answer in attempt.answers.select_related("question").order_by("position"):
        question = answer.question
        assert question.sort_order == answer.position - 1  # questions in order too
        authored = list(
            question.choices.order_by("sort_order", "pk").values_list("text", flat=True)
        )
        shown = re.findall(
            r'<span class="quiz-choice-text">(.*?)</span>', blocks[answer.position]
        )
        assert [html_lib.unescape(t) for t in shown] == authored


def make_bank_tail():
    return [
        (
            QuestionKind.MULTIPLE,
            "以下哪些做法正确？",
            [("甲", True), ("乙", False), ("丙", True), ("丁", False)],
            "",
            "2",
        )
    ]


def test_shuffled_choices_carry_no_signal(client, learner):
    """Authored with the right choice second (single_choice_bank), shuffled: the
    right choice lands everywhere, not at its authored place, not at a fixed one."""
    quiz = make_quiz(bank=single_choice_bank(60), shuffle_choices=True)
    client.force_login(learner)
    attempt, page, payload = take(client, quiz, learner)
    assert_no_leak(attempt, page, payload, fresh=True)
    blocks = fieldsets(form_html(page))
    positions = Counter()
    orders = set()
    for answer in attempt.answers.order_by("position"):
        shown = [
            html_lib.unescape(t)
            for t in re.findall(
                r'<span class="quiz-choice-text">(.*?)</span>', blocks[answer.position]
            )
        ]
        positions[shown.index("说法乙")] += 1
        orders.add(tuple(shown))
    # Uniform over 4 places: each expected 15 of 60; these bounds fail with
    # probability far below one in a million.
    assert set(positions) == {0, 1, 2, 3}, positions
    assert max(positions.values()) <= 32, positions
    assert len(orders) >= 6, orders


def test_client_sent_scores_are_ignored(client, learner):
    quiz = make_quiz(bank=single_choice_bank(5))
    _course, lesson = course_with_quiz(quiz)
    client.force_login(learner)
    attempt, _ = start(client, quiz, lesson)
    wrong = {f"a{n}": ["0"] for n in range(1, 6)}
    forged = {
        **wrong,
        "score": "100",
        "max_score": "1",
        "percentage": "100",
        "passed": "true",
        "status": "graded",
        "a1_score": "5",
        "is_correct": "1",
        "points": "100",
        "grade": "优秀",
    }
    client.post(attempt_url(attempt), form(attempt, forged, "submit"))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert (attempt.score, attempt.max_score) == (0, 5)
    assert attempt.percentage == 0 and attempt.passed is False
    html = client.get(result_url(attempt)).content.decode()
    assert "0.0%" in html and "未通过" in html


@pytest.fixture
def other_learners_attempts(learner):
    owner = get_user_model().objects.create_user("attempt-owner", password="pw")
    owner.groups.add(Group.objects.get(name="客户"))
    quiz = make_quiz(time_limit_minutes=30)
    _course, lesson = course_with_quiz(quiz)
    open_attempt = quiz_attempt_start(quiz=quiz, user=owner, page=lesson)
    quiz2 = make_quiz(title="已交卷的测验")
    closed = quiz_attempt_start(quiz=quiz2, user=owner)
    quiz_attempt_submit(attempt=closed, data=None)
    return [open_attempt, closed]


@pytest.mark.parametrize("intruder", ["learner", "trainer", "admin_user"])
def test_other_learners_attempts_answer_404(
    client, other_learners_attempts, intruder, request
):
    client.force_login(request.getfixturevalue(intruder))
    for attempt in other_learners_attempts:
        attempt.refresh_from_db()
        before = (answers_snapshot(attempt), attempt.revision, attempt.status)
        data = {"a1": ["0"], "revision": str(attempt.revision)}
        assert client.get(attempt_url(attempt)).status_code == 404
        assert client.get(result_url(attempt)).status_code == 404
        for action in ("save", "submit"):
            response = client.post(attempt_url(attempt), {**data, "action": action})
            assert response.status_code == 404
        assert client.post(save_url(attempt), data).status_code == 404
        attempt.refresh_from_db()
        assert (answers_snapshot(attempt), attempt.revision, attempt.status) == before
    # An id that does not exist answers the same.
    missing = QuizAttempt.objects.order_by("-pk").first().pk + 1000
    assert client.get(f"/learn/attempts/{missing}/").status_code == 404


def test_expired_attempt_of_another_learner_is_not_closed_by_a_visit(
    client, learner, other_learners_attempts
):
    attempt = other_learners_attempts[0]
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    client.force_login(learner)
    assert client.get(attempt_url(attempt)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_correct_form_data_helper_is_not_what_the_page_renders(client, learner):
    """Sanity check for the test itself: the right answers exist (so the checks
    above are looking for something real)."""
    quiz = make_quiz()
    client.force_login(learner)
    attempt, page, _payload = take(client, quiz, learner)
    assert correct_form_data(attempt)["a4"] == ["9点"]
    assert "9点" not in form_html(page)
    assert "解析：" not in page
