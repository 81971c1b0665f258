"""Anonymous page responses are cached; publishing clears them; users never share."""

import pytest

from courses.models import CoursePage
from portal.cache import CACHE_HEADER


@pytest.fixture
def course(db):
    from wagtail.models import PageViewRestriction

    restricted = PageViewRestriction.objects.values_list("page_id", flat=True)
    return CoursePage.objects.live().exclude(pk__in=restricted).first()


@pytest.mark.django_db
def test_second_anonymous_request_is_served_from_cache(client, course):
    first = client.get(course.url)
    assert first[CACHE_HEADER] == "miss"
    second = client.get(course.url)
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content


@pytest.mark.django_db
def test_publishing_invalidates_cached_pages(client, course):
    client.get(course.url)
    course.title = "改过的课程标题"
    course.save_revision().publish()
    response = client.get(course.url)
    assert response[CACHE_HEADER] == "miss"
    assert "改过的课程标题" in response.text
    # The catalogue that lists the course is fresh too.
    assert "改过的课程标题" in client.get(course.get_parent().url).text


@pytest.mark.django_db
def test_signed_in_users_are_never_cached(client_for, customer, course):
    signed_in = client_for(customer)
    response = signed_in.get(course.url)
    assert CACHE_HEADER not in response
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_anonymous_never_sees_a_page_cached_for_a_user(client_for, staff, course):
    client_for(staff).get(course.url)
    anonymous = client_for(None).get(course.url)
    assert anonymous[CACHE_HEADER] == "miss"
    assert "退出" not in anonymous.text


@pytest.mark.django_db
def test_forms_with_csrf_tokens_are_not_cached(client):
    client.get("/accounts/login/")
    response = client.get("/accounts/login/")
    assert CACHE_HEADER not in response
