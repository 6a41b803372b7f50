"""Shared plumbing of AutoStack's cloud API doubles (arm.py, gce.py).

The doubles are plain standard-library HTTP servers so that CI and users run them with one
`python3` command and no installs. This module holds what both repeat: parsing a request,
routing it to a handler, answering JSON, the `/_double/` admin endpoints, latency and fault
injection, and starting a server (standalone, or in a thread for tests).

A double is an `App`: a `Router`, a `state` dict (everything stored, listed and cleared by the
admin endpoints), a lock, and three hooks the concrete double supplies: `authenticate`,
`fault_response` and `is_exempt` (requests that faults and auth never touch, e.g. token endpoints).
"""

import argparse
import json
import math
import random
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Request:
    """One parsed HTTP request; handlers see only this, never the socket."""

    def __init__(self, method, raw_path, headers, body, base_url):
        parsed = urllib.parse.urlsplit(raw_path)
        self.method = method
        self.raw_path = raw_path
        self.path = urllib.parse.unquote(parsed.path)
        self.query = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query, keep_blank_values=True).items()}
        self.headers = headers
        self.body = body
        self.base_url = base_url

    def header(self, name, default=None):
        """Header lookup, case-insensitive as HTTP is."""
        return self.headers.get(name, default)

    def json(self):
        """The body parsed as JSON; None for an empty body; raises ValueError when malformed."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def form(self):
        """The body parsed as application/x-www-form-urlencoded (OAuth token requests)."""
        pairs = urllib.parse.parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {k: v[-1] for k, v in pairs.items()}


class Response:
    """What a handler answers: a status, headers and a JSON-able body (or raw bytes, or None)."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def encoded(self):
        """The body bytes and the content type to send with them."""
        if self.body is None:
            return b"", None
        if isinstance(self.body, (bytes, bytearray)):
            return bytes(self.body), self.headers.get("Content-Type", "application/octet-stream")
        return json.dumps(self.body, indent=None).encode("utf-8"), "application/json; charset=utf-8"


class HttpError(Exception):
    """Raised by handlers to answer an error; the double decides the body shape."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


class Router:
    """Regex routes over the decoded path. `ignore_case` serves ARM, whose paths are case-insensitive."""

    def __init__(self, ignore_case=False):
        self.routes = []
        self.flags = re.IGNORECASE if ignore_case else 0

    def add(self, methods, pattern, handler):
        """Register `handler(app, req, **named_groups)` for the methods (a string like "GET PUT")."""
        self.routes.append((set(methods.split()), re.compile("^" + pattern + "$", self.flags), handler))

    def match(self, method, path):
        """The handler and its arguments, or (None, allowed_methods) when only the method is wrong."""
        allowed = set()
        for methods, regex, handler in self.routes:
            found = regex.match(path)
            if not found:
                continue
            if method in methods:
                return handler, found.groupdict()
            allowed |= methods
        return None, allowed


class App:
    """Base of a double: routes, stored state, options, and the hooks the concrete double overrides."""

    name = "double"

    def __init__(self, options):
        self.options = options
        self.lock = threading.RLock()
        self.router = Router(ignore_case=getattr(self, "ignore_case", False))
        self.rng = random.Random(getattr(options, "seed", None))
        self.state = {}
        self.due = {}  # operation name -> when it finishes on its own (time.monotonic())
        self.reset()
        self.register_routes()

    # hooks -----------------------------------------------------------------------------------
    def reset(self):
        """Forget everything stored (admin endpoint and constructor)."""
        self.state = {}

    def register_routes(self):
        """Concrete doubles add their routes here."""

    def is_exempt(self, req):
        """Requests that never get faults nor auth checks (token endpoints, discovery documents)."""
        return False

    def authenticate(self, req):
        """Raise HttpError when the request is not authorised; concrete doubles implement it."""

    def fault_response(self, req):
        """The injected error for this request (429/500/503), in the double's error shape."""
        return Response(503, {"error": "injected fault"})

    def not_found(self, req):
        """Answer for a path no route knows."""
        return Response(404, {"error": {"code": 404, "message": "no route for " + req.path}})

    def method_not_allowed(self, req, allowed):
        return Response(405, {"error": {"code": 405, "message": "method not allowed"}}, {"Allow": ", ".join(sorted(allowed))})

    def finish_operation(self, name):
        """Finish operation `name` now if it is still running; concrete doubles implement it."""

    def internal_error(self, req, exc):
        return Response(500, {"error": {"code": 500, "message": "double bug: %r" % (exc,)}})

    # dispatch --------------------------------------------------------------------------------
    def handle(self, req):
        """Latency, admin, faults, auth, then the route: faults come before any effect so retries are safe."""
        self.sleep_latency()
        if req.path.startswith("/_double"):
            return self.admin(req)
        exempt = self.is_exempt(req)
        if self.should_fault(req, exempt):
            return self.fault_response(req)
        handler, args = self.router.match(req.method, req.path)
        if handler is None:
            return self.method_not_allowed(req, args) if args else self.not_found(req)
        try:
            if not exempt:
                self.authenticate(req)
            with self.lock:
                self.finish_overdue()
                return handler(self, req, **args)
        except HttpError as err:
            return err.response

    def run_on_its_own(self, name):
        """Operation `name` finishes by itself `--operation-seconds` after it starts, polled or not:
        a cloud finishes the work a client stopped watching (killed mid-apply, a lost answer), and
        until then the target refuses changes, so a double that waited for polls would refuse forever."""
        self.due[name] = time.monotonic() + getattr(self.options, "operation_seconds", 5.0)

    def finish_overdue(self):
        """Finish the operations whose time is up (called under the lock before every request)."""
        now = time.monotonic()
        for name in [n for n, at in self.due.items() if at <= now]:
            del self.due[name]
            self.finish_operation(name)

    def should_fault(self, req, exempt):
        """Whether to inject a fault: a fraction `fault_rate` of requests, token endpoint only if asked."""
        rate = getattr(self.options, "fault_rate", 0.0) or 0.0
        if rate <= 0:
            return False
        if exempt and not getattr(self.options, "fault_token", False):
            return False
        with self.lock:
            return self.rng.random() < rate

    def sleep_latency(self):
        """Added latency: fixed, or log-normal around the median (a long right tail, as clouds show)."""
        median = getattr(self.options, "latency_ms", 0) or 0
        if median <= 0:
            return
        if getattr(self.options, "latency_dist", "fixed") == "lognormal":
            with self.lock:
                delay = median * math.exp(self.rng.gauss(0.0, 0.5))
            delay = min(delay, median * 10)
        else:
            delay = median
        time.sleep(delay / 1000.0)

    def admin(self, req):
        """`GET /_double/` lists everything stored; `POST|DELETE /_double/reset` clears it."""
        path = req.path.rstrip("/")
        if req.method == "GET" and path in ("/_double", "/_double/state"):
            with self.lock:
                return Response(200, json.loads(json.dumps(self.state, default=repr)))
        if req.method in ("POST", "DELETE") and path == "/_double/reset":
            with self.lock:
                self.reset()
                self.due.clear()
            return Response(204)
        if req.method == "GET" and path == "/_double/health":
            return Response(200, {"double": self.name, "ok": True})
        return Response(404, {"error": "admin endpoints: GET /_double/, POST /_double/reset, GET /_double/health"})


