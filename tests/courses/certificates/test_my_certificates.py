"""Learners see and download their own certificates on 我的学习, nobody else's."""

import pytest
from django.urls import reverse

from courses.services import certificates as service
from tests.factories.progress import make_course, make_learner

pytestmark = pytest.mark.django_db


def test_dashboard_lists_own_certificates_only(client):
    course, _lessons = make_course(lessons=1, title="故障诊断课程")
    mine, theirs = make_learner("mine"), make_learner("theirs")
    own = service.certificate_issue(user=mine, course=course)
    other = service.certificate_issue(user=theirs, course=course)
    client.force_login(mine)
    html = client.get(reverse("my:dashboard")).content.decode()
    assert 'id="my-certificates"' in html
    assert own.serial in html and other.serial not in html
    assert reverse("certificates:download", args=[own.pk]) in html
    assert reverse("certificates:download", args=[other.pk]) not in html


def test_revoked_certificate_is_listed_without_download(client):
    course, _lessons = make_course(lessons=1)
    learner = make_learner()
    certificate = service.certificate_issue(user=learner, course=course)
    service.certificate_revoke(
        certificate=certificate, by=make_learner("certadmin"), reason="x"
    )
    client.force_login(learner)
    html = client.get(reverse("my:dashboard")).content.decode()
    assert certificate.serial in html and "已撤销" in html
    assert reverse("certificates:download", args=[certificate.pk]) not in html


def test_certificates_cost_one_query_however_many(client, django_assert_num_queries):
    learner = make_learner()
    client.force_login(learner)
    courses = [make_course(lessons=1)[0] for _ in range(6)]
    service.certificate_issue(user=learner, course=courses[0])
    client.get(reverse("my:dashboard"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("my:dashboard"))
    for course in courses[1:]:
        service.certificate_issue(user=learner, course=course)
    with django_assert_num_queries(len(one)):
        client.get(reverse("my:dashboard"))


def test_archive_lists_certificates_in_html_pdf_and_xlsx(client):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    course, _lessons = make_course(lessons=1, title="投诉处理进阶")
    learner = make_learner()
    certificate = service.certificate_issue(user=learner, course=course)
    other = service.certificate_issue(user=make_learner("other"), course=course)
    client.force_login(learner)
    url = reverse("my:archive")
    html = client.get(url).content.decode()
    assert certificate.serial in html and other.serial not in html
    pdf = client.get(url, {"format": "pdf"}).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert certificate.serial in text and other.serial not in text
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = workbook.worksheets[-1]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert certificate.serial in values and "有效" in values
