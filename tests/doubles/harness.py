"""Test helpers shared by test_arm.py and test_gce.py: start a double in-process on a free port and
talk to it over real HTTP with urllib (no proxies), answering (status, headers, json)."""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Reply:
    """One HTTP answer: status, headers (case-insensitive lookup) and the parsed JSON body."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return "Reply(%d, %s)" % (self.status, self.raw[:300])


def http(method, url, body=None, headers=None, form=None):
    """Send one request; HTTP errors are answers, not exceptions."""
    hdrs = dict(headers or {})
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        resp = OPENER.open(req, timeout=10)
    except urllib.error.HTTPError as err:
        resp = err
    with resp:
        return Reply(resp.status, resp.headers, resp.read())


class Running:
    """A double serving in a background thread; `stop()` shuts it down."""

    def __init__(self, app):
        self.app = app
        self.server, self.url = common.start(app, 0)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
