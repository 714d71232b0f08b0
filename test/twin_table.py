#!/usr/bin/env python3
"""One table name, two key schemas: for the table-description cache test.

    twin_table.py create NAME    moto: partition key "a"; dynalite: partition key "b"
    twin_table.py drop NAME      both gone

moto (MAIP_TEST_ENDPOINT, signed with MAIP_TEST_ACCESS_KEY/SECRET_KEY) gets
the items {a: "1", b: "x"} and {a: "2", b: "y"}; dynalite
(MAIP_TEST_DYNALITE_ENDPOINT) gets {b: "x", a: "1"} and {b: "y"} -- an item
without "a", which a stale key schema would let through an exact
`a <> ...` filter.  boto3, independent of the FDW.
"""
import os
import sys

import boto3


def client(endpoint, key, secret):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=os.environ.get("MAIP_TEST_REGION", "us-east-1"),
                        aws_access_key_id=key, aws_secret_access_key=secret)


def clients():
    env = os.environ
    return [
        (client(env["MAIP_TEST_ENDPOINT"], env["MAIP_TEST_ACCESS_KEY"], env["MAIP_TEST_SECRET_KEY"]), "a",
         [{"a": {"S": "1"}, "b": {"S": "x"}}, {"a": {"S": "2"}, "b": {"S": "y"}}]),
        (client(env["MAIP_TEST_DYNALITE_ENDPOINT"], "twin", "twin"), "b",
         [{"b": {"S": "x"}, "a": {"S": "1"}}, {"b": {"S": "y"}}]),
    ]


def drop(c, name):
    try:
        c.delete_table(TableName=name)
        c.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    except c.exceptions.ResourceNotFoundException:
        pass


def main(argv):
    if len(argv) != 3 or argv[1] not in ("create", "drop"):
        sys.exit(__doc__)
    name = argv[2]
    for c, key, items in clients():
        drop(c, name)
        if argv[1] == "create":
            c.create_table(TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                           AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                           BillingMode="PAY_PER_REQUEST")
            c.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
            for it in items:
                c.put_item(TableName=name, Item=it)


if __name__ == "__main__":
    main(sys.argv)
