#!/usr/bin/env python3
"""boto3 get_item loop over a key file (pk<TAB>sk a line); prints
"lookups N found F p50_ms X p99_ms Y total_s Z" like bench/floor.c."""
import sys
import time

import boto3

endpoint, table, keyfile = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="AKIAMAIPBENCH0000000", aws_secret_access_key="maip-bench-secret")
keys = [line.split() for line in open(keyfile) if line.strip()]
lat, found = [], 0
t0 = time.perf_counter()
for pk, sk in keys:
    t = time.perf_counter()
    r = c.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"N": sk}})
    found += "Item" in r
    lat.append((time.perf_counter() - t) * 1000)
total = time.perf_counter() - t0
lat.sort()
print("lookups %d found %d p50_ms %.3f p99_ms %.3f total_s %.3f"
      % (len(lat), found, lat[len(lat) // 2], lat[int(len(lat) * 0.99)], total))
