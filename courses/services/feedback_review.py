"""The review workflow of feedback submissions (writes; the admin views call these).

Transitions: 待查看 → 已查看; any state → 需跟进 (with an assignee and a note; from
已跟进 this reopens it); 需跟进 → 已跟进. Every change records who made it and when
(``reviewed_by``, ``reviewed_at``). Repeating the same action (a double click, a
refreshed POST) changes nothing. Each function locks the submission's row so two
admins acting at once apply one after the other.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models.feedback import FeedbackSubmission, ReviewStatus
from courses.selectors.feedback import follow_up_assignees

NOTE_MAX_LENGTH = FeedbackSubmission._meta.get_field("follow_up_note").max_length


class FeedbackReviewError(Exception):
    """A review action that does not apply to the submission's state; ``message`` is
    shown to the admin."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _locked(submission: FeedbackSubmission) -> FeedbackSubmission:
    return FeedbackSubmission.objects.select_for_update().get(pk=submission.pk)


def _stamp(submission: FeedbackSubmission, *, by, now) -> None:
    submission.reviewed_by = by
    submission.reviewed_at = now or timezone.now()


@transaction.atomic
def feedback_submission_mark_reviewed(
    *, submission: FeedbackSubmission, by, now=None
) -> FeedbackSubmission:
    current = _locked(submission)
    if current.review_status == ReviewStatus.REVIEWED:
        return current
    if current.review_status != ReviewStatus.NEW:
        raise FeedbackReviewError(
            _("这条反馈%(status)s，不能再标记为已查看。")
            % {
                "status": _("正在跟进")
                if current.review_status == ReviewStatus.FOLLOW_UP
                else _("已经跟进完毕")
            }
        )
    current.review_status = ReviewStatus.REVIEWED
    _stamp(current, by=by, now=now)
    current.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    return current


@transaction.atomic
def feedback_submission_follow_up(
    *, submission: FeedbackSubmission, assignee, note: str, by, now=None
) -> FeedbackSubmission:
    """Mark as needing follow-up by ``assignee`` (a training admin or superuser)."""
    note = (note or "").strip()
    if not note:
        raise FeedbackReviewError(_("请填写需要跟进的事项。"))
    if len(note) > NOTE_MAX_LENGTH:
        raise FeedbackReviewError(
            _("跟进说明最多 %(limit)s 字。") % {"limit": NOTE_MAX_LENGTH}
        )
    if assignee is None or not follow_up_assignees().filter(pk=assignee.pk).exists():
        raise FeedbackReviewError(_("跟进人必须是培训管理员。"))
    current = _locked(submission)
    if (
        current.review_status == ReviewStatus.FOLLOW_UP
        and current.assignee_id == assignee.pk
        and current.follow_up_note == note
    ):
        return current
    current.review_status = ReviewStatus.FOLLOW_UP
    current.assignee = assignee
    current.follow_up_note = note
    _stamp(current, by=by, now=now)
    current.save(
        update_fields=[
            "review_status",
            "assignee",
            "follow_up_note",
            "reviewed_by",
            "reviewed_at",
        ]
    )
    return current


def resolved_note(existing: str, addition: str) -> str:
    """The follow-up note with the outcome appended below it."""
    addition = (addition or "").strip()
    if not addition:
        return existing
    if not existing:
        return addition
    return f"{existing}\n——\n{addition}"


@transaction.atomic
def feedback_submission_resolve(
    *, submission: FeedbackSubmission, note: str = "", by, now=None
) -> FeedbackSubmission:
    """Close a follow-up; ``note`` (the outcome) is appended to the follow-up note."""
    current = _locked(submission)
    if current.review_status == ReviewStatus.RESOLVED:
        return current
    if current.review_status != ReviewStatus.FOLLOW_UP:
        raise FeedbackReviewError(_("只有“需跟进”的反馈才能标记为已跟进。"))
    combined = resolved_note(current.follow_up_note, note)
    if len(combined) > NOTE_MAX_LENGTH:
        raise FeedbackReviewError(
            _("跟进说明最多 %(limit)s 字，请精简处理结果。")
            % {"limit": NOTE_MAX_LENGTH}
        )
    current.review_status = ReviewStatus.RESOLVED
    current.follow_up_note = combined
    _stamp(current, by=by, now=now)
    current.save(
        update_fields=["review_status", "follow_up_note", "reviewed_by", "reviewed_at"]
    )
    return current


@transaction.atomic
def feedback_submission_delete(*, submission: FeedbackSubmission, by) -> None:
    """Delete a submission and its answers, leaving an entry in Wagtail's log."""
    log(instance=submission, action="wagtail.delete", user=by)
    submission.delete()
