"""Every UI string has a Swedish translation, and the compiled catalogue matches the source."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _unquote(lines):
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path):
    """(msgid, msgstr, fuzzy) for every entry of a .po file (plural forms: the first)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current, fuzzy = {}, None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?|msgctxt) (".*")$', line):
                current = match.group(1).replace("[0]", "")
                fields[current] = [match.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" in fields and _unquote(fields["msgid"]):
            special = "msgctxt" in fields or "msgid_plural" in fields
            entries.append((_unquote(fields["msgid"]), _unquote(fields.get("msgstr", ['""'])), fuzzy, special))
    return entries


def test_every_string_is_translated_to_swedish():
    entries = parse_po(PO)
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr, fuzzy, _ in entries if not msgstr or fuzzy]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    stale = []
    with translation.override("sv"):
        for msgid, msgstr, _fuzzy, special in parse_po(PO):
            if special:  # context and plural entries are looked up by other keys
                continue
            if translation.gettext(msgid) != msgstr:
                stale.append(msgid)
    assert stale == [], "Run `make messages` to compile locale/sv after editing the .po file"
