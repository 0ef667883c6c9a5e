"""gunicorn's settings, read from the working directory by `gunicorn config.wsgi` (see the README).

Kypseli's requests are CPU-bound Python, so few threads per process (threads of one process take
turns on Python's lock) and several processes per core: three workers per core with two threads
each give twelve request slots on two cores, enough for ten scan stations at once and the pages
beside them (measured: docs/benchmarks.md). The gthread worker keeps idle keep-alive connections
(a station sends a card every few seconds) without tying up a slot.
The app is loaded once in the master process before the workers are forked (`preload_app`;
config/wsgi.py also imports every URLconf there), so workers start warm and share that memory;
a code change therefore needs a restart, not a HUP.
Override with WEB_CONCURRENCY (workers), GUNICORN_THREADS and GUNICORN_BIND.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", 3 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 30
preload_app = True
timeout = 30
# The access log (GUNICORN_ACCESS_LOG: a file, or "-" for the standard output; off when unset) goes
# through core.gunicorn_logging: query strings (searches) and private links' secrets are masked.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
logger_class = "core.gunicorn_logging.MaskedLogger"
