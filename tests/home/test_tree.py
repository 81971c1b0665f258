"""The page tree's rules: which page types live where."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage, CoursePage, LearningPath, LessonPage
from home.models import (
    ArticlePage,
    DownloadsPage,
    FaqPage,
    HandbookChapterPage,
    HandbookPage,
    HelpCentrePage,
    HomePage,
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_takes_the_section_pages(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {HelpCentrePage, FaqPage, HandbookPage, DownloadsPage, CourseIndexPage},
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_sections_hold_their_own_pages_only(self):
        self.assertAllowedSubpageTypes(HelpCentrePage, {ArticlePage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertAllowedSubpageTypes(FaqPage, set())
        self.assertAllowedSubpageTypes(HandbookPage, {HandbookChapterPage})
        self.assertAllowedSubpageTypes(HandbookChapterPage, {HandbookChapterPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage, LearningPath})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedSubpageTypes(LearningPath, set())

    def test_pages_cannot_be_created_in_the_wrong_place(self):
        self.assertCanCreateAt(HelpCentrePage, ArticlePage)
        self.assertCanNotCreateAt(CourseIndexPage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanCreateAt(HandbookChapterPage, HandbookChapterPage)

    def test_singletons_cannot_be_added_twice(self):
        # The demo site already has its home page and downloads page.
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))
        home = HomePage.objects.get()
        self.assertFalse(DownloadsPage.can_create_at(home))

    def test_every_demo_page_renders(self):
        for page in Page.objects.live().filter(depth__gte=2).specific():
            if page.get_view_restrictions():
                continue
            self.assertPageIsRenderable(page)
