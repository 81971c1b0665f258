"""Builds the demo courses, organisations and demo users on top of the self-study
content, the courses' quizzes and the demo learners' attempts at them. Idempotent;
``reset_demo`` removes what seeding creates."""

import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageViewRestriction, Site

from courses import demo_content as content
from courses import demo_quizzes
from courses.models import (
    AttemptGrant,
    Choice,
    CourseIndexPage,
    CoursePage,
    LessonMaterial,
    LessonPage,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from courses.models.quizzes import CHOICE_KINDS
from courses.services.quizzes import (
    quiz_answer_grade,
    quiz_attempt_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_grant_attempts,
)
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


def seed_learners(organisations, report: SeedReport) -> dict:
    """The demo learners whose attempts fill the results; they cannot sign in."""
    user_model = get_user_model()
    specs = demo_quizzes.DEMO_LEARNERS
    existing = {
        user.username: user
        for user in user_model.objects.filter(username__in=[s[0] for s in specs])
    }
    groups = {role: Group.objects.get(name=name) for role, name in GROUP_NAMES.items()}
    learners = {}
    for username, name, role, org_code in specs:
        user = existing.get(username)
        if user is None:
            user = user_model(
                username=username,
                email=f"{username}@learners.shifu.example.com",
                first_name=name,
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(groups[Role(role)])
            Profile.objects.create(
                user=user, display_name=name, organisation=organisations[org_code]
            )
            report.add("users")
        learners[username] = user
    return learners


def create_quiz(spec: dict) -> Quiz:
    """A quiz with its question bank from a ``demo_quizzes`` spec (three inserts)."""
    quiz = Quiz(
        title=spec["title"], description=spec["description"], **spec["settings"]
    )
    quiz.full_clean()
    quiz.save()
    questions = Question.objects.bulk_create(
        Question(
            quiz=quiz,
            sort_order=order,
            kind=item["kind"],
            category=item.get("category", ""),
            text=item["text"],
            points=Decimal(item["points"]),
            partial_credit=item.get("partial_credit", False),
            accepted_answers="\n".join(item.get("accepted", [])),
            explanation=item.get("explanation", ""),
        )
        for order, item in enumerate(spec["questions"])
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=correct, sort_order=order)
        for question, item in zip(questions, spec["questions"], strict=True)
        for order, (text, correct) in enumerate(item.get("choices", []))
    )
    return quiz


def seed_quizzes(report: SeedReport) -> dict[str, Quiz]:
    """The demo quizzes by key; an existing quiz (same title) is left as it is."""
    specs = demo_quizzes.QUIZZES
    existing = {
        quiz.title: quiz
        for quiz in Quiz.objects.filter(title__in=[s["title"] for s in specs]).order_by(
            "-pk"
        )
    }
    quizzes = {}
    for spec in specs:
        quiz = existing.get(spec["title"])
        if quiz is None:
            quiz = create_quiz(spec)
            report.add("quizzes")
            report.add("questions", len(spec["questions"]))
        quizzes[spec["key"]] = quiz
    return quizzes


def attach_quiz(page: Page, quiz: Quiz | None, user, report: SeedReport) -> None:
    """Give a page built before quizzes existed its demo quiz, by publishing a new
    revision. A page that already has a quiz keeps it."""
    if quiz is None or page.quiz_id is not None:
        return
    page.quiz = quiz
    page.save_revision(user=user, log_action=False).publish(user=user, log_action=False)
    report.add("pages updated")


def seed_courses(home, documents, users, quizzes, report: SeedReport) -> dict:
    """The course index, courses and lessons, each course with its final exam and
    some lessons with a short quiz. Returns the course and lesson pages by slug."""
    admin = users["admin"]
    exam_keys = {
        s["course"]: s["key"] for s in demo_quizzes.QUIZZES if "lesson" not in s
    }
    lesson_quiz_keys = {
        s["lesson"]: s["key"] for s in demo_quizzes.QUIZZES if "lesson" in s
    }
    pages = {}
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
        exam = quizzes.get(exam_keys.get(spec["slug"]))
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
                quiz=exam,
            )
            course.tags.add(*spec.get("tags", []))
            publish_child(index, course, admin)
            report.add("pages")
        else:
            attach_quiz(course, exam, admin, report)
        pages[spec["slug"]] = course
        if spec.get("staff_only"):
            restrict_to_staff(course)
        for lesson_spec in spec["lessons"]:
            quiz = quizzes.get(lesson_quiz_keys.get(lesson_spec["slug"]))
            lesson = child_by_slug(course, LessonPage, lesson_spec["slug"])
            if lesson is not None:
                attach_quiz(lesson, quiz, admin, report)
                pages[lesson_spec["slug"]] = lesson
                continue
            lesson = LessonPage(
                title=lesson_spec["title"],
                slug=lesson_spec["slug"],
                summary=lesson_spec.get("summary", ""),
                estimated_minutes=lesson_spec["minutes"],
                body=stream(lesson_spec["body"], documents),
                quiz=quiz,
            )
            for order, key in enumerate(lesson_spec.get("materials", [])):
                lesson.materials.add(
                    LessonMaterial(document=documents[key], sort_order=order)
                )
            publish_child(course, lesson, admin)
            report.add("pages")
            pages[lesson_spec["slug"]] = lesson
    return pages


