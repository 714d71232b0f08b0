#!/usr/bin/env python3
"""boto3 paginated Scan of the benchmark table; prints "items N"."""
import sys

import boto3

endpoint, table = sys.argv[1], sys.argv[2]
c = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="AKIAMAIPBENCH0000000", aws_secret_access_key="maip-bench-secret")
n = 0
for page in c.get_paginator("scan").paginate(TableName=table):
    n += len(page["Items"])
print("items %d" % n)
