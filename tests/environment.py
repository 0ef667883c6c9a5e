"""Loaded by pytest before Django starts (`-p tests.environment` in pyproject.toml).

The suite runs with the development settings (no SECRET_KEY needed, plain static storage);
DATABASE_URL still chooses SQLite or PostgreSQL. Production settings are checked by
tests/core/test_settings.py in a subprocess.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Tasks run at once in the process that enqueues them (after the commit, as in production); the
# worker's own tests start real workers on the database backend and on Redis.
os.environ.setdefault("TASKS_BACKEND", "immediate")
