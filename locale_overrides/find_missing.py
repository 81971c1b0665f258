#!/usr/bin/env python
"""List msgids that exist in Wagtail's (and django.contrib admin/auth) ``en``
catalogues but have no usable translation in the matching ``zh_Hans`` catalogue
(missing, empty or fuzzy).

Usage (dev tool, needs ``pip install polib``):

    python locale_overrides/find_missing.py              # summary per catalogue
    python locale_overrides/find_missing.py --po out.pot # write missing entries as a .pot
    python locale_overrides/find_missing.py --domain djangojs --po out_js.pot
    python locale_overrides/find_missing.py --check      # also report entries in our
                                                         # override that are no longer needed

Entries are deduplicated on (msgctxt, msgid); the ``#:`` reference of each
output entry names the app catalogue it came from.
"""

import argparse
import sys
from pathlib import Path

import polib

TARGET = "zh_Hans"


def site_packages():
    import wagtail

    return Path(wagtail.__file__).resolve().parent.parent


def catalogue_pairs(domain):
    sp = site_packages()
    roots = sorted((sp / "wagtail").rglob(f"locale/en/LC_MESSAGES/{domain}.po"))
    for app in ("admin", "auth"):
        p = sp / "django" / "contrib" / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if p.exists():
            roots.append(p)
    for en_po in roots:
        zh_po = en_po.parents[2] / TARGET / "LC_MESSAGES" / f"{domain}.po"
        app = str(en_po.parents[3].relative_to(sp))
        yield app, en_po, zh_po


def translated(entry):
    if entry.obsolete or entry.fuzzy:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(v for v in entry.msgstr_plural.values())
    return bool(entry.msgstr)


def find_missing(domain):
    """Return (per_app_counts, ordered dict key -> (app, en_entry))."""
    result = {}
    counts = []
    for app, en_po, zh_po in catalogue_pairs(domain):
        en = polib.pofile(str(en_po))
        zh = {}
        if zh_po.exists():
            for e in polib.pofile(str(zh_po)):
                zh[(e.msgctxt, e.msgid)] = e
        n = 0
        total = 0
        for e in en:
            if e.obsolete or not e.msgid:
                continue
            total += 1
            z = zh.get((e.msgctxt, e.msgid))
            if z is not None and translated(z):
                continue
            n += 1
            result.setdefault((e.msgctxt, e.msgid), (app, e))
        counts.append((app, total, n))
    return counts, result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--domain", default="django", choices=["django", "djangojs"])
    ap.add_argument("--po", help="write missing entries to this .pot file")
    ap.add_argument("--check", action="store_true", help="compare with the override catalogue")
    args = ap.parse_args()

    counts, missing = find_missing(args.domain)
    for app, total, n in counts:
        if n:
            print(f"{app:45} {n:5} missing of {total}")
    print(f"{'TOTAL (deduplicated)':45} {len(missing):5}")

    if args.po:
        out = polib.POFile()
        out.metadata = {
            "Language": TARGET,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
        for (ctx, msgid), (app, e) in missing.items():
            ne = polib.POEntry(
                msgctxt=ctx,
                msgid=msgid,
                msgid_plural=e.msgid_plural,
                msgstr="",
                msgstr_plural={0: ""} if e.msgid_plural else {},
                flags=[f for f in e.flags if f != "fuzzy"],
                occurrences=[(app, "")],
                comment=e.comment,
            )
            out.append(ne)
        out.save(args.po)
        print(f"wrote {args.po}")

    if args.check:
        override = Path(__file__).resolve().parent / TARGET / "LC_MESSAGES" / f"{args.domain}.po"
        ours = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(override)) if not e.obsolete}
        todo = [k for k in missing if k not in ours or not translated(ours[k])]
        extra = [k for k in ours if k not in missing]
        print(f"still untranslated (not in override): {len(todo)}")
        for ctx, msgid in todo:
            print(f"  [{ctx or ''}] {msgid!r}")
        print(f"in override but no longer missing upstream: {len(extra)}")
        return 1 if todo else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
