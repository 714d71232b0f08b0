#!/usr/bin/env python3
"""A synthetic DynamoDB endpoint for the benchmark: serves valid Scan pages
of N distinct items fast, so that the client, not the emulator, is the
bottleneck (the memory-at-1M figure and items per CPU-second).

Items are bench/gen.py's shape, built from a template per request (nothing
is stored); keys are distinct (item i has pk "p%06d" % (i // 10), sk i % 10).
Pages hold --page-items items and chain with LastEvaluatedKey; Segment /
TotalSegments split the item range into contiguous slices.  DescribeTable
answers too.  Signatures are not checked.

    synth.py --port P --items N [--page-items 3700] [--table maip-bench-synth]
"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEM = ('{"pk":{"S":"p%06d"},"sk":{"N":"%d"},"name":{"S":"customer %d golf"},'
        '"status":{"S":"%s"},"qty":{"N":"%d"},"price":{"N":"%d.%02d"},'
        '"blob":{"B":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"},"active":{"BOOL":%s},"gone":{"NULL":true},'
        '"addr":{"M":{"city":{"S":"Deltaville"},"zip":{"N":"%d"},"primary":{"BOOL":true}}},'
        '"hist":{"L":[{"N":"7"},{"S":"echo"},{"BOOL":false},{"NULL":true}]},'
        '"tags":{"SS":["alpha","delta","hotel"]},"scores":{"NS":["12","345","678"]},'
        '"keys":{"BS":["AAAAAA==","AQEBAQ=="]},'
        '"note":{"S":"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusm"}}')
STATUSES = ["new", "paid", "shipped", "delivered", "refunded", "cancelled"]


def item(i):
    return ITEM % (i // 10, i % 10, i, STATUSES[i % 6], i % 500 + 1, i % 9999, i % 100,
                   "true" if i % 3 else "false", 10000 + i % 90000)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, obj_or_text, status=200):
        body = (obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply({"ok": True})

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        op = self.headers.get("X-Amz-Target", "").split(".")[-1]
        a = self.server.args
        if op == "DescribeTable":
            return self.reply({"Table": {
                "TableName": req.get("TableName"), "TableStatus": "ACTIVE",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "sk", "KeyType": "RANGE"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "N"}],
                "ItemCount": a.items, "TableSizeBytes": a.items * 300,
                "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                "TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/" + str(req.get("TableName"))}})
        if op != "Scan":
            return self.reply({"__type": "com.amazon.coral.validate#ValidationException",
                               "message": "synth.py serves Scan and DescribeTable only"}, 400)
        seg, nseg = req.get("Segment", 0), req.get("TotalSegments", 1)
        lo, hi = a.items * seg // nseg, a.items * (seg + 1) // nseg
        start = lo
        esk = req.get("ExclusiveStartKey")
        if esk:
            start = int(esk["pk"]["S"][1:]) * 10 + int(esk["sk"]["N"]) + 1
        limit = min(a.page_items, req.get("Limit", a.page_items))
        end = min(hi, start + limit)
        items = ",".join(item(i) for i in range(start, end))
        out = '{"Count":%d,"ScannedCount":%d,"Items":[%s]' % (end - start, end - start, items)
        if end < hi:
            out += ',"LastEvaluatedKey":{"pk":{"S":"p%06d"},"sk":{"N":"%d"}}' % ((end - 1) // 10, (end - 1) % 10)
        self.reply(out + "}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--items", type=int, default=1000000)
    # DynamoDB stops a page at 1 MB of its own item size (~280 B for these items)
    ap.add_argument("--page-items", type=int, default=3700)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.args = a
    srv.serve_forever()


if __name__ == "__main__":
    main()
