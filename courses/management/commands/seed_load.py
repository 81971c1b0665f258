"""``manage.py seed_load``: volume for benchmarks (many lessons, articles, FAQ items,
learners, ``--search-articles`` generated help articles for the search benchmark,
``--feedback`` submissions of 培训反馈单 for the feedback summary benchmark and
``--progress-learners`` / ``--lesson-progress`` learners with enrolments and lesson
progress for the progress benchmark, see ``courses.seeding_load``), built on top of the
demo site. Re-running adds nothing already there (progress: tops up to the numbers
given)."""

import random
import time
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from courses import demo_feedback
from courses.models import (
    CourseIndexPage,
    CoursePage,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackSubmission,
    LessonPage,
    ReviewStatus,
)
from courses.seeding import create_feedback_form, feedback_answer_rows
from courses.seeding_load import bulk_progress
from home.models import (
    ArticlePage,
    ArticlePageTag,
    FaqCategory,
    FaqItem,
    FaqPage,
    HelpCentrePage,
    ProductCategory,
)
from home.seeding import child_by_slug, publish_child
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role

LOAD_BODY = [
    {"type": "heading", "value": {"text": "要点", "level": "h2"}},
    {
        "type": "paragraph",
        "value": "<p>这是用于性能测试的课时内容，包含常见的段落与提示。</p>",
    },
    {
        "type": "callout",
        "value": {"kind": "tip", "text": "<p>保持设备清洁可以延长寿命。</p>"},
    },
    {"type": "heading", "value": {"text": "操作步骤", "level": "h2"}},
    {
        "type": "steps",
        "value": [
            {"title": "检查", "text": "<p>检查尘盒与滤网。</p>"},
            {"title": "清洁", "text": "<p>用软毛刷清洁主刷。</p>"},
        ],
    },
]


# Vocabulary for generated help articles: every combination reads like a real
# article and segments into real words, so the search benchmark does real work.
PRODUCTS = [
    ("X5 扫地机器人", "robot-vacuum"),
    ("X7 Pro 扫地机器人", "robot-vacuum"),
    ("X7 Pro 集尘座", "robot-vacuum"),
    ("P3 净水器", "water-purifier"),
    ("P6 净水器", "water-purifier"),
    ("P6 智能龙头", "water-purifier"),
    ("启明家 APP", "app-account"),
]
FAULTS = [
    ("E101", "主刷缠绕"),
    ("E102", "边刷缠绕"),
    ("E203", "尘盒未安装或已满"),
    ("E305", "充电异常"),
    ("E306", "电池温度异常"),
    ("E410", "Wi-Fi 配网失败"),
    ("E411", "设备离线"),
    ("E502", "驱动轮卡住"),
    ("E601", "激光测距传感器被遮挡"),
    ("E702", "水箱缺水"),
    ("F01", "进水压力不足"),
    ("F02", "滤芯到期"),
    ("F03", "漏水保护"),
    ("F05", "出水 TDS 偏高"),
    ("F07", "制水超时"),
]
SYMPTOMS = [
    "无法回充",
    "吸力变小",
    "噪音变大",
    "出水变慢",
    "频繁离线",
    "清扫不干净",
    "有异味",
    "指示灯闪烁",
    "APP 收不到提醒",
    "地图丢失",
    "拖地有水痕",
    "漏水",
]
PARTS = ["主刷", "边刷", "滤网", "尘盒", "拖布", "水箱", "滤芯", "充电弹片", "驱动轮"]
ACTIONS = ["清理", "更换", "检查", "复位", "重新安装", "擦拭"]
CONTEXTS = [
    "新机首次使用",
    "长时间未使用后",
    "搬家后",
    "更换路由器后",
    "冬季低温环境下",
    "养宠物的家庭",
    "酒店客房",
    "物业公共区域",
    "固件升级后",
    "保修期外",
]
TITLE_PATTERNS = [
    "{product}{symptom}怎么办：{context}的排查方法",
    "{code} {fault}：{product}{context}如何处理",
    "{context}{product}{part}{action}指南",
    "{product}出现 {code}（{fault}）的原因与解决办法",
    "如何{action}{product}的{part}：{context}注意事项",
]


