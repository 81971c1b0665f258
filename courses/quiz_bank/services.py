"""Writing a question bank into a quiz, and reading one out of it for export.

Invariants:
- ``quiz_bank_import`` writes the rows it is given in one transaction, appended after
  the existing questions, with the quiz row locked so parallel imports do not
  interleave their sort orders.
- ``quiz_bank_import_once`` imports a given submission (form key + file + options)
  at most once per user and quiz, even for two simultaneous POSTs (a double click):
  the claim is an atomic ``cache.add`` (Redis in production, shared by all workers),
  and the result stays in the cache so a repeat shows it instead of importing again.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.log_actions import log

from courses.models.quizzes import Choice, Question, QuestionKind, Quiz
from courses.quiz_bank.reading import BankRow, ParsedBank, RowError
from courses.quiz_bank.spreadsheet import (
    FALSE_LABEL,
    FALSY,
    KIND_LABELS,
    NO_LABEL,
    TEMPLATE_OPTION_COUNT,
    TRUE_LABEL,
    TRUTHY,
    YES_LABEL,
    folded,
    header_row,
    option_letter,
    points_value,
)

RECEIPT_SECONDS = 6 * 60 * 60


class ImportInProgress(Exception):
    """The same submission is being imported by another request right now."""


@dataclass(frozen=True)
class ImportReceipt:
    """What an import did: kept for a while so a repeated POST shows the result
    instead of importing again."""

    imported: int
    same_text: int
    skipped: tuple[RowError, ...] = ()


@transaction.atomic
def quiz_bank_import(
    *, quiz: Quiz, rows: Sequence[BankRow], user=None
) -> ImportReceipt:
    """Append ``rows`` to the quiz's bank, after the existing questions, in one
    transaction (the quiz row locked, so parallel imports do not interleave)."""
    locked = Quiz.objects.select_for_update().get(pk=quiz.pk)
    existing = list(locked.questions.values_list("sort_order", "text"))
    orders = [order for order, _text in existing if order is not None]
    start = max(orders, default=-1)
    questions = Question.objects.bulk_create(
        Question(
            quiz=locked,
            sort_order=start + offset,
            kind=row.kind,
            text=row.text,
            category=row.category,
            points=row.points,
            partial_credit=row.partial_credit,
            accepted_answers=row.accepted_answers,
            explanation=row.explanation,
        )
        for offset, row in enumerate(rows, start=1)
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=is_correct, sort_order=order)
        for question, row in zip(questions, rows, strict=True)
        for order, (text, is_correct) in enumerate(row.choices)
    )
    # The listing sorts by updated_at; update() skips re-indexing an unchanged title.
    Quiz.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    log(
        instance=locked,
        action="wagtail.edit",
        user=user,
        data={"quiz_bank_import": len(questions)},
        content_changed=True,
    )
    texts = {folded(text) for _order, text in existing}
    return ImportReceipt(
        imported=len(questions),
        same_text=sum(1 for row in rows if folded(row.text) in texts),
    )


def submission_token(*, form_key: str, data: bytes, valid_rows_only: bool) -> str:
    """Identifies one submission of the import form: the same form, file and option
    (a double click, a replayed POST) give the same token."""
    digest = hashlib.sha256()
    for part in (form_key.encode(), b"1" if valid_rows_only else b"0", data):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:40]


def _receipt_key(*, user, quiz: Quiz, token: str) -> str:
    return f"quiz_bank:import:{user.pk}:{quiz.pk}:{token}"


_PENDING = "pending"


def import_receipt(*, user, quiz: Quiz, token: str) -> ImportReceipt | None:
    """The result of an earlier submission; raises ImportInProgress while it is
    still being imported."""
    if not re.fullmatch(r"[0-9a-f]{40}", token or ""):
        return None
    value = cache.get(_receipt_key(user=user, quiz=quiz, token=token))
    if value == _PENDING:
        raise ImportInProgress
    return value if isinstance(value, ImportReceipt) else None


def quiz_bank_import_once(
    *,
    quiz: Quiz,
    parsed: ParsedBank,
    user,
    token: str,
) -> tuple[ImportReceipt, bool]:
    """Import the valid rows of ``parsed`` unless this submission already was;
    (receipt, True) when imported now, (earlier receipt, False) for a repeat.

    Raises ImportInProgress when a simultaneous request holds the claim."""
    key = _receipt_key(user=user, quiz=quiz, token=token)
    if not cache.add(key, _PENDING, timeout=RECEIPT_SECONDS):
        earlier = import_receipt(user=user, quiz=quiz, token=token)
        if earlier is None:
            raise ImportInProgress
        return earlier, False
    try:
        imported = quiz_bank_import(quiz=quiz, rows=parsed.rows, user=user)
    except BaseException:
        cache.delete(key)  # let a retry of the same submission through
        raise
    receipt = replace(imported, skipped=tuple(parsed.errors))
    cache.set(key, receipt, timeout=RECEIPT_SECONDS)
    return receipt, True


# Exporting -------------------------------------------------------------------


def _true_false_label(choices: Sequence[Choice]) -> str:
    correct = [choice for choice in choices if choice.is_correct]
    if not correct:
        return ""
    word = folded(correct[0].text)
    if word in TRUTHY:
        return TRUE_LABEL
    if word in FALSY:
        return FALSE_LABEL
    return TRUE_LABEL if correct[0] is choices[0] else FALSE_LABEL


def bank_table(*, quiz: Quiz) -> list[list]:
    """The header and one row per question of ``quiz``, in bank order."""
    questions = list(
        quiz.questions.order_by("sort_order", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("sort_order", "pk"))
        )
    )
    uses_options = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    option_count = max(
        [TEMPLATE_OPTION_COUNT]
        + [len(q.choices.all()) for q in questions if q.kind in uses_options]
    )
    table: list[list] = [header_row(option_count)]
    for question in questions:
        choices = list(question.choices.all())
        options = [""] * option_count
        answer = ""
        partial = ""
        if question.kind in uses_options:
            for index, choice in enumerate(choices):
                options[index] = choice.text
            answer = ",".join(
                option_letter(i)
                for i, choice in enumerate(choices)
                if choice.is_correct
            )
            if question.kind == QuestionKind.MULTIPLE:
                partial = YES_LABEL if question.partial_credit else NO_LABEL
        elif question.kind == QuestionKind.TRUE_FALSE:
            answer = _true_false_label(choices)
        elif question.kind == QuestionKind.FILL_BLANK:
            accepted = question.accepted_answer_list()
            answer = ("\n" if any("|" in a for a in accepted) else "|").join(accepted)
        table.append(
            [
                KIND_LABELS.get(question.kind, question.kind),
                question.category,
                question.text,
                points_value(question.points),
                *options,
                answer,
                partial,
                question.explanation,
            ]
        )
    return table
