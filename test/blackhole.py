#!/usr/bin/env python3
"""A TCP endpoint on loopback that accepts connections and never answers.

The FDW's request_timeout, statement_timeout and query-cancel tests point a
server at it.  It holds at most 64 connections, closes each after 120 s,
and exits by itself after --lifetime seconds.
"""
import argparse
import selectors
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--lifetime", type=int, default=3600)
args = ap.parse_args()

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", args.port))
srv.listen(64)
sel = selectors.DefaultSelector()
sel.register(srv, selectors.EVENT_READ)
held = {}
end = time.time() + args.lifetime
while time.time() < end:
    for key, _ in sel.select(timeout=1):
        if key.fileobj is srv:
            conn, _ = srv.accept()
            conn.setblocking(False)
            sel.register(conn, selectors.EVENT_READ)
            held[conn] = time.time()
        else:
            try:
                if not key.fileobj.recv(65536):  # peer closed
                    raise OSError
            except OSError:
                sel.unregister(key.fileobj)
                held.pop(key.fileobj, None)
                key.fileobj.close()
    for conn, t in list(held.items()):
        if time.time() - t > 120 or len(held) > 64:
            sel.unregister(conn)
            held.pop(conn)
            conn.close()
