"""The search backend: Wagtail's database backend (modelsearch) taught Chinese.

``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "home.search.backend"}}`` picks the
SQLite (FTS5) or PostgreSQL (tsvector) implementation by database vendor, as
``modelsearch.backends.database`` does. On top of it:

- string queries are normalised (NFKC, casefold, punctuation stripped, at most 100
  characters), cut into words with jieba and expanded with synonyms
  (``home.search.query``); the text itself is segmented at index time by the models'
  ``SegmentedSearchField``s;
- PostgreSQL matches each indexed column through its GIN index;
- SQLite ranks with FTS5's BM25 weighted per column (title above body) instead of the
  stock product of one BM25 per sub-query, which goes wrong for nested AND/OR, and
  fetches the scores in one pass instead of one sub-query per result row;
- every backend reports ``relevance`` as a float where higher is better.
"""

from django.db import NotSupportedError, connection
from django.db.models import FloatField, Func, Q
from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
    PostgresSearchResults,
)
from modelsearch.query import Fuzzy, MatchAll, Not, SearchQuery

SQLITE_COLUMN_WEIGHTS = {"autocomplete": 0.0, "body": 1.0, "title": 4.0}


def _prepare(query):
    """A string query becomes a segmented, synonym-expanded query; query objects (as
    built by ``home.search.service``) pass through."""
    if isinstance(query, SearchQuery) or query is None:
        return query
    from home.search.query import plan_query

    plan = plan_query(query)
    if plan.is_empty:
        return ""
    return plan.strict()


def _prepare_autocomplete(query):
    if isinstance(query, SearchQuery) or query is None:
        return query
    from home.search.query import plan_query

    built = plan_query(query).autocomplete()
    return built if built is not None else ""


class SegmentingBackendMixin:
    def search(self, query, model_or_queryset, *args, **kwargs):
        return super().search(_prepare(query), model_or_queryset, *args, **kwargs)

    def autocomplete(self, query, model_or_queryset, *args, **kwargs):
        return super().autocomplete(
            _prepare_autocomplete(query), model_or_queryset, *args, **kwargs
        )


# PostgreSQL ---------------------------------------------------------------------------


class IndexedMatchMixin:
    """Match each indexed column on its own (``title @@ q OR body @@ q``), which the
    GIN index on every column answers, instead of modelsearch's ``(title || body) @@
    q``, which concatenates the vectors of every row first (a scan of the whole index
    on each search); the ranking is unchanged."""

    def search(self, config, start, stop, score_field=None, backend=None):
        if self.fields is not None or isinstance(self.query, (MatchAll, Not, Fuzzy)):
            return super().search(config, start, stop, score_field, backend)
        search_query = self.build_tsquery(self.query, config=config)
        vectors = self.get_search_vectors(search_query)
        rank_expression = self._build_rank_expression(vectors, config)
        matches = Q()
        for vector, _boost in vectors:
            matches |= Q(**{vector.name: search_query})
        return self._apply_ordering_and_scoring(
            self.queryset.filter(matches), rank_expression, start, stop, score_field
        )


class SearchCompiler(IndexedMatchMixin, PostgresSearchQueryCompiler):
    pass


class AutocompleteCompiler(IndexedMatchMixin, PostgresAutocompleteQueryCompiler):
    pass


class RankedPostgresResults(PostgresSearchResults):
    def ranked_values(self, fields) -> list[tuple]:
        """(score, *fields) of the ranked slice, without building model instances."""
        queryset = self.query_compiler.search(
            self.query_compiler.get_config(self.backend),
            self.start,
            self.stop,
            score_field="_score",
            backend=self.backend,
        )
        return list(queryset.values_list("_score", *fields))


class SegmentedPostgresSearchBackend(SegmentingBackendMixin, PostgresSearchBackend):
    """ts_rank over the segmented text (``simple`` configuration by default: no
    English stemming of product codes, the same tokens as SQLite)."""

    query_compiler_class = SearchCompiler
    autocomplete_query_compiler_class = AutocompleteCompiler
    results_class = RankedPostgresResults

    def __init__(self, params):
        params = {"SEARCH_CONFIG": "simple", **params}
        super().__init__(params)

    @staticmethod
    def relevance(score) -> float:
        return float(score or 0.0)


# SQLite -------------------------------------------------------------------------------


