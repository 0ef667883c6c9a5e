"""The README's table of settings is what an operator reads: each default it gives must be the one the code
falls back on (config/settings.py, gunicorn.conf.py), and each variable it names must be read somewhere.
Read from the source (the environment of the test run sets some of them), without a database."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "config" / "settings.py", ROOT / "gunicorn.conf.py"]
ROW = re.compile(r"^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \| ([^|]+) \|", re.MULTILINE)


def documented() -> dict[str, str | None]:
    """{variable: its default as the README writes it, or None where that is words, not a value}."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Configuration"):]
    rows = {}
    for names_cell, defaults_cell in ROW.findall(table):
        names = re.findall(r"`([A-Z0-9_]+)`", names_cell)
        parts = [part.strip() for part in re.findall(r"`[^`]*`|[^,]+", defaults_cell)]
        literal = [part[1:-1] if re.fullmatch(r"`[^`]*`", part) else None for part in parts]
        rows.update(zip(names, literal if len(literal) == len(names) else [None] * len(names), strict=True))
    return rows


def code_defaults() -> dict[str, object]:
    """{variable: the literal default of env.<type>("NAME", default=…) or os.environ.get("NAME", …)}."""
    found = {}
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = ast.unparse(node.func)
            if func.startswith("env."):
                default = next((k.value for k in node.keywords if k.arg == "default"), None)
            elif func == "os.environ.get" and len(node.args) == 2:
                default = node.args[1]
            else:
                continue
            try:
                found[node.args[0].value] = ast.literal_eval(default) if default is not None else None
            except ValueError:  # computed (an f-string, DEBUG's opposite, …): the README says it in words
                found[node.args[0].value] = ...
    return found


def same(code, written: str) -> bool:
    if isinstance(code, bool):
        return written == ("1" if code else "0")
    if isinstance(code, int | float):
        return float(written) == float(code)
    return str(code) == written


def test_every_default_the_readme_gives_is_the_codes_default():
    docs, code = documented(), code_defaults()
    compared = {name: written for name, written in docs.items()
                if written is not None and name in code and code[name] not in (None, ...)}
    wrong = {name: (written, code[name]) for name, written in compared.items() if not same(code[name], written)}
    assert not wrong, f"README default ≠ code default: {wrong}"
    # Those a careless edit once changed unnoticed are among the ones compared, and most of the table is.
    once_wrong = {"STAFFING_VOLUNTEERS_PER_TABLE", "DATABASE_RETRY_AFTER_SECONDS", "REGION_REPORT_CONNECTIONS"}
    assert once_wrong <= set(compared)
    assert len(compared) >= 45, sorted(compared)


def test_every_variable_the_readme_names_is_read_by_the_code():
    sources = "\n".join(path.read_text(encoding="utf-8") for path in [
        *SOURCES, *ROOT.glob("core/**/*.py"), *ROOT.glob("config/*.py")])
    unread = [name for name in documented() if f'"{name}"' not in sources]
    assert not unread, f"the README documents variables nothing reads: {unread}"


def test_every_variable_the_settings_read_is_in_the_readme():
    internal = {"LOCALE_DIR"}  # only the test that checks the catalogue is current sets it
    undocumented = sorted(set(code_defaults()) - set(documented()) - internal)
    assert not undocumented, f"read from the environment but not in the README's table: {undocumented}"


def test_the_readers_of_this_test_understand_the_table():
    """The parser itself: a row of three variables with a computed first default."""
    docs = documented()
    assert docs["GUNICORN_THREADS"] == "2" and docs["GUNICORN_BIND"] == "127.0.0.1:8001"
    assert docs["WEB_CONCURRENCY"] is None  # "3 × CPU cores": words
    assert docs["TWO_FACTOR_ROLES"] is None
