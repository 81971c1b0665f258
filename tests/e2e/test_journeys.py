"""The main journeys, as a visitor and a staff member would take them."""

import pytest
from playwright.sync_api import expect
from wagtail.models import PageViewRestriction

from courses.models import CoursePage

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def ensure_demo():
    from courses.seeding import seed_demo, site_has_content

    if not site_has_content():
        seed_demo()


def staff_only_course():
    restricted = PageViewRestriction.objects.values_list("page_id", flat=True)
    return CoursePage.objects.live().filter(pk__in=restricted).first()


def test_visitor_goes_home_faq_then_a_course(live_server, page):
    ensure_demo()
    page.goto(live_server.url + "/")
    expect(page.locator("h1").first).to_be_visible()
    page.get_by_role("link", name="常见问题").first.click()
    expect(page).to_have_url(live_server.url + "/faq/")
    first_question = page.locator("details summary").first
    first_question.click()
    expect(page.locator("details[open]").first).to_be_visible()
    page.get_by_role("link", name="在线课程").first.click()
    expect(page).to_have_url(live_server.url + "/courses/")
    staff_course = staff_only_course()
    expect(page.get_by_text(staff_course.title)).to_have_count(0)
    page.locator("main a[href^='/courses/']").filter(
        has_text="扫地机器人"
    ).first.click()
    expect(page.locator("h1")).to_contain_text("扫地机器人")
    expect(page.locator("main")).to_contain_text("第1课")


def test_staff_logs_in_and_opens_the_staff_only_course(live_server, page):
    ensure_demo()
    course = staff_only_course()
    page.goto(live_server.url + course.url)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next={course.url}")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("changeme")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + course.url)
    expect(page.locator("h1")).to_contain_text(course.title)


def test_customer_is_refused_the_staff_only_course(live_server, page):
    ensure_demo()
    course = staff_only_course()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("customer")
    page.get_by_label("密码").fill("changeme")
    page.get_by_role("button", name="登录").click()
    response = page.goto(live_server.url + course.url)
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("没有权限")
