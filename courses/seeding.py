"""Builds the demo courses, organisations and demo users on top of the self-study
content, the courses' quizzes and the demo learners' attempts at them, the learning
path, assignments and progress (``seeding_progress``), and the demo feedback forms
with a year of submissions. Idempotent; ``reset_demo`` removes what
seeding creates."""

import io
import random
import uuid
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
from courses import demo_feedback, demo_quizzes
from courses.models import (
    AttemptGrant,
    Certificate,
    Choice,
    CourseIndexPage,
    CoursePage,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    FeedbackQuestion,
    FeedbackSubmission,
    LessonMaterial,
    LessonPage,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    ReviewStatus,
)
from courses.models.quizzes import CHOICE_KINDS
from courses.seeding_progress import seed_progress
from courses.services.quizzes import (
    quiz_answer_grade,
    quiz_attempt_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_grant_attempts,
)
from home import demo_content as home_content
from home.models import ArticlePage, ArticleVote, FaqCategory, ProductCategory
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


# -- feedback forms ------------------------------------------------------------------

DEMO_TOKEN_NAMESPACE = uuid.UUID("5f3c2a4e-8d1b-4c7e-9a60-2b7d3e1f0c95")


def create_feedback_form(spec: dict) -> FeedbackForm:
    """A feedback form with its questions from a ``demo_feedback.FORMS`` spec."""
    form = FeedbackForm(title=spec["title"], intro=spec["intro"], **spec["settings"])
    form.full_clean()
    form.save()
    FeedbackQuestion.objects.bulk_create(
        FeedbackQuestion(
            form=form,
            sort_order=order,
            key=item["key"],
            kind=item["kind"],
            text=item["text"],
            required=item.get("required", item["kind"] != FeedbackKind.SECTION),
            options="\n".join(item.get("options", [])),
        )
        for order, item in enumerate(spec["questions"])
    )
    return form


def seed_feedback_forms(report: SeedReport) -> dict[str, FeedbackForm]:
    """The demo forms by key; an existing form (same title) is left as it is."""
    specs = demo_feedback.FORMS
    existing = {
        form.title: form
        for form in FeedbackForm.objects.filter(
            title__in=[s["title"] for s in specs]
        ).order_by("-pk")
    }
    forms = {}
    for spec in specs:
        form = existing.get(spec["title"])
        if form is None:
            form = create_feedback_form(spec)
            report.add("feedback forms")
            report.add("feedback questions", len(spec["questions"]))
        forms[spec["key"]] = form
    return forms


