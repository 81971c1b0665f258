"""Bulk import and export of a quiz's question bank as XLSX or CSV (admin only).

``spreadsheet`` is the file format and writes files; ``reading`` reads and judges an
upload; ``services`` imports into a quiz (once per submission) and tabulates a bank
for export; ``views``, ``forms`` and ``urls`` are the Wagtail admin pages, mounted
under ``admin/quiz-bank/`` with the namespace ``quiz_bank`` by
``courses.wagtail_hooks``.
"""
