"""Checks of the message catalogues (locale/<code>/LC_MESSAGES/django.po),
run by the test suite (tests/test_languages.py): every string marked in the
code and templates has its translation, none is fuzzy, and the compiled .mo
says the same as the .po."""

from pathlib import Path

import polib
from django.conf import settings


def catalogue(code: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES" / "django.po"


def untranslated(po_path: Path) -> list[str]:
    """Each entry without a full translation, or marked fuzzy, with its place."""
    found = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        where = entry.occurrences[0][0] if entry.occurrences else "?"
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r} ({where})")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                found.append(f"untranslated plural: {entry.msgid!r} ({where})")
        elif not entry.msgstr:
            found.append(f"untranslated: {entry.msgid!r} ({where})")
    return found


def stale_compilation(po_path: Path) -> list[str]:
    """Entries whose compiled translation (the .mo beside the .po) differs from the .po."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.is_file():
        return [f"{mo_path.name} is missing: run make messages"]

    def key(entry):
        return (entry.msgctxt or "", entry.msgid)

    def value(entry):
        return tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr

    compiled = {key(e): value(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    written = {key(e): value(e) for e in polib.pofile(str(po_path)) if not e.obsolete and "fuzzy" not in e.flags}
    return sorted(f"{ctx}|{msgid}" for (ctx, msgid) in set(compiled) ^ set(written)) + sorted(
        f"{ctx}|{msgid}"
        for (ctx, msgid) in set(compiled) & set(written)
        if compiled[(ctx, msgid)] != written[(ctx, msgid)]
    )
