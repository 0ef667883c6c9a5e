"""Fault drill: the scan storm at 8 clients while one gunicorn worker is killed and PostgreSQL restarts.

Run it alone and rarely (`make bench BENCH=drill`, or `python -m bench drill`): it restarts the
machine's PostgreSQL cluster (`pg_ctlcluster --skip-systemctl-redirect <version> main restart`), which
every database on it notices (a second or two). BENCH_DRILL_RESTART_PG=0 kills the worker only; a
`make bench` that names no module skips the drill unless BENCH_DRILL=1.

Each client sends its scans one after the other, like a station: when the connection drops or the
answer is 503 (database away) or 429, it waits (Retry-After, or a moment) and sends the SAME body
with the SAME request id again, until it gets an answer. It prints the retries and what they got
(a 200 is the server's first answer replayed: the scan had been recorded before the connection
dropped), then checks that every valid card was collected exactly once, that stock equals the start
less the baskets, and that check_stock is clean.
"""

import http.client
import os
import signal
import statistics
import subprocess
import threading
import time

from bench import scans
from bench.util import throwaway_database

CLIENTS = int(os.environ.get("BENCH_DRILL_CLIENTS", "8"))
RESTART_PG = os.environ.get("BENCH_DRILL_RESTART_PG", "1") != "0"


def _pg_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return str(int(cursor.fetchone()[0]) // 10000)


def _storm(port, bodies, tokens, clients, chaos):
    """Like scans._fire, but every request is retried with the same body until it is answered."""
    results, retries, lock = [], {}, threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {tokens[n]}",
                   "Accept-Language": "el"}
        mine, tried = [], {}
        barrier.wait()
        for body in chunks[n]:
            started = time.perf_counter()
            attempt = 0
            while True:
                try:
                    conn.request("POST", "/api/v1/scans", body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    tried[f"connection {type(exc).__name__}"] = tried.get(f"connection {type(exc).__name__}", 0) + 1
                    attempt += 1
                    time.sleep(min(0.1 * attempt, 1))
                    continue
                if status in (503, 429) or status >= 500:
                    tried[str(status)] = tried.get(str(status), 0) + 1
                    attempt += 1
                    time.sleep(min(float(response.getheader("Retry-After") or 0.2), 2))
                    continue
                break
            if attempt:
                tried["answered after retrying: " + str(status)] = tried.get("answered after retrying: " +
                                                                             str(status), 0) + 1
            mine.append((status, attempt, (time.perf_counter() - started) * 1000, payload))
        conn.close()
        with lock:
            results.extend(mine)
            for key, count in tried.items():
                retries[key] = retries.get(key, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    chaos_thread = threading.Thread(target=chaos)
    chaos_thread.start()
    for thread in threads:
        thread.join()
    chaos_thread.join()
    return time.perf_counter() - started, results, retries


def run(report):
    from django.db import connection

    (scans.ROOT / "var").mkdir(exist_ok=True)
    report(f"machine: {os.cpu_count()} CPUs, load average before the run {os.getloadavg()[0]:.1f}")
    version = _pg_version()
    data = scans._setup(report)
    day = scans._new_day(data, "drill")
    bodies = scans._workload(data, day.pk, data["rng"])
    connection.close()
    port = scans._free_port()
    server, log = scans._start_server(port, scans._database_url())
    events = []

    def chaos():
        time.sleep(1.0)
        workers = [pid for pid in scans._process_tree(server.pid) if pid != server.pid]
        os.kill(workers[0], signal.SIGKILL)
        events.append(f"{time.strftime('%H:%M:%S')} killed gunicorn worker {workers[0]} (SIGKILL)")
        time.sleep(1.0)
        if RESTART_PG:
            started = time.perf_counter()
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S603,S607
                           check=True)
            events.append(f"{time.strftime('%H:%M:%S')} restarted PostgreSQL {version} "
                          f"({time.perf_counter() - started:.1f} s)")

    try:
        elapsed, results, retries = _storm(port, bodies, data["tokens"], CLIENTS, chaos)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    for line in events:
        report(line)
    statuses = {}
    for status, _attempts, _ms, _payload in results:
        statuses[status] = statuses.get(status, 0) + 1
    retried = [r for r in results if r[1]]
    latencies = sorted(ms for _s, _a, ms, _p in results)
    pct = statistics.quantiles(latencies, n=100)
    report(f"{CLIENTS} clients through the faults: {len(results)} scans in {elapsed:.1f} s "
           f"({len(results) / elapsed:.0f}/s), p50 {pct[49]:.1f} ms, p99 {pct[98]:.1f} ms; final answers "
           f"{dict(sorted(statuses.items()))}")
    report(f"retries: {len(retried)} scans were sent more than once ({sum(r[1] for r in retried)} extra requests, "
           f"at most {max((r[1] for r in retried), default=0)} for one scan); "
           + ", ".join(f"{key}: {count}" for key, count in sorted(retries.items())))
    if not retried:
        report("(no request failed: the faults fell between requests; run again)")
    unanswered = [r for r in results if r[0] >= 500]
    assert not unanswered, f"{len(unanswered)} scans never got an answer"
    connection.close()  # PostgreSQL restarted: a new connection for the checks
    from distribution.models import Collection

    per_household = Collection.objects.filter(day=day, cancelled_at__isnull=True).values_list("household_id",
                                                                                              flat=True)
    doubles = len(per_household) - len(set(per_household))
    report(f"households collected twice on the drill day: {doubles}")
    assert doubles == 0
    scans._check(data, [("drill", day)], [("drill", day)], report)


if __name__ == "__main__":
    with throwaway_database():
        run(print)
