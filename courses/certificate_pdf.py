"""The certificate as an A4 PDF, drawn with reportlab's canvas.

Every text from people (names, course titles, template texts) is drawn as literal
glyphs with ``drawString``: nothing is parsed as markup, nothing is fetched. The
Chinese text uses the embedded TrueType font (``courses.pdf_fonts``), so the PDF
looks the same in every viewer. The QR code (vector, reportlab's own) opens the
public verification page with the code filled in; the serial is printed beside it.

A rendered PDF is cached per certificate, status and template version
(``CERTIFICATE_PDF_CACHE_SECONDS``), so repeated downloads cost one cache read.
"""

import io
import re
import secrets
import tempfile
import zipfile
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from courses.links import absolute_url
from courses.models.certificates import Certificate, Orientation
from courses.pdf_fonts import cjk_font

PLACEHOLDER = re.compile(r"\{(name|course|date|score|hours|serial)\}")


def verification_url(certificate: Certificate) -> str:
    return absolute_url(
        reverse("certificates:verify_code", args=[certificate.verification_code])
    )


def chinese_date(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


def _number(value) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def body_text(certificate: Certificate) -> str:
    """The template body with its placeholders filled in (only the six known
    placeholders; any other brace text stays as typed)."""
    issued = timezone.localdate(certificate.issued_at)
    values = {
        "name": certificate.holder_name,
        "course": certificate.title,
        "date": chinese_date(issued),
        "score": _number(certificate.score),
        "hours": _number(certificate.hours),
        "serial": certificate.serial,
    }
    return PLACEHOLDER.sub(
        lambda match: values[match.group(1)], certificate.template.body
    )


# Latin words, numbers and dates stay whole; any other character may end a line.
WRAP_TOKEN = re.compile(r"[A-Za-z0-9.,:%/_\-]+|.", re.DOTALL)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: between Chinese
    characters or Latin words, as Chinese text wraps; newlines kept."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in WRAP_TOKEN.findall(paragraph):
            if line and stringWidth(line + token, font, size) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line)
    return lines


def _image(image) -> ImageReader | None:
    """A Wagtail image's file for reportlab (our own storage), or None."""
    if image is None:
        return None
    try:
        with image.open_file() as handle:
            return ImageReader(io.BytesIO(handle.read()))
    except (OSError, ValueError):
        return None


def _centred(pdf, text, font, size, x, y):
    pdf.setFont(font, size)
    pdf.drawCentredString(x, y, text)


