#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 proxy between the FDW and the DynamoDB emulator.

    faultproxy.py --port 25102 --upstream http://127.0.0.1:25100 [--lifetime 3600]

Listens on 127.0.0.1 only and exits by itself after --lifetime seconds.
Every request with an X-Amz-Target header (a DynamoDB call) is forwarded
byte for byte -- method, path, headers in their order including Host, body
-- so the client's SigV4 signature stays valid for the emulator.  Faults
are injected per request according to the current setting, which tests
change through the control endpoint (the FDW never sends to these paths):

    POST /__fault   {"throttle": 0.2, "error5xx": 0.05, "drop": 0.02,
                     "truncate": 0, "garbage": 0, "slow": 1, "slow_ms": 0,
                     "unprocessed": 0.3, "ops": ["Scan"], "seed": 42,
                     "status5xx": [500, 503], "script": ["throttle", "ok", ...]}
                    replaces the setting (absent members are 0 / all
                    operations / seed 0 / no script), re-seeds the random
                    generator and zeroes the counters.  An empty object
                    turns every fault off.
    GET  /__fault   {"config": {...}, "stats": {...}}: the setting and how
                    many requests were seen, forwarded, and faulted per kind;
                    stats.by_op counts the requests per operation.

Faults, at most one per request (drawn in this order from one uniform
number, so the probabilities add up):
  drop       read the request, close the connection without an answer
             (libcurl resends once by itself when that connection was a
             reused keep-alive one; the FDW counts that resend as a retry)
  error5xx   HTTP 500 (JSON InternalServerError) or 503 (plain text), the
             statuses taken from `status5xx` in turn (default [500, 503])
  throttle   HTTP 400 ProvisionedThroughputExceededException (JSON __type)
  truncate   forward, then send the headers with the real Content-Length
             and only half of the body, and close
  garbage    forward, then answer 200 with a body that is not JSON
  malformed  forward, then answer 200 with valid JSON whose items are not
             objects (each item wrapped in a list)
  error5xx_after  forward (the emulator applies the request), then answer
             HTTP 500 as error5xx does: the client cannot know it worked
  drop_after forward, then close the connection without an answer
  oversize   forward, then answer 200 with a 20 MB JSON body
  badutf8    forward, then replace every BADUTF8 in the answer's bytes with
             0xFF 0xFE (never UTF-8), e.g. in an S value or an attribute
             name of maip-fixture-edge-strings; answers without the marker
             pass unchanged
Independently of those, for requests the proxy forwards:
  slow       with probability `slow` (default 1 when slow_ms > 0) wait
             slow_ms before forwarding; the wait ends early if the client
             goes away
  unprocessed  BatchGetItem answers that are not faulted otherwise: each requested key, with this probability,
             is reported in UnprocessedKeys (with the request's projection
             and read options) and its item, if found, removed from
             Responses.  The request itself cannot be changed (its body is
             signed), so the proxy forwards it whole and moves the answer's
             items.  Items are matched to keys by the key attributes named
             in the request; a table whose returned items lack them (a
             projection without the key) is left alone.
`script` lists the faults for the first requests after a POST, one per
request ("ok" for none, a fault name, "slow", or "unprocessed" to move
every key); after it the probabilities apply.  `ops` restricts faults to these
operations (X-Amz-Target suffixes); other calls are forwarded untouched.

