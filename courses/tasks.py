"""Background tasks of the learning domain (``django.tasks``).

Without a ``TASKS`` setting Django's immediate backend runs a task inline when it is
enqueued; with a real backend a worker runs it. Tasks take ids, never model
instances, and load what they need themselves.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.certificate_pdf import certificate_zips_prune
from courses.links import absolute_url
from courses.models.feedback import FeedbackKind, FeedbackSubmission
from courses.services.assignments import assignments_sync_all
from courses.services.certificate_expiry import certificates_daily
from courses.services.reminders import reminders_schedule, reminders_send_due

logger = logging.getLogger(__name__)


@dataclass
class AnswerLine:
    """One question of a submission as the e-mail shows it: the question and the
    answer's lines (several for a matrix or multiple choice; none if unanswered)."""

    number: int
    text: str
    values: list[str] = field(default_factory=list)

    @property
    def text_block(self) -> str:
        """The values for the plain-text mail, every line indented."""
        return "\n".join("   " + value.replace("\n", "\n   ") for value in self.values)


def _answer_lines(submission: FeedbackSubmission) -> list[AnswerLine]:
    """The submission's answers in question order, as text, in two queries."""
    form = submission.form
    labels = form.likert_label_list
    questions = list(form.questions.order_by("sort_order", "pk"))
    by_question: dict[int, list] = {}
    for answer in submission.answers.order_by("row"):
        by_question.setdefault(answer.question_id, []).append(answer)

    def likert(value: int) -> str:
        label = labels[5 - value] if len(labels) == 5 and 1 <= value <= 5 else ""
        return f"{value}（{label}）" if label else str(value)

    lines: list[AnswerLine] = []
    number = 0
    for question in questions:
        if question.kind == FeedbackKind.SECTION:
            continue
        number += 1
        line = AnswerLine(number=number, text=question.text)
        answers = by_question.get(question.pk, [])
        statements = question.option_list
        for answer in answers:
            if question.kind == FeedbackKind.LIKERT_MATRIX:
                statement = (
                    statements[answer.row - 1]
                    if 0 < answer.row <= len(statements)
                    else str(answer.row)
                )
                line.values.append(f"{statement}：{likert(answer.int_value)}")
            elif question.kind == FeedbackKind.LIKERT:
                line.values.append(likert(answer.int_value))
            elif question.kind == FeedbackKind.RATING:
                line.values.append(f"{answer.int_value} / 10")
            elif question.kind == FeedbackKind.YES_NO:
                line.values.append(_("是") if answer.int_value else _("否"))
            elif question.kind == FeedbackKind.DATE:
                line.values.append(
                    answer.date_value.isoformat() if answer.date_value else ""
                )
            else:
                line.values.append(answer.text_value)
        lines.append(line)
    return lines


@task(backend="background")
def notify_feedback_submission(submission_id: int) -> int:
    """E-mail a new submission to the form's notify addresses (plain text and HTML;
    everything the respondent typed is escaped in the HTML part). Returns the
    number of recipients."""
    submission = (
        FeedbackSubmission.objects.select_related(
            "form", "page", "course", "trainer", "respondent", "organisation"
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        return 0
    recipients = submission.form.notify_address_list
    if not recipients:
        return 0
    page = submission.page
    page_url = ""
    if page is not None:
        page_url = absolute_url(page.get_url() or "")
    # Staff read these mails in the site's language, whatever the respondent used.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "submission": submission,
            "form": submission.form,
            "page": page,
            "page_url": page_url,
            "submitted_at": timezone.localtime(submission.submitted_at),
            "respondent": submission.respondent,
            "answers": _answer_lines(submission),
            "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        }
        subject = render_to_string("emails/feedback_submitted_subject.txt", context)
        text = render_to_string("emails/feedback_submitted.txt", context)
        html = render_to_string("emails/feedback_submitted.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=recipients)
    message.attach_alternative(html, "text/html")
    message.send()
    logger.info(
        "Feedback submission %s sent to %d address(es)", submission.pk, len(recipients)
    )
    return len(recipients)


@task(backend="background")
def reminders_daily() -> dict:
    """The daily run of assigned training: sync every active assignment (new
    joiners, new cycles), send the reminders due today, remind holders of expiring
    certificates and renew expired ones, then schedule the next run (one pending run
    at the next ``REMINDER_HOUR``). Returns the counts."""
    # The next run is scheduled first: whatever fails below, tomorrow comes.
    reminders_schedule()
    counts = {}
    for name, step in (
        ("sync", assignments_sync_all),
        ("reminders", reminders_send_due),
        ("certificates", certificates_daily),
        ("certificate ZIPs", certificate_zips_prune),
    ):
        try:
            counts[name] = step()
        except Exception:  # noqa: BLE001 - one failing step must not stop the others
            logger.exception("daily training step %s failed", name)
    synced, sent, certificates, _zips = (
        counts.get(k) for k in ("sync", "reminders", "certificates", "certificate ZIPs")
    )
    return {
        "enrolled": synced.created + synced.renewed if synced else None,
        "sent": sent.sent if sent else None,
        "skipped": sent.skipped if sent else None,
        "certificate_reminders": certificates.reminded if certificates else None,
        "certificates_renewed": certificates.renewed if certificates else None,
    }


@task(backend="background")
def build_certificate_zip(certificate_ids: list[int], name: str) -> str:
    """Pack the PDFs of many certificates into one ZIP in the default storage (the
    admin's "下载 ZIP" for more than a few dozen certificates)."""
    from courses.certificate_pdf import certificate_zip_build

    return certificate_zip_build(certificate_ids=certificate_ids, name=name)