def render_certificate(certificate: Certificate) -> bytes:
    """The certificate's PDF (A4, the template's orientation and colours)."""
    template = certificate.template
    font = cjk_font()
    size = landscape(A4) if template.orientation == Orientation.LANDSCAPE else A4
    width, height = size
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size, pageCompression=1)
    pdf.setTitle(f"{template.title} {certificate.serial}")
    pdf.setAuthor(template.issuer)
    primary = colors.HexColor(template.primary_colour)
    accent = colors.HexColor(template.accent_colour)

    # Frame: a thick outer border and a thin inner one.
    pdf.setStrokeColor(primary)
    pdf.setLineWidth(6)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setStrokeColor(accent)
    pdf.setLineWidth(1.2)
    pdf.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)

    logo = _image(template.logo_image)
    if logo is not None:
        pdf.drawImage(
            logo,
            24 * mm,
            height - 44 * mm,
            width=22 * mm,
            height=22 * mm,
            preserveAspectRatio=True,
            mask="auto",
        )

    pdf.setFillColor(primary)
    _centred(pdf, template.title, font, 34, width / 2, height - 48 * mm)
    pdf.setFillColor(colors.HexColor("#4b5563"))
    _centred(pdf, template.issuer, font, 12, width / 2, height - 58 * mm)

    pdf.setFillColor(colors.black)
    _centred(pdf, certificate.holder_name, font, 26, width / 2, height - 80 * mm)
    pdf.setStrokeColor(accent)
    pdf.setLineWidth(0.8)
    name_width = max(60 * mm, stringWidth(certificate.holder_name, font, 26) + 16)
    pdf.line(
        width / 2 - name_width / 2,
        height - 83 * mm,
        width / 2 + name_width / 2,
        height - 83 * mm,
    )

    text_width = width - 70 * mm
    y = height - 98 * mm
    pdf.setFont(font, 14)
    for line in wrap(body_text(certificate), font, 14, text_width):
        pdf.drawString(35 * mm, y, line)
        y -= 9 * mm

    # Signatories and seal, bottom centre-right.
    issued = timezone.localdate(certificate.issued_at)
    sign_x = width - 120 * mm
    base_y = 42 * mm
    pdf.setFont(font, 12)
    signatories = [
        (template.signatory_name, template.signatory_title),
        (template.second_signatory_name, template.second_signatory_title),
    ]
    offset = 0
    for name, title in signatories:
        if not name:
            continue
        label = f"{title}：{name}" if title else name
        pdf.drawString(sign_x, base_y + 16 * mm - offset, label)
        offset += 7 * mm
    pdf.drawString(
        sign_x, base_y - offset + 9 * mm, f"颁发日期：{chinese_date(issued)}"
    )
    if certificate.valid_until:
        pdf.drawString(
            sign_x,
            base_y - offset + 2 * mm,
            f"有效期至：{chinese_date(certificate.valid_until)}",
        )
    seal = _image(template.seal_image)
    if seal is not None:
        pdf.drawImage(
            seal,
            sign_x + 20 * mm,
            base_y - 6 * mm,
            width=32 * mm,
            height=32 * mm,
            preserveAspectRatio=True,
            mask="auto",
        )

    # Serial and QR code, bottom left.
    url = verification_url(certificate)
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    qr_size = 30 * mm
    drawing = Drawing(
        qr_size,
        qr_size,
        transform=[qr_size / (right - left), 0, 0, qr_size / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, 26 * mm, 24 * mm)
    pdf.setFont(font, 10)
    pdf.setFillColor(colors.HexColor("#374151"))
    pdf.drawString(60 * mm, 44 * mm, f"证书编号：{certificate.serial}")
    pdf.drawString(60 * mm, 38 * mm, "扫描二维码或访问以下网址查验真伪：")
    pdf.setFont(font, 7)
    pdf.drawString(60 * mm, 33 * mm, url)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _cache_key(certificate: Certificate) -> str:
    stamp = certificate.template.updated_at.timestamp()
    return f"certificate-pdf:{certificate.pk}:{certificate.status}:{stamp}"


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF from the cache, rendered on a miss."""
    key = _cache_key(certificate)
    data = cache.get(key)
    if data is None:
        data = render_certificate(certificate)
        cache.set(key, data, settings.CERTIFICATE_PDF_CACHE_SECONDS)
    return data


# -- ZIP of many certificates ----------------------------------------------------------

ZIP_DIRECTORY = "certificate-zips"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def write_certificate_zip(handle, certificates) -> None:
    """Write ``<serial>.pdf`` of every certificate of the queryset into the open
    binary file ``handle``, one PDF at a time."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates.select_related("template").iterator(
            chunk_size=100
        ):
            archive.writestr(f"{certificate.serial}.pdf", certificate_pdf(certificate))


def _zip_name(token: str, user_id: int) -> str:
    return f"{ZIP_DIRECTORY}/{user_id}/{token}.zip"


def certificate_zip_request(*, certificate_ids: list[int], user) -> str:
    """Ask the background worker for a ZIP of these certificates; returns the
    token under which ``certificate_zip_open`` finds it for ``user``."""
    from courses.tasks import build_certificate_zip

    token = secrets.token_urlsafe(24)
    build_certificate_zip.enqueue(
        certificate_ids=certificate_ids, name=_zip_name(token, user.pk)
    )
    return token


def certificate_zip_build(*, certificate_ids: list[int], name: str) -> str:
    """Pack the ZIP into the default storage under ``name`` (the worker's part)."""
    with tempfile.TemporaryFile() as handle:
        write_certificate_zip(
            handle,
            Certificate.objects.filter(pk__in=certificate_ids).order_by("serial"),
        )
        handle.seek(0)
        default_storage.save(name, File(handle))
    return name


def certificate_zip_open(*, token: str, user):
    """The ready ZIP of ``token`` for ``user`` as an open file, or None (not ready,
    someone else's, or a malformed token)."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    name = _zip_name(token, user.pk)
    if not default_storage.exists(name):
        return None
    return default_storage.open(name, "rb")


def certificate_zips_prune(*, older_than_hours: int = 24) -> int:
    """Delete packed ZIPs older than a day (the daily run); returns how many."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    removed = 0
    try:
        user_dirs, _files = default_storage.listdir(ZIP_DIRECTORY)
    except (FileNotFoundError, NotImplementedError):
        return 0
    for user_dir in user_dirs:
        _dirs, files = default_storage.listdir(f"{ZIP_DIRECTORY}/{user_dir}")
        for file_name in files:
            name = f"{ZIP_DIRECTORY}/{user_dir}/{file_name}"
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed += 1
    return removed
