"""Indonesian first, English complete: both catalogues cover every string and the compiled files match."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("id", "en")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file written by makemessages: blocks separated by blank lines; header skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "fuzzy": False}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+"(.*)"$', line)
            if match:
                name, index, text = match.groups()
                key = (name, int(index or 0)) if name == "msgstr" else name
            elif line.startswith('"'):
                text = line[1:-1]
            else:
                continue
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] = entry["msgstr"].get(key[1], "") + text
            elif key:
                entry[key] = (entry[key] or "") + text
        if entry["msgid"]:
            entries.append(entry)
    return entries


def unescape(text: str) -> str:
    return text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


@pytest.mark.parametrize("language", LOCALES)
def test_every_string_is_translated_and_nothing_is_fuzzy(language):
    entries = parse_po(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LOCALES)
def test_the_compiled_catalogue_matches_the_source(language):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in parse_po(folder / "django.po"):
        if entry["msgid_plural"] is not None:
            continue
        key = unescape(entry["msgid"])
        if entry["msgctxt"]:
            assert compiled.pgettext(unescape(entry["msgctxt"]), key) == unescape(entry["msgstr"][0]), key
        else:
            assert compiled.gettext(key) == unescape(entry["msgstr"][0]), key