def search_article_spec(number: int) -> dict:
    """The ``number``-th generated help article (deterministic)."""
    rng = random.Random(number)  # noqa: S311 - repeatable fake content
    product, category = rng.choice(PRODUCTS)
    code, fault = rng.choice(FAULTS)
    values = {
        "product": product,
        "code": code,
        "fault": fault,
        "symptom": rng.choice(SYMPTOMS),
        "part": rng.choice(PARTS),
        "action": rng.choice(ACTIONS),
        "context": rng.choice(CONTEXTS),
    }
    title = rng.choice(TITLE_PATTERNS).format(**values)
    other_part, other_action = rng.choice(PARTS), rng.choice(ACTIONS)
    body = [
        {
            "type": "paragraph",
            "value": (
                f"<p>{values['context']}，{product}可能出现{values['symptom']}，"
                f"或在启明家 APP 中提示故障代码 {code}（{fault}）。"
                f"多数情况下按下面的步骤处理即可恢复，无需联系客服。</p>"
            ),
        },
        {"type": "heading", "value": {"text": "处理步骤", "level": "h2"}},
        {
            "type": "steps",
            "value": [
                {
                    "title": f"{values['action']}{values['part']}",
                    "text": (
                        f"<p>关机后{values['action']}{values['part']}，"
                        f"确认没有缠绕物或积水，再重新开机。</p>"
                    ),
                },
                {
                    "title": f"{other_action}{other_part}",
                    "text": (
                        f"<p>如果仍然{values['symptom']}，请{other_action}"
                        f"{other_part}，并在 APP 的耗材管理中复位寿命。</p>"
                    ),
                },
            ],
        },
        {
            "type": "callout",
            "value": {
                "kind": "tip",
                "text": (
                    f"<p>同一故障一周内出现三次以上，请提供设备序列号（SN）"
                    f"申请{rng.choice(['寄修', '上门维修', '远程诊断'])}。</p>"
                ),
            },
        },
    ]
    return {
        "title": title,
        "summary": f"{product}{values['symptom']}或报 {code} 时的排查与处理方法。",
        "category": category,
        "tags": [code, values["part"], "性能测试"],
        "body": body,
    }


def bulk_search_articles(help_centre: Page, count: int, stdout) -> int:
    """Create help articles ``search-article-<n>`` up to ``count`` under
    ``help_centre`` without revisions, in bulk (tree paths computed here), then
    index them with the search backends' bulk ``add_bulk``."""
    prefix = "search-article-"
    have = ArticlePage.objects.child_of(help_centre).filter(slug__startswith=prefix)
    start = have.count()
    if start >= count:
        return 0
    help_centre = Page.objects.get(pk=help_centre.pk)
    last = help_centre.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    depth = help_centre.depth + 1
    content_type = ContentType.objects.get_for_model(ArticlePage)
    categories = {c.slug: c for c in ProductCategory.objects.all()}
    now = timezone.now()
    specs = [search_article_spec(number) for number in range(start, count)]
    pages = []
    for offset, spec in enumerate(specs):
        slug = f"{prefix}{start + offset + 1}"
        pages.append(
            Page(
                title=spec["title"],
                draft_title=spec["title"],
                slug=slug,
                content_type=content_type,
                path=Page._get_path(help_centre.path, depth, step + offset + 1),
                depth=depth,
                numchild=0,
                url_path=f"{help_centre.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale_id=help_centre.locale_id,
                translation_key=uuid.uuid4(),
            )
        )
    created = Page.objects.bulk_create(pages, batch_size=500)
    for page, spec in zip(created, specs, strict=True):
        category = categories.get(spec["category"])
        article = ArticlePage(
            page_ptr_id=page.pk,
            summary=spec["summary"],
            category_id=category.pk if category else None,
            body=spec["body"],
        )
        article.save_base(raw=True)
    Page.objects.filter(pk=help_centre.pk).update(
        numchild=help_centre.numchild + len(created)
    )
    tags = {}
    for spec in specs:
        for name in spec["tags"]:
            if name not in tags:
                tags[name] = Tag.objects.get_or_create(name=name)[0]
    ArticlePageTag.objects.bulk_create(
        [
            ArticlePageTag(content_object_id=page.pk, tag=tags[name])
            for page, spec in zip(created, specs, strict=True)
            for name in spec["tags"]
        ],
        batch_size=1000,
    )
    ids = [page.pk for page in created]
    backends = list(get_search_backends(with_auto_update=True))
    for chunk_start in range(0, len(ids), 500):
        chunk = list(
            ArticlePage.objects.filter(pk__in=ids[chunk_start : chunk_start + 500])
        )
        for backend in backends:
            backend.add_bulk(ArticlePage, chunk)
        stdout.write(f"  indexed {chunk_start + len(chunk)} of {len(ids)} articles")
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner takes the new index rows for a handful.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(created)


