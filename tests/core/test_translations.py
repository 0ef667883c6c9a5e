"""Greek is complete: every message in locale/el is translated, none fuzzy, and it compiles."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "el" / "LC_MESSAGES" / "django.po"


def _entries(text):
    for block in text.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        yield block


def test_greek_catalogue_has_no_untranslated_or_fuzzy_messages():
    text = PO.read_text(encoding="utf-8")
    problems = []
    for block in list(_entries(text))[1:]:  # the first block is the header
        if "#, fuzzy" in block:
            problems.append(block)
            continue
        msgstrs = re.findall(r'msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block)
        if not msgstrs or any(not (first + rest.replace('"', "").replace("\n", "")).strip()
                              for first, rest in msgstrs):
            problems.append(block)
    assert not problems, f"{len(problems)} untranslated/fuzzy messages, e.g.:\n" + "\n---\n".join(problems[:5])


def test_catalogue_is_current_with_the_code(tmp_path):
    """makemessages on the code finds no message that the Greek catalogue lacks."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext missing: apt-get install gettext")
    # makemessages writes into a ./locale it finds under its working directory, so it runs in a
    # folder of symlinks to the code with a copy of the catalogue: the real one is never touched.
    root = Path(settings.BASE_DIR)
    work = tmp_path / "src"
    work.mkdir()
    for entry in root.iterdir():
        if entry.name not in {"locale", "tests", ".venv", "node_modules", ".git", "staticfiles", "media"}:
            (work / entry.name).symlink_to(entry)
    locale_copy = work / "locale"
    shutil.copytree(PO.parents[2], locale_copy)
    env = {**os.environ, "LOCALE_DIR": str(locale_copy), "DEBUG": "1"}
    subprocess.run(
        [sys.executable, str(root / "manage.py"), "makemessages", "-l", "el", "--no-obsolete", "--symlinks",
         "-v", "0", "--ignore=.*"],
        cwd=work, env=env, check=True, capture_output=True, timeout=300,
    )
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(locale_copy / "el/LC_MESSAGES/django.po")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (
        "run `manage.py makemessages -l el` and translate: " + result.stderr
    )


def test_pages_speak_greek_by_default():
    with translation.override("el"):
        assert translation.gettext("Sign in") != "Sign in"