def make_handler(app):
    """A BaseHTTPRequestHandler class bound to `app`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = app.name

        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
            req = Request(self.command, self.path, self.headers, body, "http://" + host)
            try:
                resp = app.handle(req)
            except Exception as exc:  # a bug in the double must still answer, never hang the client
                resp = app.internal_error(req, exc)
            # Logged before the answer goes out: a client that has its answer finds the
            # request in the log (tests read it to count calls).
            if getattr(app.options, "verbose", False):
                sys.stderr.write("%s %s -> %d\n" % (self.command, self.path, resp.status))
                sys.stderr.flush()
            self._send(resp)

        def _send(self, resp):
            data, ctype = resp.encoded()
            self.send_response(resp.status)
            headers = dict(resp.headers)
            if ctype and "Content-Type" not in headers:
                headers["Content-Type"] = ctype
            for key, value in headers.items():
                self.send_header(key, str(value))
            self.send_header("Content-Length", str(0 if self.command == "HEAD" else len(data)))
            self.end_headers()
            if self.command != "HEAD" and data:
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _serve

        def log_message(self, fmt, *args):
            """Silence the default per-request stderr log; --verbose prints our own one-liner."""

    return Handler


class Server(ThreadingHTTPServer):
    """One thread per connection; a deep accept backlog so a client opening many connections at
    once (an apply at -parallelism 10, retries) is never refused."""
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def start(app, port=0, host="127.0.0.1"):
    """Bind and serve `app` in a background thread; returns (server, base_url). Used by tests."""
    server = Server((host, port), make_handler(app))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    return server, "http://%s:%d" % (host, server.server_address[1])


def run_forever(app, port, host="127.0.0.1"):
    """Standalone mode: the first stdout line is `listening on URL` so harnesses can read the port."""
    server = Server((host, port), make_handler(app))
    app.public_url = "http://%s:%d" % (host, server.server_address[1])
    print("listening on " + app.public_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def common_arguments(parser, polls_flag, polls_help):
    """The flags both doubles share."""
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0 = pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency added to every request")
    parser.add_argument("--latency-dist", choices=["fixed", "lognormal"], default="fixed",
                        help="fixed delay, or log-normal with --latency-ms as median (sigma 0.5, capped at 10x)")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="fraction of requests answered 429/500/503")
    parser.add_argument("--fault-token", action="store_true", help="let faults hit the token endpoint too")
    parser.add_argument(polls_flag, type=int, default=1, help=polls_help)
    parser.add_argument("--operation-seconds", type=float, default=5.0,
                        help="an operation nobody polls to the end finishes by itself this long after it starts")
    parser.add_argument("--page-size", type=int, default=3,
                        help="largest page a list returns (small so clients exercise paging)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (faults, ids) for reproducible runs")
    parser.add_argument("--verbose", action="store_true", help="log one line per request to stderr")


def new_parser(description):
    return argparse.ArgumentParser(description=description)
