"""Forms of the feedback admin: the form editor's base form (checks the nested
questions as a whole), and the small forms of the review workflow. Messages are
Chinese; the workflow's rules live in ``courses.services.feedback_review``."""

import uuid

from django import forms
from django.db.models import Count
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, PanelGroup
from wagtail.admin.panels.base import get_form_for_model

from courses.feedback_admin.filters import PersonChoiceField
from courses.models.feedback import (
    OPTION_KINDS,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    split_lines,
)
from courses.selectors.feedback import follow_up_assignees
from courses.services.feedback_review import NOTE_MAX_LENGTH

# Who may route submissions by e-mail: notify_emails receives every submission of
# every page using the form, so only training admins (and superusers) may set it.
NOTIFY_EMAILS_PERMISSION = "courses.delete_feedbackform"


def new_question_key() -> str:
    """A stable key for a question whose author left it blank."""
    return slugify(f"q-{uuid.uuid4().hex[:8]}")


class FeedbackQuestionAdminForm(WagtailAdminModelForm):
    """One question in the form editor: the key may be left blank (a short random
    key is filled in); only choice questions and Likert matrices take options."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = self.fields.get("key")
        if key is not None:
            key.required = False
            key.help_text = _(
                "稳定的英文标识，例如 trainer_expertise；留空则自动生成。"
                "不同表单中相同标识的题目会合并统计。"
            )

    def clean_key(self):
        return (self.cleaned_data.get("key") or "").strip() or new_question_key()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and kind not in OPTION_KINDS and split_lines(data.get("options")):
            self.add_error(
                "options",
                _("只有单选、多选和量表矩阵需要填写选项或陈述，请清空此栏。"),
            )
        return data


class FeedbackFormAdminForm(WagtailAdminModelForm):
    """The feedback form editor (settings and nested questions). Besides each
    question's own checks (``FeedbackQuestion.clean``: options per kind, no repeated
    option) it refuses, with Chinese messages on the question concerned:

    - two questions with the same key in one form;
    - deleting a question that already has answers (FeedbackAnswer.question is
      PROTECT), or changing the key or type of such a question (its answers were
      stored and are summarised under them);
    - changing the statements of an answered Likert matrix other than appending:
      its answers are stored by statement number.

    ``notify_emails`` is only for training admins (``NOTIFY_EMAILS_PERMISSION``):
    the panel hides it from others, and the form drops the field again for them
    (whatever the panels say), so a posted value never reaches the model.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self._may_set_notify_emails():
            self.fields.pop("notify_emails", None)

    def _may_set_notify_emails(self) -> bool:
        user = getattr(self, "for_user", None)
        return user is None or user.has_perm(NOTIFY_EMAILS_PERMISSION)

    def is_valid(self):
        # The questions are checked first: a duplicate key flagged here keeps
        # modelcluster's own (English) uniqueness message from appearing.
        questions_sound = self._questions_are_sound()
        valid = super().is_valid()
        return valid and questions_sound

    def _questions_are_sound(self) -> bool:
        questions = self.formsets.get("questions")
        if questions is None or not self.is_bound:
            return True
        sound = True
        live, deleted = [], []
        for form in questions.forms:
            form.is_valid()  # cleans the question
            data = getattr(form, "cleaned_data", None) or {}
            if data.get(DELETION_FIELD_NAME):
                deleted.append(form)
            elif data:
                live.append(form)

        answered = self._answer_counts(
            [form.instance.pk for form in live + deleted if form.instance.pk]
        )
        for form in deleted:
            count = answered.get(form.instance.pk)
            if not count:
                continue
            sound = False
            message = _(
                "题目“%(text)s”已有 %(count)s 份答卷作答，不能删除；"
                "如不再使用，请新建一份反馈表。"
            ) % {"text": form.instance.text, "count": count}
            form.cleaned_data[DELETION_FIELD_NAME] = False
            form.data = form.data.copy()
            form.data.pop(form.add_prefix(DELETION_FIELD_NAME), None)
            form.add_error(None, message)
            self.add_error(None, message)

        for form in live:
            if form.instance.pk not in answered:
                continue
            for field_name, label in (("key", _("题目标识")), ("kind", _("题型"))):
                if field_name in form.changed_data and field_name in form.fields:
                    sound = False
                    form.add_error(
                        field_name,
                        _("这道题已有答卷作答，不能修改%(label)s。") % {"label": label},
                    )
            if not self._statements_kept(form):
                sound = False
                form.add_error("options", _("这道题已有答卷作答，只能在末尾添加陈述。"))

        seen: dict[str, list] = {}
        for form in live:
            key = form.cleaned_data.get("key")
            if key:
                seen.setdefault(key, []).append(form)
        for key, forms_with_key in seen.items():
            if len(forms_with_key) < 2:
                continue
            sound = False
            for form in forms_with_key:
                form.add_error(
                    "key",
                    _("题目标识“%(key)s”在本表单中重复，每道题的标识必须不同。")
                    % {"key": key},
                )
        return sound

    @staticmethod
    def _statements_kept(form) -> bool:
        """Whether an answered Likert matrix keeps its statements (answers are
        stored by statement number): existing lines unchanged and in order, new
        ones only after them."""
        if form.initial.get("kind") != FeedbackKind.LIKERT_MATRIX:
            return True
        if "options" not in form.fields or "options" not in form.cleaned_data:
            return True
        before = split_lines(form.initial.get("options"))
        after = split_lines(form.cleaned_data["options"])
        return after[: len(before)] == before

    @staticmethod
    def _answer_counts(question_ids) -> dict[int, int]:
        if not question_ids:
            return {}
        return dict(
            FeedbackAnswer.objects.filter(question_id__in=question_ids)
            .order_by()
            .values("question_id")
            .annotate(n=Count("submission_id", distinct=True))
            .values_list("question_id", "n")
        )


