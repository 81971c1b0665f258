"""Seeds the demo learning path, assignments and progress (``courses.demo_progress``)
through the services, as people would have produced them. Idempotent: the path,
lesson and assignments are found by slug/title, and the services themselves are."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses import demo_feedback
from courses import demo_progress as spec
from courses.models import (
    Assignment,
    CertificateTemplate,
    CourseIndexPage,
    CoursePage,
    LearningPath,
    LearningPathStage,
    LessonPage,
    LessonProgress,
    PathEnrollment,
    TrainerQualification,
)
from courses.services.assignments import assignment_sync
from courses.services.paths import path_evaluate, stage_sign_off
from courses.services.progress import lesson_mark_complete
from home.models import ArticlePage
from home.seeding import SeedReport, child_by_slug, publish_child, stream


def seed_induction_path(index: CourseIndexPage, admin, report: SeedReport):
    """The seven-stage new-hire induction path (restricted to staff like the
    induction course)."""
    from courses.seeding import restrict_to_staff

    path = child_by_slug(index, LearningPath, spec.INDUCTION_PATH["slug"])
    if path is not None:
        return path
    courses = {course.slug: course for course in CoursePage.objects.child_of(index)}
    path = LearningPath(
        title=spec.INDUCTION_PATH["title"],
        slug=spec.INDUCTION_PATH["slug"],
        summary=spec.INDUCTION_PATH["summary"],
        estimated_days=spec.INDUCTION_PATH["estimated_days"],
    )
    path.stages = [
        LearningPathStage(
            sort_order=number,
            title=stage["title"],
            schedule=stage["schedule"],
            description=stage["description"],
            courses=[courses[slug] for slug in stage.get("courses", [])],
            task_title=stage.get("task", ""),
            task_description=stage.get("task_description", ""),
        )
        for number, stage in enumerate(spec.INDUCTION_PATH["stages"])
    ]
    publish_child(index, path, admin)
    restrict_to_staff(path)
    report.add("pages")
    return path


def seed_reading_lesson(index: CourseIndexPage, admin, report: SeedReport) -> None:
    """A lesson that is the reading of a help article."""
    lesson_spec = spec.READING_LESSON
    course = child_by_slug(index, CoursePage, lesson_spec["course"])
    article = ArticlePage.objects.filter(slug=lesson_spec["article"]).first()
    if course is None or article is None:
        return
    if child_by_slug(course, LessonPage, lesson_spec["slug"]) is not None:
        return
    publish_child(
        course,
        LessonPage(
            title=lesson_spec["title"],
            slug=lesson_spec["slug"],
            summary=lesson_spec["summary"],
            estimated_minutes=lesson_spec["minutes"],
            body=stream(lesson_spec["body"], {}),
            study_page=article,
        ),
        admin,
    )
    report.add("pages")


def seed_assignments(index, people, organisations, admin, report: SeedReport):
    """The demo assignments, synchronised into enrolments."""
    today = timezone.localdate()
    courses = {course.slug: course for course in CoursePage.objects.child_of(index)}
    paths = {path.slug: path for path in LearningPath.objects.child_of(index)}
    assignments = []
    for item in spec.ASSIGNMENTS:
        assignment = Assignment.objects.filter(title=item["title"]).first()
        if assignment is None:
            assignment = Assignment.objects.create(
                title=item["title"],
                course=courses.get(item.get("course")),
                path=paths.get(item.get("path")),
                starts_on=today + timedelta(days=item["starts"]),
                due_on=(today + timedelta(days=item["due"])) if "due" in item else None,
                due_days=item.get("due_days"),
                recur_months=item.get("recur_months"),
                created_by=admin,
            )
            assignment.users.set([people[name] for name in item.get("users", [])])
            assignment.organisations.set(
                [organisations[code] for code in item.get("organisations", [])]
            )
            report.add("assignments")
        assignment_sync(assignment=assignment)
        assignments.append(assignment)
    return assignments


def seed_learner_progress(index, people, report: SeedReport) -> None:
    """Lessons completed, mentors set and practical tasks signed off."""
    courses = {course.slug: course for course in CoursePage.objects.child_of(index)}
    for username, per_course in spec.LESSONS_DONE.items():
        user = people[username]
        for slug, count in per_course.items():
            lessons = list(LessonPage.objects.child_of(courses[slug]).live())
            if count != "all":
                lessons = lessons[:count]
            done = set(
                LessonProgress.objects.filter(
                    user=user, lesson__in=lessons, completed_at__isnull=False
                ).values_list("lesson_id", flat=True)
            )
            for lesson in lessons:
                if lesson.pk not in done:
                    lesson_mark_complete(user=user, lesson=lesson)
                    report.add("lesson progress")
    path = LearningPath.objects.child_of(index).get(slug=spec.INDUCTION_PATH["slug"])
    for username, mentor in spec.MENTORS.items():
        PathEnrollment.objects.filter(user=people[username], path=path).update(
            mentor=people[mentor]
        )
    stages = {stage.title: stage for stage in path.stages.all()}
    for username, sign_offs in spec.SIGN_OFFS.items():
        enrollment = PathEnrollment.objects.filter(
            user=people[username], path=path
        ).first()
        if enrollment is None:
            continue
        for title, signer, note in sign_offs:
            enrollment = path_evaluate(enrollment=enrollment)
            if enrollment.current_stage_id != stages[title].pk:
                continue
            stage_sign_off(
                enrollment=enrollment, stage=stages[title], by=people[signer], note=note
            )
            report.add("sign-offs")
    for enrollment in PathEnrollment.objects.filter(path=path):
        path_evaluate(enrollment=enrollment)


def seal_image():
    """A red round seal (培训专用章) for the default certificate template, drawn with
    the certificates' own font."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    from courses.pdf_fonts import FONT_FILE

    title = "证书印章：培训专用章"
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    size, red = 400, (200, 30, 30, 235)
    seal = PILImage.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(seal)
    draw.ellipse([12, 12, size - 12, size - 12], outline=red, width=14)
    star = [
        (200 + 70 * sin, 200 - 70 * cos)
        for sin, cos in (
            (0, 1), (0.22, 0.31), (0.95, 0.31), (0.36, -0.12), (0.59, -0.81),
            (0, -0.38), (-0.59, -0.81), (-0.36, -0.12), (-0.95, 0.31), (-0.22, 0.31),
        )
    ]  # fmt: skip
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(str(FONT_FILE), 44)
    for text, y in (("师傅学习平台", 78), ("培训专用章", 292)):
        width = draw.textlength(text, font=font)
        draw.text(((size - width) / 2, y), text, font=font, fill=red)
    buffer = io.BytesIO()
    seal.save(buffer, format="PNG", optimize=True)
    image = image_model(title=title, collection=Collection.get_first_root_node())
    image.file = ImageFile(buffer, name="certificate-seal.png")
    image._set_image_file_metadata()
    image.save()
    return image


