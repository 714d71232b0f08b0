#!/usr/bin/env python3
"""An independent client (boto3) that checks what the DBA functions did.

The regression tests call it through psql's \\! so that the effect of a
restore, a capacity change or PITR is read back by something other than
maip_fdw.  It prints only stable facts (counts, booleans, states), never
ARNs, request ids or timestamps.  Connection settings come from the test
stack's environment (MAIP_TEST_ENDPOINT, MAIP_TEST_ACCESS_KEY,
MAIP_TEST_SECRET_KEY, MAIP_TEST_REGION).

  awscheck.py same-items SRC DST   do both tables hold exactly the same items?
  awscheck.py billing TABLE        billing mode and provisioned units (+ indexes)
  awscheck.py pitr TABLE           point-in-time recovery status
  awscheck.py backup ARN           status of a backup, or "no such backup"
  awscheck.py backups-named NAME   how many backups have that name
  awscheck.py cleanup TPREFIX BPREFIX   delete the tables whose names start with
                                   TPREFIX and the backups whose names start
                                   with BPREFIX (prints nothing)
  awscheck.py drop-tables PREFIX   delete tables starting with PREFIX, say how many
  awscheck.py import-tables        create the tables of the MAIP env "importtest"
                                   (type mapping cases for IMPORT FOREIGN SCHEMA)
"""

import json
import os
import sys
import time

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    sys.exit(87)  # test/recorder/run.sh then tries another python3


def client():
    return boto3.session.Session().client(
        "dynamodb",
        endpoint_url=os.environ["MAIP_TEST_ENDPOINT"],
        region_name=os.environ.get("MAIP_TEST_REGION", "us-east-1"),
        aws_access_key_id=os.environ["MAIP_TEST_ACCESS_KEY"],
        aws_secret_access_key=os.environ["MAIP_TEST_SECRET_KEY"],
        config=Config(retries={"max_attempts": 5, "mode": "standard"}))


def scan_all(c, table):
    items, kw = [], {"TableName": table}
    while True:
        r = c.scan(**kw)
        items.extend(r["Items"])
        if not r.get("LastEvaluatedKey"):
            return items
        kw["ExclusiveStartKey"] = r["LastEvaluatedKey"]


def canonical(item):
    return json.dumps(item, sort_keys=True, default=lambda b: b.hex() if isinstance(b, bytes) else sorted(b))


def same_items(c, src, dst):
    a = sorted(canonical(i) for i in scan_all(c, src))
    b = sorted(canonical(i) for i in scan_all(c, dst))
    if a == b:
        print("%s and %s hold the same %d items" % (src, dst, len(a)))
    else:
        print("%s (%d items) and %s (%d items) differ" % (src, len(a), dst, len(b)))


def billing(c, table):
    t = c.describe_table(TableName=table)["Table"]
    mode = t.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    out = [mode]
    if mode == "PROVISIONED":
        pt = t["ProvisionedThroughput"]
        out[0] += " read=%d write=%d" % (pt["ReadCapacityUnits"], pt["WriteCapacityUnits"])
        for g in t.get("GlobalSecondaryIndexes", []):
            pt = g["ProvisionedThroughput"]
            out.append("index %s read=%d write=%d" % (g["IndexName"], pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]))
    print("%s: %s" % (table, "; ".join(out)))


