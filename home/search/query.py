"""From a visitor's query string to backend search queries.

A query becomes a list of *slots*, one per meaningful word, each slot holding the
alternatives that may match it:
- the word itself, and the shorter dictionary words inside it (净水器 -> 净水 + 水器),
  for text that jieba cut differently in its context;
- for a word or run of words in a synonym group (退货 = 退款退货 = 退换货), every
  member of the group.

``strict`` requires every slot (AND of ORs), ``near`` all slots but one, ``relaxed``
any alternative (OR); the wider ones run only when the narrower found little:
colloquial questions often contain a word the answer does not. Each adds the
unsegmented query as a last alternative, so models indexed without segmentation
(documents, images in the admin) match as before.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from modelsearch.query import And, Or, PlainText

from home.search.text import (
    dictionary_words,
    normalise,
    normalise_query,
    query_words,
    segment,
    sub_words,
)

SYNONYMS_GENERATION_KEY = "search:synonyms:generation"

Alternative = tuple[str, ...]


def _generation(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, timeout=None)
        value = cache.get(key, 1)
    return value


def bump_synonyms(**_kwargs) -> None:
    """Drop the cached synonym groups (signal receiver for SearchSynonym changes)."""
    try:
        cache.incr(SYNONYMS_GENERATION_KEY)
    except ValueError:
        cache.set(SYNONYMS_GENERATION_KEY, 2, timeout=None)


def synonym_groups() -> list[tuple[Alternative, ...]]:
    """Every synonym group as tuples of words, from the cache or in one query."""
    key = f"search:synonyms:{_generation(SYNONYMS_GENERATION_KEY)}"
    groups = cache.get(key)
    if groups is None:
        from home.models import SearchSynonym

        groups = []
        for synonym in SearchSynonym.objects.only("terms"):
            members = []
            for term in synonym.term_list:
                words = tuple(segment(normalise(term)))
                if words and words not in members:
                    members.append(words)
            if len(members) > 1:
                groups.append(tuple(members))
        cache.set(key, groups, timeout=None)
    return groups


def _with_sub_words(words: Alternative) -> list[Alternative]:
    alternatives = [words]
    if len(words) == 1:
        parts = tuple(sub_words(words[0]))
        if parts:
            alternatives.append(parts)
    return alternatives


def _plain(words: Alternative) -> PlainText:
    return PlainText(" ".join(words), operator="and")


@dataclass
class QueryPlan:
    """The parsed query: ``text`` (normalised) and its ``slots``."""

    text: str
    words: list[str]
    slots: list[list[Alternative]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.slots

    @cached_property
    def _raw(self) -> PlainText | None:
        chunks = tuple(self.text.split(" "))
        if not self.text or list(chunks) == self.words:
            return None
        return _plain(chunks)

    def _slot_query(self, slot):
        return Or([_plain(alt) for alt in slot])

    def _with_raw(self, query):
        return Or([query, self._raw]) if self._raw else query

    def strict(self):
        """Every slot must match."""
        return self._with_raw(And([self._slot_query(slot) for slot in self.slots]))

    def near(self):
        """All slots but one must match; None for fewer than three slots."""
        if len(self.slots) < 3:
            return None
        queries = [
            And(
                [
                    self._slot_query(slot)
                    for slot in self.slots[:i] + self.slots[i + 1 :]
                ]
            )
            for i in range(len(self.slots))
        ]
        return self._with_raw(Or(queries))

    def relaxed(self):
        """Any alternative of any slot, any word inside one, or any dictionary word
        in the query (for readings jieba got wrong: 怎么开发票 reads 开发票, which
        holds 发票); single characters are left out, they match almost anything.
        None when that is no wider than ``strict``."""
        alternatives = [alt for slot in self.slots for alt in slot]
        words = [word for alt in alternatives for word in alt if len(alt) > 1]
        words += dictionary_words(self.text)
        for word in words:
            if (word,) not in alternatives:
                alternatives.append((word,))
        alternatives = [alt for alt in alternatives if len("".join(alt)) > 1]
        if not alternatives or (
            len(self.slots) == 1 and set(alternatives) <= set(self.slots[0])
        ):
            return None
        return self._with_raw(Or([_plain(alt) for alt in alternatives]))

    def tiers(self) -> list:
        """The queries to try in turn, narrowest first."""
        return [
            query
            for query in (self.strict(), self.near(), self.relaxed())
            if query is not None
        ]

    def autocomplete(self):
        """The query's words, the last one as a prefix (the backend adds the ``*``)."""
        words = segment(self.text)
        return PlainText(" ".join(words), operator="and") if words else None

    @cached_property
    def highlight_terms(self) -> list[str]:
        """Words to mark in titles and snippets, longest first."""
        terms = {word for slot in self.slots for alt in slot for word in alt}
        terms.update(self.words)
        return sorted(terms, key=lambda term: (-len(term), term))


def plan_query(raw: str, *, synonyms=None) -> QueryPlan:
    """Parse ``raw`` (anything a visitor typed) into a ``QueryPlan``."""
    text = normalise_query(raw)
    words = query_words(text) if text else []
    groups = synonym_groups() if synonyms is None else synonyms
    slots: list[list[Alternative]] = []
    position = 0
    while position < len(words):
        match = None
        for group in groups:
            for member in group:
                size = len(member)
                if tuple(words[position : position + size]) == member and (
                    match is None or size > match[1]
                ):
                    match = (group, size)
        if match:
            group, size = match
            alternatives: list[Alternative] = []
            for member in group:
                for alternative in _with_sub_words(member):
                    if alternative not in alternatives:
                        alternatives.append(alternative)
            slots.append(alternatives)
            position += size
        else:
            slots.append(_with_sub_words((words[position],)))
            position += 1
    return QueryPlan(text=text, words=words, slots=slots)
