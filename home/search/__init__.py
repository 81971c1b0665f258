"""Site search that understands Chinese.

- ``text``: normalisation and jieba segmentation (index and query side);
- ``index``: segmented search fields for the searchable models;
- ``query``: query plans (words, synonyms, strict and relaxed queries);
- ``backend``: the search backend (SQLite FTS5 / PostgreSQL by vendor);
- ``service``: ``search()`` and ``suggest()``, the entry points;
- ``highlight``: escaped, marked titles and snippets;
- ``querylog``: search counts batched through the cache into the database;
- ``models``: synonyms and zero-result queries; ``views``, ``viewsets``: the site
  and admin sides; ``signals``: keeping the index and caches current.
"""
