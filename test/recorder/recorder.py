#!/usr/bin/env python3
"""A recording DynamoDB endpoint for the operations moto does not implement.

moto accepts UpdateTable with ReplicaUpdates but ignores it, so the
global-table functions (add_replica, remove_replica, list_replicas, the
replica part of describe_table and wait_for_table) are tested against this
small server instead: it records every request (operation, JSON body and the
SigV4 credential scope) and answers with the response shapes of the DynamoDB
API reference, for a few fake tables of the MAIP env "prod":

  maip-prod-merchant-analytics  a global table (version 2019.11.21) with a
                                replica in eu-west-1.  ReplicaUpdates Create
                                adds a replica that goes CREATING 0% ->
                                CREATING 50% -> ACTIVE, one step per
                                DescribeTable; Delete goes DELETING ->
                                DELETING -> gone.  The table is UPDATING
                                while a replica changes.
  maip-prod-stuck               UPDATING forever (wait timeouts, cancel).
  maip-prod-odd                 UPDATING forever, with an index whose name
                                holds control characters (messages must
                                strip them); not listed by ListTables.
  maip-prod-denied              DescribeTable is refused with
                                AccessDeniedException; not listed.

ListTables and ListBackups answer two items per page, so that callers must
follow LastEvaluatedTableName / LastEvaluatedBackupArn.  It listens on
127.0.0.1 only and exits by itself after IDLE seconds without a request.

  recorder.py start [--idle SECONDS]   start in the background, print its URL
  recorder.py log [--unique] URL       print and forget the recorded requests
                                       (--unique: each distinct request once,
                                       without a count)
  recorder.py stop URL                 stop it
"""

import argparse
import http.server
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.request

ACCOUNT = "123456789012"
REGION = "us-east-1"
CREATED = 1795600000.0  # 2026-11-24T21:46:40Z: fixed, so outputs are stable


def table_arn(name):
    return "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, name)


def backup_arn(table, n):
    return "%s/backup/0179560000000%d-0000000%d" % (table_arn(table), n, n)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.log = []
        self.tables = {
            "maip-prod-merchant-analytics": {
                "status": "ACTIVE",
                "keys": [("merchantId", "HASH"), ("eventType#timestamp", "RANGE")],
                # region -> list of states still to come (first = current)
                "replicas": {"eu-west-1": [("ACTIVE", None)]},
            },
            "maip-prod-stuck": {
                "status": "UPDATING",
                "keys": [("id", "HASH")],
                "replicas": {},
            },
        }
        self.other_tables = ["maip-staging-orders", "other-team-table"]
        self.backups = [
            ("maip-prod-merchant-analytics", "maip-prod-merchant-analytics-20261120", 1, 2048, "USER"),
            ("maip-prod-merchant-analytics", "maip-prod-merchant-analytics-20261121", 2, 4096, "USER"),
            ("maip-prod-stuck", "maip-prod-stuck-daily", 3, 0, "SYSTEM"),
        ]


STATE = State()


class AwsError(Exception):
    def __init__(self, status, type_, message):
        super().__init__(message)
        self.status, self.type, self.message = status, type_, message