def seed_demo_trainers(organisations, report: SeedReport) -> dict:
    """Earlier trainers of the demo courses, named in older submissions; they cannot
    sign in."""
    user_model = get_user_model()
    specs = demo_feedback.DEMO_TRAINERS
    existing = {
        user.username: user
        for user in user_model.objects.filter(username__in=[s[0] for s in specs])
    }
    group = Group.objects.get(name=GROUP_NAMES[Role.TRAINER])
    trainers = {}
    for username, name in specs:
        user = existing.get(username)
        if user is None:
            user = user_model(
                username=username,
                email=f"{username}@trainers.shifu.example.com",
                first_name=name,
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            Profile.objects.create(
                user=user, display_name=name, organisation=organisations.get("QM-TR")
            )
            report.add("users")
        trainers[username] = user
    return trainers


def attach_feedback_forms(forms, pages, user, report: SeedReport) -> dict[str, list]:
    """Put each demo form on its demo pages (a new published revision per page; a
    page that already has a form keeps it). Returns the pages by form key."""
    slugs = [
        slug
        for targets in demo_feedback.ATTACHMENTS.values()
        for kind, slug in targets
        if kind == "article"
    ]
    articles = {page.slug: page for page in ArticlePage.objects.filter(slug__in=slugs)}
    attached: dict[str, list] = {}
    for key, targets in demo_feedback.ATTACHMENTS.items():
        form = forms[key]
        for kind, slug in targets:
            page = pages.get(slug) if kind == "course" else articles.get(slug)
            if page is None:
                continue
            if page.feedback_form_id is None:
                page.feedback_form = form
                page.save_revision(user=user, log_action=False).publish(
                    user=user, log_action=False
                )
                report.add("pages updated")
            if page.feedback_form_id == form.pk:
                attached.setdefault(key, []).append(page)
    return attached


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def feedback_answer_rows(
    questions, *, rng, mood: float, on, answer_all: bool = False
) -> list[FeedbackAnswer]:
    """Plausible answers (unsaved rows, no submission yet) to the answerable
    ``questions`` from a respondent whose overall satisfaction is ``mood`` (1-5),
    following the storage rule of ``courses.models.feedback``. Optional open
    questions are sometimes skipped, unless ``answer_all``."""
    rows = []
    for question in questions:
        kind, key = question.kind, question.key

        def row(number=0, *, int_value=None, text="", date=None, q=question):
            return FeedbackAnswer(
                question_id=q.pk,
                question_key=q.key,
                row=number,
                int_value=int_value,
                text_value=text,
                date_value=date,
            )

        centre = mood + demo_feedback.ITEM_BIAS.get(key, 0)
        if kind == FeedbackKind.LIKERT:
            rows.append(row(int_value=_clamp(rng.gauss(centre, 0.65), 1, 5)))
        elif kind == FeedbackKind.LIKERT_MATRIX:
            for number in range(1, len(question.option_list) + 1):
                value = _clamp(rng.gauss(centre - 0.1 * number, 0.7), 1, 5)
                rows.append(row(number, int_value=value))
        elif kind == FeedbackKind.RATING:
            rows.append(
                row(int_value=_clamp(rng.gauss((centre - 1) * 2.5, 1.2), 0, 10))
            )
        elif kind == FeedbackKind.YES_NO:
            rows.append(row(int_value=int(rng.random() < (mood - 1.2) / 3.4)))
        elif kind == FeedbackKind.SINGLE:
            options = question.option_list
            weights = [len(options) - i for i in range(len(options))]
            number = rng.choices(range(1, len(options) + 1), weights=weights)[0]
            rows.append(row(int_value=number, text=options[number - 1]))
        elif kind == FeedbackKind.MULTIPLE:
            options = question.option_list
            picked = rng.sample(range(1, len(options) + 1), rng.randint(1, 3))
            rows += [
                row(number, int_value=number, text=options[number - 1])
                for number in sorted(picked)
            ]
        elif kind in (FeedbackKind.SHORT_TEXT, FeedbackKind.LONG_TEXT):
            rate = demo_feedback.TEXT_ANSWER_RATE.get(key, 0.45)
            if answer_all or question.required or rng.random() < rate:
                pool = demo_feedback.TEXT_POOLS.get(key, demo_feedback.SUGGESTIONS)
                picked = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
                rows.append(row(text="；".join(picked)))
        elif kind == FeedbackKind.DATE:
            rows.append(row(date=on))
    return rows


def _review(submission, *, rng, unhappy: bool, users, now) -> None:
    """Demo review state: recent submissions are mostly new; unhappy ones often need
    a follow-up."""
    age = (now - submission.submitted_at).days
    draw = rng.random()
    if age < 10 and draw < 0.8:
        return
    if unhappy and draw < 0.7:
        status = ReviewStatus.FOLLOW_UP if age < 45 else ReviewStatus.RESOLVED
    elif draw < 0.5:
        status = ReviewStatus.REVIEWED
    elif draw < 0.58:
        status = ReviewStatus.FOLLOW_UP
    elif draw < 0.66:
        status = ReviewStatus.RESOLVED
    else:
        return
    submission.review_status = status
    submission.reviewed_by = users["admin"]
    submission.reviewed_at = min(
        submission.submitted_at + timedelta(hours=rng.randint(2, 72)), now
    )
    if status in (ReviewStatus.FOLLOW_UP, ReviewStatus.RESOLVED):
        # Follow-ups go to the training admin, who may record the outcome.
        submission.assignee = users["admin"]
        submission.follow_up_note = rng.choice(demo_feedback.FOLLOW_UP_NOTES)


def _respondents(users, learners_by_name):
    """Demo people with an account, each with their organisation (or None)."""
    people = [*learners_by_name.values(), users["customer"], users["staff"]]
    return [
        (person, getattr(person.profile, "organisation", None)) for person in people
    ]


def seed_feedback_submissions(
    forms, attached, users, trainers, report: SeedReport
) -> None:
    """A year of demo submissions per form, drawn with a fixed seed per form and
    bulk-created. Each has a deterministic token, so a second run skips what is
    there."""
    now = timezone.now()
    learners = {
        user.username: user
        for user in get_user_model()
        .objects.filter(username__in=[s[0] for s in demo_quizzes.DEMO_LEARNERS])
        .select_related("profile__organisation")
        .order_by("username")
    }
    people = _respondents(users, learners)
    customers = list(
        Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).order_by("code")
    )
    by_username = {**trainers, "trainer": users["trainer"]}
    for key, total in demo_feedback.SUBMISSION_COUNTS.items():
        form, targets = forms[key], attached.get(key, [])
        if not targets:
            continue
        questions = [
            q for q in form.questions.order_by("sort_order", "pk") if (q.is_answerable)
        ]
        tokens = [
            uuid.uuid5(DEMO_TOKEN_NAMESPACE, f"{key}/{number}")
            for number in range(total)
        ]
        have = set(
            FeedbackSubmission.objects.filter(form=form, token__in=tokens).values_list(
                "token", flat=True
            )
        )
        if len(have) == total:
            continue
        rng = random.Random(f"demo-feedback/{key}")  # noqa: S311 - repeatable demo
        sessions = {page.pk: sorted(rng.sample(range(2, 360), 14)) for page in targets}
        once_taken = set()
        submissions, answers = [], []
        for token in tokens:
            page = rng.choice(targets)
            is_course = isinstance(page, CoursePage)
            if is_course:
                days_ago = rng.choice(sessions[page.pk]) - rng.choice([0, 0, 1])
            else:
                days_ago = rng.randint(0, 364)
            submitted_at = now - timedelta(
                days=days_ago, hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
            )
            trainer = None
            if is_course:
                earlier, before = demo_feedback.EARLIER_TRAINERS.get(
                    page.slug, (None, 0)
                )
                trainer = (
                    by_username[earlier]
                    if earlier and days_ago > before
                    else page.trainer
                )
            mood = demo_feedback.TRAINER_MOOD.get(
                trainer.username if trainer else "", demo_feedback.DEFAULT_MOOD
            )
            mood += (365 - days_ago) / 365 * 0.3 + rng.gauss(0, 0.45)
            submission = FeedbackSubmission(
                form=form,
                page=page,
                course=page if is_course else None,
                trainer=trainer,
                submitted_at=submitted_at,
                token=token,
            )
            draw = rng.random()
            person, organisation = rng.choice(people)
            if draw < 0.35 and (page.pk, person.pk) not in once_taken:
                once_taken.add((page.pk, person.pk))
                submission.respondent = person
                submission.respondent_name = person.profile.display_name
                submission.once_key = person.pk if form.one_per_user else None
            elif draw < 0.8 or not form.allow_anonymous:
                submission.respondent_name = rng.choice(demo_feedback.WALK_IN_NAMES)
                organisation = rng.choice(customers)
            else:
                organisation = None
            if organisation is not None:
                submission.organisation = organisation
                submission.organisation_name = organisation.name
            rows = feedback_answer_rows(
                questions, rng=rng, mood=mood, on=timezone.localdate(submitted_at)
            )
            unhappy = mood < 3.3 or any(
                r.question_key == "problem_solved" and r.int_value == 0 for r in rows
            )
            _review(submission, rng=rng, unhappy=unhappy, users=users, now=now)
            if token not in have:
                submissions.append(submission)
                answers.append(rows)
        FeedbackSubmission.objects.bulk_create(submissions, batch_size=500)
        for submission, rows in zip(submissions, answers, strict=True):
            for row in rows:
                row.submission = submission
        FeedbackAnswer.objects.bulk_create(
            [row for rows in answers for row in rows], batch_size=1000
        )
        report.add("feedback submissions", len(submissions))


