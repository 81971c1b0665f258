"""Malformed attempt posts: each gets a 400 with a Chinese field error (or, for text
that is merely odd, is stored cleaned and earns no credit), nothing is saved from a
rejected post, and nothing answers 500 (the test client re-raises any exception a
view lets through).

Answers go to three places — 保存 and 交卷 on the attempt page, and the autosave
endpoint — and every case is sent to all three. The bank (make_quiz's standard one):
a1 single choice (3 choices), a2 multiple choice (3), a3 true/false (2), a4 fill in
the blank (accepts 9点 / 九点 / 9:00), a5 short answer.
"""

from urllib.parse import quote, urlencode

import pytest

from courses.models import AttemptStatus
from courses.services.quizzes import quiz_attempt_start
from tests.courses.test_quiz_views import (
    answers_snapshot,
    attempt_url,
    make_learner,
    save_url,
)
from tests.factories.quizzes import make_quiz

MB = 1024 * 1024
FORM = "application/x-www-form-urlencoded"

# (case id, answer fields as a list of (name, value) pairs, question with the error)
ANSWER_CASES = [
    ("out-of-range", [("a1", "3")], 1),
    ("huge-index", [("a1", "99999999999")], 1),
    ("index-of-another-question", [("a3", "2")], 3),  # fine for a1, not for a3
    ("list-for-single", [("a1", "0"), ("a1", "1")], 1),
    ("list-for-true-false", [("a3", "0"), ("a3", "1")], 3),
    ("duplicated-choice", [("a2", "0"), ("a2", "0")], 2),
    ("negative", [("a1", "-1")], 1),
    ("word", [("a1", "abc")], 1),
    ("decimal", [("a1", "1.0")], 1),
    ("padded", [("a1", " 1")], 1),
    ("plus", [("a1", "+1")], 1),
    ("empty", [("a1", "")], 1),
    ("full-width-digit", [("a1", "１")], 1),
    ("arabic-indic-digit", [("a1", "٣")], 1),
    ("superscript-digit", [("a1", "²")], 1),
    ("nul-in-choice", [("a1", "1\x00")], 1),
    ("rtl-mark-in-choice", [("a1", "0\u200f")], 1),
    ("one-mb-digits", [("a1", "1" * MB)], 1),
    ("one-mb-fill", [("a4", "x" * MB)], 4),
    ("one-mb-chinese-fill", [("a4", "答" * (MB // 4))], 4),
    ("one-mb-short-answer", [("a5", "x" * MB)], 5),
    ("short-answer-one-too-long", [("a5", "x" * 5001)], 5),
    ("list-for-fill", [("a4", "甲"), ("a4", "乙")], 4),
    ("list-for-short-answer", [("a5", "甲"), ("a5", "乙")], 5),
]

# (case id, control fields replacing revision/action, applies to the JSON endpoint)
CONTROL_CASES = [
    ("revision-word", [("revision", "abc")], True),
    ("revision-full-width", [("revision", "１")], True),
    ("revision-decimal", [("revision", "0.0")], True),
    ("revision-negative", [("revision", "-1")], True),
    ("revision-empty", [("revision", "")], True),
    ("revision-nul", [("revision", "0\x00")], True),
    ("revision-one-mb", [("revision", "1" * MB)], True),
    ("revision-twice", [("revision", "0"), ("revision", "0")], True),
    ("revision-missing", [], True),
    ("action-unknown", [("revision", "0"), ("action", "delete")], False),
    (
        "action-twice",
        [("revision", "0"), ("action", "save"), ("action", "submit")],
        False,
    ),
    ("action-missing", [("revision", "0")], False),
]

ENDPOINTS = ["save", "submit", "autosave"]


@pytest.fixture
def attempt(client, db):
    learner = make_learner("malformed-learner")
    client.force_login(learner)
    return quiz_attempt_start(quiz=make_quiz(), user=learner)


def post(client, attempt, endpoint, pairs, *, control=None):
    """POST url-encoded ``pairs`` (repeated keys allowed) with the control fields."""
    if control is None:
        attempt.refresh_from_db()
        control = [("revision", str(attempt.revision))]
        if endpoint != "autosave":
            control.append(("action", endpoint))
    url = save_url(attempt) if endpoint == "autosave" else attempt_url(attempt)
    return client.post(url, urlencode(control + pairs), content_type=FORM)


def post_raw(client, attempt, endpoint, raw: str):
    """POST a hand-written body: bytes no browser would produce."""
    attempt.refresh_from_db()
    control = [("revision", str(attempt.revision))]
    if endpoint != "autosave":
        control.append(("action", endpoint))
    url = save_url(attempt) if endpoint == "autosave" else attempt_url(attempt)
    return client.post(url, urlencode(control) + "&" + raw, content_type=FORM)


def state(attempt):
    attempt.refresh_from_db()
    return (answers_snapshot(attempt), attempt.revision, attempt.status, attempt.score)


def assert_rejected(response, endpoint, position=None):
    assert response.status_code == 400, response.content[:300]
    if endpoint == "autosave":
        data = response.json()
        assert data["error"]
        if position is not None:
            assert str(position) in data["errors"], data
        return
    html = response.content.decode()
    if position is not None:
        assert f'id="q{position}-error"' in html
        assert f'<a href="#q{position}">第 {position} 题</a>' in html
        assert "本次提交没有保存" in html
    else:
        assert '<div class="form-error form-error-summary"' in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("pairs", "position"),
    [case[1:] for case in ANSWER_CASES],
    ids=[case[0] for case in ANSWER_CASES],
)
def test_malformed_answers_are_rejected(client, attempt, endpoint, pairs, position):
    # A valid answer beside the malformed one is not saved either.
    good = [("a4", "九点")] if position != 4 else [("a1", "1")]
    before = state(attempt)
    response = post(client, attempt, endpoint, good + pairs)
    assert_rejected(response, endpoint, position)
    assert state(attempt) == before
    assert attempt.status == AttemptStatus.IN_PROGRESS


CONTROL_PARAMS = [
    pytest.param(endpoint, control, id=f"{name}-{endpoint}")
    for name, control, for_autosave in CONTROL_CASES
    for endpoint in ENDPOINTS
    if for_autosave or endpoint != "autosave"
]


@pytest.mark.parametrize(("endpoint", "control"), CONTROL_PARAMS)
def test_malformed_control_fields_are_rejected(client, attempt, endpoint, control):
    before = state(attempt)
    response = post(client, attempt, endpoint, [("a1", "1")], control=control)
    assert_rejected(response, endpoint)
    assert state(attempt) == before


def test_choice_id_instead_of_position_is_rejected(client, attempt):
    answer = attempt.answers.get(position=1)
    correct = answer.question.choices.get(is_correct=True).pk
    assert correct >= len(answer.choice_order)  # ids are not positions here
    for endpoint in ENDPOINTS:
        before = state(attempt)
        response = post(client, attempt, endpoint, [("a1", str(correct))])
        assert_rejected(response, endpoint, 1)
        assert state(attempt) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "raw",
    [
        "a1=%ED%A0%80",  # a lone surrogate, UTF-8 encoded (invalid UTF-8)
        "a1=%FF%FE",  # not UTF-8 at all
        "a1=%ZZ",  # not even percent-encoding
        "a1=%00",  # NUL
        "a1=0&a1=0",  # the same key twice
        "a2=0&a2=1&a2=0",
    ],
)
def test_raw_bytes_in_choice_fields_are_rejected(client, attempt, endpoint, raw):
    before = state(attempt)
    response = post_raw(client, attempt, endpoint, raw)
    assert_rejected(response, endpoint, int(raw[1]))
    assert state(attempt) == before


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("a4=%ED%A0%80", "\ufffd\ufffd\ufffd"),  # decoded with replacement characters
        ("a4=8%00%E7%82%B9", "8点"),  # NUL removed before storing
        (
            "a4=" + quote("\u202e9点"),
            "\u202e9点",
        ),  # a right-to-left override stays text
        ("a4=" + quote("\u200f九点\u200f"), "\u200f九点\u200f"),
        ("a5=" + quote("先倾听\x00再核实"), "先倾听再核实"),
    ],
)
def test_odd_text_is_stored_clean_and_earns_no_credit(client, attempt, raw, stored):
    response = post_raw(client, attempt, "save", raw)
    assert response.status_code == 302
    position = int(raw[1])
    assert attempt.answers.get(position=position).text_answer == stored
    page = client.get(attempt_url(attempt))
    assert page.status_code == 200
    response = post_raw(client, attempt, "submit", raw)
    assert response.status_code == 302
    attempt.refresh_from_db()
    answer = attempt.answers.get(position=position)
    assert answer.score in (0, None)  # a5 waits for a trainer, a4 earns nothing
    if position == 4:
        assert answer.score == 0 and answer.is_correct is False


