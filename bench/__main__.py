"""`make bench`: run every benchmark module (or the named ones) on PostgreSQL and print figures.

Each module bench/<name>.py runs on its own (`python -m bench.<name>`) in a throw-away database
next to DATABASE_URL; here DATABASE_URL defaults to BENCH_DATABASE_URL or
postgres://postgres@127.0.0.1:5432/kypseli_bench, so your own data is never touched.
"""

import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv):
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env["DATABASE_URL"] = env.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kypseli_bench")
    # The fault drill restarts the machine's PostgreSQL: only when named, or with BENCH_DRILL=1.
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_")
                           and m.name != "util" and (m.name != "drill" or env.get("BENCH_DRILL") == "1"))
    print(f"Benchmarks on {env['DATABASE_URL'].split('@')[-1]}: {', '.join(names)}", flush=True)
    failed = []
    for name in names:
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own modules
            [sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, env=env, stdout=subprocess.PIPE, text=True)
        figures = 0
        for line in process.stdout:
            print(line, end="", flush=True)
            figures += 1
        returncode = process.wait()
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)
        if returncode or not figures:
            # A module that printed nothing measured nothing (e.g. no `__main__` block): a failure.
            print(f"{name}: {'exit code ' + str(returncode) if returncode else 'printed no figures'}", flush=True)
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
