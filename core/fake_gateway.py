"""A local SMS gateway for development, the tests and `make bench`: it speaks the JSON the http
SMS backend posts (core.messaging.gateways), honours the Idempotency-Key header (a repeated key is
answered with the first message's id and not sent again) and can be told to fail.

    gateway = FakeGateway().start()          # http://127.0.0.1:<port>/
    gateway.mode = "error"                    # answers 500; "refuse": 400; "ok" again
    gateway.stop()                            # then connections are refused
`gateway.sent` maps each key to the SMS sent once; `gateway.requests` counts every POST.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self, *, delay: float = 0.0, port: int = 0):
        self.delay = delay
        self.mode = "ok"
        self.sent: dict[str, dict] = {}
        self.requests = 0
        self.repeats = 0
        self.lock = threading.Lock()
        self.port = port
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> "FakeGateway":
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                if gateway.delay:
                    time.sleep(gateway.delay)
                with gateway.lock:
                    gateway.requests += 1
                    mode = gateway.mode
                    if mode == "ok":
                        data = json.loads(body or b"{}")
                        key = self.headers.get("Idempotency-Key") or f"no-key-{gateway.requests}"
                        if key in gateway.sent:
                            gateway.repeats += 1
                        else:
                            gateway.sent[key] = {"to": data.get("to"), "text": data.get("text"),
                                                 "id": f"fake-{len(gateway.sent) + 1}"}
                        answer = json.dumps({"id": gateway.sent[key]["id"]}).encode()
                if mode != "ok":
                    code = 400 if mode == "refuse" else 500
                    self.send_response(code)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def main():
    """`python -m core.fake_gateway [port]`: run one in the foreground (SMS_BACKEND=http,
    SMS_GATEWAY_URL=http://127.0.0.1:<port>/) to see messages leave a development server."""
    import sys

    gateway = FakeGateway(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8025).start()
    print(f"Fake SMS gateway on {gateway.url}")  # noqa: T201
    try:
        while True:
            time.sleep(5)
            print(f"{len(gateway.sent)} SMS, {gateway.requests} requests, {gateway.repeats} repeats")  # noqa: T201
    except KeyboardInterrupt:
        gateway.stop()


if __name__ == "__main__":
    main()