def seed_feedback(pages, users, organisations, report: SeedReport) -> None:
    """The four demo feedback forms, on their demo pages, with a year of generated
    submissions."""
    forms = seed_feedback_forms(report)
    trainers = seed_demo_trainers(organisations, report)
    attached = attach_feedback_forms(forms, pages, users["admin"], report)
    seed_feedback_submissions(forms, attached, users, trainers, report)


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
    seed_feedback(pages, users, organisations, report)
    seed_progress(users, learners, organisations, report)
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
    # Certificates protect their holder and course (serial counters stay, so a
    # serial is never given out twice).
    Certificate.objects.all().delete()
    # Submissions protect their form and their answers protect the questions.
    FeedbackSubmission.objects.all().delete()
    FeedbackForm.objects.all().delete()
    for child in site.root_page.get_children():
        child.delete()
    ArticleVote.objects.all().delete()
    get_document_model().objects.all().delete()
    get_image_model().objects.filter(title__startswith="课程封面").delete()
    get_image_model().objects.filter(title__startswith="证书印章").delete()
    root = Collection.get_first_root_node()
    for collection in root.get_children():
        collection.delete()
    FaqCategory.objects.all().delete()
    ProductCategory.objects.all().delete()
    usernames = [
        u[0]
        for u in DEMO_USERS + demo_quizzes.DEMO_LEARNERS + demo_feedback.DEMO_TRAINERS
    ]
    get_user_model().objects.filter(username__in=usernames).delete()
    Organisation.objects.filter(
        code__in=[spec["code"] for spec in home_content.ORGANISATIONS]
    ).delete()
