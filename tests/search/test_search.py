"""search(): synonyms, FAQ items as results, filters, pagination, restricted content,
promotions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from courses.models import CoursePage, LessonPage
from home.models import ArticlePage, FaqItem, HandbookChapterPage, SearchSynonym
from home.search.service import KINDS, search
from tests.search.conftest import titles

pytestmark = pytest.mark.django_db

STAFF_COURSE = "客户沟通与投诉处理"


def test_hits_have_the_interface_fields(anonymous):
    results = search("退货", user=anonymous)
    assert results.query == "退货"
    assert results.total == len(results.hits) > 0
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    for hit in results.hits:
        assert hit.kind in KINDS
        assert hit.title and hit.url and hit.section
        assert isinstance(hit.score, float)
    assert any("<mark>退货</mark>" in hit.snippet for hit in results.hits)


def test_five_kinds_with_their_sections(anonymous):
    sections = {}
    for query in ("退货", "投诉处理", "滤芯", "故障代码"):
        for hit in search(query, user=anonymous).hits:
            sections[hit.kind] = hit.section
    assert sections == {
        "article": "帮助中心",
        "faq": "常见问题",
        "chapter": "培训手册",
        "course": "课程",
        "lesson": "课程",
    }


def test_synonym_added_in_the_admin_applies_at_once(publish_article):
    publish_article("蓝牙音箱说明", "这款蓝牙音箱支持语音播报")
    assert "蓝牙音箱说明" not in titles("无线喇叭")
    SearchSynonym.objects.create(terms="无线喇叭 = 蓝牙音箱")
    assert "蓝牙音箱说明" in titles("无线喇叭")
    SearchSynonym.objects.filter(terms__contains="无线喇叭").delete()
    assert "蓝牙音箱说明" not in titles("无线喇叭")


def test_seeded_synonyms_widen_queries():
    # The FAQ says 物流; 快递 = 物流 is a demo synonym.
    assert "怎样查询物流进度？" in titles("快递进度")
    assert "退货退款流程与时效说明" in titles("退换货")


def test_faq_items_are_separate_results_linking_to_their_anchor(anonymous, faq_page):
    hits = [hit for hit in search("验证码", user=anonymous).hits if hit.kind == "faq"]
    assert len(hits) >= 2
    for hit in hits:
        item = FaqItem.objects.get(question=hit.title)
        assert hit.url == f"{faq_page.url}#faq-{item.pk}"


def test_filter_by_type(anonymous):
    results = search("退货", user=anonymous, types=["faq"])
    assert results.hits and {hit.kind for hit in results.hits} == {"faq"}
    results = search("滤芯", user=anonymous, types=["article", "lesson"])
    assert {hit.kind for hit in results.hits} <= {"article", "lesson"}
    assert {hit.kind for hit in results.hits} == {"article", "lesson"}


def test_filter_by_tag(anonymous):
    results = search("故障", user=anonymous, tag="E203")
    assert results.hits
    for hit in results.hits:
        assert hit.kind in ("article", "faq", "course")
        assert "E203" in [tag.name for tag in hit.obj.tags.all()]
    assert not search("故障", user=anonymous, tag="没有这个标签").hits


def test_pagination_slices_one_ranking(anonymous):
    everything = search("扫地机器人", user=anonymous)
    assert everything.total > 12
    first = search("扫地机器人", user=anonymous, limit=5)
    second = search("扫地机器人", user=anonymous, limit=5, offset=5)
    keys = [(hit.kind, hit.pk) for hit in everything.hits]
    assert [(h.kind, h.pk) for h in first.hits] == keys[:5]
    assert [(h.kind, h.pk) for h in second.hits] == keys[5:10]
    assert first.total == second.total == everything.total


def _staff_course_hits(user):
    course = CoursePage.objects.get(title=STAFF_COURSE)
    lessons = set(LessonPage.objects.child_of(course).values_list("pk", flat=True))
    hits = search("投诉处理", user=user).hits
    return [
        hit
        for hit in hits
        if (hit.kind == "course" and hit.pk == course.pk)
        or (hit.kind == "lesson" and hit.pk in lessons)
    ]


def test_restricted_content_hidden_from_anonymous_and_customers(customer):
    assert _staff_course_hits(AnonymousUser()) == []
    assert _staff_course_hits(customer) == []


def test_staff_see_staff_only_results(staff):
    kinds = {hit.kind for hit in _staff_course_hits(staff)}
    assert kinds == {"course", "lesson"}


def test_faq_items_of_a_restricted_faq_page_are_hidden(faq_page, customer, staff):
    from tests.search.test_index_updates import restrict_to_staff

    restrict_to_staff(faq_page)
    assert not search("验证码", user=customer, types=["faq"]).hits
    assert search("验证码", user=staff, types=["faq"]).hits


def test_promoted_result_comes_first(anonymous):
    chapter = HandbookChapterPage.objects.get(slug="returns-exchange-rules")
    query = Query.get("退货")
    SearchPromotion.objects.create(query=query, page=chapter, sort_order=0)
    results = search("退货", user=anonymous)
    first = results.hits[0]
    assert (first.kind, first.pk, first.promoted) == ("chapter", chapter.pk, True)
    assert [(h.kind, h.pk) for h in results.hits].count(("chapter", chapter.pk)) == 1


def test_promotion_of_a_restricted_page_is_not_shown(anonymous):
    course = CoursePage.objects.get(title=STAFF_COURSE)
    SearchPromotion.objects.create(query=Query.get("退货"), page=course, sort_order=0)
    assert all(hit.pk != course.pk for hit in search("退货", user=anonymous).hits)


def test_no_results_and_problems(anonymous):
    assert search("", user=anonymous).problem == "empty"
    assert search("？！。，", user=anonymous).problem == "no_words"
    results = search("量子纠缠", user=anonymous)
    assert (results.problem, results.total, results.hits) == ("", 0, [])
    assert search("退" * 10_000, user=anonymous).truncated


def test_articles_and_pages_are_live_only(anonymous, publish_article):
    article = publish_article("草稿测试文章", "独一无二的草稿词语")
    article.unpublish()
    assert ArticlePage.objects.filter(pk=article.pk, live=False).exists()
    assert search("独一无二的草稿词语", user=anonymous).total == 0
