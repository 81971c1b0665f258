"""The assignment form of the admin (培训指派): panels, widgets and the checks.

The rules live on the model (``Assignment.clean``: course or path, one deadline kind,
recurrence for courses only, the reminder days); Wagtail's model form shows them as
field errors, in Chinese. The user list can hold hundreds of people, so it is a
multi-select with a filter box.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.html import escapejs, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets import AdminPageChooser

from courses.models import CoursePage, LearningPath
from portal.accounts.models import Organisation

FILTER_SCRIPT = """<script>
(function () {
  var box = document.getElementById("%(id)s-filter");
  var select = document.getElementById("%(id)s");
  if (!box || !select) { return; }
  box.addEventListener("input", function () {
    var term = box.value.trim().toLowerCase();
    Array.prototype.forEach.call(select.options, function (option) {
      option.hidden = term !== "" && !option.selected &&
        option.text.toLowerCase().indexOf(term) === -1;
    });
  });
})();
</script>"""


class SearchableSelectMultiple(forms.SelectMultiple):
    """A multi-select (Ctrl/⌘-click to pick several) with a filter box above it:
    typing narrows the options to those containing the text; picked ones stay."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"size": 12, "style": "width:100%", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {})}
        element_id = attrs.get("id") or f"id_{name}"
        attrs["id"] = element_id
        select = super().render(name, value, attrs, renderer)
        return format_html(
            '<input type="search" id="{}-filter" placeholder="{}" '
            'aria-label="{}" style="margin-bottom:0.5rem">{}{}',
            element_id,
            _("输入姓名或用户名筛选"),
            _("筛选学员"),
            select,
            mark_safe(FILTER_SCRIPT % {"id": escapejs(element_id)}),  # noqa: S308
        )


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name}（{user.get_username()}）" if name else user.get_username()


class AssignmentForm(WagtailAdminModelForm):
    """Active users only in the learner list, organisations by kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = self.fields["users"]
        users.queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("username")
            .only("pk", "username", "first_name", "last_name")
        )
        self.fields["organisations"].queryset = Organisation.objects.order_by(
            "kind", "name"
        )

    class Meta:
        field_classes = {"users": UserChoiceField}
        widgets = {
            "course": AdminPageChooser(target_models=[CoursePage]),
            "path": AdminPageChooser(target_models=[LearningPath]),
            "users": SearchableSelectMultiple,
            "groups": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
        }


assignment_edit_handler = ObjectList(
    [
        FieldPanel("title"),
        MultiFieldPanel(
            [FieldPanel("course"), FieldPanel("path")],
            heading=_("培训内容（课程或学习路径，二选一）"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("users"),
                FieldPanel("groups"),
                FieldPanel("organisations"),
            ],
            heading=_("指派对象"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("due_on")]),
                FieldRowPanel([FieldPanel("due_days"), FieldPanel("recur_months")]),
            ],
            heading=_("时间安排"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("remind_days"),
                FieldPanel("remind_overdue"),
                FieldPanel("is_active"),
            ],
            heading=_("提醒与状态"),
        ),
    ],
    base_form_class=AssignmentForm,
)