def pitr(c, table):
    d = c.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    print("%s: point-in-time recovery %s" % (table, d["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]))


def backup(c, arn):
    try:
        d = c.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]
        print("backup %s of %s: %s" % (d["BackupName"], arn.split("/")[1], d["BackupStatus"]))
    except ClientError as e:
        if e.response["Error"]["Code"] in ("BackupNotFoundException", "ResourceNotFoundException"):
            print("no such backup")
        else:
            raise


def backups_named(c, name):
    n, kw = 0, {}
    while True:
        r = c.list_backups(**kw)
        n += sum(1 for b in r.get("BackupSummaries", []) if b["BackupName"] == name)
        if not r.get("LastEvaluatedBackupArn"):
            break
        kw["ExclusiveStartBackupArn"] = r["LastEvaluatedBackupArn"]
    print("%d backup(s) named %s" % (n, name))


def tables_with(c, prefixes):
    names, kw = [], {}
    while True:
        r = c.list_tables(**kw)
        names.extend(r["TableNames"])
        if not r.get("LastEvaluatedTableName"):
            break
        kw["ExclusiveStartTableName"] = r["LastEvaluatedTableName"]
    return [n for n in names if any(n.startswith(p) for p in prefixes)]


def drop_tables(c, prefixes):
    names = tables_with(c, prefixes)
    for n in names:
        c.delete_table(TableName=n)
    for _ in range(100):
        if not tables_with(c, prefixes):
            break
        time.sleep(0.1)
    return len(names)


def cleanup(c, table_prefix, backup_prefix):
    drop_tables(c, [table_prefix])
    kw = {}
    while True:
        r = c.list_backups(**kw)
        for b in r.get("BackupSummaries", []):
            if b["BackupName"].startswith(backup_prefix):
                c.delete_backup(BackupArn=b["BackupArn"])
        if not r.get("LastEvaluatedBackupArn"):
            break
        kw["ExclusiveStartBackupArn"] = r["LastEvaluatedBackupArn"]


def wait_active(c, name):
    for _ in range(100):
        if c.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise SystemExit("table %s did not become ACTIVE" % name)


def import_tables(c):
    """Env "importtest": attributes of mixed types, a '.' in a table name,
    number and binary keys, an acronym and a three-part composite key."""
    drop_tables(c, ["maip-importtest-"])
    c.create_table(
        TableName="maip-importtest-mixed", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    c.create_table(
        TableName="maip-importtest-v1.events", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "HTTPRequestId", "KeyType": "HASH"},
                   {"AttributeName": "event#seq#part", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "HTTPRequestId", "AttributeType": "N"},
                              {"AttributeName": "event#seq#part", "AttributeType": "S"},
                              {"AttributeName": "blobKey", "AttributeType": "B"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-blob",
                                 "KeySchema": [{"AttributeName": "blobKey", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    wait_active(c, "maip-importtest-mixed")
    wait_active(c, "maip-importtest-v1.events")
    for item in [
        {"id": {"S": "a"}, "mixed": {"N": "1"}, "flag": {"BOOL": True}, "note": {"S": "x"},
         "tags": {"SS": ["a", "b"]}, "blob": {"B": b"\x01\x02"}, "maybe": {"NULL": True}},
        {"id": {"S": "b"}, "mixed": {"S": "one"}, "flag": {"BOOL": False}, "note": {"NULL": True},
         "tags": {"SS": ["c"]}, "nums": {"NS": ["1", "2.5"]}},
        {"id": {"S": "c"}, "mixed": {"M": {"k": {"N": "2"}}}, "flag": {"S": "yes"},
         "nums": {"NS": ["3"]}},
    ]:
        c.put_item(TableName="maip-importtest-mixed", Item=item)
    for item in [
        {"HTTPRequestId": {"N": "7"}, "event#seq#part": {"S": "click#0001#a"}, "blobKey": {"B": b"\xff"}},
        {"HTTPRequestId": {"N": "7"}, "event#seq#part": {"S": "view#0002#b#extra"}},
    ]:
        c.put_item(TableName="maip-importtest-v1.events", Item=item)


def main(argv):
    if not argv:
        sys.exit(__doc__)
    c = client()
    cmd, args = argv[0], argv[1:]
    if cmd == "same-items" and len(args) == 2:
        same_items(c, *args)
    elif cmd == "billing" and len(args) == 1:
        billing(c, args[0])
    elif cmd == "pitr" and len(args) == 1:
        pitr(c, args[0])
    elif cmd == "backup" and len(args) == 1:
        backup(c, args[0])
    elif cmd == "backups-named" and len(args) == 1:
        backups_named(c, args[0])
    elif cmd == "cleanup" and len(args) == 2:
        cleanup(c, *args)
    elif cmd == "drop-tables":
        print("dropped %d tables" % drop_tables(c, args))
    elif cmd == "import-tables" and not args:
        import_tables(c)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
