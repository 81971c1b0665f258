"""Builds the demo courses, organisations and demo users on top of the self-study
content. Idempotent; ``reset_demo`` removes what seeding creates."""

import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageViewRestriction, Site

from courses import demo_content as content
from courses.models import CourseIndexPage, CoursePage, LessonMaterial, LessonPage
from home import demo_content as home_content
from home.models import ArticleVote, FaqCategory, ProductCategory
from home.seeding import (
    SeedReport,
    child_by_slug,
    publish_child,
    seed_self_study,
    stream,
)
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, STAFF_GROUP_NAMES, Role

DEMO_PASSWORD = "changeme"  # noqa: S105 - documented local demo accounts only
DEMO_USERS = [
    # username, display name, role, organisation code, superuser
    ("admin", "系统管理员", Role.TRAINING_ADMIN, "QM-TR", True),
    ("trainer", "王老师", Role.TRAINER, "QM-TR", False),
    ("staff", "李小客", Role.STAFF, "QM-CS", False),
    ("customer", "张先生", Role.CUSTOMER, None, False),
]
COVER_COLOURS = ["#0f766e", "#4338ca", "#b45309", "#0e7490", "#7c3aed", "#be123c"]


def seed_organisations(report: SeedReport) -> dict[str, Organisation]:
    organisations = {}
    for spec in home_content.ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=spec["name"], defaults={"code": spec["code"], "kind": spec["kind"]}
        )
        report.add("organisations", int(created))
        organisations[spec["code"]] = organisation
    return organisations


def seed_users(organisations, report: SeedReport) -> dict:
    user_model = get_user_model()
    customer_org = next(
        (
            org
            for org in organisations.values()
            if org.kind == Organisation.Kind.CUSTOMER
        ),
        None,
    )
    users = {}
    for username, name, role, org_code, superuser in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(
                username=username,
                email=f"{username}@shifu.example.com",
                first_name=name,
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
            organisation = organisations.get(org_code) if org_code else customer_org
            Profile.objects.create(
                user=user,
                display_name=name,
                phone="13800138000",
                organisation=organisation,
            )
            report.add("users")
        users[username] = user
    return users


def cover_image(title: str, colour: str):
    """A plain generated cover (a coloured panel with stripes) for a demo course."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", (960, 540), colour)
    draw = ImageDraw.Draw(canvas)
    for offset in range(-540, 960, 90):
        draw.line([(offset, 540), (offset + 540, 0)], fill="#ffffff", width=18)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    image = image_model(title=title, collection=Collection.get_first_root_node())
    image.file = ImageFile(buffer, name="course-cover.png")
    image._set_image_file_metadata()
    image.save()
    return image


def restrict_to_staff(page: Page) -> None:
    if PageViewRestriction.objects.filter(page=page).exists():
        return
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name__in=STAFF_GROUP_NAMES))


def seed_courses(home, documents, users, report: SeedReport) -> None:
    admin = users["admin"]
    index = child_by_slug(home, CourseIndexPage, "courses")
    if index is None:
        index = publish_child(
            home,
            CourseIndexPage(
                title=content.COURSE_INDEX["title"],
                slug="courses",
                intro=content.COURSE_INDEX["intro"],
                show_in_menus=True,
            ),
            admin,
        )
        report.add("pages")
    for number, spec in enumerate(content.COURSES):
        course = child_by_slug(index, CoursePage, spec["slug"])
        if course is None:
            course = CoursePage(
                title=spec["title"],
                slug=spec["slug"],
                summary=spec["summary"],
                objectives="\n".join(spec["objectives"]),
                audience=spec["audience"],
                level=spec["level"],
                estimated_hours=Decimal(spec["hours"]),
                trainer=users.get(spec.get("trainer", "trainer")),
                prerequisites=spec.get("prerequisites", ""),
                cover_image=cover_image(
                    f"课程封面：{spec['title']}",
                    COVER_COLOURS[number % len(COVER_COLOURS)],
                ),
            )
            course.tags.add(*spec.get("tags", []))
            publish_child(index, course, admin)
            report.add("pages")
        if spec.get("staff_only"):
            restrict_to_staff(course)
        for lesson_spec in spec["lessons"]:
            if child_by_slug(course, LessonPage, lesson_spec["slug"]) is not None:
                continue
            lesson = LessonPage(
                title=lesson_spec["title"],
                slug=lesson_spec["slug"],
                summary=lesson_spec.get("summary", ""),
                estimated_minutes=lesson_spec["minutes"],
                body=stream(lesson_spec["body"], documents),
            )
            for order, key in enumerate(lesson_spec.get("materials", [])):
                lesson.materials.add(
                    LessonMaterial(document=documents[key], sort_order=order)
                )
            publish_child(course, lesson, admin)
            report.add("pages")


@transaction.atomic
def seed_demo() -> SeedReport:
    """Build the whole demo site; running it again changes nothing."""
    report = SeedReport()
    organisations = seed_organisations(report)
    users = seed_users(organisations, report)
    home, documents, self_study = seed_self_study(user=users["admin"])
    for kind, count in self_study.created.items():
        report.add(kind, count)
    seed_courses(home, documents, users, report)
    return report


def site_has_content() -> bool:
    """Whether the home page has any section pages yet (``--if-empty`` checks this)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return bool(site and site.root_page.get_children().exists())


@transaction.atomic
def reset_demo() -> None:
    """Remove the demo content and users, keeping the migrated home page and groups."""
    site = Site.objects.get(is_default_site=True)
    for child in site.root_page.get_children():
        child.delete()
    ArticleVote.objects.all().delete()
    get_document_model().objects.all().delete()
    get_image_model().objects.filter(title__startswith="课程封面").delete()
    root = Collection.get_first_root_node()
    for collection in root.get_children():
        collection.delete()
    FaqCategory.objects.all().delete()
    ProductCategory.objects.all().delete()
    get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).delete()
    Organisation.objects.filter(
        code__in=[spec["code"] for spec in home_content.ORGANISATIONS]
    ).delete()
