"""The backup procedure in the README works: pg_dump, pg_restore into an empty database, and the
restored database holds the same records and passes Django's migration check."""

import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from core.models import AuditLog, Location

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_dump_and_restore_gives_back_the_same_data(on_postgres, tmp_path, staff_user):
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} missing: apt-get install postgresql-client"
    Location.objects.create(name="Παράρτημα Ρομά", address="Δράμα")
    from core.audit import audit

    audit(AuditLog.Action.VIEW, Location.objects.get(), user=staff_user)
    db = connection.settings_dict
    base = {"host": db["HOST"] or "127.0.0.1", "port": str(db["PORT"] or 5432), "user": db["USER"] or "postgres"}
    dump = tmp_path / "kypseli.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", "-h", base["host"], "-p", base["port"],
                    "-U", base["user"], db["NAME"]], check=True, timeout=120)
    restored = f"{db['NAME']}_restore"
    admin = psycopg.connect(host=base["host"], port=base["port"], user=base["user"], dbname="postgres",
                            autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
    admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "-h", base["host"], "-p", base["port"], "-U", base["user"],
                        "--dbname", restored, str(dump)], check=True, timeout=120)
        with psycopg.connect(host=base["host"], port=base["port"], user=base["user"], dbname=restored) as copy:
            assert copy.execute("SELECT name FROM core_location").fetchall() == [("Παράρτημα Ρομά",)]
            assert copy.execute("SELECT count(*) FROM core_auditlog WHERE action='view'").fetchone() == (1,)
        env = {**os.environ, "DATABASE_URL": f"postgres://{base['user']}@{base['host']}:{base['port']}/{restored}"}
        check = subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=settings.BASE_DIR, env=env,
                               capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()