def _sqlite_backend_classes():
    """Build the SQLite classes only when SQLite is in use: importing modelsearch's
    SQLite module needs its FTS model, which exists only on SQLite."""
    from modelsearch.backends.database.sqlite.query import (
        MatchExpression,
        normalize,
    )
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteFTSIndexEntry,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.utils import get_descendants_content_types_pks

    table = SQLiteFTSIndexEntry._meta.db_table

    class WeightedBM25(Func):
        """FTS5's ``bm25()`` with column weights (autocomplete, body, title, in the
        table's column order). FTS5 scores are negative: lower is better."""

        output_field = FloatField()

        def __init__(self, weights):
            self.weights = weights
            super().__init__()

        def as_sql(self, compiler, connection, **extra):
            columns = ("autocomplete", "body", "title")
            args = ", ".join(str(float(self.weights[column])) for column in columns)
            return f"bm25({table}, {args})", []

    class RankedSearchMixin:
        weights = SQLITE_COLUMN_WEIGHTS

        def _build_rank_expression(self, vectors, config):
            return WeightedBM25(self.weights)

        def search(self, config, start, stop, score_field=None):
            """Like modelsearch's, but the scores come from one FTS query and the
            rows are filtered with ``pk IN (...)``, instead of running the MATCH
            again in a sub-query for every result row."""
            query = normalize(self.query)
            if isinstance(query, MatchAll):
                return self.queryset[start:stop]
            if isinstance(query, Not):
                # Negated queries are not used by the site; keep the stock path.
                return super().search(config, start, stop, score_field)
            match = MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS,
                self.build_search_query(query, config=config),
            )
            ranked = (
                SQLiteFTSIndexEntry.objects.filter(match)
                .filter(
                    index_entry__content_type__in=get_descendants_content_types_pks(
                        self.queryset.model
                    )
                )
                .annotate(score=self._build_rank_expression(None, config))
                .values_list("index_entry__object_id", "score")
            )
            return RankedQuery(self, ranked, start, stop, score_field)

    class SearchCompiler(RankedSearchMixin, SQLiteSearchQueryCompiler):
        pass

    class AutocompleteCompiler(RankedSearchMixin, SQLiteAutocompleteQueryCompiler):
        weights = {"autocomplete": 1.0, "body": 0.0, "title": 0.0}

    class RankedResults(SQLiteSearchResults):
        def _do_search(self):
            return self.get_queryset().results()

        def ranked_values(self, fields) -> list[tuple]:
            """(score, *fields) of the ranked slice, without model instances."""
            return self.get_queryset().values(fields)

        def _do_count(self):
            return self.get_queryset().count()

    class SegmentedSQLiteSearchBackend(SegmentingBackendMixin, SQLiteSearchBackend):
        query_compiler_class = SearchCompiler
        autocomplete_query_compiler_class = AutocompleteCompiler
        results_class = RankedResults

        @staticmethod
        def relevance(score) -> float:
            return -float(score or 0.0)

    return SegmentedSQLiteSearchBackend


class RankedQuery:
    """The ranked (object id, score) pairs of one FTS query applied to the caller's
    queryset, in two queries: the best ``MAX_CANDIDATES`` ids and scores of the whole
    index, then the rows among them the queryset allows (live, visible, filtered),
    ordered and sliced in Python. Filtering inside the FTS query instead makes SQLite
    list every allowed row first (10 ms at 10,000 pages), more than the ranking."""

    MAX_CANDIDATES = 400

    def __init__(self, compiler, ranked, start, stop, score_field):
        self.compiler = compiler
        self.ranked = ranked
        self.start = start or 0
        self.stop = stop
        self.score_field = score_field

    def _best(self) -> dict:
        """Object id -> score of the best ``MAX_CANDIDATES`` matches, best first."""
        to_python = self.compiler.queryset.model._meta.pk.to_python
        best = self.ranked.order_by("score", "index_entry_id")[: self.MAX_CANDIDATES]
        scores: dict = {}
        for object_id, score in best:
            scores.setdefault(to_python(object_id), score)
        return scores

    def results(self) -> list:
        queryset = self.compiler.queryset
        if not self.compiler.order_by_relevance:
            ids = self.ranked.values("index_entry__object_id")
            return list(queryset.filter(pk__in=ids)[self.start : self.stop])
        scores = self._best()
        if not scores:
            return []
        position = {pk: number for number, pk in enumerate(scores)}
        rows = sorted(
            queryset.filter(pk__in=list(scores)), key=lambda r: position[r.pk]
        )
        rows = rows[self.start : self.stop]
        score_field = self.score_field or "_score"
        for row in rows:
            setattr(row, score_field, scores[row.pk])
        return rows

    def values(self, fields) -> list[tuple]:
        """(score, *fields) of the ranked slice, as ``results`` would order it."""
        scores = self._best()
        if not scores:
            return []
        allowed = self.compiler.queryset.filter(pk__in=list(scores))
        rows = {row[0]: row for row in allowed.values_list("pk", *fields)}
        ranked = [pk for pk in scores if pk in rows][self.start : self.stop]
        return [(scores[pk], *rows[pk][1:]) for pk in ranked]

    def count(self) -> int:
        ids = self.ranked.values("index_entry__object_id")
        return self.compiler.queryset.filter(pk__in=ids).count()


def SearchBackend(params):  # noqa: N802 - the name modelsearch looks up
    """The backend for the default database's vendor."""
    if connection.vendor == "postgresql":
        return SegmentedPostgresSearchBackend(params)
    if connection.vendor == "sqlite" and _sqlite_fts_ready():
        return _sqlite_backend()(params)
    raise NotSupportedError(
        "home.search.backend needs SQLite with FTS5 or PostgreSQL; use Wagtail's "
        "Elasticsearch/OpenSearch backend elsewhere (see README, Search)."
    )


_SQLITE_BACKEND = None
_SQLITE_FTS_READY = None


def _sqlite_fts_ready() -> bool:
    """FTS5 and its table are there (checked once per process, like modelsearch)."""
    global _SQLITE_FTS_READY
    if _SQLITE_FTS_READY is None:
        from modelsearch.backends.database.sqlite.utils import (
            fts5_available,
            fts_table_exists,
        )

        _SQLITE_FTS_READY = fts5_available() and fts_table_exists()
    return _SQLITE_FTS_READY


def _sqlite_backend():
    global _SQLITE_BACKEND
    if _SQLITE_BACKEND is None:
        _SQLITE_BACKEND = _sqlite_backend_classes()
    return _SQLITE_BACKEND


__all__ = ["SearchBackend"]