class FeedbackQuestionsPanel(InlinePanel):
    """The questions' inline panel, building each question's form on
    ``FeedbackQuestionAdminForm`` (Wagtail's InlinePanel builds it on the default
    admin form)."""

    def get_form_options(self):
        options = super().get_form_options()
        child_options = self.child_edit_handler.get_form_options()
        deferred = child_options.get("defer_required_on_fields")
        options["formsets"][self.relation_name]["form"] = get_form_for_model(
            self.db_field.related_model,
            form_class=FeedbackQuestionAdminForm,
            **({"defer_required_on_fields": deferred} if deferred else {}),
        )
        return options


def _admin_panel(panel):
    """``panel`` as the editor shows it: the questions panel above, and
    ``notify_emails`` only for holders of ``NOTIFY_EMAILS_PERMISSION``."""
    if isinstance(panel, InlinePanel) and panel.relation_name == "questions":
        return FeedbackQuestionsPanel(**panel.clone_kwargs())
    if isinstance(panel, FieldPanel) and panel.field_name == "notify_emails":
        return type(panel)(
            **{**panel.clone_kwargs(), "permission": NOTIFY_EMAILS_PERMISSION}
        )
    if isinstance(panel, PanelGroup):
        kwargs = panel.clone_kwargs()
        kwargs["children"] = [_admin_panel(child) for child in panel.children]
        return type(panel)(**kwargs)
    return panel


def feedback_form_edit_handler() -> ObjectList:
    """The model's panels, with the questions panel above, ``notify_emails``
    restricted to training admins, and the checks of ``FeedbackFormAdminForm``."""
    panels = [_admin_panel(panel) for panel in FeedbackForm.panels]
    return ObjectList(panels, base_form_class=FeedbackFormAdminForm)


# -- the review workflow -----------------------------------------------------------


class FollowUpForm(forms.Form):
    assignee = PersonChoiceField(
        label=_("跟进人"),
        queryset=None,
        empty_label=_("请选择"),
        help_text=_("培训管理员"),
        error_messages={
            "required": _("请选择跟进人。"),
            "invalid_choice": _("跟进人必须是培训管理员。"),
        },
    )
    note = forms.CharField(
        label=_("跟进事项"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("请填写需要跟进的事项。"),
            "max_length": _("跟进说明最多 %(limit_value)d 字。"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = follow_up_assignees()

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("请填写需要跟进的事项。"))
        return note


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("处理结果"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填；附在跟进说明之后。"),
        error_messages={"max_length": _("处理结果最多 %(limit_value)d 字。")},
    )
