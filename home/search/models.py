"""Search's own data: synonym groups editors manage, and queries that found nothing.

Imported by ``home.models`` so Django registers them in the ``home`` app. Popular
queries and promoted results use Wagtail's ``search_promotions`` models (``Query``,
``QueryDailyHits``, ``SearchPromotion``).
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

SYNONYM_SEPARATORS = re.compile(r"[=＝,，、;；/\n\r]+")


class SearchSynonym(models.Model):
    """A group of terms a visitor may use for the same thing (退货 = 退款退货 =
    退换货). A query containing any of them also finds pages with the others."""

    terms = models.TextField(
        _("同义词"),
        help_text=_(
            "填写两个或更多意思相同的词，用等号、逗号或换行分隔，"
            "例如：退货 = 退款退货 = 退换货"
        ),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("搜索同义词")
        verbose_name_plural = _("搜索同义词")

    def __str__(self):
        return " = ".join(self.term_list)

    def save(self, *args, **kwargs):
        self.terms = " = ".join(self.term_list)
        super().save(*args, **kwargs)

    @property
    def term_list(self) -> list[str]:
        terms = (term.strip() for term in SYNONYM_SEPARATORS.split(self.terms))
        return list(dict.fromkeys(term for term in terms if term))


class ZeroResultQuery(models.Model):
    """How often a (normalised) query found nothing on a day; filled in batches by
    ``home.search.querylog``, never on the request that searched."""

    query_string = models.CharField(_("搜索词"), max_length=255)
    date = models.DateField(_("日期"))
    hits = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        ordering = ["-hits", "-date"]
        verbose_name = _("无结果搜索")
        verbose_name_plural = _("无结果搜索")
        constraints = [
            models.UniqueConstraint(
                fields=["query_string", "date"], name="one_zero_result_row_per_day"
            )
        ]

    def __str__(self):
        return self.query_string
