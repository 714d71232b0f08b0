#!/usr/bin/env python3
"""Deterministic DynamoDB fixtures for the maip_fdw test stack (moto).

Subcommands
  bootstrap    create the IAM user + inline policy + access key on a fresh moto
               server (the only unauthenticated calls; see BOOTSTRAP_ACTIONS)
  verify-auth  prove that moto now verifies SigV4 signatures
  load         (re)create every fixture table and write all items
  dump         read every table back with an independent paginated Scan and
               write <dump-dir>/<table>.jsonl plus <dump-dir>/summary.json

Connection settings come from the options or from the environment:
  --endpoint    MAIP_TEST_ENDPOINT      (e.g. http://127.0.0.1:25100)
  --access-key  MAIP_TEST_ACCESS_KEY
  --secret-key  MAIP_TEST_SECRET_KEY
  --dump-dir    MAIP_TEST_DUMP
  --region      AWS region, default us-east-1

Everything is deterministic: fixed random seeds, fixed timestamps, no use of
the current date.  Numbers are written in DynamoDB's canonical form (no
trailing zeros, no exponent) except the deliberately odd values of the
maip-fixture-types table; moto returns N strings verbatim (real DynamoDB
would normalise e.g. "1.5E+10" to "15000000000").

Dump format (one JSON object per line, keys sorted, UTF-8, no ASCII escaping):
  S -> string, N -> JSON number with the exact digits moto returned,
  B -> base64 string, BOOL -> true/false, NULL -> null, M -> object,
  L -> array, SS -> sorted array of strings (code-point order),
  NS -> array of numbers sorted by numeric value, BS -> array of base64
  strings sorted by the raw bytes.
  A string containing '"' or '\\' or a control character is written with the
  usual JSON backslash escape.  Exactly one fixture value does that (the
  `description` of maip-dev-products prod-004 version 5 contains '"');
  summary.json lists per table how many lines contain a backslash.  Load the
  files with
    \\copy t(doc) FROM 'file' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')
  (CSV format does not treat backslashes specially; the data never contains
  the bytes 0x01/0x02 or newlines inside a line).  psql does not interpolate
  variables in \\copy arguments; in a regression test use the server-side
    \\set f :dump '/maip-dev-orders.jsonl'
    COPY t(doc) FROM :'f' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02');
  instead (the dump files are world-readable, PGUSER is a superuser).
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import hashlib
import json
import os
import random
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

REGION_DEFAULT = "us-east-1"
PREFIX = "maip-dev-"

# bootstrap: CreateUser, PutUserPolicy, CreateAccessKey.  moto's
# INITIAL_NO_AUTH_ACTION_COUNT must equal this number exactly.
BOOTSTRAP_ACTIONS = 3
BOOTSTRAP_USER = "maip-test"
BOOTSTRAP_POLICY = "maip-test-allow-all"
DUMMY_KEY_ID = "AKIAMAIPBOOTSTRAP000"
DUMMY_SECRET = "maip-bootstrap-dummy-secret"

BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)


# ---------------------------------------------------------------- helpers --

def ts(seconds: float, millis: bool = False) -> str:
    t = BASE + timedelta(seconds=seconds)
    if millis:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(seconds: float) -> str:
    return (BASE + timedelta(seconds=seconds)).strftime("%Y-%m-%d")


def fmt_num(v) -> str:
    """Canonical DynamoDB number text: no exponent, no trailing zeros."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        raise TypeError("bool is not a number")
    if isinstance(v, int):
        return str(v)
    d = Decimal(v) if not isinstance(v, Decimal) else v
    d = d.normalize()
    if d == 0:
        return "0"
    s = format(d, "f")
    return s


def S(v: str):
    return {"S": v}


def N(v):
    return {"N": fmt_num(v)}


def B(v: bytes):
    return {"B": bytes(v)}


def BOOL(v: bool):
    return {"BOOL": bool(v)}


def NUL():
    return {"NULL": True}


def M(d: dict):
    return {"M": dict(d)}


def L(xs):
    return {"L": list(xs)}


def SS(xs):
    xs = sorted(set(xs))
    assert xs, "empty SS"
    return {"SS": xs}


def NS(xs):
    xs = sorted({fmt_num(x) for x in xs}, key=Decimal)
    assert xs, "empty NS"
    return {"NS": xs}


def BS(xs):
    xs = sorted({bytes(x) for x in xs})
    assert xs, "empty BS"
    return {"BS": xs}


def money(rng: random.Random, lo: float, hi: float) -> Decimal:
    cents = rng.randint(int(lo * 100), int(hi * 100))
    return Decimal(cents) / 100