LOAD_RESPONDENT = "性能测试学员"  # marks generated submissions (counted on re-runs)
FEEDBACK_BATCH = 2000


def bulk_feedback(course: Page, count: int, stdout) -> int:
    """Submissions of 培训反馈单 up to ``count`` generated ones, every question
    answered, spread over the last year, the demo courses carrying the form, the
    trainers and the customer organisations; bulk-created in batches."""
    spec = demo_feedback.FORMS[0]
    form = FeedbackForm.objects.filter(title=spec["title"]).order_by("pk").first()
    if form is None:
        form = create_feedback_form(spec)
    if course.feedback_form_id is None:
        course.feedback_form = form
        course.save_revision().publish()
    made = FeedbackSubmission.objects.filter(
        form=form, respondent_name=LOAD_RESPONDENT
    ).count()
    if made >= count:
        return 0
    pages = list(CoursePage.objects.filter(feedback_form=form).order_by("pk"))
    trainers = list(
        get_user_model()
        .objects.filter(groups__name=GROUP_NAMES[Role.TRAINER])
        .order_by("pk")[:5]
    )
    organisations = list(
        Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).order_by("pk")
    ) or [None]
    questions = [q for q in form.questions.order_by("sort_order") if q.is_answerable]
    statuses = [ReviewStatus.NEW] * 5 + [
        ReviewStatus.REVIEWED,
        ReviewStatus.REVIEWED,
        ReviewStatus.FOLLOW_UP,
        ReviewStatus.RESOLVED,
    ]
    rng = random.Random(made)  # noqa: S311 - repeatable fake volume
    now = timezone.now()
    for start in range(made, count, FEEDBACK_BATCH):
        submissions, answers = [], []
        for _number in range(start, min(count, start + FEEDBACK_BATCH)):
            page = rng.choice(pages)
            organisation = rng.choice(organisations)
            submitted_at = now - timedelta(seconds=rng.randint(0, 365 * 86400))
            submissions.append(
                FeedbackSubmission(
                    form=form,
                    page_id=page.pk,
                    course_id=page.pk,
                    trainer=rng.choice(trainers) if trainers else None,
                    respondent_name=LOAD_RESPONDENT,
                    organisation=organisation,
                    organisation_name=organisation.name if organisation else "",
                    submitted_at=submitted_at,
                    token=uuid.UUID(int=rng.getrandbits(128), version=4),
                    review_status=rng.choice(statuses),
                )
            )
            answers.append(
                feedback_answer_rows(
                    questions,
                    rng=rng,
                    mood=rng.gauss(4.0, 0.5),
                    on=submitted_at.date(),
                    answer_all=True,
                )
            )
        FeedbackSubmission.objects.bulk_create(submissions)
        for submission, rows in zip(submissions, answers, strict=True):
            for row in rows:
                row.submission_id = submission.pk
        FeedbackAnswer.objects.bulk_create(
            [row for rows in answers for row in rows], batch_size=5000
        )
        stdout.write(f"  {start + len(submissions)} of {count} feedback submissions")
    # Fresh statistics on both databases: without them SQLite's planner reads every
    # answer of the form through the question index even for a narrow filter.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count - made


