"""培训档案 as PDF (/my/archive/?format=pdf): A4, the learner's name and
organisation, every course and cycle with the totals, Chinese as real text in an
embedded font, hostile names printed literally, private and own data only."""

import io
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.ttfonts import TTFontFile

from courses.archive_pdf import archive_pdf
from courses.models import Enrollment
from courses.models.progress import EnrollmentStatus
from courses.pdf_fonts import FONT_FILE, cjk_font
from courses.selectors.dashboard import Archive
from portal.accounts.models import Organisation, Profile
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

URL = "/my/archive/?format=pdf"
HOSTILE_NAME = '<iframe src=file:///etc/passwd><img src="x">&amp;'


def learner(username, name, organisation=None):
    user = get_user_model().objects.create_user(username, password="x")
    Profile.objects.create(user=user, display_name=name, organisation=organisation)
    return user


def pdf_of(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def has_embedded_truetype(reader: PdfReader) -> bool:
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            font = descendants[0].get_object() if descendants else font
            descriptor = font.get("/FontDescriptor")
            if descriptor and "/FontFile2" in descriptor.get_object():
                return True
    return False


@pytest.fixture
def archive_data():
    organisation = Organisation.objects.create(name="华东分公司", kind="department")
    user = learner("pdf-learner", "张晓明", organisation)
    course, _lessons = make_course(
        lessons=1, title="客户投诉处理规范", estimated_hours=Decimal("2.5")
    )
    other, _ = make_course(lessons=1, title="<b>加粗</b>课程")
    now = timezone.now()
    Enrollment.objects.create(
        user=user,
        course=course,
        enrolled_at=now - timedelta(days=200),
        status=EnrollmentStatus.COMPLETED,
        completed_at=now - timedelta(days=190),
        score=Decimal("88.5"),
        cycle=1,
        is_current=False,
    )
    Enrollment.objects.create(
        user=user,
        course=course,
        enrolled_at=now - timedelta(days=5),
        cycle=2,
    )
    Enrollment.objects.create(user=user, course=other, enrolled_at=now)
    return {"user": user, "course": course}


def test_pdf_is_a4_with_chinese_text_and_totals(client, archive_data):
    client.force_login(archive_data["user"])
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("培训档案-张晓明-", safe="") in disposition
    reader = pdf_of(response)
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (round(A4[0]), round(A4[1]))
    text = text_of(reader)
    for expected in (
        "培训档案",
        "张晓明",
        "华东分公司",
        "客户投诉处理规范",
        "第 2 周期",
        "88.5",
        "已完成课程 1 门，累计学时 2.5 小时",
        f"打印日期：{timezone.localdate():%Y-%m-%d}",
    ):
        assert expected in text, expected
    # Markup in a course title is text, not bold.
    assert "<b>加粗</b>课程" in text
    assert has_embedded_truetype(reader)


def test_hostile_name_is_printed_literally(client, monkeypatch):
    import reportlab.platypus.paraparser as paraparser

    def refuse(*_args, **_kwargs):
        raise AssertionError("reportlab tried to load an image")

    monkeypatch.setattr(paraparser, "ImageReader", refuse)
    user = learner("pdf-hostile", HOSTILE_NAME)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert HOSTILE_NAME in text_of(pdf_of(response)).replace("\n", "")


def test_only_own_archive(client, archive_data):
    stranger = learner("pdf-stranger", "李四")
    client.force_login(stranger)
    # A user id in the query string is ignored: /my/ is always the signed-in user.
    response = client.get(URL + f"&user={archive_data['user'].pk}")
    text = text_of(pdf_of(response))
    assert "李四" in text
    assert "张晓明" not in text and "客户投诉处理规范" not in text
    assert "还没有培训记录" in text


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_archive_page_links_to_pdf(client, archive_data):
    client.force_login(archive_data["user"])
    html = client.get("/my/archive/").content.decode()
    assert 'href="/my/archive/?format=pdf"' in html
    assert "下载 PDF" in html


def test_font_is_vendored_truetype():
    assert FONT_FILE.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines
    glyphs = TTFontFile(str(FONT_FILE)).charToGlyph
    # Name characters outside GB 2312 have glyphs too (no blank boxes).
    assert all(ord(char) in glyphs for char in "喆玥珺昇旻祎堃镕韡")
    assert cjk_font() == cjk_font()


def test_characters_outside_the_font_do_not_break_the_pdf():
    content = archive_pdf(
        name="王喆😀\x00\x07",
        organisation="",
        archive=Archive(enrollments=[], completed_count=0, completed_hours=Decimal(0)),
    )
    text = text_of(PdfReader(io.BytesIO(content)))
    assert "王喆" in text  # 喆 is outside GB 2312: the full font has it