def av_size(av) -> int:
    """moto's size estimate of one attribute value (see moto DynamoType.size)."""
    (t, v), = av.items()
    if t == "N":
        return len(v)
    if t == "S":
        return len(v.encode("utf-8"))
    if t == "B":
        return len(base64.b64encode(v))
    if t in ("BOOL", "NULL"):
        return 1
    if t == "SS":
        return sum(len(x.encode("utf-8")) for x in v)
    if t == "NS":
        return sum(len(x) for x in v)
    if t == "BS":
        return sum(len(base64.b64encode(x)) for x in v)
    if t == "L":
        return sum(av_size(x) for x in v)
    if t == "M":
        return sum(len(k.encode("utf-8")) + av_size(x) for k, x in v.items())
    raise ValueError(t)


def item_size(item: dict) -> int:
    return sum(len(k.encode("utf-8")) + av_size(v) for k, v in item.items())


CUSTOMERS = ["cust-%d" % i for i in range(1, 31)]
CURRENCIES = ["USD", "EUR", "GBP"]
COUNTRIES = ["US", "DE", "GB", "FR", "CA", "NL", "ES", "IE"]
CITIES = {
    "US": "Austin", "DE": "München", "GB": "London", "FR": "Besançon",
    "CA": "Montréal", "NL": "Utrecht", "ES": "A Coruña", "IE": "Dublin",
}


# ----------------------------------------------------------------- tables --

def gen_products():
    rng = random.Random(1001)
    names = [
        "Merchant Cash Advance", "Term Loan", "Crédit Équipement", "Invoice Financing",
        "Revenue-Based Loan", "Línea de Crédito", "Bridge Loan", "Inventory Line",
        "POS Terminal Lease", "Überbrückungskredit", "Card Processing Plus", "Working Capital Flex",
    ]
    categories = ["lending", "leasing", "payments"]
    versions = [3, 4, 2, 5, 3, 4, 3, 2, 4, 3, 4, 3]  # 40 items
    items = []
    for p, nv in enumerate(versions, start=1):
        pid = "prod-%03d" % p
        cat = categories[p % 3]
        base_price = money(rng, 49, 4999)
        for v in range(1, nv + 1):
            t = p * 86400 * 3 + v * 86400 * 17
            it = {
                "productId": S(pid),
                "version": N(v),
                "name": S(names[p - 1]),
                "category": S(cat),
                "price": N(base_price + Decimal(v - 1) * Decimal("10.25")),
                "active": BOOL(v == nv),
                "status": S("published" if v == nv else ("retired" if v < nv - 1 else "superseded")),
                "meta.version": S("%d.%d.0" % (v, rng.randint(0, 9))),
                "date": S(day(t)),
                "timestamp": S(ts(t)),
                "dimensions": M({
                    "width": N(money(rng, 1, 80)),
                    "height": N(rng.randint(1, 200)),
                    "unit": S("cm"),
                    "weights": L([N(money(rng, 0, 20)), N(money(rng, 0, 20))]),
                }),
            }
            if v % 2 == 1:
                it["features"] = L([S("feature-%d" % rng.randint(1, 9)), N(rng.randint(1, 100)),
                                    BOOL(rng.random() < 0.5), M({"tier": S("gold"), "rank": N(-rng.randint(1, 5))})])
            if p % 3 != 0:
                it["sizes"] = SS(rng.sample(["S", "M", "L", "XL", "XXL"], rng.randint(1, 4)))
            if p % 4 != 1:
                it["scores"] = NS([money(rng, -5, 5) for _ in range(rng.randint(1, 4))] + [rng.randint(1, 10)])
            if p % 5 == 2:
                it["thumbnail"] = B(hashlib.sha256(("%s-%d" % (pid, v)).encode()).digest()[:12])
                it["checksums"] = BS([hashlib.md5(("%s-%d-%d" % (pid, v, k)).encode()).digest()[:6] for k in range(3)])
            if v < nv and p % 2 == 0:
                it["discontinuedAt"] = NUL()
            if p == 4 and v == nv:
                it["description"] = S('Ships with a 12" display; "Überbrückung" edition')
            elif v == nv:
                it["description"] = S("%s, version %d" % (names[p - 1], v))
            items.append(it)
    return items


