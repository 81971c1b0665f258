"""Any content page can carry a feedback form: listing pages (help centre, FAQ,
handbook, downloads, course catalogue) show the panel and take submissions."""

import pytest

from courses.models import CourseIndexPage, FeedbackSubmission
from home.models import DownloadsPage, FaqPage, HandbookPage, HelpCentrePage
from tests.factories.feedback import make_feedback_form, valid_post_data

pytestmark = pytest.mark.django_db

PAGE_TYPES = [HelpCentrePage, FaqPage, HandbookPage, DownloadsPage, CourseIndexPage]


@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda m: m.__name__)
def test_listing_page_carries_a_form(client, settings, model):
    settings.PAGE_CACHE_SECONDS = 0
    page = model.objects.live().first()
    assert client.get(page.url).status_code == 200
    assert f'href="/feedback/{page.pk}/"' not in client.get(page.url).text

    form = make_feedback_form(title="网站使用体验调查")
    model.objects.filter(pk=page.pk).update(feedback_form=form)
    shown = client.get(page.url)
    assert f'href="/feedback/{page.pk}/"' in shown.text
    assert "网站使用体验调查" in shown.text

    response = client.post(f"/feedback/{page.pk}/", valid_post_data(form))
    assert response.status_code == 303
    submission = FeedbackSubmission.objects.get(form=form)
    assert submission.page_id == page.pk
    assert submission.course_id is None
