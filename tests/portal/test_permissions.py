"""Who sees what: anonymous, customer, staff, trainer and training admin against a
public
page, a staff-only course, the admin area and the API."""

import pytest
from wagtail.models import PageViewRestriction

from courses.models import CoursePage

ROLES = ["anonymous", "customer", "staff", "trainer", "admin"]


@pytest.fixture
def staff_only_course(db):
    restricted = PageViewRestriction.objects.values_list("page_id", flat=True)
    return CoursePage.objects.live().filter(pk__in=restricted).first()


@pytest.fixture
def public_course(db):
    restricted = PageViewRestriction.objects.values_list("page_id", flat=True)
    return CoursePage.objects.live().exclude(pk__in=restricted).first()


@pytest.fixture
def as_role(client_for, django_user_model):
    def sign_in(role):
        user = (
            None
            if role == "anonymous"
            else django_user_model.objects.get(username=role)
        )
        return client_for(user)

    return sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_everybody_opens_a_public_course(as_role, role, public_course):
    response = as_role(role).get(public_course.url)
    assert response.status_code == 200
    assert public_course.title in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("customer", 403),
        ("staff", 200),
        ("trainer", 200),
        ("admin", 200),
    ],
)
def test_staff_only_course(as_role, role, expected, staff_only_course):
    response = as_role(role).get(staff_only_course.url)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
    if expected != 200:
        assert staff_only_course.summary not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "can_enter"),
    [
        ("anonymous", False),
        ("customer", False),
        ("staff", False),
        ("trainer", True),
        ("admin", True),
    ],
)
def test_admin_area(as_role, role, can_enter):
    response = as_role(role).get("/admin/")
    if can_enter:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"] or response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_never_lists_restricted_pages(as_role, role, staff_only_course):
    response = as_role(role).get("/api/v2/pages/?limit=100&type=courses.CoursePage")
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert staff_only_course.pk not in ids
    assert ids, "public courses are listed"
    detail = as_role(role).get(f"/api/v2/pages/{staff_only_course.pk}/")
    assert detail.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page_type",
    [
        "home.HomePage",
        "home.ArticlePage",
        "home.FaqPage",
        "home.HandbookChapterPage",
        "courses.CoursePage",
        "courses.LessonPage",
    ],
)
def test_api_serves_every_field_of_every_page_type(client, page_type):
    response = client.get("/api/v2/pages/", {"type": page_type, "fields": "*"})
    assert response.status_code == 200, response.content
    assert response.json()["items"]


@pytest.mark.django_db
def test_api_documents_leave_out_private_collections(client):
    from wagtail.documents import get_document_model

    private = get_document_model().objects.filter(collection__name="内部资料")
    assert private.exists()
    response = client.get("/api/v2/documents/", {"limit": 100})
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert ids
    assert not ids & set(private.values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "listed"),
    [("anonymous", False), ("customer", False), ("staff", True), ("admin", True)],
)
def test_catalogue_lists_staff_courses_only_to_staff(
    as_role, role, listed, staff_only_course
):
    index = staff_only_course.get_parent()
    response = as_role(role).get(index.url)
    assert response.status_code == 200
    assert (staff_only_course.title in response.text) is listed


@pytest.mark.django_db
def test_sitemap_leaves_out_restricted_pages(client, staff_only_course, public_course):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert public_course.slug in body
    assert staff_only_course.slug not in body


@pytest.mark.django_db
def test_staff_only_documents_are_hidden_and_refused(client_for, customer, staff):
    from wagtail.documents import get_document_model

    private = get_document_model().objects.filter(collection__name="内部资料").first()
    assert private is not None
    anonymous = client_for(None)
    downloads = anonymous.get("/downloads/")
    assert private.title not in downloads.text
    assert anonymous.get(private.url).status_code in (302, 403)
    assert client_for(customer).get(private.url).status_code in (302, 403)
    staff_client = client_for(staff)
    assert private.title in staff_client.get("/downloads/").text
    assert staff_client.get(private.url).status_code == 200


@pytest.mark.django_db
def test_robots_txt_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/home/faqcategory/",
        "/admin/snippets/home/productcategory/",
        "/admin/documents/",
        "/admin/pages/",
    ],
)
def test_trainer_reaches_the_authoring_screens(client_for, trainer, url):
    response = client_for(trainer).get(url, follow=True)
    assert response.status_code == 200


@pytest.mark.django_db
def test_trainer_cannot_manage_users_but_training_admin_can(
    client_for, trainer, django_user_model
):
    from django.contrib.auth.models import Group

    assert client_for(trainer).get("/admin/users/").status_code == 302
    training_admin = django_user_model.objects.create_user("ta", password="x")
    training_admin.groups.add(Group.objects.get(name="培训管理员"))
    assert client_for(training_admin).get("/admin/users/").status_code == 200