class Command(BaseCommand):
    help = (
        "Add benchmark volume: --lessons, --articles, --faq items, --learners and "
        "--search-articles (generated help articles, bulk-created and indexed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lessons", type=int, default=40)
        parser.add_argument("--articles", type=int, default=100)
        parser.add_argument("--faq", type=int, default=100)
        parser.add_argument("--learners", type=int, default=200)
        parser.add_argument(
            "--search-articles",
            type=int,
            default=0,
            help="Total number of generated help articles for the search benchmark.",
        )
        parser.add_argument(
            "--feedback",
            type=int,
            default=0,
            help="Total number of generated 培训反馈单 submissions (every question "
            "answered) for the feedback summary benchmark.",
        )
        parser.add_argument(
            "--progress-learners",
            type=int,
            default=0,
            help="Total number of generated learners with enrolments and lesson "
            "progress for the progress benchmark (tops up; existing ones unchanged).",
        )
        parser.add_argument(
            "--lesson-progress",
            type=int,
            default=0,
            help="Total number of lesson-progress rows of the generated learners "
            "(spread over the learners added by this run).",
        )

    @transaction.atomic
    def handle(
        self,
        *args,
        lessons,
        articles,
        faq,
        learners,
        search_articles,
        feedback,
        progress_learners=0,
        lesson_progress=0,
        **options,
    ):
        index = CourseIndexPage.objects.first()
        course = child_by_slug(index, CoursePage, "load-test-course")
        if course is None:
            course = publish_child(
                index,
                CoursePage(
                    title="性能测试课程",
                    slug="load-test-course",
                    summary="用于性能测试的大课程。",
                    objectives="目标一\n目标二",
                ),
            )
        course.tags.add("性能测试", "保养")
        course.save()
        existing = LessonPage.objects.child_of(course).count()
        for number in range(existing, lessons):
            publish_child(
                course,
                LessonPage(
                    title=f"性能测试第 {number + 1} 课",
                    slug=f"load-lesson-{number + 1}",
                    estimated_minutes=10,
                    body=LOAD_BODY,
                ),
            )
        help_centre = HelpCentrePage.objects.first()
        if search_articles:
            made = bulk_search_articles(help_centre, search_articles, self.stdout)
            self.stdout.write(f"Created {made} search benchmark articles.")
            help_centre.refresh_from_db()
        have = ArticlePage.objects.filter(slug__startswith="load-article-").count()
        for number in range(have, articles):
            article = ArticlePage(
                title=f"性能测试文章 {number + 1}",
                slug=f"load-article-{number + 1}",
                summary="性能测试用的帮助文章。",
                body=LOAD_BODY,
            )
            article.tags.add("性能测试", "配网")
            publish_child(help_centre, article)
        faq_page = FaqPage.objects.first()
        category, _ = FaqCategory.objects.get_or_create(
            slug="load", defaults={"name": "性能测试", "sort_order": 99}
        )
        have = FaqItem.objects.filter(page=faq_page, category=category).count()
        for number in range(have, faq):
            item = FaqItem.objects.create(
                page=faq_page,
                category=category,
                question=f"性能测试问题 {number + 1}？",
                answer="<p>性能测试回答。</p>",
                sort_order=1000 + number,
            )
            item.tags.add("性能测试")
        if have < faq:
            faq_page.save_revision().publish()
        user_model = get_user_model()
        customers = Group.objects.get(name=GROUP_NAMES[Role.CUSTOMER])
        have = user_model.objects.filter(username__startswith="learner").count()
        new_users = [
            user_model(
                username=f"learner{number:05d}", email=f"learner{number}@load.example"
            )
            for number in range(have, learners)
        ]
        for user in new_users:
            user.set_unusable_password()
        created = user_model.objects.bulk_create(new_users)
        Profile.objects.bulk_create(
            [
                Profile(user=user, display_name=f"学员{user.username[-5:]}")
                for user in created
            ]
        )
        customers.user_set.add(*created)
        if feedback:
            made = bulk_feedback(course, feedback, self.stdout)
            self.stdout.write(f"Created {made} feedback submissions.")
        if progress_learners:
            begin = time.perf_counter()
            made = bulk_progress(progress_learners, lesson_progress, self.stdout)
            self.stdout.write(
                f"Created {made['learners']} learners, {made['enrollments']} "
                f"enrolments and {made['lesson_progress']} lesson-progress rows in "
                f"{time.perf_counter() - begin:.1f} s."
            )
        self.stdout.write(
            f"Load ready: {LessonPage.objects.child_of(course).count()} lessons, "
            f"{ArticlePage.objects.count()} articles, "
            f"{FaqItem.objects.filter(page=faq_page).count()} FAQ items, "
            f"{user_model.objects.count()} users."
        )