def _moment(at: tuple[int, str], today) -> datetime:
    days_ago, clock = at
    hour, minute = (int(part) for part in clock.split(":"))
    return timezone.make_aware(
        datetime.combine(today - timedelta(days=days_ago), time(hour, minute))
    )


def _answer_key(quiz: Quiz, spec: dict) -> dict:
    """Per question id: (question, its demo spec or None, correct choice ids)."""
    by_text = {item["text"]: item for item in spec["questions"]}
    correct: dict[int, set] = {}
    for question_id, choice_id in Choice.objects.filter(
        question__quiz=quiz, is_correct=True
    ).values_list("question_id", "pk"):
        correct.setdefault(question_id, set()).add(choice_id)
    return {
        question.pk: (
            question,
            by_text.get(question.text),
            correct.get(question.pk, set()),
        )
        for question in quiz.questions.all()
    }


def _form_data(answers, key, *, mistakes: int, essay, rng) -> dict[str, list[str]]:
    """What the learner posts: ``mistakes`` automatically graded questions answered
    wrongly (a multiple choice one by leaving out a right option), the rest right."""
    gradable = [
        position
        for position, question_id, _order in answers
        if key[question_id][0].kind != QuestionKind.SHORT_ANSWER
    ]
    wrong = set(rng.sample(gradable, min(mistakes, len(gradable))))
    data = {}
    for position, question_id, order in answers:
        question, item, correct = key[question_id]
        if question.kind in CHOICE_KINDS:
            right = [i for i, choice_id in enumerate(order) if choice_id in correct]
            picked = right
            if position in wrong and question.kind == QuestionKind.MULTIPLE:
                picked = sorted(rng.sample(right, len(right) - 1))
            elif position in wrong:
                picked = [rng.choice([i for i in range(len(order)) if i not in right])]
            data[f"a{position}"] = [str(i) for i in picked]
        elif question.kind == QuestionKind.FILL_BLANK:
            accepted = question.accepted_answer_list()
            mistake = item["mistake"] if item else ""
            data[f"a{position}"] = [
                mistake if position in wrong else rng.choice(accepted)
            ]
        elif essay and item:
            data[f"a{position}"] = [item["answers"][essay][0]]
    return data


