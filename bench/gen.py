#!/usr/bin/env python3
"""Benchmark data generator: creates the table maip-bench-items on a
DynamoDB endpoint (dynalite in bench/run.sh) and loads N items of every
attribute type, about 300 bytes each, with BatchWriteItem from a few threads.

Key: pk (S, "p000000".."p0NNNNN", ten items per partition) + sk (N, 0..9),
so a full-key lookup is one GetItem.  Deterministic: item i is the same on
every run, so two runs scan the same data.

    gen.py --endpoint URL [--items N] [--table NAME] [--keys-out FILE]
"""
import argparse
import base64
import concurrent.futures
import random
import sys
import time

import boto3
from botocore.config import Config

TABLE = "maip-bench-items"
STATUSES = ["new", "paid", "shipped", "delivered", "refunded", "cancelled"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def key_of(i):
    return "p%06d" % (i // 10), i % 10


def item(i):
    """Item i: S, N (integer and fraction), B, BOOL, NULL, M, L, SS, NS, BS."""
    rng = random.Random(i)
    pk, sk = key_of(i)
    return {
        "pk": {"S": pk},
        "sk": {"N": str(sk)},
        "name": {"S": "customer %d %s" % (i, rng.choice(WORDS))},
        "status": {"S": rng.choice(STATUSES)},
        "qty": {"N": str(rng.randint(1, 500))},
        "price": {"N": "%d.%02d" % (rng.randint(0, 9999), rng.randint(0, 99))},
        "blob": {"B": bytes(rng.getrandbits(8) for _ in range(24))},
        "active": {"BOOL": i % 3 != 0},
        "gone": {"NULL": True},
        "addr": {"M": {"city": {"S": rng.choice(WORDS).title() + "ville"},
                       "zip": {"N": str(rng.randint(10000, 99999))},
                       "primary": {"BOOL": i % 2 == 0}}},
        "hist": {"L": [{"N": str(rng.randint(0, 99))}, {"S": rng.choice(WORDS)},
                       {"BOOL": False}, {"NULL": True}]},
        "tags": {"SS": sorted(set(rng.sample(WORDS, 3)))},
        "scores": {"NS": sorted({str(rng.randint(0, 1000)) for _ in range(3)})},
        "keys": {"BS": [bytes([i % 256, j]) * 4 for j in range(2)]},
        "note": {"S": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(60))},
    }


def client(endpoint, region):
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name=region,
        aws_access_key_id="AKIAMAIPBENCH0000000", aws_secret_access_key="maip-bench-secret",
        config=Config(retries={"max_attempts": 10, "mode": "standard"}, max_pool_connections=16))


def write_range(c, table, lo, hi):
    for start in range(lo, hi, 25):
        reqs = [{"PutRequest": {"Item": item(i)}} for i in range(start, min(start + 25, hi))]
        pending = {table: reqs}
        while pending:
            r = c.batch_write_item(RequestItems=pending)
            pending = r.get("UnprocessedItems") or {}
            if pending:
                time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--items", type=int, default=100000)
    ap.add_argument("--table", default=TABLE)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--keys-out", help="write 2,000 random full keys (pk<TAB>sk) here")
    a = ap.parse_args()

    c = client(a.endpoint, a.region)
    if a.table in c.list_tables()["TableNames"]:
        c.delete_table(TableName=a.table)
        c.get_waiter("table_not_exists").wait(TableName=a.table, WaiterConfig={"Delay": 0.2})
    c.create_table(
        TableName=a.table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST")
    c.get_waiter("table_exists").wait(TableName=a.table, WaiterConfig={"Delay": 0.2})

    t0 = time.time()
    step = (a.items + a.threads - 1) // a.threads
    with concurrent.futures.ThreadPoolExecutor(a.threads) as ex:
        futs = [ex.submit(write_range, c, a.table, lo, min(lo + step, a.items))
                for lo in range(0, a.items, step)]
        for f in futs:
            f.result()
    n = c.describe_table(TableName=a.table)["Table"].get("ItemCount")
    print("gen: %d items into %s in %.1f s (DescribeTable ItemCount %s)"
          % (a.items, a.table, time.time() - t0, n), file=sys.stderr)

    if a.keys_out:
        rng = random.Random(12)
        with open(a.keys_out, "w") as f:
            for _ in range(2000):
                pk, sk = key_of(rng.randrange(a.items))
                f.write("%s\t%d\n" % (pk, sk))


if __name__ == "__main__":
    main()
