"""Abstract page mixins shared by the site's and the learning domain's page types."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class WithFeedbackForm(models.Model):
    """Lets a page carry a feedback form (``courses.FeedbackForm``; one form may serve
    many pages). Referred to by string: ``home`` does not import ``courses``."""

    feedback_form = models.ForeignKey(
        "courses.FeedbackForm",
        verbose_name=_("反馈表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("读者可在页面上填写的反馈表或意见单"),
    )

    feedback_panels = [FieldPanel("feedback_form")]

    class Meta:
        abstract = True
