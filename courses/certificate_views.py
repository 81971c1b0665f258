"""Public certificate verification and the holder's own download.

``/certificates/verify/`` takes a serial or a verification code (GET ``q``);
``/certificates/verify/<code>/`` is what the QR code opens. Both answer with the same
page shape whether the certificate is valid, expired, revoked or unknown, after the
same single query, and show only the masked holder name, course, issue date and
validity. Lookups are rate-limited per IP (CERTIFICATE_VERIFY_RATE_LIMIT).
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses.certificate_pdf import certificate_pdf
from courses.selectors.certificates import certificate_lookup, own_certificate
from portal.ratelimit import client_ip, hit

MAX_QUERY_LENGTH = 100


def _rate_limited(request) -> bool:
    limit, window = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    return not hit(
        "certificate-verify", f"ip:{client_ip(request)}", limit=limit, window=window
    )


def _too_many(request):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(settings.CERTIFICATE_VERIFY_RATE_LIMIT[1])
    return response


def _verification_page(request, query: str):
    # NUL cannot reach PostgreSQL; no serial or code contains one.
    query = query.replace("\x00", "")
    if query and _rate_limited(request):
        return _too_many(request)
    result = certificate_lookup(query) if query else None
    response = render(
        request,
        "courses/certificates/verify.html",
        {"query": query, "result": result},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def verify(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    return _verification_page(request, query)


@never_cache
@require_GET
def verify_code(request, code: str):
    return _verification_page(request, code[:MAX_QUERY_LENGTH])


@never_cache
@login_required
@require_GET
def download(request, pk: int):
    """The signed-in holder's own certificate as a PDF (anyone else: 404)."""
    certificate = own_certificate(user=request.user, pk=pk)
    if certificate is None:
        raise Http404
    response = HttpResponse(
        certificate_pdf(certificate), content_type="application/pdf"
    )
    filename = f"{certificate.serial}.pdf"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
