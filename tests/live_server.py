"""The browser tests' live server on SQLite.

There the server's request threads share the test's one in-memory connection; two requests that
overlap (a page and its htmx call, two stations) then meet inside one transaction and the second
fails ("cannot start a transaction within a transaction", a 400 from the session middleware).
On SQLite, requests take turns; a test endpoint that imitates a slow network waits with
`network_delay`, which lets other requests run meanwhile. PostgreSQL keeps a connection per
thread and is left alone.

A request still running when its test ends (a test endpoint's slow answer, a retry the browser sent
before the page closed) must not meet the next step on the shared connection either: the database's
emptying after each test waits until the server has answered every request (`wait_until_idle`).
"""

import threading
import time
from contextlib import contextmanager

_turn = threading.Lock()
_holding = threading.local()
_in_flight = 0
_idle = threading.Condition()


class _OneRequestAtATime:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        global _in_flight
        with _idle:
            _in_flight += 1
        try:
            with _turn:
                _holding.turn = True
                try:
                    return self.app(environ, start_response)
                finally:
                    _holding.turn = False
        finally:
            with _idle:
                _in_flight -= 1
                _idle.notify_all()


def wait_until_idle(timeout: float = 30) -> None:
    """Wait until the live server has answered every request it received (SQLite only counts them)."""
    with _idle:
        if not _idle.wait_for(lambda: _in_flight == 0, timeout):
            raise AssertionError(f"the live server still runs {_in_flight} request(s) after {timeout} s")


def network_delay(seconds: float) -> None:
    """Sleep as a slow network would, without keeping other requests waiting."""
    if not getattr(_holding, "turn", False):
        time.sleep(seconds)
        return
    _turn.release()
    try:
        time.sleep(seconds)
    finally:
        _turn.acquire()


@contextmanager
def as_a_request():
    """Run a test's own writes as one more request: on SQLite they wait for the server's turn."""
    with _turn:
        yield


def take_turns_on_sqlite(settings) -> None:
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class TurnTakingWSGIServer(ThreadedWSGIServer):
        def set_app(self, application):
            super().set_app(_OneRequestAtATime(application))

    LiveServerThread.server_class = TurnTakingWSGIServer