def describe(name, advance):
    t = STATE.tables.get(name)
    if t is None:
        raise AwsError(400, "ResourceNotFoundException", "Requested resource not found: Table: %s not found" % name)
    if advance:
        for region in list(t["replicas"]):
            steps = t["replicas"][region]
            if len(steps) > 1:
                steps.pop(0)
            if steps[0][0] is None:
                del t["replicas"][region]
    replicas = []
    changing = False
    for region in sorted(t["replicas"]):
        status, progress = t["replicas"][region][0]
        r = {"RegionName": region, "ReplicaStatus": status,
             "ReplicaTableClassSummary": {"TableClass": "STANDARD"}}
        if progress is not None:
            r["ReplicaStatusPercentProgress"] = progress
        if status != "ACTIVE":
            changing = True
        replicas.append(r)
    status = t["status"]
    if name != "maip-prod-stuck":
        status = "UPDATING" if changing else "ACTIVE"
    d = {
        "TableName": name,
        "TableArn": table_arn(name),
        "TableId": "00000000-0000-4000-8000-000000000001",
        "TableStatus": status,
        "CreationDateTime": CREATED,
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k, _ in t["keys"]],
        "KeySchema": [{"AttributeName": k, "KeyType": kt} for k, kt in t["keys"]],
        "ItemCount": 3200,
        "TableSizeBytes": 3900000,
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST",
                               "LastUpdateToPayPerRequestDateTime": CREATED},
        "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0,
                                  "WriteCapacityUnits": 0},
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "LatestStreamArn": table_arn(name) + "/stream/2026-11-24T21:46:40.000",
        "LatestStreamLabel": "2026-11-24T21:46:40.000",
        "DeletionProtectionEnabled": False,
    }
    if replicas:
        d["GlobalTableVersion"] = "2019.11.21"
        d["Replicas"] = replicas
    return d


def describe_odd():
    d = describe("maip-prod-stuck", advance=False)
    d.update(TableName="maip-prod-odd", TableArn=table_arn("maip-prod-odd"))
    d["GlobalSecondaryIndexes"] = [{
        "IndexName": "by\x1b[31mred\r\nLOG:  forged\u0085", "IndexStatus": "CREATING",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}]
    return d


def op_describe_table(body):
    name = body.get("TableName")
    if name == "maip-prod-denied":
        raise AwsError(400, "AccessDeniedException",
                       "User: arn:aws:iam::%s:user/recorder is not authorized to perform: "
                       "dynamodb:DescribeTable on resource: %s" % (ACCOUNT, table_arn(name)))
    if name == "maip-prod-odd":
        return {"Table": describe_odd()}
    return {"Table": describe(name, advance=True)}


def op_update_table(body):
    name = body.get("TableName")
    describe(name, advance=False)  # existence
    t = STATE.tables[name]
    updates = body.get("ReplicaUpdates")
    if updates is not None:
        if not isinstance(updates, list) or not updates:
            raise AwsError(400, "ValidationException", "ReplicaUpdates must be a non-empty list")
        for u in updates:
            if not isinstance(u, dict) or len(u) != 1:
                raise AwsError(400, "ValidationException", "Each ReplicaUpdate has exactly one action")
            (action, spec), = u.items()
            region = spec.get("RegionName") if isinstance(spec, dict) else None
            if action not in ("Create", "Update", "Delete") or not region:
                raise AwsError(400, "ValidationException", "Invalid ReplicaUpdate")
            if action == "Create":
                if region in t["replicas"]:
                    raise AwsError(400, "ValidationException", "Replica already exists in region %s" % region)
                t["replicas"][region] = [("CREATING", "0"), ("CREATING", "50"), ("ACTIVE", None)]
            elif action == "Delete":
                if region not in t["replicas"]:
                    raise AwsError(400, "ValidationException", "No replica in region %s" % region)
                t["replicas"][region] = [("DELETING", None), ("DELETING", None), (None, None)]
    return {"TableDescription": describe(name, advance=False)}


def op_describe_continuous_backups(body):
    describe(body.get("TableName"), advance=False)
    return {"ContinuousBackupsDescription": {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}}


def paginate(items, start, key):
    """Two items per page, starting after the item whose key is start."""
    i = 0
    if start is not None:
        keys = [key(x) for x in items]
        i = keys.index(start) + 1 if start in keys else len(items)
    page = items[i:i + 2]
    last = key(page[-1]) if page and i + 2 < len(items) else None
    return page, last


def op_list_tables(body):
    names = sorted(list(STATE.tables) + STATE.other_tables)
    page, last = paginate(names, body.get("ExclusiveStartTableName"), lambda x: x)
    out = {"TableNames": page}
    if last:
        out["LastEvaluatedTableName"] = last
    return out