def gen_customers():
    rng = random.Random(1002)
    first = ["Ada", "Zoë", "José", "Li", "Chloé", "Omar", "Ingrid", "Mateo", "Aiyana", "Søren"]
    last = ["Ångström", "Núñez", "Müller", "O'Brien", "Nakamura", "Okafor", "Dubois", "Kowalski", "Silva", "Østergaard"]
    items = []
    for i, cid in enumerate(CUSTOMERS, start=1):
        t = i * 3600 * 11
        country = COUNTRIES[i % len(COUNTRIES)]
        it = {
            "customerId": S(cid),
            "timestamp": S(ts(t)),
            "name": S("%s %s" % (first[i % 10], last[(i * 7) % 10])),
            "tier": S(["bronze", "silver", "gold", "platinum"][i % 4]),
            "creditLimit": N(rng.randint(5, 200) * 1000),
            "balance": N(money(rng, -2500, 9000)),
            "riskScore": N(Decimal(rng.randint(0, 1000)) / 1000),
            "active": BOOL(i % 7 != 0),
            "status": S("active" if i % 7 != 0 else "suspended"),
            "date": S(day(t)),
            "phones": L([S("+1-555-%04d" % rng.randint(0, 9999)) for _ in range(1 + i % 3)]),
            "preferences": M({
                "newsletter": BOOL(i % 2 == 0),
                "channels": L([S(c) for c in ["email", "sms", "push"][: 1 + i % 3]]),
                "language": S(["en", "de", "fr", "es"][i % 4]),
            }),
            "segments": SS(rng.sample(["smb", "enterprise", "retail", "online", "b2b", "new"], 1 + i % 3)),
        }
        if i % 10 != 3:
            it["email"] = S("%s@example.com" % cid)
        if i == 13:
            it["address"] = NUL()
        else:
            it["address"] = M({
                "street": S("%d Main St" % (i * 3)),
                "city": S(CITIES[country]),
                "postcode": S("%05d" % (i * 1234 % 100000)),
                "country": S(country),
                "geo": M({"lat": N(money(rng, -60, 60)), "lon": N(money(rng, -120, 120))}),
            })
        if i % 6 == 0:
            it["ref#legacy"] = S("LEG-%05d" % (i * 97))
        items.append(it)
    return items


