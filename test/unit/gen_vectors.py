#!/usr/bin/env python3
"""
gen_vectors.py - produce SigV4 test vectors for test/unit/sigv4_test.c, using
botocore's SigV4Auth as the reference implementation.

Usage: gen_vectors.py [OUTFILE]      (default: stdout)

Output format (line based, so the C reader needs no JSON parser): a case is

    case <name>
    <key> <value>          one line per field, see below
    header <name> <value>  repeated, in the order the headers are sent
    end

Every name and value is percent-encoded: bytes <= 0x20, >= 0x7f and '%' are
written as %XX, everything else literally, so arbitrary bytes (spaces, tabs,
UTF-8, a 200 KB body) survive on one line and each line splits on spaces.
A key that is absent means NULL (only "query" is ever absent).

Keys: method path query payload region service access_key secret_key
amz_date (the C inputs); epoch (Unix time of amz_date, to check
sigv4_format_amz_date); payload_sha256 (hashlib, to check sigv4_hex_sha256);
creq, sts, auth (botocore's canonical request, string to sign and
Authorization header - the expected results).

How the two sides are kept signing the same thing:
  * botocore's add_auth() (re)sets X-Amz-Date from the clock and
    X-Amz-Security-Token from the credentials, and drops a blacklist of
    headers (user-agent, expect, ...) from signing.  So the header list given
    to C is read back from the request *after* add_auth(), minus
    Authorization and the blacklist, instead of being assumed.
  * The clock is frozen by patching botocore.auth.get_current_datetime (and
    botocore.auth.datetime for older botocore that called utcnow directly),
    and the resulting X-Amz-Date is checked.
  * botocore only percent-encodes the query when it comes from
    request.params; a query embedded in the URL is used verbatim.  The C
    module decodes and re-encodes the raw query, so the raw query is parsed
    here the way C parses it and handed to botocore as params.
  * The canonical request and string to sign are captured by wrapping the
    signer's own methods during add_auth(); calling them afterwards would
    also sign the freshly added Authorization header.
"""
import datetime
import hashlib
import random
import sys
from urllib.parse import unquote

import botocore
import botocore.auth
from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
DDB_HOST = "dynamodb.us-east-1.amazonaws.com"
JSON = "application/x-amz-json-1.0"


