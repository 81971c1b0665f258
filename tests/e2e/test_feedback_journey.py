"""An anonymous customer fills in the service-opinion form on a help article; the
training admin signs in, filters the submissions, opens the summary chart and
exports XLSX, in the browser."""

from urllib.parse import urlencode

import openpyxl
import pytest
from playwright.sync_api import expect

from courses.models import FeedbackSubmission
from home.models import ArticlePage
from tests.e2e.test_journeys import ensure_demo
from tests.e2e.test_quiz_journey import log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOSTILE_COMMENT = "<script>alert('x')</script>工程师上门很准时"
ORGANISATION = "浏览器测试有限公司"


def fill_in_the_form(page):
    """First option of every choice question, a comment and who we are."""
    for question in page.locator("fieldset.fb-question:not(.fb-respondent)").all():
        question.locator("label.fb-choice").first.click()
    page.locator("textarea").first.fill(HOSTILE_COMMENT)
    page.get_by_label("单位").fill(ORGANISATION)


def test_customer_sends_opinion_admin_reviews_summary_and_export(
    live_server, page, tmp_path
):
    ensure_demo()
    article = (
        ArticlePage.objects.live()
        .public()
        .filter(feedback_form__title="客户服务意见单")
        .first()
    )
    assert article is not None, "the demo attaches the service-opinion form"
    form = article.feedback_form
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))

    # The customer reads the article and opens its form.
    page.goto(live_server.url + article.url)
    page.get_by_role("link", name="填写客户服务意见单").click()
    expect(page.locator("h1")).to_have_text("客户服务意见单")

    # Sending it empty: errors in Chinese, nothing stored.
    before = FeedbackSubmission.objects.filter(form=form).count()
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".form-error-summary")).to_contain_text("处需要修改")
    assert FeedbackSubmission.objects.filter(form=form).count() == before

    fill_in_the_form(page)
    page.get_by_role("button", name="提交").click()
    expect(page.locator("main")).to_contain_text("感谢")
    sent = FeedbackSubmission.objects.get(form=form, organisation_name=ORGANISATION)
    assert sent.respondent is None and sent.page_id == article.pk

    # The training admin filters the submissions down to it.
    log_in(page, live_server, "admin")
    query = urlencode({"form": form.pk, "anonymous": "true", "q": ORGANISATION})
    page.goto(f"{live_server.url}/admin/feedback/submissions/?{query}")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ORGANISATION)
    rows.first.get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text(HOSTILE_COMMENT)  # shown as text
    assert dialogs == []  # the script never ran

    # The summary draws its charts as inline SVG.
    page.goto(f"{live_server.url}/admin/feedback/summary/{form.pk}/")
    expect(page.locator("main")).to_contain_text("技术人员有效地帮我解决了问题")
    expect(page.locator("main svg").first).to_be_visible()

    # Export what the filter shows, as XLSX.
    page.goto(f"{live_server.url}/admin/feedback/submissions/?{query}")
    page.get_by_role("button", name="动作").click()  # the header's actions menu
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载XLSX").click()
    path = tmp_path / "submissions.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert ORGANISATION in cells
    assert HOSTILE_COMMENT in cells