def gen_applications():
    rng = random.Random(1003)
    items = []
    for a in range(1, 11):
        aid = "app-%04d" % a
        cust = CUSTOMERS[(a * 3) % 30]
        final = "approved" if a % 3 != 0 else "rejected"
        amount = rng.randint(10, 500) * 1000
        t0 = a * 86400 * 5
        for k, st in enumerate(["submitted", "in_review", final]):
            t = t0 + k * 3600 * (5 + a)
            when = ts(t)
            it = {
                "applicationId": S(aid),
                "status#timestamp": S("%s#%s" % (st, when)),
                "status": S(st),
                "timestamp": S(when),
                "customerId": S(cust),
                "requestedAmount": N(amount),
                "termMonths": N([6, 12, 24, 36][a % 4]),
                "interestRate": N(Decimal(rng.randint(350, 2400)) / 100),
                "meta.version": N(k + 1),
            }
            if k == 0:
                it["reviewer"] = NUL()
            else:
                it["reviewer"] = S("analyst-%d" % (1 + a % 4))
            if k >= 1:
                it["creditScore"] = N(rng.randint(480, 820))
            if a % 2 == 0:
                it["documents"] = BS([hashlib.sha1(("%s-doc-%d" % (aid, d)).encode()).digest()[:8] for d in range(1 + k)])
            if k == 2:
                it["decision"] = M({
                    "approved": BOOL(final == "approved"),
                    "reason": S("score below threshold" if final == "rejected" else "meets policy"),
                    "conditions": L([S("personal guarantee"), N(Decimal("0.75")), BOOL(True)] if final == "approved" else []),
                    "offer": M({"amount": N(amount * 9 // 10), "apr": N(Decimal("12.5"))}) if final == "approved" else NUL(),
                })
            items.append(it)
    return items


def gen_pricing_rules():
    rng = random.Random(1004)
    items = []
    for r in range(1, 11):
        rid = "rule-%02d" % r
        for k, eff in enumerate(["2026-01-01", "2026-07-01"]):
            it = {
                "ruleId": S(rid),
                "effectiveDate": S(eff),
                "name": S("Rule %d %s" % (r, ["volume", "loyalty", "seasonal", "surcharge"][r % 4])),
                "discountPct": N(Decimal(rng.randint(-500, 2500)) / 100 if r % 4 else Decimal(-rng.randint(1, 40)) / 10),
                "minQuantity": N(rng.randint(1, 50)),
                "maxQuantity": N(rng.randint(51, 500)) if r % 3 else NUL(),
                "regions": SS(rng.sample(COUNTRIES, 1 + r % 4)),
                "tiers": NS(rng.sample([1, 2, 3, 4, 5], 1 + r % 3)),
                "conditions": M({
                    "productIds": L([S("prod-%03d" % (1 + (r + j) % 12)) for j in range(1 + r % 3)]),
                    "minOrderTotal": N(money(rng, 0, 1000)),
                    "channel": S(["web", "pos", "api"][r % 3]),
                }),
                "enabled": BOOL(k == 1 or r % 2 == 0),
                "priority": N(r * 10 + k),
                "date": S(eff),
                "expiresAt": NUL() if k == 1 else S("2026-06-30T23:59:59Z"),
            }
            items.append(it)
    return items


def gen_quotes():
    rng = random.Random(1005)
    items = []
    for q in range(1, 41):
        qid = "q-%05d" % q
        cust = CUSTOMERS[rng.randrange(30)]
        t = q * 3600 * 13 + rng.randint(0, 3599)
        when = ts(t)
        lines = []
        amount = Decimal(0)
        for _ in range(rng.randint(1, 4)):
            qty = rng.randint(1, 10)
            unit = money(rng, 5, 400)
            amount += qty * unit
            lines.append(M({"productId": S("prod-%03d" % rng.randint(1, 12)), "version": N(rng.randint(1, 2)),
                            "qty": N(qty), "unitPrice": N(unit)}))
        it = {
            "quoteId": S(qid),
            "customerId#timestamp": S("%s#%s" % (cust, when)),
            "customerId": S(cust),
            "timestamp": S(when),
            "date": S(day(t)),
            "amount": N(amount),
            "currency": S(CURRENCIES[q % 3]),
            "lines": L(lines),
            "validUntil": S(day(t + 30 * 86400)),
            "accepted": BOOL(q % 3 == 0),
            "status": S(["draft", "sent", "accepted", "expired"][q % 4] if q % 3 else "accepted"),
        }
        if q % 5 == 0:
            it["signature"] = B(hashlib.sha256(qid.encode()).digest())
        if q % 4 == 1:
            it["notes"] = L([S("call back"), N(q), BOOL(q % 2 == 0), NUL()])
        if q % 6 == 0:
            it["discount"] = N(-money(rng, 1, 50))
        items.append(it)
    return items


def gen_orders():
    rng = random.Random(1006)
    custs = list(CUSTOMERS)
    rng.shuffle(custs)
    statuses = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded"]
    tagpool = ["gift", "express", "b2b", "promo", "fragile", "subscription", "first-order"]
    items = []
    for o in range(1, 201):
        oid = "ord-%05d" % o
        cust = custs[o - 1] if o <= 30 else custs[rng.randrange(30)]
        t = o * 5400 + rng.randint(0, 1799)
        when = ts(t)
        lines = []
        total = Decimal(0)
        for _ in range(rng.randint(1, 5)):
            qty = rng.randint(1, 6)
            price = money(rng, 2, 350)
            total += qty * price
            lines.append(M({"sku": S("SKU-%04d" % rng.randint(1, 300)), "qty": N(qty), "price": N(price)}))
        status = statuses[rng.randrange(len(statuses))]
        it = {
            "orderId": S(oid),
            "customerId#timestamp": S("%s#%s" % (cust, when)),
            "customerId": S(cust),
            "timestamp": S(when),
            "date": S(day(t)),
            "total": N(total),
            "paid": BOOL(status in ("paid", "shipped", "delivered", "refunded")),
            "status": S(status),
            "items": L(lines),
            "currency": S(CURRENCIES[rng.randrange(3)]),
            "meta.version": N(1 + o % 3),
        }
        if rng.random() < 0.85:
            it["tags"] = SS(rng.sample(tagpool, rng.randint(1, 3)))
        if o % 10 == 7:
            it["note"] = S(["leave at door", "call on arrival", "Lieferung an Nachbarn", "invoice to HQ"][o % 4])
        if o % 9 != 0:
            country = COUNTRIES[rng.randrange(len(COUNTRIES))]
            it["shipping"] = M({"method": S(["ground", "express", "pickup"][o % 3]),
                                "cost": N(money(rng, 0, 40)),
                                "address": M({"city": S(CITIES[country]), "country": S(country)})})
        if status == "refunded":
            it["adjustment"] = N(-total)
        if o % 25 == 0:
            it["coupon"] = NUL()
        items.append(it)
    return items


def gen_audit():
    rng = random.Random(1007)
    entities = ([("order", "ord-%05d" % i) for i in range(1, 41)]
                + [("quote", "q-%05d" % i) for i in range(1, 31)]
                + [("customer", c) for c in CUSTOMERS])
    actors = ["system", "alice@example.com", "bob@example.com", "batch-job", "Renée@example.com"]
    items = []
    for e, (etype, eid) in enumerate(entities):
        t = e * 7200
        for k in range(3):
            t += rng.randint(60, 86400)
            action = ["create", "update", "update", "delete", "view"][0 if k == 0 else rng.randint(1, 4)]
            it = {
                "entityType#entityId": S("%s#%s" % (etype, eid)),
                "timestamp": S(ts(t)),
                "entityType": S(etype),
                "entityId": S(eid),
                "action": S(action),
                "actor": S(actors[rng.randrange(len(actors))]),
                "success": BOOL(rng.random() < 0.93),
                "latencyMs": N(rng.randint(1, 2500)),
                "ip": S("10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))),
                "requestId": S("req-%08x" % rng.getrandbits(32)),
                "meta.version": N(k + 1),
                "trace#id": S("%016x" % rng.getrandbits(64)),
            }
            if action == "update":
                field = ["status", "total", "email", "tier"][rng.randrange(4)]
                old = NUL() if rng.random() < 0.3 else S("v%d" % rng.randint(1, 9))
                it["changes"] = M({field: M({"old": old, "new": S("v%d" % rng.randint(1, 9))}),
                                   "fields": L([S(field), N(1)])})
            if k == 2 and e % 4 == 0:
                it["payloadDigest"] = B(hashlib.md5(("%s%d" % (eid, k)).encode()).digest())
            if e % 11 == 5:
                it["diff"] = L([N(-rng.randint(1, 99)), S("x"), L([BOOL(False), NUL()])])
            items.append(it)
    return items


def gen_merchant_analytics():
    # Few attribute values per item, most bytes in one string: moto's response
    # serializer costs ~10 us per attribute value node, not per byte, so this
    # keeps a full 4-page Scan at a few seconds instead of ~10 s.
    rng = random.Random(1008)
    browsers = ["Firefox", "Chrome", "Safari", "Edge"]
    oses = ["Linux", "Windows", "macOS", "iOS", "Android"]
    items = []
    for m in range(1, 21):
        mid = "merch-%02d" % m
        t = m * 1000.0
        for e in range(160):
            t += rng.randint(5, 900) + rng.randint(0, 999) / 1000.0
            r = rng.random()
            etype = "view" if r < 0.6 else "click" if r < 0.85 else "purchase" if r < 0.97 else "refund"
            when = ts(t, millis=True)
            it = {
                "merchantId": S(mid),
                "eventType#timestamp": S("%s#%s" % (etype, when)),
                "eventType": S(etype),
                "timestamp": S(when),
                "sessionId": S("sess-%012x" % rng.getrandbits(48)),
                "durationMs": N(rng.randint(10, 120000)),
                "device": M({"os": S(oses[rng.randrange(5)]), "browser": S(browsers[rng.randrange(4)])}),
                "tags": SS(rng.sample(["mobile", "desktop", "returning", "new", "campaign", "organic"], rng.randint(1, 3))),
            }
            if etype == "purchase":
                it["amount"] = N(money(rng, 1, 900))
                it["currency"] = S(CURRENCIES[rng.randrange(3)])
            elif etype == "refund":
                it["amount"] = N(-money(rng, 1, 300))
                it["currency"] = S(CURRENCIES[rng.randrange(3)])
            # pad to ~1.2 KB (moto's size estimate) so a full Scan needs 4 pages
            target = rng.randint(1150, 1250)
            pad = max(target - item_size(it) - len("payload"), 1)
            it["payload"] = S(format(rng.getrandbits(4 * pad), "0%dx" % pad))
            items.append(it)
    return items


def fixture_types_items():
    return [
        {
            "id": S("all"),
            "s": S("hello wörld"),
            "n": {"N": "12345678901234567890123456789012345678"},
            "nfrac": {"N": "-3.14159"},
            "nint": {"N": "42"},
            "nfloat": {"N": "0.1"},
            "nexp": {"N": "1.5E+10"},
            "b": B(bytes([0x00, 0x01, 0xFE, 0xFF])),
            "t": BOOL(True),
            "f": BOOL(False),
            "nul": NUL(),
            "m": M({"a": {"N": "1"}, "b": S("x"), "c": L([{"N": "2"}, S("y")]), "d": M({"e": BOOL(True)})}),
            "l": L([S("a"), {"N": "1.5"}, BOOL(False), NUL()]),
            "ss": {"SS": ["a", "b", "c"]},
            "ns": {"NS": ["1", "2.5", "-3"]},
            "bs": {"BS": [b"\x01", b"\x02"]},
            "date": S("2026-11-24"),
            "ts": S("2026-11-24T10:00:00Z"),
            "uuid": S("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            "status": S("active"),
            "timestamp": S("2026-11-24T10:00:00Z"),
            "a.b": S("dot"),
            "x#y": S("hash"),
            "ltext": L([S("p"), S("q")]),
            "lnum": L([{"N": "1"}, {"N": "2"}]),
        },
        {"id": S("missing")},
    ]


def fixture_types_bad_items():
    # values that cannot be converted to the column types the tests give them;
    # kept apart so that scans of maip-fixture-types convert cleanly
    return [
        {"id": S("bad-number"), "n": S("not a number")},
        {"id": S("bad-bool"), "t": S("maybe")},
        {"id": S("bad-date"), "date": S("2026-13-45")},
        {"id": S("big-int"), "nint": {"N": "99999999999999999999"}},
    ]


def fixture_adversarial_items():
    # keys and attribute names that would break an FDW splicing user text
    # into expressions; every one must come back as plain data
    names = {":x": S("colon"), "#y": S("hash"), "a) OR (b": S("paren"),
             "\u540d\u524d": S("unicode"), "status": S("reserved")}
    keys = ["a'b\"c", ":v0", "#n0", "x) OR (attribute_exists(k)", "OR",
            "\u65e5\u672c\u8a9e\U0001f642", "back\\slash", "tab\there"]
    items = []
    for i, k in enumerate(keys):
        it = {"k": S(k), "n": {"N": str(i)}}
        it.update(names)
        items.append(it)
    items.append({"k": S("big"), "n": {"N": "99"}, "blob": S("x" * 65536)})
    return items


def fixture_edge_strings_items():
    # strings PostgreSQL text cannot hold, or that a proxy turns into bytes
    # that are not UTF-8 (test/faultproxy.py's badutf8 mode rewrites
    # BADUTF8); types.sql reads them
    return [
        {"id": S("plain"), "status": S("abc"), "doc": {"M": {"v": S("abc")}}},
        {"id": S("nul"), "status": S("abc\x00def"), "doc": {"M": {"v": S("abc\x00def")}},
         "tags": {"SS": ["x\x00y", "z"]}},
        {"id": S("bad"), "status": S("xBADUTF8y")},
        {"id": S("badname"), "nameBADUTF8": S("v")},
    ]


def T(name, pk, sk, gen, gsis=None):
    return {"name": name, "pk": pk, "sk": sk, "gen": gen, "gsis": gsis or []}


TABLES = [
    T(PREFIX + "products", ("productId", "S"), ("version", "N"), gen_products),
    T(PREFIX + "customers", ("customerId", "S"), ("timestamp", "S"), gen_customers),
    T(PREFIX + "applications", ("applicationId", "S"), ("status#timestamp", "S"), gen_applications),
    T(PREFIX + "pricing-rules", ("ruleId", "S"), ("effectiveDate", "S"), gen_pricing_rules),
    T(PREFIX + "quotes", ("quoteId", "S"), ("customerId#timestamp", "S"), gen_quotes),
    T(PREFIX + "orders", ("orderId", "S"), ("customerId#timestamp", "S"), gen_orders,
      gsis=[{"IndexName": "customer-index",
             "KeySchema": [{"AttributeName": "customerId", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "ALL"}}]),
    T(PREFIX + "audit", ("entityType#entityId", "S"), ("timestamp", "S"), gen_audit),
    T(PREFIX + "merchant-analytics", ("merchantId", "S"), ("eventType#timestamp", "S"), gen_merchant_analytics),
    T("maip-fixture-types", ("id", "S"), None, fixture_types_items),
    T("maip-fixture-types-bad", ("id", "S"), None, fixture_types_bad_items),
    T("maip-fixture-adversarial", ("k", "S"), None, fixture_adversarial_items),
    T("maip-fixture-edge-strings", ("id", "S"), None, fixture_edge_strings_items),
]


# the pagination tests rely on this table needing several 1 MB Scan pages
MIN_SCAN_PAGES = {PREFIX + "merchant-analytics": 3}


def check_items(spec, items):
    keys = set()
    for it in items:
        k = (it[spec["pk"][0]][spec["pk"][1]], it[spec["sk"][0]][spec["sk"][1]] if spec["sk"] else None)
        if k in keys:
            raise SystemExit("duplicate key %r in %s" % (k, spec["name"]))
        keys.add(k)
        for g in spec["gsis"]:
            for ks in g["KeySchema"]:
                assert ks["AttributeName"] in it, (spec["name"], ks)
        for a, v in it.items():
            if "S" in v:
                assert "\x01" not in v["S"] and "\x02" not in v["S"] and "\n" not in v["S"]


# ----------------------------------------------------------------- client --

def make_client(args, service="dynamodb", key=None, secret=None, retries=8):
    import boto3
    from botocore.config import Config
    session = boto3.session.Session()  # independent session per client
    return session.client(
        service,
        endpoint_url=args.endpoint,
        region_name=args.region,
        aws_access_key_id=key if key is not None else args.access_key,
        aws_secret_access_key=secret if secret is not None else args.secret_key,
        config=Config(retries={"max_attempts": retries, "mode": "standard"},
                      connect_timeout=5, read_timeout=60, max_pool_connections=16),
    )


def need(args, *names):
    missing = [n for n in names if not getattr(args, n)]
    if missing:
        raise SystemExit("fixtures.py: missing %s (option or MAIP_TEST_* env var)" % ", ".join(missing))


# ------------------------------------------------------------- bootstrap --

def cmd_bootstrap(args):
    need(args, "endpoint")
    if args.expect_actions is not None and args.expect_actions != BOOTSTRAP_ACTIONS:
        raise SystemExit("fixtures.py: moto started with INITIAL_NO_AUTH_ACTION_COUNT=%d but bootstrap "
                         "performs %d actions" % (args.expect_actions, BOOTSTRAP_ACTIONS))
    # max_attempts=1: a retried call would consume an extra unauthenticated action
    iam = make_client(args, "iam", DUMMY_KEY_ID, DUMMY_SECRET, retries=1)
    policy = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.create_user(UserName=BOOTSTRAP_USER)                                   # action 1
    iam.put_user_policy(UserName=BOOTSTRAP_USER, PolicyName=BOOTSTRAP_POLICY,   # action 2
                        PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=BOOTSTRAP_USER)["AccessKey"]          # action 3
    out = {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"],
           "user": BOOTSTRAP_USER, "bootstrap_actions": BOOTSTRAP_ACTIONS}
    data = json.dumps(out, indent=2) + "\n"
    if args.out:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(data)
    else:
        sys.stdout.write(data)


def _auth_probe(args, key, secret):
    """ListTables with the given credentials; returns (ok, http_status, code, body_kind)."""
    from botocore.exceptions import ClientError
    c = make_client(args, key=key, secret=secret, retries=1)
    try:
        c.list_tables(Limit=1)
        return {"ok": True, "http_status": 200}
    except ClientError as e:
        err = e.response.get("Error", {})
        msg = err.get("Message", "") or ""
        code = err.get("Code", "")
        m = re.search(r"<Code>([^<]+)</Code>", msg)
        return {"ok": False,
                "http_status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                "code": m.group(1) if m else code,
                "body": "xml" if msg.lstrip().startswith("<") else "json"}


def cmd_verify_auth(args):
    need(args, "endpoint", "access_key", "secret_key")
    res = {
        "valid_key": _auth_probe(args, args.access_key, args.secret_key),
        "wrong_secret": _auth_probe(args, args.access_key, args.secret_key[:-4] + "XXXX"),
        "unknown_key_id": _auth_probe(args, DUMMY_KEY_ID, DUMMY_SECRET),
    }
    problems = []
    if not res["valid_key"]["ok"]:
        problems.append("ListTables with the valid key failed: %r" % res["valid_key"])
    if res["wrong_secret"]["ok"] or res["wrong_secret"].get("code") not in (
            "SignatureDoesNotMatch", "InvalidSignatureException"):
        problems.append("wrong secret was not rejected as a signature mismatch: %r" % res["wrong_secret"])
    if res["unknown_key_id"]["ok"] or res["unknown_key_id"].get("code") not in (
            "InvalidClientTokenId", "UnrecognizedClientException"):
        problems.append("unknown key id was not rejected: %r" % res["unknown_key_id"])
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=2, sort_keys=True)
            f.write("\n")
    if problems:
        raise SystemExit("fixtures.py verify-auth: " + "; ".join(problems))


# ------------------------------------------------------------------- load --

def create_table(client, spec):
    from botocore.exceptions import ClientError
    name = spec["name"]
    try:
        client.delete_table(TableName=name)
        client.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    except ClientError as e:
        if e.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    attrs = {spec["pk"][0]: spec["pk"][1]}
    ks = [{"AttributeName": spec["pk"][0], "KeyType": "HASH"}]
    if spec["sk"]:
        attrs[spec["sk"][0]] = spec["sk"][1]
        ks.append({"AttributeName": spec["sk"][0], "KeyType": "RANGE"})
    kw = {}
    if spec["gsis"]:
        for g in spec["gsis"]:
            for k in g["KeySchema"]:
                attrs.setdefault(k["AttributeName"], "S")
        kw["GlobalSecondaryIndexes"] = spec["gsis"]
    client.create_table(
        TableName=name, KeySchema=ks, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in attrs.items()],
        **kw)
    for _ in range(100):
        if client.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise SystemExit("table %s did not become ACTIVE" % name)


def write_items(client, name, items):
    for i in range(0, len(items), 25):
        req = {name: [{"PutRequest": {"Item": it}} for it in items[i:i + 25]]}
        delay = 0.05
        for _attempt in range(30):
            resp = client.batch_write_item(RequestItems=req)
            req = resp.get("UnprocessedItems") or {}
            if not req:
                break
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        else:
            raise SystemExit("batch_write_item: items still unprocessed for %s" % name)


def load_table(args, spec):
    items = spec["gen"]()
    check_items(spec, items)
    write_items(make_client(args), spec["name"], items)
    return spec["name"], len(items)


def selected(args):
    if not args.tables:
        return TABLES
    want = set(args.tables)
    sel = [t for t in TABLES if t["name"] in want]
    unknown = want - {t["name"] for t in sel}
    if unknown:
        raise SystemExit("unknown table(s): %s" % ", ".join(sorted(unknown)))
    return sel


def cmd_load(args):
    need(args, "endpoint", "access_key", "secret_key")
    specs = selected(args)
    # Tables are created one by one in name order: moto's ListTables returns
    # creation order (AWS returns name order), so this keeps it deterministic
    # and equal to what AWS would list.
    client = make_client(args)
    for spec in sorted(specs, key=lambda s: s["name"]):
        create_table(client, spec)
    # biggest table first so it overlaps with the small ones
    specs = sorted(specs, key=lambda s: s["name"] != PREFIX + "merchant-analytics")
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for name, n in ex.map(lambda s: load_table(args, s), specs):
            if args.verbose:
                print("loaded %-32s %5d items" % (name, n))


# ------------------------------------------------------------------- dump --

_JSON_NUM = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")


def jnum(s: str) -> str:
    if _JSON_NUM.match(s):
        return s
    # e.g. ".5", "007", "+1": same value, JSON-legal spelling
    return format(Decimal(s), "f")


def jstr(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def b64(b) -> str:
    return base64.b64encode(bytes(b)).decode("ascii")


def plain(av) -> str:
    (t, v), = av.items()
    if t == "S":
        return jstr(v)
    if t == "N":
        return jnum(v)
    if t == "B":
        return jstr(b64(v))
    if t == "BOOL":
        return "true" if v else "false"
    if t == "NULL":
        return "null"
    if t == "M":
        return "{" + ",".join(jstr(k) + ":" + plain(v[k]) for k in sorted(v)) + "}"
    if t == "L":
        return "[" + ",".join(plain(x) for x in v) + "]"
    if t == "SS":
        return "[" + ",".join(jstr(x) for x in sorted(v)) + "]"
    if t == "NS":
        return "[" + ",".join(jnum(x) for x in sorted(v, key=Decimal)) + "]"
    if t == "BS":
        return "[" + ",".join(jstr(b64(x)) for x in sorted(bytes(x) for x in v)) + "]"
    raise ValueError("unknown attribute type %r" % t)


def dump_table(args, spec):
    client = make_client(args)  # fresh session: independent of the loader
    name = spec["name"]
    path = os.path.join(args.dump_dir, name + ".jsonl")
    pages = items = backslashes = size = 0
    kw = {"TableName": name}
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        while True:
            resp = client.scan(**kw)
            pages += 1
            for it in resp.get("Items", []):
                line = plain({"M": it})
                if "\\" in line:
                    backslashes += 1
                assert "\n" not in line and "\x01" not in line and "\x02" not in line
                f.write(line + "\n")
                items += 1
                size += item_size(it)
            lek = resp.get("LastEvaluatedKey")
            if not lek:
                break
            kw["ExclusiveStartKey"] = lek
    os.replace(tmp, path)
    os.chmod(path, 0o644)
    expected = len(spec["gen"]())
    return name, {"items": items, "scan_pages": pages, "expected_items": expected,
                  "moto_size_bytes": size, "lines_with_backslash": backslashes}


def cmd_dump(args):
    need(args, "endpoint", "access_key", "secret_key", "dump_dir")
    os.makedirs(args.dump_dir, exist_ok=True)
    os.chmod(args.dump_dir, 0o755)
    specs = selected(args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        results = dict(ex.map(lambda s: dump_table(args, s), specs))
    summary = {"region": args.region,
               "page_size_limit_bytes": 1000000,
               "tables": {k: results[k] for k in sorted(results)}}
    bad = ["%s: %d items, expected %d" % (k, v["items"], v["expected_items"])
           for k, v in results.items() if v["items"] != v["expected_items"]]
    bad += ["%s: a full Scan took %d pages, expected at least %d" % (k, results[k]["scan_pages"], n)
            for k, n in MIN_SCAN_PAGES.items() if k in results and results[k]["scan_pages"] < n]
    if not args.tables:
        with open(os.path.join(args.dump_dir, "summary.json"), "w", encoding="utf-8") as f:
            json.dump(summary, f, sort_keys=True, ensure_ascii=False)  # one line: tests COPY it
            f.write("\n")
        os.chmod(os.path.join(args.dump_dir, "summary.json"), 0o644)
    if args.verbose:
        for k in sorted(results):
            v = results[k]
            print("%-32s items=%-5d pages=%d size=%d" % (k, v["items"], v["scan_pages"], v["moto_size_bytes"]))
    if bad:
        raise SystemExit("fixtures.py dump: item count mismatch: " + "; ".join(bad))


# ------------------------------------------------------------------- main --

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--endpoint", default=os.environ.get("MAIP_TEST_ENDPOINT"))
    p.add_argument("--region", default=os.environ.get("MAIP_TEST_REGION", REGION_DEFAULT))
    p.add_argument("--access-key", default=os.environ.get("MAIP_TEST_ACCESS_KEY"))
    p.add_argument("--secret-key", default=os.environ.get("MAIP_TEST_SECRET_KEY"))
    p.add_argument("--dump-dir", default=os.environ.get("MAIP_TEST_DUMP"))
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("-j", "--jobs", type=int, default=4)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bootstrap", help="create IAM user/policy/key (unauthenticated phase)")
    b.add_argument("--out", help="write the key as JSON to this file (mode 0600)")
    b.add_argument("--expect-actions", type=int, help="moto's INITIAL_NO_AUTH_ACTION_COUNT")
    va = sub.add_parser("verify-auth", help="check that moto verifies SigV4")
    va.add_argument("--out", help="write the probe results as JSON")
    for name in ("load", "dump"):
        sp = sub.add_parser(name)
        sp.add_argument("tables", nargs="*", help="table names (default: all)")
        if name == "load":
            sp.add_argument("--dump", action="store_true", help="dump (see `dump`) after loading")
    sub.add_parser("list", help="print the fixture table names")
    args = p.parse_args(argv)
    if args.cmd == "bootstrap":
        cmd_bootstrap(args)
    elif args.cmd == "verify-auth":
        cmd_verify_auth(args)
    elif args.cmd == "load":
        cmd_load(args)
        if args.dump:
            cmd_dump(args)
    elif args.cmd == "dump":
        cmd_dump(args)
    elif args.cmd == "list":
        for t in TABLES:
            print(t["name"])


if __name__ == "__main__":
    main()
