"""Forms of the certificate admin: revoke and reissue reasons, trainer
and ``CoursePageForm`` (only a qualified trainer can be set as a
course's trainer). Issuance forms are in ``issue_forms``, the qualification form in
``qualifications``.

``courses.models.pages`` imports this module (``CoursePage.base_form_class``), so it
imports no page model, nothing that does, and declares no model form.

``CoursePageForm`` is the ``base_form_class`` of ``CoursePage``. Its rule: a trainer
newly set (or changed) on a course must hold a ``TrainerQualification`` for that
course whose ``review_due`` is today or later. Leaving the trainer empty is always
allowed; keeping the trainer a page already has is allowed even if their
qualification has lapsed since (editing a course's text must not be blocked by
the trainer's annual review; the lapsed qualification shows as 已过期 under 讲师资格).
A new course has no qualifications yet (they point at the course), so a trainer is
set after the course is saved and the qualification recorded.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from courses.models.certificates import TrainerQualification


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写原因。")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(
                self.fields["reason"].error_messages["required"]
            )
        return reason


class RevokeForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = _("撤销原因")
        field.help_text = _("例如：考试作弊、信息有误。查验页面只显示“已撤销”及日期。")
        field.error_messages["required"] = _("请填写撤销原因。")


class ReissueForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = _("重新颁发原因")
        field.help_text = _("例如：姓名有误、已更名。原证书将标记为“已被新证书取代”。")
        field.error_messages["required"] = _("请填写重新颁发的原因。")


UNQUALIFIED_TRAINER = _(
    "该讲师没有本课程的有效讲师资格（对外培训师资格证书），"
    "请先在“讲师资格”中登记或完成年审。"
)
NEW_COURSE_TRAINER = _(
    "新建课程时还不能设置讲师：请先不填讲师保存课程，在“讲师资格”中为该讲师登记"
    "本课程的讲师资格后，再回来设置讲师。"
)


def is_qualified(*, trainer, course, today=None) -> bool:
    today = today or timezone.localdate()
    return TrainerQualification.objects.filter(
        trainer=trainer, course=course, review_due__gte=today
    ).exists()


class CoursePageForm(WagtailAdminPageForm):
    """The course page form: refuses a trainer without a valid qualification for
    this course (see the module docstring)."""

    def clean(self):
        cleaned = super().clean()
        trainer = cleaned.get("trainer")
        if trainer is None or "trainer" not in self.changed_data:
            return cleaned
        if self.instance.pk is None:
            self.add_error("trainer", NEW_COURSE_TRAINER)
        elif not is_qualified(trainer=trainer, course=self.instance):
            self.add_error("trainer", UNQUALIFIED_TRAINER)
        return cleaned
