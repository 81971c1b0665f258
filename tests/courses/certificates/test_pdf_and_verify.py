"""The certificate PDF (Chinese name as text in an embedded font, a QR code that
decodes to the verification URL, hostile names drawn literally), downloads only by
the holder, and the public verification page (valid / expired / revoked / unknown in
the same shape, after the same queries; masked names; rate limit)."""

import io
import re
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from courses.certificate_pdf import render_certificate, verification_url
from courses.selectors.certificates import mask_name
from courses.services import certificates as service
from tests.factories.progress import make_course, make_learner

pytestmark = pytest.mark.django_db

HOSTILE = "<iframe src=file:///etc/passwd>"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def issue(name="张三丰", **course_fields):
    course, _lessons = make_course(
        lessons=1, title="客户沟通与投诉处理", **course_fields
    )
    learner = make_learner(f"holder{abs(hash(name)) % 10_000}")
    learner.first_name = name
    learner.save()
    return service.certificate_issue(user=learner, course=course, score=93)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_the_chinese_name_and_serial_as_text_in_an_embedded_font():
    certificate = issue()
    data = render_certificate(certificate)
    text = pdf_text(data)
    assert "张三丰" in text
    assert "客户沟通与投诉处理" in text
    assert certificate.serial in text
    assert "结业证书" in text
    assert b"/FontFile2" in data  # the TrueType font travels with the PDF
    assert b"STSong" not in data


def test_pdf_qr_code_decodes_to_the_verification_url():
    certificate = issue()
    page = pypdfium2.PdfDocument(render_certificate(certificate))[0]
    image = page.render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [verification_url(certificate)]
    assert verification_url(certificate).endswith(
        f"/certificates/verify/{certificate.verification_code}/"
    )


def test_rare_name_characters_are_in_the_font():
    certificate = issue(name="欧阳喆玥")
    assert "欧阳喆玥" in pdf_text(render_certificate(certificate))


def test_hostile_name_is_drawn_literally():
    certificate = issue(name=HOSTILE)
    text = pdf_text(render_certificate(certificate))
    assert HOSTILE in text.replace("\n", "")


def test_only_the_holder_downloads_the_pdf(client):
    certificate = issue()
    url = reverse("certificates:download", args=[certificate.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(make_learner("someone-else"))
    assert client.get(url).status_code == 404
    client.force_login(certificate.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "张三丰" in pdf_text(response.content)


def test_mask_name():
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("王") == "王"


def _verify(client, code):
    return client.get(reverse("certificates:verify_code", args=[code]))


def test_verify_valid_by_code_and_by_serial(client):
    certificate = issue()
    response = _verify(client, certificate.verification_code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "证书有效" in html
    assert "张*丰" in html and "张三丰" not in html
    assert "客户沟通与投诉处理" in html
    assert certificate.serial in html
    response = client.get(
        reverse("certificates:verify"), {"q": certificate.serial.lower()}
    )
    assert "证书有效" in response.content.decode()


def test_verify_revoked_shows_the_date(client):
    certificate = issue()
    service.certificate_revoke(
        certificate=certificate, by=make_learner("certadmin"), reason="违规"
    )
    html = _verify(client, certificate.verification_code).content.decode()
    assert "证书已撤销" in html
    assert timezone.localdate().strftime("%Y-%m-%d") in html
    assert "违规" not in html  # the reason stays internal


def test_verify_expired(client):
    certificate = issue(certificate_valid_months=12)
    type(certificate).objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert (
        "证书已过期" in _verify(client, certificate.verification_code).content.decode()
    )


def _shape(html: str) -> str:
    """The page without its texts: the tag structure only."""
    body = html.split('<div class="container narrow certificate-verify">')[1]
    return re.sub(r">[^<]*<", "><", re.sub(r'(value|class)="[^"]*"', "", body))


def test_unknown_codes_answer_like_known_ones(client):
    certificate = issue()
    known_revoked = issue(name="李四")
    service.certificate_revoke(
        certificate=known_revoked, by=make_learner("certadmin"), reason="x"
    )
    _verify(client, "warm-up")  # site, menus and settings cached on first use
    counts, statuses = [], []
    for code in (
        certificate.verification_code,
        known_revoked.verification_code,
        "x" * 32,
        "SF-1999-000001",
    ):
        with CaptureQueriesContext(connection) as queries:
            response = _verify(client, code)
        statuses.append(response.status_code)
        counts.append(len(queries))
    assert statuses == [200, 200, 200, 200]
    assert len(set(counts)) == 1, counts
    unknown = _verify(client, "y" * 32).content.decode()
    assert "未找到该证书" in unknown
    # Found and not found differ in their facts list only; two unknown codes alike.
    assert _shape(unknown) == _shape(_verify(client, "z" * 32).content.decode())


@override_settings(CERTIFICATE_VERIFY_RATE_LIMIT=(3, 600))
def test_verification_is_rate_limited(client):
    for _ in range(3):
        assert _verify(client, "a" * 32).status_code == 200
    response = _verify(client, "a" * 32)
    assert response.status_code == 429
    assert response["Retry-After"] == "600"


def test_verify_form_without_query_counts_nothing(client):
    response = client.get(reverse("certificates:verify"))
    assert response.status_code == 200
    assert "未找到" not in response.content.decode()


def test_verify_survives_odd_input(client):
    for query in ("'; DROP TABLE x; --", "\x00", "证" * 500, "%00"):
        response = client.get(reverse("certificates:verify"), {"q": query})
        assert response.status_code in (200, 400)


def test_revoked_certificates_are_no_longer_downloaded(client):
    certificate = issue()
    service.certificate_revoke(
        certificate=certificate, by=make_learner("certadmin"), reason="违规"
    )
    client.force_login(certificate.user)
    url = reverse("certificates:download", args=[certificate.pk])
    assert client.get(url).status_code == 404
