import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path


def main(argv):
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kypseli_bench"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name != "util")
    print(f"Benchmarks on {connection.vendor} ({settings.DATABASES['default']['NAME']}): {', '.join(names)}")
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    failures = 0
    try:
        for name in names:
            module = importlib.import_module(f"bench.{name}")
            print(f"\n== {name} ==")
            started = time.perf_counter()
            try:
                module.run(print)
            except Exception as exc:  # noqa: BLE001 - report and go on with the next benchmark
                failures += 1
                print(f"FAILED: {exc!r}")
            print(f"({time.perf_counter() - started:.1f} s)")
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
