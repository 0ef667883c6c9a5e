"""Production static files: our scripts and styles leave minified (and still parse), the npm libraries
exactly as published."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File

from core.staticfiles import MinifiedStaticFilesStorage

OURS = sorted(p for p in (Path(settings.BASE_DIR) / "static").rglob("*") if p.suffix in (".js", ".css"))


@pytest.fixture
def storage(tmp_path):
    return MinifiedStaticFilesStorage(location=tmp_path, base_url="/static/")


def _save(storage, source: Path, name: str) -> bytes:
    with source.open("rb") as handle:
        saved = storage.save(name, File(handle))
    return Path(storage.path(saved)).read_bytes()


@pytest.mark.parametrize("source", OURS, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_our_scripts_and_styles_are_minified_and_still_parse(storage, source, tmp_path):
    original = source.read_bytes()
    minified = _save(storage, source, str(source.relative_to(Path(settings.BASE_DIR) / "static")))
    assert len(minified) < len(original)
    text = minified.decode()
    assert "/*" not in text.replace("/*!", "")  # comments gone (a "/*!" licence comment would stay)
    if source.suffix == ".css":
        # Same rules and the same file references (ManifestStaticFilesStorage rewrites url()s after this).
        assert text.count("{") == original.decode().count("{")
        assert text.count("url(") == original.decode().count("url(")
    else:
        node = shutil.which("node")
        assert node, "node is needed (make install installs the browser libraries with npm)"
        checked = tmp_path / "checked.js"
        checked.write_bytes(minified)
        result = subprocess.run([node, "--check", str(checked)], capture_output=True, text=True)  # noqa: S603
        assert result.returncode == 0, result.stderr


def test_npm_libraries_are_sent_as_published(storage):
    for name in ("htmx.min.js", "htmx.js"):  # under vendor/: as published, minified or not
        library = Path(settings.BASE_DIR) / "node_modules" / "htmx.org" / "dist" / name
        assert _save(storage, library, f"vendor/htmx.org/dist/{name}") == library.read_bytes()