def op_list_backups(body):
    backups = [b for b in STATE.backups if body.get("TableName") in (None, b[0])]
    page, last = paginate(backups, body.get("ExclusiveStartBackupArn"), lambda b: backup_arn(b[0], b[2]))
    out = {"BackupSummaries": [{
        "TableName": b[0], "TableId": "00000000-0000-4000-8000-000000000001",
        "TableArn": table_arn(b[0]), "BackupArn": backup_arn(b[0], b[2]), "BackupName": b[1],
        "BackupCreationDateTime": CREATED - 86400 * (4 - b[2]), "BackupStatus": "AVAILABLE",
        "BackupType": b[4], "BackupSizeBytes": b[3]} for b in page]}
    if last:
        out["LastEvaluatedBackupArn"] = last
    return out


OPERATIONS = {
    "DescribeTable": op_describe_table,
    "UpdateTable": op_update_table,
    "DescribeContinuousBackups": op_describe_continuous_backups,
    "ListTables": op_list_tables,
    "ListBackups": op_list_backups,
}

SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "maip-recorder"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, obj, error_type=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "RECORDER0000000000000000000000000000000000000000000")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.touch()
        if self.path == "/_log":
            with STATE.lock:
                log, STATE.log = STATE.log, []
            self.reply(200, log)
        else:
            self.reply(404, {"message": "not found"})

    def do_POST(self):
        self.server.touch()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path == "/_stop":
            self.reply(200, {"stopping": True})
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return
        target = self.headers.get("X-Amz-Target", "")
        op = target.split(".", 1)[1] if target.startswith("DynamoDB_20120810.") else target
        m = SCOPE.search(self.headers.get("Authorization", ""))
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        with STATE.lock:
            STATE.log.append({"op": op, "body": body,
                              "scope": "%s/%s" % m.groups() if m else None})
            try:
                if not isinstance(body, dict):
                    raise AwsError(400, "SerializationException", "Start of structure or map found where not expected")
                if op not in OPERATIONS:
                    raise AwsError(400, "UnknownOperationException", "The recorder does not answer %s" % op)
                result = OPERATIONS[op](body)
            except AwsError as e:
                self.reply(e.status, {"__type": "com.amazonaws.dynamodb.v20120810#" + e.type,
                                      "message": e.message}, e.type)
                return
        self.reply(200, result)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def touch(self):
        self.last = time.monotonic()


def cmd_start(args):
    srv = Server(("127.0.0.1", 0), Handler)
    srv.touch()
    url = "http://127.0.0.1:%d" % srv.server_address[1]
    if os.fork() > 0:
        print(url)  # the parent reports and returns at once
        sys.stdout.flush()
        os._exit(0)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)

    def watchdog():
        while True:
            time.sleep(1)
            if time.monotonic() - srv.last > args.idle:
                srv.shutdown()
                return

    threading.Thread(target=watchdog, daemon=True).start()
    srv.serve_forever(poll_interval=0.2)
    os._exit(0)


def cmd_log(args):
    with urllib.request.urlopen(args.url + "/_log", timeout=10) as r:
        log = json.load(r)
    scopes = set()
    seen = set()
    for rec in log:
        line = "%s %s" % (rec["op"], json.dumps(rec["body"], sort_keys=True, separators=(",", ":")))
        scopes.add(rec["scope"])
        if args.unique and line in seen:
            continue
        seen.add(line)
        print(line)
    count = "all" if args.unique else "%d requests," % len(log)
    if not log:
        print("(no requests)")
    elif scopes == {None}:
        print("(%s unsigned)" % count)
    else:
        print("(%s signed for %s)" % (count, ", ".join(sorted(str(s) for s in scopes))))


def cmd_stop(args):
    req = urllib.request.Request(args.url + "/_stop", data=b"", method="POST")
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except (OSError, socket.error):
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("--idle", type=float, default=300)
    lg = sub.add_parser("log")
    lg.add_argument("--unique", action="store_true")
    lg.add_argument("url")
    sub.add_parser("stop").add_argument("url")
    args = p.parse_args()
    {"start": cmd_start, "log": cmd_log, "stop": cmd_stop}[args.cmd](args)


if __name__ == "__main__":
    main()
