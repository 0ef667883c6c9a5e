import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from core.models import Centre, Location, User

ROOT = Path(settings.BASE_DIR)


def _manage(*args, **env):
    dropped = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


PRODUCTION_SECRET = "x" * 20 + "a-long-random-production-secret-0123456789"
PRODUCTION = {
    "DEBUG": "0", "SECRET_KEY": PRODUCTION_SECRET,
    "ALLOWED_HOSTS": "kypseli.example.org", "EMAIL_URL": "smtp+tls://kypseli:secret@smtp.example.org:587",
    "SMS_BACKEND": "http", "SMS_GATEWAY_URL": "https://sms.example.org/send", "SMS_GATEWAY_TOKEN": "t",
    "SITE_URL": "https://kypseli.example.org", "PERSON_MATCH_KEY": "m" * 20 + "a-key-of-its-own-for-matching-people",
}


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_several_servers_with_a_replica_and_redis_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION,
                     DATABASE_URL="postgres://kypseli@db:5432/kypseli", CACHE_URL="redis://cache:6379/1",
                     DATABASE_REPLICA_URL="postgres://kypseli_ro@db-replica:5432/kypseli", AXES_PROXY_COUNT="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("unset", "error"), [
    ({"EMAIL_URL": "consolemail://"}, "kypseli.E001"),
    ({"EMAIL_URL": "dummymail://"}, "kypseli.E001"),
    ({"SMS_BACKEND": "console"}, "kypseli.E002"),
    ({"SMS_GATEWAY_URL": "http://sms.example.org/send"}, "kypseli.E002"),
    ({"SITE_URL": "http://127.0.0.1:8000"}, "kypseli.E003"),
    ({"SITE_URL": "https://localhost"}, "kypseli.E003"),
    ({"PERSON_MATCH_KEY": ""}, "kypseli.E006"),
    ({"PERSON_MATCH_KEY": "short"}, "kypseli.E006"),
    ({"PERSON_MATCH_KEY": PRODUCTION_SECRET}, "kypseli.E006"),
])
def test_check_deploy_fails_on_development_defaults(unset, error):
    result = _manage("check", "--deploy", **{**PRODUCTION, **unset})
    assert result.returncode != 0 and error in result.stderr + result.stdout


def test_check_deploy_fails_when_message_settings_are_left_out():
    env = {k: v for k, v in PRODUCTION.items() if k not in {"EMAIL_URL", "SMS_BACKEND", "SITE_URL"}}
    result = _manage("check", "--deploy", **env)
    output = result.stderr + result.stdout
    assert result.returncode != 0
    assert all(code in output for code in ("kypseli.E001", "kypseli.E002", "kypseli.E003"))


def test_the_web_server_refuses_to_start_on_development_defaults():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update({**PRODUCTION, "SMS_BACKEND": "console", "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"})
    result = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "kypseli.E002" in result.stderr
    env["SMS_BACKEND"] = "http"
    result = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_are_greek_first():
    assert settings.LANGUAGE_CODE == "el"
    assert [code for code, _ in settings.LANGUAGES] == ["el", "en"]
    assert settings.TIME_ZONE == "Europe/Athens"


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _rows():
    """Every project table's rows, in every centre."""
    from django.apps import apps

    from core.tenancy import installation_scope

    with installation_scope():
        return {model._meta.label: model._base_manager.count() for model in apps.get_models()
                if model._meta.app_label in ("core", "inventory", "distribution", "volunteers", "events", "reports")
                and model._meta.managed and not model._meta.proxy}


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_prints_random_passwords(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "syntonistria" in first
    counts = (User.objects.count(), Location.objects.count(), Centre.objects.count())
    rows = _rows()
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "already loaded" in second
    assert (User.objects.count(), Location.objects.count(), Centre.objects.count()) == counts
    assert _rows() == rows, "the second run adds nothing, in any centre"
    assert Centre.current().phones.startswith("2521057206")
    # The password printed signs in; it is not a constant of the repository.
    line = next(line for line in first.splitlines() if "syntonistria" in line)
    password = line.split()[-1]
    assert User.objects.get(username="syntonistria").check_password(password)
    assert password not in (ROOT / "core" / "demo.py").read_text()
    # Three centres of one region; the demo coordinator belongs to all three and sees the switcher.
    coordinator = User.objects.get(username="syntonistria")
    assert set(coordinator.memberships.values_list("centre__slug", "role")) == {
        ("drama", "coordinator"), ("doxato", "coordinator"), ("nevrokopi", "coordinator")}
    assert len({c.municipality.region_id for c in Centre.objects.all()}) == 1
    from django.test import Client

    client = Client()
    client.force_login(coordinator)
    assert len(client.get("/").context["switch_centres"]) == 3


def test_wsgi_module_loads_urls_and_catalogues_without_touching_the_database():
    """gunicorn preloads config.wsgi in its master process (gunicorn.conf.py): the workers it forks
    must start with the URLconf imported and no database connection to share."""
    script = (
        "import sys, config.wsgi\n"
        "from django.db import connection\n"
        "from django.utils.translation import trans_real\n"
        "assert 'config.urls' in sys.modules and 'distribution.api.days' in sys.modules\n"
        "assert {'el', 'en'} <= set(trans_real._translations)\n"
        "assert connection.connection is None\n"
        "print('warm')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    # An unreachable database: the module must not try to connect.
    env.update(PRODUCTION, DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "warm" in result.stdout, result.stderr
    config = (ROOT / "gunicorn.conf.py").read_text()
    assert "preload_app = True" in config