def seed_certificate_design(report: SeedReport) -> None:
    """The default template gets a seal and signatories."""
    template = CertificateTemplate.objects.filter(is_default=True).first()
    if template is None or template.seal_image_id:
        return
    template.seal_image = seal_image()
    template.signatory_name = template.signatory_name or "王明"
    template.signatory_title = template.signatory_title or "培训部主管"
    template.save()
    report.add("images")


def seed_qualifications(index, people, report: SeedReport) -> None:
    """Trainer qualifications: the course trainers qualified for a year, one
    qualification due for review within a month and one lapsed."""
    today = timezone.localdate()
    courses = list(CoursePage.objects.child_of(index).order_by("path"))
    rows = [
        (
            course.trainer,
            course,
            today - timedelta(days=165),
            today + timedelta(days=200),
        )
        for course in courses
        if course.trainer_id
    ]
    if len(courses) >= 2:
        rows.append(
            (
                people["zhao.lei"],
                courses[1],
                today - timedelta(days=345),
                today + timedelta(days=20),
            )
        )
        rows.append(
            (
                people["qian.hong"],
                courses[0],
                today - timedelta(days=375),
                today - timedelta(days=10),
            )
        )
    for number, (trainer, course, qualified_on, review_due) in enumerate(rows, start=1):
        _row, created = TrainerQualification.objects.get_or_create(
            trainer=trainer,
            course=course,
            defaults={
                "certificate_number": f"PX-{qualified_on.year}-{number:03d}",
                "qualified_on": qualified_on,
                "review_due": review_due,
            },
        )
        report.add("qualifications", int(created))


def seed_progress(users, learners, organisations, report: SeedReport) -> None:
    """The learning path, the reading lesson, assignments and demo progress (which
    issues the demo certificates), the certificate design and trainer
    qualifications."""
    admin = users["admin"]
    index = CourseIndexPage.objects.first()
    if index is None:
        return
    people = {**learners, **users}
    trainers = demo_feedback.DEMO_TRAINERS
    people.update(
        get_user_model().objects.in_bulk(
            [spec[0] for spec in trainers], field_name="username"
        )
    )
    seed_induction_path(index, admin, report)
    seed_reading_lesson(index, admin, report)
    seed_assignments(index, people, organisations, admin, report)
    seed_learner_progress(index, people, report)
    seed_certificate_design(report)
    seed_qualifications(index, people, report)
