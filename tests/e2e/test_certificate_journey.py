"""A customer completes a course and passes its exam, downloads the certificate
from 我的学习, and an anonymous visitor verifies it by its code."""

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from courses.models import Certificate
from tests.e2e.test_journeys import ensure_demo
from tests.e2e.test_quiz_journey import answer_every_question, log_in
from tests.factories.progress import make_course
from tests.factories.quizzes import make_quiz, single_choice_bank

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_customer_earns_downloads_and_a_visitor_verifies(live_server, browser, page):
    ensure_demo()
    quiz = make_quiz(title="安装与维护结业考试", bank=single_choice_bank(3))
    course, lessons = make_course(
        lessons=1, title="净水器安装与维护（证书演示）", quiz=quiz
    )
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, live_server, "customer")
    page.goto(live_server.url + lessons[0].url)
    page.get_by_role("button", name="完成本课").click()
    page.goto(live_server.url + course.url)
    page.get_by_role("button", name="开始测验").click()
    answer_every_question(page, "说法乙")
    page.get_by_role("button", name="交卷").click()
    expect(page.locator(".quiz-result-passed")).to_be_visible()

    page.goto(live_server.url + "/my/")
    certificates = page.locator("#my-certificates")
    expect(certificates).to_contain_text("净水器安装与维护（证书演示）")
    certificate = Certificate.objects.get(course=course)
    expect(certificates).to_contain_text(certificate.serial)
    with page.expect_download() as download_info:
        certificates.get_by_role("link", name="下载证书").first.click()
    download = download_info.value
    assert download.suggested_filename == f"{certificate.serial}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "张先生" in text and certificate.serial in text

    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(live_server.url + "/certificates/verify/")
    visitor.get_by_label("证书编号或查验码").fill(certificate.verification_code)
    visitor.get_by_role("button", name="查验").click()
    result = visitor.locator(".certificate-result")
    expect(result).to_contain_text("证书有效")
    expect(result).to_contain_text("张*生")
    expect(result).to_contain_text("净水器安装与维护（证书演示）")
    visitor.context.close()