Everything is deterministic for a given seed and sequence of requests.
Python standard library only.
"""
import argparse
import base64
import decimal
import http.client
import json
import os
import random
import select
import socket
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("drop", "error5xx", "throttle", "truncate", "garbage", "malformed", "badutf8")
FAULTS += ("error5xx_after", "drop_after", "oversize")  # after forwarding: see fail_after
STAT_KEYS = ("requests", "forwarded", "ok") + FAULTS + ("slow", "unprocessed_keys",
                                                         "unprocessed_responses", "unprocessed_skipped",
                                                         "control")
MAX_BODY = 16 * 1024 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-connection", "content-length"}

THROTTLE_BODY = json.dumps({
    "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    "message": "The level of configured provisioned throughput for the table was exceeded. "
               "Consider increasing your provisioning level with the UpdateTable API.",
}).encode()
ERROR500_BODY = json.dumps({
    "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
    "message": "Internal server error (injected by faultproxy)",
}).encode()
ERROR503_BODY = b"Service Unavailable\n"
GARBAGE_BODY = b"<html><body><h1>502 Bad Gateway</h1>injected by faultproxy</body></html>\n"


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.set({})

    def set(self, cfg):
        clean = {}
        for k in FAULTS + ("unprocessed", "slow"):
            v = float(cfg.get(k, 0) or 0)
            if not 0 <= v <= 1:
                raise ValueError("%s must be between 0 and 1" % k)
            clean[k] = v
        clean["slow_ms"] = int(cfg.get("slow_ms", 0) or 0)
        if clean["slow_ms"] < 0 or clean["slow_ms"] > 600000:
            raise ValueError("slow_ms must be between 0 and 600000")
        if clean["slow_ms"] > 0 and "slow" not in cfg:
            clean["slow"] = 1.0
        ops = cfg.get("ops")
        if ops is not None and (not isinstance(ops, list) or not all(isinstance(o, str) for o in ops)):
            raise ValueError("ops must be a list of operation names")
        clean["ops"] = ops
        script = cfg.get("script") or []
        for s in script:
            if s not in FAULTS + ("ok", "slow", "unprocessed"):
                raise ValueError("unknown fault %r in script" % (s,))
        clean["script"] = list(script)
        clean["seed"] = int(cfg.get("seed", 0) or 0)
        st5 = cfg.get("status5xx", [500, 503])
        if not isinstance(st5, list) or not st5 or any(x not in (500, 503) for x in st5):
            raise ValueError("status5xx must be a non-empty list of 500 and 503")
        clean["status5xx"] = st5
        unknown = set(cfg) - set(clean)
        if unknown:
            raise ValueError("unknown setting(s): %s" % ", ".join(sorted(unknown)))
        with self.lock:
            self.cfg = clean
            self.rng = random.Random(clean["seed"])
            self.script = list(clean["script"])
            self.stats = {k: 0 for k in STAT_KEYS}
            self.by_op = {}
            self.n5xx = 0

    def count(self, key, n=1):
        with self.lock:
            self.stats[key] += n

    def decide(self, op):
        """(fault or None, slow?, unprocessed probability, rng) for one DynamoDB call."""
        with self.lock:
            self.stats["requests"] += 1
            self.by_op[op] = self.by_op.get(op, 0) + 1
            c = self.cfg
            if c["ops"] is not None and op not in c["ops"]:
                return None, False, 0.0
            if self.script:
                s = self.script.pop(0)
                if s == "ok":
                    return None, False, 0.0
                if s == "slow":
                    return None, True, 0.0
                if s == "unprocessed":
                    return None, False, 1.0
                return s, False, 0.0
            r = self.rng.random()
            acc = 0.0
            fault = None
            for f in FAULTS:
                acc += c[f]
                if r < acc:
                    fault = f
                    break
            slow = c["slow_ms"] > 0 and self.rng.random() < c["slow"]
            return fault, slow, c["unprocessed"]

    def pick_keys(self, n, p):
        """Which of n keys to report unprocessed (a list of booleans)."""
        with self.lock:
            if p >= 1.0:
                return [True] * n
            return [self.rng.random() < p for _ in range(n)]

    def next_5xx(self):
        with self.lock:
            st5 = self.cfg["status5xx"]
            self.n5xx += 1
            return st5[(self.n5xx - 1) % len(st5)]

    def snapshot(self):
        with self.lock:
            cfg = dict(self.cfg)
            cfg["script_left"] = len(self.script)
            return {"config": cfg, "stats": dict(self.stats, by_op=dict(self.by_op))}


def av_equal(a, b):
    """Two DynamoDB key AttributeValues ({"S": ..} / {"N": ..} / {"B": ..}) are the same."""
    if not isinstance(a, dict) or not isinstance(b, dict) or len(a) != 1 or len(b) != 1:
        return False
    (ta, va), = a.items()
    (tb, vb), = b.items()
    if ta != tb:
        return False
    if ta == "N":
        try:
            return decimal.Decimal(va) == decimal.Decimal(vb)
        except (decimal.InvalidOperation, TypeError):
            return va == vb
    if ta == "B":
        try:
            return base64.b64decode(va) == base64.b64decode(vb)
        except (ValueError, TypeError):
            return va == vb
    return va == vb


def move_unprocessed(state, req_body, resp_body, p):
    """Rewrite a BatchGetItem answer; returns the new body or None to keep it."""
    try:
        req = json.loads(req_body)
        resp = json.loads(resp_body)
    except ValueError:
        return None
    if not isinstance(req, dict) or not isinstance(resp, dict):
        return None
    changed = False
    responses = resp.setdefault("Responses", {})
    unprocessed = resp.get("UnprocessedKeys") or {}
    for table, kaa in (req.get("RequestItems") or {}).items():
        keys = kaa.get("Keys") or []
        items = responses.get(table) or []
        if not keys:
            continue
        names = set()
        for k in keys:
            names.update(k)
        if any(not names.issubset(it) for it in items):
            state.count("unprocessed_skipped")
            continue
        chosen = [k for k, pick in zip(keys, state.pick_keys(len(keys), p)) if pick]
        if not chosen:
            continue
        remaining = [it for it in items
                     if not any(all(av_equal(it[n], k[n]) for n in k) for k in chosen)]
        responses[table] = remaining
        entry = unprocessed.setdefault(table, {k: v for k, v in kaa.items() if k != "Keys"})
        entry.setdefault("Keys", []).extend(chosen)
        state.count("unprocessed_keys", len(chosen))
        changed = True
    if not changed:
        return None
    resp["UnprocessedKeys"] = unprocessed
    state.count("unprocessed_responses")
    return json.dumps(resp, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


BADUTF8_MARKER = b"BADUTF8"


def corrupt_utf8(headers, data):
    """The badutf8 fault: (headers, body) with every BADUTF8 made 0xFF 0xFE."""
    if BADUTF8_MARKER not in data:
        return headers, data
    data = data.replace(BADUTF8_MARKER, b"\xff\xfe")
    headers = [(k, v) for k, v in headers if k.lower() != "x-amz-crc32"]
    return headers, data


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    sys_version = ""
    timeout = 300  # an idle keep-alive connection is closed after this

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.server.verbose:
            super().log_message(fmt, *args)

    # ---- control endpoint
    def control(self, body):
        st = self.server.state
        st.count("control")
        if self.command == "POST":
            try:
                cfg = json.loads(body or b"{}")
                if not isinstance(cfg, dict):
                    raise ValueError("the setting must be a JSON object")
                st.set(cfg)
            except (ValueError, TypeError) as e:
                return self.reply(400, json.dumps({"error": str(e)}).encode() + b"\n",
                                  [("Content-Type", "application/json")])
        out = json.dumps(st.snapshot(), sort_keys=True).encode() + b"\n"
        self.reply(200, out, [("Content-Type", "application/json")])

    # ---- plumbing
    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n < 0 or n > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(n) if n else b""

    def reply(self, status, body, headers=(), declared_len=None, send=None):
        self.send_response_only(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if declared_len is None else declared_len))
        self.end_headers()
        self.wfile.write(body if send is None else send)
        self.wfile.flush()

    def client_gone(self):
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if r:
                return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
        return False

    def slow_wait(self, ms):
        end = time.monotonic() + ms / 1000.0
        while time.monotonic() < end:
            if self.client_gone():
                return False
            time.sleep(min(0.05, max(end - time.monotonic(), 0)))
        return True

    def forward(self, body):
        up = self.server.upstream
        conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=120)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for k, v in self.headers.items():  # order and Host as the client sent them
                conn.putheader(k, v)
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            headers = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP_BY_HOP]
            return r.status, headers, data
        finally:
            conn.close()

    def handle_any(self):
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        if self.path.split("?")[0] == "/__fault":
            return self.control(body)
        st = self.server.state
        target = self.headers.get("X-Amz-Target") or ""
        op = target.rsplit(".", 1)[-1] if target else None
        if op is None:
            st.count("requests")
            st.count("forwarded")
            status, headers, data = self.forward(body)
            return self.reply(status, data, headers)

        fault, slow, unproc = st.decide(op)
        rid = [("x-amzn-RequestId", "faultproxy-%d" % st.stats["requests"])]
        if fault == "drop":
            st.count("drop")
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault == "throttle":
            st.count("throttle")
            return self.reply(400, THROTTLE_BODY,
                              [("Content-Type", "application/x-amz-json-1.0")] + rid)
        if fault == "error5xx":
            st.count("error5xx")
            if st.next_5xx() == 500:
                return self.reply(500, ERROR500_BODY,
                                  [("Content-Type", "application/x-amz-json-1.0")] + rid)
            return self.reply(503, ERROR503_BODY, [("Content-Type", "text/plain")] + rid)
        if slow:
            st.count("slow")
            if not self.slow_wait(st.cfg["slow_ms"]):
                self.close_connection = True
                return

        st.count("forwarded")
        status, headers, data = self.forward(body)

        if fault in ("error5xx_after", "drop_after", "oversize"):
            return self.fail_after(fault, rid)
        if fault == "truncate":
            st.count("truncate")
            self.close_connection = True
            return self.reply(status, data, headers, declared_len=len(data), send=data[:len(data) // 2])
        if fault == "garbage":
            st.count("garbage")
            return self.reply(200, GARBAGE_BODY, [("Content-Type", "text/html")] + rid)
        if fault == "malformed" and status == 200:
            st.count("malformed")
            try:
                doc = json.loads(data)
                if isinstance(doc.get("Items"), list):
                    doc["Items"] = [[it] for it in doc["Items"]]
                elif isinstance(doc.get("Item"), dict):
                    doc["Item"] = [doc["Item"]]
                data = json.dumps(doc).encode()
                headers = [(k, v) for k, v in headers if k.lower() != "x-amz-crc32"]
            except ValueError:
                pass
            return self.reply(status, data, headers)
        if fault == "badutf8" and status == 200:
            st.count("badutf8")
            headers, data = corrupt_utf8(headers, data)
            return self.reply(status, data, headers)
        if unproc > 0 and op == "BatchGetItem" and status == 200:
            new = move_unprocessed(st, body, data, unproc)
            if new is not None:
                data = new
                headers = [(k, v) for k, v in headers if k.lower() != "x-amz-crc32"]
                headers.append(("x-amz-crc32", str(zlib.crc32(data) & 0xFFFFFFFF)))
        st.count("ok")
        self.reply(status, data, headers)

    def fail_after(self, fault, rid):
        """The request has been applied upstream; the client learns nothing of it."""
        st = self.server.state
        st.count(fault)
        if fault == "drop_after":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        if fault == "oversize":
            body = b'{"Items":[],"Padding":"' + b"x" * (20 * 1024 * 1024) + b'"}'
            return self.reply(200, body, [("Content-Type", "application/x-amz-json-1.0")] + rid)
        return self.reply(500, ERROR500_BODY, [("Content-Type", "application/x-amz-json-1.0")] + rid)

    def do_POST(self):
        try:
            self.handle_any()
        except (ConnectionError, socket.timeout, http.client.HTTPException, OSError) as e:
            self.log_error("upstream or client failure: %r", e)
            self.close_connection = True

    do_GET = do_POST


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of the emulator")
    ap.add_argument("--lifetime", type=int, default=3600, help="exit after this many seconds")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    up = urllib.parse.urlsplit(args.upstream)
    if up.scheme != "http" or up.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("faultproxy: upstream must be http:// on loopback")
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.upstream = up
    srv.state = State()
    srv.verbose = args.verbose
    timer = threading.Timer(args.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    srv.serve_forever(poll_interval=0.5)


if __name__ == "__main__":
    main()