def replay_attempt(spec, *, quiz, key, page, user, grader, start, now) -> QuizAttempt:
    """One demo attempt through the quiz services, at the times the spec says."""
    rng = random.Random(f"{spec['learner']}/{spec['quiz']}/{spec['at']}")  # noqa: S311
    attempt = quiz_attempt_start(quiz=quiz, user=user, page=page, now=start, rng=rng)
    answers = list(
        attempt.answers.order_by("position").values_list(
            "position", "question_id", "choice_order"
        )
    )
    data = _form_data(
        answers, key, mistakes=spec["mistakes"], essay=spec.get("essay"), rng=rng
    )
    finish = start + timedelta(minutes=spec.get("minutes") or rng.randint(6, 25))
    if spec.get("timed_out"):
        # Saved two thirds of the way through, then the time ran out: graded on
        # what was saved.
        limit = quiz.time_limit_minutes
        kept = {f"a{position}" for position, *_rest in answers[: len(answers) * 2 // 3]}
        quiz_attempt_save(
            attempt=attempt,
            data={name: value for name, value in data.items() if name in kept},
            revision=attempt.revision,
            now=start + timedelta(minutes=limit * 2 // 3),
        )
        finish = start + timedelta(minutes=limit + 3)
        attempt = quiz_attempt_submit(attempt=attempt, now=finish)
    else:
        attempt = quiz_attempt_submit(
            attempt=attempt, data=data, revision=attempt.revision, now=finish
        )
    graded_at = finish
    essay = spec.get("essay")
    if essay and not spec.get("pending"):
        # The trainer marks the next morning.
        morning = timezone.make_aware(
            datetime.combine(
                timezone.localdate(finish) + timedelta(days=1),
                time(9, rng.randint(0, 59)),
            )
        )
        graded_at = min(morning + timedelta(minutes=rng.randint(0, 150)), now)
        for answer in attempt.answers.filter(score__isnull=True):
            item = key[answer.question_id][1]
            credit = Decimal(demo_quizzes.ESSAY_CREDIT[essay])
            attempt = quiz_answer_grade(
                answer=answer,
                score=answer.max_score * credit,
                grader=grader,
                comment=item["answers"][essay][1] if item else "",
            )
            QuizAnswer.objects.filter(pk=answer.pk).update(graded_at=graded_at)
    # The services stamp grading with the real clock; the demo dates it back.
    QuizAttempt.objects.filter(pk=attempt.pk).update(graded_at=graded_at)
    return attempt


def seed_quiz_attempts(quizzes, pages, users, learners, report: SeedReport) -> None:
    """Replay the demo attempts and make-up grants in time order, through the quiz
    services, with a fixed random draw per attempt. A learner who already has an
    attempt at a quiz is skipped for that quiz, so a second run adds nothing."""
    specs = {spec["key"]: spec for spec in demo_quizzes.QUIZZES}
    done = set(
        QuizAttempt.objects.filter(
            user__in=learners.values(), quiz__in=quizzes.values()
        ).values_list("user_id", "quiz_id")
    )
    now = timezone.now()
    today = timezone.localdate(now)
    events = [
        (_moment(g["at"], today), 0, n, g)
        for n, g in enumerate(demo_quizzes.DEMO_GRANTS)
    ]
    events += [
        (_moment(a["at"], today), 1, n, a)
        for n, a in enumerate(demo_quizzes.DEMO_ATTEMPTS)
    ]
    keys: dict[str, dict] = {}
    for at, is_attempt, _n, spec in sorted(events, key=lambda e: e[:3]):
        user, quiz = learners[spec["learner"]], quizzes[spec["quiz"]]
        if (user.pk, quiz.pk) in done:
            continue
        if not is_attempt:
            grant = quiz_grant_attempts(
                quiz=quiz,
                user=user,
                extra_attempts=1,
                reason=spec["reason"],
                granted_by=users[spec["granted_by"]],
            )
            AttemptGrant.objects.filter(pk=grant.pk).update(granted_at=at)
            report.add("attempt grants")
            continue
        if spec["quiz"] not in keys:
            keys[spec["quiz"]] = _answer_key(quiz, specs[spec["quiz"]])
        quiz_spec = specs[spec["quiz"]]
        replay_attempt(
            spec,
            quiz=quiz,
            key=keys[spec["quiz"]],
            page=pages.get(quiz_spec.get("lesson") or quiz_spec["course"]),
            user=user,
            grader=users["trainer"],
            start=at,
            now=now,
        )
        report.add("quiz attempts")


@transaction.atomic
def seed_demo() -> SeedReport:
    """Build the whole demo site; running it again changes nothing."""
    report = SeedReport()
    organisations = seed_organisations(report)
    users = seed_users(organisations, report)
    home, documents, self_study = seed_self_study(user=users["admin"])
    for kind, count in self_study.created.items():
        report.add(kind, count)
    learners = seed_learners(organisations, report)
    quizzes = seed_quizzes(report)
    pages = seed_courses(home, documents, users, quizzes, report)
    seed_quiz_attempts(quizzes, pages, users, learners, report)
    return report


def site_has_content() -> bool:
    """Whether the home page has any section pages yet (``--if-empty`` checks this)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return bool(site and site.root_page.get_children().exists())


@transaction.atomic
def reset_demo() -> None:
    """Remove the demo content and users, keeping the migrated home page and groups."""
    site = Site.objects.get(is_default_site=True)
    # Attempts protect their quiz; grants, answers and history go with them.
    QuizAttempt.objects.all().delete()
    Quiz.objects.all().delete()
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
    usernames = [u[0] for u in DEMO_USERS + demo_quizzes.DEMO_LEARNERS]
    get_user_model().objects.filter(username__in=usernames).delete()
    Organisation.objects.filter(
        code__in=[spec["code"] for spec in home_content.ORGANISATIONS]
    ).delete()
