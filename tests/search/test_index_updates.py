"""The index follows publishing: pages and FAQ items appear when published, leave
when unpublished or deleted; ``update_index`` rebuilds; ``seed_demo`` leaves the
index built."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from wagtail.models import PageViewRestriction
from wagtail.search.models import IndexEntry

from home.models import FaqCategory, FaqItem
from portal.accounts.roles import STAFF_GROUP_NAMES
from tests.search.conftest import titles

pytestmark = pytest.mark.django_db


def restrict_to_staff(page):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name__in=STAFF_GROUP_NAMES))


def faq_entries():
    content_type = ContentType.objects.get_for_model(FaqItem)
    return IndexEntry.objects.filter(content_type=content_type)


def test_seed_demo_left_faq_items_indexed(faq_page):
    items = FaqItem.objects.filter(page=faq_page)
    assert items.count() > 20
    assert faq_entries().count() == items.count()
    assert "净水器的废水可以利用吗？" in titles("废水")


def test_publish_then_unpublish_an_article(publish_article):
    article = publish_article("新上线的配件说明", "旋风分离器的拆洗方法")
    assert "新上线的配件说明" in titles("旋风分离器")
    article.unpublish()
    assert "新上线的配件说明" not in titles("旋风分离器")
    article.save_revision().publish()
    assert "新上线的配件说明" in titles("旋风分离器")
    article.delete()
    assert "新上线的配件说明" not in titles("旋风分离器")


def test_edited_text_is_reindexed_on_publish(publish_article):
    article = publish_article("改版文章", "第一版写的是旧款遥控器")
    article.body = [{"type": "paragraph", "value": "<p>第二版写的是新款充电桩</p>"}]
    article.tags.add("充电桩专题")
    article.save_revision().publish()
    assert "改版文章" in titles("充电桩")
    assert "改版文章" not in titles("遥控器")
    assert "改版文章" in titles("充电桩", tag="充电桩专题")


def test_faq_items_follow_their_page(faq_page):
    category = FaqCategory.objects.first()
    page = faq_page.get_latest_revision_as_object()
    page.faq_items.add(
        FaqItem(category=category, question="拖布发霉怎么办？", answer="<p>晾干。</p>")
    )
    page.save_revision().publish()
    assert "拖布发霉怎么办？" in titles("发霉")
    item = FaqItem.objects.get(question="拖布发霉怎么办？")
    assert faq_entries().filter(object_id=str(item.pk)).exists()

    faq_page.refresh_from_db()
    faq_page.unpublish()
    assert "拖布发霉怎么办？" not in titles("发霉")
    assert not faq_entries().filter(object_id=str(item.pk)).exists()

    faq_page.refresh_from_db()
    page = faq_page.get_latest_revision_as_object()
    added = next(i for i in page.faq_items.all() if i.question == item.question)
    page.faq_items.remove(added)
    page.save_revision().publish()
    assert not FaqItem.objects.filter(pk=item.pk).exists()
    assert not faq_entries().filter(object_id=str(item.pk)).exists()
    assert "拖布发霉怎么办？" not in titles("发霉")
    assert "净水器的废水可以利用吗？" in titles("废水")


def test_update_index_rebuilds_everything(faq_page):
    IndexEntry.objects.all().delete()
    assert titles("退货") == []
    call_command("update_index", verbosity=0)
    assert "退货退款流程与时效说明" in titles("退货")
    assert faq_entries().count() == FaqItem.objects.filter(page=faq_page).count()
