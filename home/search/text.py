"""Chinese-aware text handling for search: normalisation and jieba segmentation.

Both sides of a search go through here, so they agree token for token:
- index time: ``segment_for_index`` turns a title or body into space-separated words
  (jieba's search mode, which also emits the shorter words inside long ones), so the
  database's own tokenizer (SQLite FTS5 unicode61, PostgreSQL ``simple``) sees words
  instead of one token per sentence;
- query time: ``query_words`` cuts the visitor's query into words (jieba's precise
  mode) and drops question words such as 怎么办, which help texts rarely contain.

jieba is loaded once per process, lazily and under a lock (its first load takes about
a second and writes a cache file in the temp directory); the product dictionary in
``dictionary.txt`` keeps words such as 配网, 滤芯 and 尘盒 whole.
"""

import logging
import re
import threading
import unicodedata
from pathlib import Path

MAX_QUERY_LENGTH = 100
# Read no more than this of what a visitor typed before normalising (bounded work).
MAX_RAW_QUERY_LENGTH = 1000
MAX_QUERY_WORDS = 12

DICTIONARY_PATH = Path(__file__).with_name("dictionary.txt")

# Words that carry no meaning for matching; dropped from queries (not from the index)
# unless nothing else is left.
_STOP_WORDS_TEXT = """
的 了 吗 呢 吧 啊 呀 嘛 么 哦 着 过 得 地 之 是 在 和 与 及 或 就 都
也 还 又 把 被 给 我 我们 你 您 你们 他 她 它 这 那 这个 那个 哪 哪个
哪里 什么 为什么 为啥 啥 怎么 怎么办 怎么样 怎样 如何 怎么回事 请问 请
一下 一个 可以 能 能否 能不能 会 会不会 要 想 需要 应该 是否 有 有没有
已经 还能 还是 到底 多少 几 多久 时候 的话 然后 如果 但是 因为 所以
一直 总是 老是
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Characters kept inside words: letters and digits of any script (CJK included).
_PUNCTUATION = re.compile(r"[^\w]|_", re.UNICODE)
_HYPHENATED = re.compile(r"(?<=[a-z])-(?=[a-z])")
_DIGIT_THEN_LETTER = re.compile(r"(?<=\d)(?=[a-z]{2,})")
_SPACES = re.compile(r"\s+")

_lock = threading.Lock()
_tokenizer = None
log = logging.getLogger(__name__)


def tokenizer():
    """The process-wide jieba tokenizer, created on first use (thread-safe)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.initialize()
                for word in product_words():
                    instance.add_word(word)
                _tokenizer = instance
    return _tokenizer


def product_words() -> list[str]:
    """The custom dictionary: one word per line, ``#`` starts a comment."""
    words = []
    for line in DICTIONARY_PATH.read_text(encoding="utf-8").splitlines():
        word = normalise(line.split("#", 1)[0])
        if word and " " not in word:
            words.append(word)
    return words


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), casefold, punctuation to spaces, single
    spaces. ``Wi-Fi`` becomes ``wifi`` so it matches however it is written."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _HYPHENATED.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    text = _DIGIT_THEN_LETTER.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalise_query(raw: str) -> str:
    """A visitor's query, normalised and capped at ``MAX_QUERY_LENGTH`` characters."""
    text = normalise(str(raw)[:MAX_RAW_QUERY_LENGTH])
    return text[:MAX_QUERY_LENGTH].strip()


def _cut(text: str, *, for_search: bool) -> list[str]:
    jieba = tokenizer()
    words = []
    for chunk in normalise(text).split(" "):
        if not chunk:
            continue
        cut = jieba.cut_for_search if for_search else jieba.cut
        words.extend(word for word in cut(chunk, HMM=False) if word.strip())
    return words


def segment_for_index(text) -> str:
    """Space-separated words of ``text`` (a string or a list of strings) for the
    index: every word jieba finds plus the shorter words inside long ones."""
    if text is None:
        return ""
    if isinstance(text, (list, tuple)):
        text = " ".join(str(part) for part in text if part)
    return " ".join(_cut(str(text), for_search=True))


def segment(text: str) -> list[str]:
    """Words of ``text`` in jieba's precise mode (one reading, no overlaps)."""
    return _cut(text, for_search=False)


def sub_words(word: str) -> list[str]:
    """The dictionary words of two or more characters inside ``word`` (净水器 ->
    净水, 水器), used to match text that jieba cut differently in context."""
    if len(word) < 3:
        return []
    return [
        part
        for part in tokenizer().cut_for_search(word, HMM=False)
        if part != word and len(part) >= 2
    ]


def dictionary_words(text: str) -> list[str]:
    """Every dictionary word of two or more characters anywhere in ``text``, even
    where the best reading cuts elsewhere (怎么开发票 reads 开发/票, but holds
    发票)."""
    jieba = tokenizer()
    words = []
    for chunk in normalise(text).split(" "):
        dag = jieba.get_DAG(chunk)
        for start, ends in dag.items():
            for end in ends:
                word = chunk[start : end + 1]
                if len(word) >= 2 and word not in STOP_WORDS:
                    words.append(word)
    return list(dict.fromkeys(words))


def query_words(query: str) -> list[str]:
    """The words of a normalised query that matter for matching, in order, without
    repeats; question words are dropped unless they are all there is."""
    words = list(dict.fromkeys(segment(query)))
    meaningful = [word for word in words if word not in STOP_WORDS]
    return (meaningful or words)[:MAX_QUERY_WORDS]
