"""Highlighted titles and snippets, built on escaped text.

Matching runs on a normalised copy of the text (NFKC, casefold) with a map back to the
original characters, so ＡＰＰ in a text is marked for the query app. Every piece of
text is escaped before ``<mark>`` is put around it; nothing a visitor typed reaches
the page unescaped.
"""

import re
import unicodedata
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_LENGTH = 140
LEAD_IN = 24


_FOLDED: dict[str, str] = {}
_FOLDED_MAX = 50_000


def _fold(char: str) -> str:
    """NFKC + casefold of one character, memoised (texts repeat few characters)."""
    folded = _FOLDED.get(char)
    if folded is None:
        folded = unicodedata.normalize("NFKC", char).casefold()
        if len(_FOLDED) < _FOLDED_MAX:
            _FOLDED[char] = folded
    return folded


def _normalised_with_map(text: str) -> tuple[str, Sequence[int]]:
    """The folded text and, for each of its characters, the position of the original
    character it came from (the identity when no character changed length)."""
    pieces = [_fold(char) for char in text]
    normalised = "".join(pieces)
    if len(normalised) == len(text):
        return normalised, range(len(text))
    origin: list[int] = []
    for position, folded in enumerate(pieces):
        origin.extend([position] * len(folded))
    return normalised, origin


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``terms`` in ``text``, longest terms
    winning, in text order."""
    terms = [term for term in terms if term]
    if not terms or not text:
        return []
    normalised, origin = _normalised_with_map(text)
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    )
    spans = []
    for match in pattern.finditer(normalised):
        start = origin[match.start()]
        end = origin[match.end() - 1] + 1
        if spans and start < spans[-1][1]:
            continue
        spans.append((start, end))
    return spans


def _render(text: str, spans, start: int, end: int) -> str:
    out = []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(escape(text[cursor:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with ``terms`` marked."""
    text = text or ""
    return mark_safe(_render(text, _spans(text, terms), 0, len(text)))  # noqa: S308


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of ``text`` around the passage with the most
    distinct matched terms, escaped, terms marked, "…" where it was cut."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")  # noqa: S308
    spans = _spans(text, terms)
    start = 0
    if spans:
        best = None
        for span_start, _ in spans:
            window_start = max(0, span_start - LEAD_IN)
            window_end = window_start + length
            found = {
                text[a:b].casefold()
                for a, b in spans
                if a >= window_start and b <= window_end
            }
            if best is None or len(found) > best[0]:
                best = (len(found), window_start)
        start = best[1]
    end = min(len(text), start + length)
    if end == len(text):
        start = max(0, end - length)
    body = _render(text, spans, start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308