def pct(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = []
    for b in data:
        if b <= 0x20 or b >= 0x7F or b == 0x25:
            out.append("%%%02X" % b)
        else:
            out.append(chr(b))
    return "".join(out)


class _FrozenDatetime:
    """Stand-in for the datetime module inside botocore.auth (old botocore)."""

    def __init__(self, when):
        self._when = when
        outer = self

        class _DT(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return outer._when

            @classmethod
            def now(cls, tz=None):
                return outer._when if tz is None else outer._when.replace(tzinfo=tz)

        self.datetime = _DT

    def __getattr__(self, name):
        return getattr(datetime, name)


class CapturingSigV4Auth(SigV4Auth):
    def canonical_request(self, request):
        self.captured_creq = super().canonical_request(request)
        return self.captured_creq

    def string_to_sign(self, request, canonical_request):
        self.captured_sts = super().string_to_sign(request, canonical_request)
        return self.captured_sts


def parse_query_like_c(query):
    """Mirror of the C module's query split: '&', drop empties, first '='."""
    params = []
    for piece in query.split("&"):
        if piece == "":
            continue
        name, _, value = piece.partition("=")
        params.append((unquote(name), unquote(value)))
    return params


def sign(name, amz_date, headers, method="POST", path="/", query=None,
         body=b"", region="us-east-1", service="dynamodb", ak=AK, sk=SK,
         token=None, scheme="https"):
    when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    host = None
    for hn, hv in headers:
        if hn.lower() == "host":
            host = hv.strip()
    assert host is not None, "every vector sends an explicit host header"

    params = parse_query_like_c(query) if query else {}
    req = AWSRequest(method=method, url=f"{scheme}://{host}{path}",
                     data=body, params=params)
    # headers[...] = v on an HTTPHeaders *appends*, which is what lets a
    # vector carry the same header twice.
    for hn, hv in headers:
        req.headers[hn] = hv

    creds = Credentials(ak, sk, token)
    signer = CapturingSigV4Auth(creds, service, region)

    saved = {}
    if hasattr(botocore.auth, "get_current_datetime"):
        saved["get_current_datetime"] = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda *a, **k: when
    saved["datetime"] = botocore.auth.datetime
    botocore.auth.datetime = _FrozenDatetime(when)
    try:
        signer.add_auth(req)
    finally:
        for k, v in saved.items():
            setattr(botocore.auth, k, v)

    assert req.headers["X-Amz-Date"] == amz_date, (name, req.headers["X-Amz-Date"])

    signed = []
    for hn, hv in req.headers.items():
        if hn.lower() == "authorization" or hn.lower() in SIGNED_HEADERS_BLACKLIST:
            continue
        signed.append((hn, hv))
    # sanity: the header set we hand to C is exactly the one botocore signed
    auth = req.headers["Authorization"]
    sh = auth.split("SignedHeaders=")[1].split(",")[0]
    assert sh == ";".join(sorted({h.lower() for h, _ in signed})), (name, sh)

    epoch = int((when - datetime.datetime(1970, 1, 1)).total_seconds())
    body_bytes = body.encode("utf-8") if isinstance(body, str) else body
    return {
        "name": name,
        "method": method,
        "path": path,
        "query": query,
        "headers": signed,
        "payload": body_bytes,
        "payload_sha256": hashlib.sha256(body_bytes).hexdigest(),
        "region": region,
        "service": service,
        "access_key": ak,
        "secret_key": sk,
        "amz_date": amz_date,
        "epoch": epoch,
        "creq": signer.captured_creq,
        "sts": signer.captured_sts,
        "auth": auth,
    }


def ddb_headers(target="DynamoDB_20120810.Scan", host=DDB_HOST, date="20261125T101112Z"):
    return [("Host", host), ("Content-Type", JSON), ("X-Amz-Target", target),
            ("X-Amz-Date", date)]


def fixed_cases():
    d = "20261125T101112Z"
    cases = []
    scan = b'{"TableName":"orders","Limit":100}'

    cases.append(sign("ddb_scan_basic", d, ddb_headers(), body=scan))
    cases.append(sign("ddb_host_with_port", d,
                      ddb_headers(host="127.0.0.1:45100"), body=scan,
                      scheme="http"))
    cases.append(sign("ddb_localhost_port_lowercase_names", d,
                      [("host", "localhost:8000"), ("content-type", JSON),
                       ("x-amz-target", "DynamoDB_20120810.GetItem"),
                       ("x-amz-date", d)],
                      body=b'{"TableName":"t","Key":{"pk":{"S":"1"}}}',
                      scheme="http"))
    token = ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/"
             "def+ghi=" + "Zm9vYmFy" * 40 + "==")
    cases.append(sign("ddb_session_token", d,
                      ddb_headers() + [("X-Amz-Security-Token", token)],
                      body=scan, token=token))
    cases.append(sign("ddb_empty_body", d, ddb_headers(), body=b""))
    rng = random.Random(20261125)
    items = ",".join('{"pk":{"S":"k%06d"},"v":{"N":"%d"}}' % (i, rng.randrange(10**9))
                     for i in range(6000))
    big = ('{"RequestItems":{"t":[' + items + "]}}").encode()
    big = big + b" " * (200 * 1024 - len(big)) if len(big) < 200 * 1024 else big
    assert len(big) >= 200 * 1024
    cases.append(sign("ddb_large_body_200k", d,
                      ddb_headers("DynamoDB_20120810.BatchWriteItem"), body=big))
    utf8 = '{"TableName":"caf\u00e9","Item":{"k":{"S":"\u65e5\u672c\u8a9e \U0001F600 \u00fc\u00df"}}}'
    cases.append(sign("ddb_utf8_body", d,
                      ddb_headers("DynamoDB_20120810.PutItem"),
                      body=utf8.encode("utf-8")))
    cases.append(sign("header_whitespace", d,
                      [("Host", "  " + DDB_HOST + "  "),
                       ("Content-Type", "\t" + JSON + " "),
                       ("X-Amz-Target", "  DynamoDB_20120810.Scan"),
                       ("X-Amz-Date", d),
                       ("X-Custom", "  a   b \t\t c  "),
                       ("X-Empty", ""),
                       ("X-Spaces-Only", "   ")],
                      body=scan))
    cases.append(sign("region_eu_west_1_leap_day", "20240229T235959Z",
                      ddb_headers(host="dynamodb.eu-west-1.amazonaws.com",
                                  date="20240229T235959Z"),
                      body=scan, region="eu-west-1"))
    cases.append(sign("region_ap_southeast_2_new_year", "20300101T000000Z",
                      ddb_headers(host="dynamodb.ap-southeast-2.amazonaws.com",
                                  date="20300101T000000Z"),
                      body=scan, region="ap-southeast-2"))
    cases.append(sign("query_and_path_with_space", d,
                      [("Host", "example.amazonaws.com"), ("X-Amz-Date", d)],
                      method="GET", path="/a b/c", query="a=b c&z=1&A=~x",
                      service="service"))
    cases.append(sign("query_encoded_repeated_keys", d,
                      [("Host", "example.amazonaws.com"), ("X-Amz-Date", d)],
                      method="GET", path="/",
                      query="b=2&a=z&a=y&c&d=%2F%20x&e=%E2%98%83&&f=1=2&g=%zz&h=+&=v&",
                      service="service"))
    cases.append(sign("path_dot_segments_and_double_encoding", d,
                      [("Host", "example.amazonaws.com"), ("X-Amz-Date", d)],
                      method="GET", path="/foo/./bar/../baz//q%20ux/\u00e9:x@y/",
                      service="service"))
    cases.append(sign("long_header_64k", d,
                      ddb_headers() + [("X-Amz-Meta-Long",
                                        "".join(rng.choice("abcdefghij ") for _ in range(65536)))],
                      body=scan))
    cases.append(sign("duplicate_headers_combined", d,
                      ddb_headers() + [("X-Dup", "first"), ("X-Other", "o"),
                                       ("x-dup", "  second   value "),
                                       ("X-DUP", "third")],
                      body=scan))
    cases.append(sign("unsigned_payload_header", d,
                      ddb_headers() + [("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD")],
                      body=scan))
    cases.append(sign("lowercase_method_utf8_header", d,
                      [("Host", "example.amazonaws.com"), ("X-Amz-Date", d),
                       ("X-Meta", "caf\u00e9 \u2603")],
                      method="get", path="", service="service"))
    cases.append(sign("other_service_secret_chars", "19991231T235959Z",
                      [("Host", "sts.amazonaws.com"), ("X-Amz-Date", "19991231T235959Z"),
                       ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                      body=b"Action=GetCallerIdentity&Version=2011-06-15",
                      service="sts", ak="AKIA/WEIRD+KEY",
                      sk="s3cr3t/with+all=sorts%of\u00e9chars"))
    return cases


TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_!#$&'*+.^`|~"
VALUE_CHARS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
               " \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + "\u00e9\u2603"
PATH_CHARS = "abcXYZ019-._~!$&'()*+,;=:@% /\u00e9"
QUERY_CHARS = "abcXYZ019-._~!$'()*+,;:@/? =&\u00e9"
RESERVED_NAMES = {"authorization", "x-amz-date", "x-amz-security-token",
                  "x-amz-content-sha256", "date", "host"} | set(SIGNED_HEADERS_BLACKLIST)


def random_query(rng):
    parts = []
    for _ in range(rng.randrange(0, 6)):
        s = []
        for _ in range(rng.randrange(0, 8)):
            r = rng.random()
            if r < 0.15:
                s.append("%%%02X" % rng.choice(b"abz /%&=+~\x01"))
            elif r < 0.2:
                s.append("%E2%82%AC")
            else:
                s.append(rng.choice(QUERY_CHARS))
        parts.append("".join(s))
    return "&".join(parts)


def random_case(rng, i):
    y, mo = rng.randrange(1971, 2100), rng.randrange(1, 13)
    da = rng.randrange(1, 29)
    amz = "%04d%02d%02dT%02d%02d%02dZ" % (y, mo, da, rng.randrange(24),
                                         rng.randrange(60), rng.randrange(60))
    headers = [("Host", rng.choice([DDB_HOST, "127.0.0.1:45100", "h.example"])),
               ("X-Amz-Date", amz)]
    for _ in range(rng.randrange(0, 6)):
        while True:
            hn = "".join(rng.choice(TOKEN_CHARS) for _ in range(rng.randrange(1, 12)))
            if hn.lower() not in RESERVED_NAMES:
                break
        hv = "".join(rng.choice(VALUE_CHARS) for _ in range(rng.randrange(0, 40)))
        headers.append((hn, hv))
        if rng.random() < 0.2:
            headers.append((hn.upper(), "dup " + hv))
    path = "/" + "".join(rng.choice(PATH_CHARS) for _ in range(rng.randrange(0, 20)))
    query = random_query(rng) if rng.random() < 0.7 else None
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
    token = None
    if rng.random() < 0.3:
        token = "".join(rng.choice(TOKEN_CHARS + "/=") for _ in range(rng.randrange(1, 400)))
        headers.append(("X-Amz-Security-Token", token))
    method = rng.choice(["GET", "POST", "PUT", "DELETE", "post"])
    region = rng.choice(["us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1"])
    service = rng.choice(["dynamodb", "service", "execute-api"])
    return sign("random_%02d" % i, amz, headers, method=method, path=path,
                query=query, body=body, region=region, service=service,
                token=token, scheme=rng.choice(["http", "https"]))


def write_case(out, c):
    out.write("case %s\n" % pct(c["name"]))
    for key in ("method", "path", "query", "region", "service", "access_key",
                "secret_key", "amz_date"):
        if c[key] is not None:
            out.write("%s %s\n" % (key, pct(c[key])))
    for hn, hv in c["headers"]:
        out.write("header %s %s\n" % (pct(hn), pct(hv)))
    out.write("payload %s\n" % pct(c["payload"]))
    out.write("payload_sha256 %s\n" % c["payload_sha256"])
    out.write("epoch %d\n" % c["epoch"])
    for key in ("creq", "sts", "auth"):
        out.write("%s %s\n" % (key, pct(c[key])))
    out.write("end\n")


def main():
    cases = fixed_cases()
    rng = random.Random(4242)
    cases += [random_case(rng, i) for i in range(40)]
    out = open(sys.argv[1], "w", encoding="ascii") if len(sys.argv) > 1 else sys.stdout
    out.write("# SigV4 vectors from botocore %s; see gen_vectors.py\n" % botocore.__version__)
    for c in cases:
        write_case(out, c)
    if out is not sys.stdout:
        out.close()
    sys.stderr.write("gen_vectors: %d cases\n" % len(cases))


if __name__ == "__main__":
    main()
