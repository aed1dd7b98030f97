#!/usr/bin/python3
"""A plain-HTTP loopback proxy in front of a registry that counts requests and,
when told, breaks them: for tests only.

usage: fault_proxy.py PORT UPSTREAM_HOST:PORT PLAN_JSON LOG

PLAN_JSON is re-read on every request, so a test can change it between runs:
  {"faults": [{"method": "GET", "path": "/blobs/", "nth": 1, "action": "drop"}, ...],
   "max_body": 0, "tamper_blobs": false}
- a fault applies to the nth request (counting from 1) whose method matches and
  whose path contains `path`; counts are kept per fault for the proxy's life
- actions: "drop" (close without answering), "truncate" (send the headers and
  half the body, then close), "500", "503", "429" (with Retry-After: 1), "401"
  (with a Basic challenge, as a registry refusing the credentials sent)
- max_body > 0: request bodies larger than this get 413 (as a small proxy would)
- tamper_blobs: flip one byte of every blob GET body (Content-Length kept)
- redirect_blobs: "http://host:port": every blob GET answered 307 to that origin, same path
  (as registries send blob downloads to object storage)
LOG gets one JSON line per request: method, path (query dropped), query keys,
status sent, fault applied, request body size, response body size (`sent`, for answers
passed on from upstream), whether it carried Authorization, and when it arrived (time.monotonic(), for the waits between tries).
"""
import http.client
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

PORT, UPSTREAM, PLAN, LOG = sys.argv[1:5]
LOCK = threading.Lock()
COUNTS = {}
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
       "proxy-authenticate"}


def plan():
    try:
        with open(PLAN) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def log(entry):
    with LOCK, open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")


def fault_for(method, path, faults):
    """Counts this request for every matching fault; the first whose turn it is fires."""
    fired = None
    with LOCK:
        for i, fault in enumerate(faults):
            if fault.get("method", method) != method or fault.get("path", "") not in path:
                continue
            key = json.dumps(fault, sort_keys=True) + str(i)
            COUNTS[key] = COUNTS.get(key, 0) + 1
            if COUNTS[key] == fault.get("nth", 1) and fired is None:
                fired = fault["action"]
    return fired


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        p = plan()
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        entry = {"method": self.command, "path": url.path, "query": sorted(parse_qs(url.query).keys()),
                 "body": len(body), "auth": "Authorization" in self.headers, "time": time.monotonic()}
        action = fault_for(self.command, url.path, p.get("faults", []))
        if p.get("max_body") and len(body) > p["max_body"]:
            action = action or "413"
        entry["fault"] = action
        if action == "drop":
            log(dict(entry, status=None))
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if action in ("500", "503", "429", "413", "401"):
            data = json.dumps({"errors": [{"code": "INJECTED", "message": "fault injected by the test proxy"}]}).encode()
            log(dict(entry, status=int(action)))
            self.send_response(int(action))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if action == "429":
                self.send_header("Retry-After", "1")
            if action == "401":
                self.send_header("WWW-Authenticate", 'Basic realm="fault proxy"')
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            return
        if p.get("redirect_blobs") and self.command == "GET" and "/blobs/" in url.path and not action:
            log(dict(entry, status=307))
            self.send_response(307)
            self.send_header("Location", p["redirect_blobs"] + url.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        upstream = http.client.HTTPConnection(UPSTREAM, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        upstream.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST", "PATCH") else None,
                         headers=headers)
        response = upstream.getresponse()
        data = response.read() if self.command != "HEAD" else b""
        if p.get("tamper_blobs") and self.command == "GET" and "/blobs/" in url.path and response.status == 200 and data:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        log(dict(entry, status=response.status, sent=len(data)))
        self.send_response(response.status)
        for k, v in response.getheaders():
            if k.lower() not in HOP:
                self.send_header(k, v)
        self.end_headers()
        if action == "truncate" and len(data) > 1:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
        else:
            self.wfile.write(data)
        upstream.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
