"""Search relevance over the demo content: every query in ``RELEVANCE_QUERIES`` is
searched, and its expected page must be in the top 5 for at least 90% of them.

Queries whose expected page is staff-only (staff courses and their lessons) are
searched as the demo user "staff"; all others anonymously. On failure the message
lists every miss with the top-5 titles the search returned.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.search import relevance_queries as judgements


def test_expected_titles_exist_in_demo_content():
    counts = judgements.check_titles()
    assert len(judgements.RELEVANCE_QUERIES) >= 70
    minimum = {"article": 25, "faq": 20, "chapter": 8, "course": 5, "lesson": 10}
    assert all(counts[kind] >= least for kind, least in minimum.items()), counts


def test_staff_only_titles_are_staff_courses_and_their_lessons():
    staff_only = judgements.staff_only_titles()
    assert "新员工入职培训（七阶段）" in staff_only
    assert "第1课 认识 X 系列与首次使用" not in staff_only
    assert "第二章 标准话术与禁用语" not in staff_only


@pytest.mark.django_db
def test_recall_at_5(django_user_model, record_property):
    from home.search.service import search

    judgements.ensure_synonyms()
    staff = django_user_model.objects.get(username="staff")
    anonymous = AnonymousUser()

    def run(query: str, as_staff: bool) -> list[str]:
        user = staff if as_staff else anonymous
        results = search(query, user=user, limit=2 * judgements.TOP_K)
        return [hit.title for hit in results.hits]

    evaluation = judgements.evaluate(run)
    record_property("recall_at_5", round(evaluation.recall, 3))
    record_property("mrr", round(evaluation.mrr, 3))
    assert evaluation.recall >= judgements.RECALL_TARGET, evaluation.report()
