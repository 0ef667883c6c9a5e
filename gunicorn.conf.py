"""gunicorn's settings, read from the working directory by `gunicorn config.wsgi` (see the README).

Kypseli's requests are CPU-bound Python: one thread per worker process (threads of one process
take turns on Python's lock), about two workers per CPU core. The gthread worker keeps idle
keep-alive connections (scan stations send a card every few seconds) without tying up a worker.
Override with WEB_CONCURRENCY (workers), GUNICORN_THREADS and GUNICORN_BIND.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = 30
timeout = 30
