"""``manage.py seed_load``: volume for benchmarks (many lessons, articles, FAQ items,
learners), built on top of the demo site. Re-running adds nothing already there."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from courses.models import CourseIndexPage, CoursePage, LessonPage
from home.models import ArticlePage, FaqCategory, FaqItem, FaqPage, HelpCentrePage
from home.seeding import child_by_slug, publish_child
from portal.accounts.models import Profile
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


class Command(BaseCommand):
    help = "Add benchmark volume: --lessons, --articles, --faq items and --learners."

    def add_arguments(self, parser):
        parser.add_argument("--lessons", type=int, default=40)
        parser.add_argument("--articles", type=int, default=100)
        parser.add_argument("--faq", type=int, default=100)
        parser.add_argument("--learners", type=int, default=200)

    @transaction.atomic
    def handle(self, *args, lessons, articles, faq, learners, **options):
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
        self.stdout.write(
            f"Load ready: {LessonPage.objects.child_of(course).count()} lessons, "
            f"{ArticlePage.objects.count()} articles, "
            f"{FaqItem.objects.filter(page=faq_page).count()} FAQ items, "
            f"{user_model.objects.count()} users."
        )
