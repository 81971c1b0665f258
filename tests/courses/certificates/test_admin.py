"""The certificate admin (证书登记簿, /admin/certificates/): listing, search, every
filter (expired derived in SQL), a query count that does not grow, the formula-safe
XLSX export, the detail view and PDF, revoke and reissue (confirmation, required
reason, CSRF, a second POST), manual and bulk issuance with confirmation, the ZIP of
PDFs, template preview and deletion, and who may do what."""

import io
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import GroupPagePermission

from courses.certificate_admin import views as registry_views
from courses.models import (
    Certificate,
    CertificateSource,
    CertificateStatus,
    CertificateTemplate,
)
from courses.services import certificates as service
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

URL = "/admin/certificates/"
HOSTILE = '=HYPERLINK("http://evil.example","点我")'
REFS = {"course_a", "course_b", "acme", "beta"}


def make_user(username, *, name, organisation=None, role=Role.CUSTOMER, number=""):
    user = get_user_model().objects.create_user(
        username=username, password="x", first_name=name
    )
    Profile.objects.create(
        user=user,
        display_name=name,
        organisation=organisation,
        employee_number=number,
    )
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


def messages_of(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the
    dashboard (and a message); plain views answer 403."""
    if response.status_code == 302:
        return response["Location"] == "/admin/"
    return response.status_code == 403


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def data():
    acme = Organisation.objects.create(name="证书测试甲公司", kind="customer")
    beta = Organisation.objects.create(name="证书测试乙公司", kind="customer")
    course_a, _ = make_course(lessons=1, title="证书课程甲")
    course_b, _ = make_course(lessons=1, title="证书课程乙")
    ann = make_user("ca-ann", name="安娜", organisation=acme, number="E-1001")
    bob = make_user("ca-bob", name=HOSTILE, organisation=beta)
    cat = make_user("ca-cat", name="凯特", organisation=acme)
    now = timezone.now()
    valid = service.certificate_issue(user=ann, course=course_a, score=91)
    expired = service.certificate_issue(
        user=bob, course=course_b, now=now - timedelta(days=400)
    )
    Certificate.objects.filter(pk=expired.pk).update(
        valid_until=timezone.localdate() - timedelta(days=30)
    )
    revoked = service.certificate_issue(user=cat, course=course_a)
    revoked = service.certificate_revoke(
        certificate=revoked,
        by=get_user_model().objects.get(username="admin"),
        reason="考试作弊",
    )
    return {
        "acme": acme,
        "beta": beta,
        "course_a": course_a,
        "course_b": course_b,
        "ann": ann,
        "bob": bob,
        "cat": cat,
        "valid": valid,
        "expired": Certificate.objects.get(pk=expired.pk),
        "revoked": revoked,
    }


@pytest.fixture
def training_admin():
    return make_user("ca-admin", name="培训主管", role=Role.TRAINING_ADMIN)


@pytest.fixture
def trainer_a(data):
    """讲师 model permissions, and page permissions below course A only."""
    group = Group.objects.create(name="讲师（证书课程甲）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=data["course_a"],
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = make_user("ca-trainer", name="讲师甲", role=Role.TRAINER)
    user.groups.set([group])
    return user


def serials(response) -> set[str]:
    html = response.content.decode()
    return {
        serial
        for serial in Certificate.objects.values_list("serial", flat=True)
        if serial in html
    }


# -- listing, search, filters ---------------------------------------------------------


def test_registry_lists_certificates_with_the_derived_status(
    client, data, training_admin
):
    client.force_login(training_admin)
    response = client.get(URL, {"q": "证书课程"})
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("valid", "expired", "revoked"):
        assert data[key].serial in html
    assert "已过期" in html and "已撤销" in html and "有效" in html
    assert "安娜" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("安娜", {"valid"}),
        ("证书课程乙", {"expired"}),
        ("HYPERLINK", {"expired"}),
    ],
)
def test_search_by_holder_and_course(client, data, training_admin, query, expected):
    client.force_login(training_admin)
    response = client.get(URL, {"q": query})
    assert serials(response) == {data[key].serial for key in expected}


def test_search_by_serial(client, data, training_admin):
    client.force_login(training_admin)
    response = client.get(URL, {"q": data["revoked"].serial.lower()})
    assert serials(response) == {data["revoked"].serial}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "expired", "q": "证书课程"}, {"expired"}),
        ({"status": "revoked", "q": "证书课程"}, {"revoked"}),
        ({"status": "superseded", "q": "证书课程"}, set()),
        ({"status": "valid", "q": "证书课程"}, {"valid"}),
        ({"course": "course_a"}, {"valid", "revoked"}),
        ({"organisation": "acme"}, {"valid", "revoked"}),
        ({"organisation": "beta"}, {"expired"}),
        ({"source": "automatic", "q": "证书课程"}, {"valid", "expired", "revoked"}),
    ],
)
def test_filters(client, data, training_admin, params, expected):
    client.force_login(training_admin)
    query = {
        key: (data[value].pk if value in REFS else value)
        for key, value in params.items()
    }
    response = client.get(URL, query)
    assert response.status_code == 200
    assert serials(response) == {data[key].serial for key in expected}


def test_issued_date_range_filter(client, data, training_admin):
    client.force_login(training_admin)
    old = timezone.localdate() - timedelta(days=400)
    response = client.get(
        URL,
        {
            "q": "证书课程",
            "issued_at_from": (old - timedelta(days=1)).isoformat(),
            "issued_at_to": (old + timedelta(days=1)).isoformat(),
        },
    )
    assert serials(response) == {data["expired"].serial}


def test_a_crafted_filter_shows_nothing(client, data, trainer_a):
    client.force_login(trainer_a)
    response = client.get(URL, {"course": data["course_b"].pk})
    assert response.status_code == 200
    assert serials(response) == set()


def _list_queries(client, course) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"course": course.pk})
    assert response.status_code == 200
    return len(queries)


def test_listing_queries_do_not_grow_with_rows(client, training_admin):
    course, _ = make_course(lessons=1, title="查询计数课程")
    learners = [make_user(f"qc-{i}", name=f"学员{i}") for i in range(30)]
    for learner in learners[:3]:
        service.certificate_issue(user=learner, course=course)
    client.force_login(training_admin)
    client.get(URL, {"course": course.pk})  # warm caches (content types, site)
    small = _list_queries(client, course)
    for learner in learners[3:]:
        service.certificate_issue(user=learner, course=course)
    large = _list_queries(client, course)
    assert small == large
    assert large <= 20


# -- export -------------------------------------------------------------------------


def test_xlsx_export_is_formula_safe(client, data, training_admin):
    client.force_login(training_admin)
    response = client.get(URL, {"export": "xlsx", "q": "证书课程"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "证书编号"
    hostile = next(row for row in rows if row[0] == data["expired"].serial)
    assert hostile[1] == HOSTILE
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    assert cells[HOSTILE].data_type == "s"
    statuses = {row[0]: row[6] for row in rows[1:]}
    assert statuses[data["expired"].serial] == "已过期"
    assert statuses[data["revoked"].serial] == "已撤销"
    reasons = {row[0]: row[10] for row in rows[1:]}
    assert reasons[data["revoked"].serial] == "考试作弊"

    csv_response = client.get(URL, {"export": "csv", "q": "证书课程乙"})
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "'" + HOSTILE.replace('"', '""') in text


# -- detail and PDF ----------------------------------------------------------------


def test_detail_shows_revocation_reason_and_who(client, data, training_admin):
    client.force_login(training_admin)
    response = client.get(f"{URL}inspect/{data['revoked'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "考试作弊" in html
    assert "系统管理员" in html or "admin" in html
    assert f"{URL}{data['revoked'].pk}/pdf/" in html
    assert f"{URL}{data['revoked'].pk}/revoke/" not in html  # already revoked
    valid = client.get(f"{URL}inspect/{data['valid'].pk}/").content.decode()
    assert f"{URL}{data['valid'].pk}/revoke/" in valid
    assert f"{URL}{data['valid'].pk}/reissue/" in valid


def test_admin_downloads_the_pdf(client, data, training_admin):
    client.force_login(training_admin)
    response = client.get(f"{URL}{data['valid'].pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{data['valid'].serial}.pdf" in response["Content-Disposition"]
    assert "安娜" in pdf_text(response.content)


def test_trainer_sees_only_certificates_of_courses_they_can_edit(
    client, data, trainer_a
):
    client.force_login(trainer_a)
    response = client.get(URL)
    assert serials(response) == {data["valid"].serial, data["revoked"].serial}
    assert client.get(f"{URL}{data['valid'].pk}/pdf/").status_code == 200
    assert client.get(f"{URL}{data['expired'].pk}/pdf/").status_code == 404
    assert client.get(f"{URL}inspect/{data['expired'].pk}/").status_code == 404
    detail = client.get(f"{URL}inspect/{data['valid'].pk}/").content.decode()
    assert "/revoke/" not in detail and "/reissue/" not in detail


def test_trainer_cannot_revoke_reissue_or_issue(client, data, trainer_a):
    client.force_login(trainer_a)
    pk = data["valid"].pk
    for url in (f"{URL}{pk}/revoke/", f"{URL}{pk}/reissue/"):
        assert refused(client.get(url))
        assert refused(client.post(url, {"reason": "x"}))
    assert refused(client.get(f"{URL}issue/"))
    assert refused(client.post(f"{URL}issue/bulk/", {"confirm": "1"}))
    data["valid"].refresh_from_db()
    assert data["valid"].status == CertificateStatus.VALID


@pytest.mark.parametrize("username", ["customer", "staff"])
def test_customers_and_staff_have_no_registry(client, data, username):
    client.force_login(get_user_model().objects.get(username=username))
    for url in (URL, f"{URL}{data['valid'].pk}/pdf/", f"{URL}issue/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "login" in response["Location"] or response["Location"] == "/"


def test_anonymous_is_sent_to_login(client, data):
    response = client.get(f"{URL}{data['valid'].pk}/pdf/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# -- revoke and reissue ------------------------------------------------------------


def test_revoke_flow(client, data, training_admin):
    client.force_login(training_admin)
    url = f"{URL}{data['valid'].pk}/revoke/"
    page = client.get(url)
    assert page.status_code == 200
    assert "撤销原因" in page.content.decode()
    missing = client.post(url, {"reason": "   "})
    assert missing.status_code == 200
    assert "请填写撤销原因。" in missing.content.decode()
    data["valid"].refresh_from_db()
    assert data["valid"].status == CertificateStatus.VALID

    done = client.post(url, {"reason": "信息造假"})
    assert done.status_code == 302
    data["valid"].refresh_from_db()
    assert data["valid"].status == CertificateStatus.REVOKED
    assert data["valid"].revoke_reason == "信息造假"
    assert data["valid"].revoked_by == training_admin

    page = client.get(url)  # a stale link to the form
    assert page.status_code == 302
    assert "该证书已失效，不能再撤销或重新颁发。" in messages_of(page)
    again = client.post(url, {"reason": "再来一次"})
    assert again.status_code == 302
    assert "该证书已失效，无需撤销。" in messages_of(again)
    data["valid"].refresh_from_db()
    assert data["valid"].revoke_reason == "信息造假"


def test_revoke_enforces_csrf(data, training_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(training_admin)
    url = f"{URL}{data['valid'].pk}/revoke/"
    assert client.post(url, {"reason": "无令牌"}).status_code == 403
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"reason": "有令牌", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    data["valid"].refresh_from_db()
    assert data["valid"].status == CertificateStatus.REVOKED


def test_reissue_supersedes_and_opens_the_new_certificate(client, data, training_admin):
    client.force_login(training_admin)
    url = f"{URL}{data['valid'].pk}/reissue/"
    assert client.get(url).status_code == 200
    missing = client.post(url, {"reason": ""})
    assert "请填写重新颁发的原因。" in missing.content.decode()
    response = client.post(url, {"reason": "姓名有误"})
    old = Certificate.objects.get(pk=data["valid"].pk)
    assert old.status == CertificateStatus.SUPERSEDED
    new = old.superseded_by
    assert new.status == CertificateStatus.VALID and new.serial != old.serial
    assert response["Location"] == f"{URL}inspect/{new.pk}/"
    again = client.post(url, {"reason": "再来"})
    assert "只能重新颁发有效期内的证书。" in messages_of(again)
    assert Certificate.objects.filter(user=data["ann"]).count() == 2


# -- issuance ------------------------------------------------------------------------


def test_manual_issue_asks_for_confirmation(client, data, training_admin):
    client.force_login(training_admin)
    url = f"{URL}issue/"
    assert client.get(url).status_code == 200
    learner = data["cat"]  # revoked for course A: may get a new one
    form = {"user": learner.pk, "course": data["course_a"].pk, "score": "88"}
    confirm = client.post(url, form)
    assert confirm.status_code == 200
    assert "确认颁发" in confirm.content.decode()
    assert not Certificate.objects.filter(
        user=learner, status=CertificateStatus.VALID
    ).exists()
    issued = client.post(url, {**form, "confirm": "1"})
    certificate = Certificate.objects.get(user=learner, status=CertificateStatus.VALID)
    assert issued["Location"] == f"{URL}inspect/{certificate.pk}/"
    assert certificate.source == CertificateSource.MANUAL
    assert certificate.issued_by == training_admin
    assert certificate.score == 88
    again = client.post(url, {**form, "confirm": "1"})  # a double submit
    assert again.status_code == 200 and "已持有" in again.content.decode()
    assert Certificate.objects.filter(user=learner).count() == 2  # revoked + new


def test_manual_issue_links_the_valid_certificate_already_held(
    client, data, training_admin
):
    client.force_login(training_admin)
    form = {"user": data["ann"].pk, "course": data["course_a"].pk, "confirm": "1"}
    response = client.post(f"{URL}issue/", form)
    html = response.content.decode()
    assert "已持有" in html
    assert f"{URL}inspect/{data['valid'].pk}/" in html
    assert Certificate.objects.filter(user=data["ann"]).count() == 1


def test_manual_issue_requires_learner_and_course(client, data, training_admin):
    client.force_login(training_admin)
    response = client.post(f"{URL}issue/", {})
    html = response.content.decode()
    assert "请选择学员。" in html and "请选择课程。" in html


def test_bulk_issue_confirms_then_counts(client, data, training_admin):
    client.force_login(training_admin)
    url = f"{URL}issue/bulk/"
    assert client.get(url).status_code == 200
    dan = make_user("ca-dan", name="丹尼", number="E-2002")
    form = {
        "course": data["course_a"].pk,
        "users": [data["ann"].pk, data["cat"].pk],
        "identifiers": "e-2002\nca-ann\n",
    }
    confirm = client.post(url, form)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    receiving = html.split("data-receiving")[1].split("</ul>")[0]
    holding = html.split("data-holding")[1].split("</ul>")[0]
    assert "丹尼" in receiving and "凯特" in receiving and "安娜" not in receiving
    assert "安娜" in holding
    assert not Certificate.objects.filter(user=dan).exists()

    hidden = {
        "course": data["course_a"].pk,
        "users": [data["ann"].pk, data["cat"].pk, dan.pk],
        "confirm": "1",
    }
    done = client.post(url, hidden)
    assert done.status_code == 302
    assert any("颁发 2 张证书" in m and "1 人已持有" in m for m in messages_of(done))
    bulk = Certificate.objects.filter(source=CertificateSource.BULK)
    assert set(bulk.values_list("user_id", flat=True)) == {dan.pk, data["cat"].pk}


def test_bulk_issue_names_unknown_identifiers(client, data, training_admin):
    client.force_login(training_admin)
    response = client.post(
        f"{URL}issue/bulk/",
        {"course": data["course_a"].pk, "identifiers": "ca-ann\nnobody-here"},
    )
    html = response.content.decode()
    assert "找不到以下用户名或工号" in html and "nobody-here" in html
    empty = client.post(f"{URL}issue/bulk/", {"course": data["course_a"].pk})
    assert "请至少选择或填写一名学员。" in empty.content.decode()


# -- ZIP ----------------------------------------------------------------------------


def test_zip_of_the_filtered_certificates(client, data, training_admin):
    client.force_login(training_admin)
    response = client.get(f"{URL}zip/", {"course": data["course_a"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names == sorted(f"{data[key].serial}.pdf" for key in ("valid", "revoked"))
    for name in names:
        assert archive.read(name).startswith(b"%PDF")


def test_zip_is_capped(client, data, training_admin, monkeypatch):
    monkeypatch.setattr(registry_views, "ZIP_LIMIT", 1)
    client.force_login(training_admin)
    response = client.get(f"{URL}zip/", {"course": data["course_a"].pk})
    assert response.status_code == 302
    assert any("一次最多打包 1 张" in m for m in messages_of(response))


def test_large_zip_is_packed_in_the_background_for_its_requester_only(
    client, data, training_admin, monkeypatch, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    monkeypatch.setattr(registry_views, "ZIP_INLINE_LIMIT", 1)
    client.force_login(training_admin)
    response = client.get(f"{URL}zip/", {"course": data["course_a"].pk})
    assert response.status_code == 302
    ready_url = response["Location"]
    assert ready_url.startswith(f"{URL}zip/")
    # The (immediate, in tests) worker has packed it: the requester downloads it.
    response = client.get(ready_url)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        f"{data[key].serial}.pdf" for key in ("valid", "revoked")
    )
    # Another admin with the same link gets nothing; a bad token neither.
    other = get_user_model().objects.create_superuser("other-admin", password="x")
    client.force_login(other)
    assert b"ZIP" in client.get(ready_url).content  # still "packing" for them
    assert client.get(ready_url)["Refresh"] == "5"
    client.force_login(training_admin)
    assert client.get(f"{URL}zip/short!/")["Refresh"] == "5"


def test_old_zips_are_pruned(settings, tmp_path):
    from courses.certificate_pdf import certificate_zips_prune

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    folder = tmp_path / "certificate-zips" / "7"
    folder.mkdir(parents=True)
    (folder / "old.zip").write_bytes(b"x")
    (folder / "new.zip").write_bytes(b"x")
    import os
    import time

    day_ago = time.time() - 25 * 3600
    os.utime(folder / "old.zip", (day_ago, day_ago))
    assert certificate_zips_prune() == 1
    assert not (folder / "old.zip").exists() and (folder / "new.zip").exists()


def test_zip_respects_what_a_trainer_may_see(client, data, trainer_a):
    client.force_login(trainer_a)
    response = client.get(f"{URL}zip/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert f"{data['expired'].serial}.pdf" not in archive.namelist()


# -- templates ----------------------------------------------------------------------


def test_template_preview_is_a_pdf_of_a_sample(client, training_admin):
    template = CertificateTemplate.objects.get(is_default=True)
    client.force_login(training_admin)
    before = Certificate.objects.count()
    response = client.get(f"{URL}templates/preview-pdf/{template.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "张三丰" in text and "SF-2026-000123" in text
    assert Certificate.objects.count() == before
    edit = client.get(f"{URL}templates/edit/{template.pk}/")
    assert f"{URL}templates/preview-pdf/{template.pk}/" in edit.content.decode()


def test_template_in_use_is_not_deleted(client, data, training_admin):
    client.force_login(training_admin)
    used = data["valid"].template
    response = client.post(f"{URL}templates/delete/{used.pk}/")
    assert response.status_code == 302
    assert CertificateTemplate.objects.filter(pk=used.pk).exists()
    assert any("不能删除" in m for m in messages_of(response))
    unused = CertificateTemplate.objects.create(name="未使用的模板")
    response = client.post(f"{URL}templates/delete/{unused.pk}/")
    assert not CertificateTemplate.objects.filter(pk=unused.pk).exists()


def test_valid_until_passed_today_is_expired_in_sql(data):
    rows = registry_views.visible_certificates(
        get_user_model().objects.get(username="admin")
    ).filter(pk=data["expired"].pk)
    assert rows.get().display_status == "expired"
    assert date.today() > data["expired"].valid_until


def test_menu_and_listing_buttons(client, data, training_admin, trainer_a):
    client.force_login(training_admin)
    dashboard = client.get("/admin/").content.decode()
    for name in (
        "certificate-registry",
        "certificate-templates",
        "trainer-qualifications",
    ):
        assert name in dashboard
    html = client.get(URL, {"course": data["course_a"].pk}).content.decode()
    assert f"{URL}issue/" in html and f"{URL}issue/bulk/" in html
    assert f"{URL}zip/?course={data['course_a'].pk}" in html
    assert f"{URL}{data['valid'].pk}/pdf/" in html
    client.force_login(trainer_a)
    html = client.get(URL).content.decode()
    assert f"{URL}issue/" not in html


def test_admin_url_finder_opens_the_detail_for_those_who_may_see_it(
    data, training_admin, trainer_a
):
    url = f"{URL}inspect/{data['expired'].pk}/"
    assert AdminURLFinder(training_admin).get_edit_url(data["expired"]) == url
    assert AdminURLFinder(trainer_a).get_edit_url(data["expired"]) is None