def test_full_width_fill_answer_counts_as_its_half_width_form(client, attempt):
    """Full-width digits are a field error in a choice field, but in a fill-in answer
    they are what many Chinese keyboards type: ９点 equals 9点."""
    response = post(client, attempt, "submit", [("a4", "９点")])
    assert response.status_code == 302
    assert attempt.answers.get(position=4).score == 2


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_missing_and_unknown_keys_are_no_answer(client, attempt, endpoint):
    extra = [("a0", "1"), ("a99", "0"), ("a", "1"), ("a1x", "0"), ("score", "100")]
    response = post(client, attempt, endpoint, extra)
    assert response.status_code in (200, 302)
    attempt.refresh_from_db()
    assert all(
        selected == [] and text == ""
        for selected, text, _score in answers_snapshot(attempt)
    )
    if endpoint == "submit":
        assert attempt.status == AttemptStatus.GRADED and attempt.score == 0


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_oversized_requests_are_400(client, attempt, endpoint):
    before = state(attempt)
    too_many = [(f"x{n}", "1") for n in range(10_100)]  # DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert post(client, attempt, endpoint, too_many).status_code == 400
    too_big = [("a5", "x" * (3 * MB))]  # DATA_UPLOAD_MAX_MEMORY_SIZE
    assert post(client, attempt, endpoint, too_big).status_code == 400
    assert state(attempt) == before


def test_the_rerendered_page_keeps_valid_input_and_marks_the_bad_question(
    client, attempt
):
    response = post(client, attempt, "save", [("a1", "1"), ("a3", "7"), ("a4", "九点")])
    html = response.content.decode()
    assert response.status_code == 400
    assert 'name="a1" value="1" checked' in html  # what the learner chose stays
    assert 'value="九点"' in html
    assert 'aria-describedby="q3-error"' in html and "选项无效。" in html
    assert 'name="a3" value="0" checked' not in html
    assert state(attempt)[0][0][0] == []  # nothing saved
