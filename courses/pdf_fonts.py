"""The CJK font of Shifu's PDFs (training archive, certificates).

reportlab's built-in CID fonts (``STSong-Light``) are not embedded, so a viewer
without a Chinese font shows blanks. We embed WenQuanYi Micro Hei (TrueType, all of
its 34,600 characters, so rare name characters such as 喆 or 玥 print), vendored in
``courses/fonts/`` (licence and rebuild steps in its README), so a PDF renders the
same on a fresh machine. reportlab embeds only the glyphs a document uses.
"""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "ShifuCJK"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttf"


@cache
def cjk_font() -> str:
    """Register the font with reportlab (once per process) and return its name,
    for ``canvas.setFont`` or a ``TableStyle`` ``FONTNAME``."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE)))
    return FONT_NAME
