#!/usr/bin/env python3
"""maip_fdw benchmark: times every client on the same endpoint and writes
bench/report.md (plus bench/chart.png when gnuplot is there).

Run by bench/run.sh, which brings up the stack, loads the data (gen.py) and
builds the floor; this file only measures and reports.  Each figure is the
median of BENCH_REPEAT runs (default 3).  CPU is the client process's user +
system time: for the FDW the backend's, from /proc/<pid>/stat read by the
backend itself (pg_read_file('/proc/self/stat')), for the others the child's
rusage (os.wait4).  Memory is the backend's VmHWM from /proc/self/status.

Environment (set by run.sh): BENCH_PSQL, BENCH_PGPORT, BENCH_ENDPOINT,
BENCH_TABLE, BENCH_ITEMS, BENCH_KEYS, BENCH_FLOOR, BENCH_DIR, BENCH_AWS,
BENCH_NODE (optional), BENCH_REPEAT.
"""
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

E = os.environ
PSQL = E["BENCH_PSQL"]
PGPORT = E["BENCH_PGPORT"]
ENDPOINT = E["BENCH_ENDPOINT"]
TABLE = E.get("BENCH_TABLE", "maip-bench-items")
ITEMS = int(E["BENCH_ITEMS"])
KEYS = E["BENCH_KEYS"]
FLOOR = E["BENCH_FLOOR"]
DIR = E["BENCH_DIR"]
OUT = E.get("BENCH_OUT", DIR)
AWS = E.get("BENCH_AWS", "aws")
NODE = E.get("BENCH_NODE", "")
REPEAT = int(E.get("BENCH_REPEAT", "3"))
SYNTH = E.get("BENCH_SYNTH_ENDPOINT", "")
SYNTH_ITEMS = int(E.get("BENCH_SYNTH_ITEMS", "0") or 0)
TICK = os.sysconf("SC_CLK_TCK")
HERE = os.path.dirname(os.path.abspath(__file__))
DB = "bench"


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def psql(sql, db=DB):
    """Run a psql script; its unaligned, tuples-only output."""
    r = subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                        "-p", PGPORT, "-U", "postgres", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("psql failed:\n%s\n%s" % (sql, r.stderr))
    return r.stdout


def setup_db():
    psql("DROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;" % (DB, DB), db="postgres")
    psql("""
CREATE EXTENSION maip_fdw;
CREATE SERVER bench FOREIGN DATA WRAPPER maip_fdw
  OPTIONS (region 'us-east-1', endpoint '%s');
CREATE USER MAPPING FOR CURRENT_USER SERVER bench
  OPTIONS (access_key_id 'AKIAMAIPBENCH0000000', secret_access_key 'maip-bench-secret');
CREATE FOREIGN TABLE bench_items (
  pk text, sk integer, name text, status text, qty integer, price numeric,
  blob bytea, active boolean, gone text, addr jsonb, hist jsonb,
  tags text[], scores numeric[], keys bytea[], note text
) SERVER bench OPTIONS (table '%s');
CREATE TABLE bench_keys (ord serial, pk text, sk integer);
\\copy bench_keys (pk, sk) FROM '%s'
CREATE FUNCTION bench_lookups(OUT n int, OUT hits int, OUT p50_ms float8, OUT p99_ms float8,
                              OUT total_s float8)
LANGUAGE plpgsql AS $$
DECLARE
  k record;
  r record;
  t timestamptz;
  t0 timestamptz := clock_timestamp();
  lat float8[] := '{}';
BEGIN
  hits := 0;
  FOR k IN SELECT * FROM bench_keys ORDER BY ord LOOP
    t := clock_timestamp();
    SELECT * INTO r FROM bench_items b WHERE b.pk = k.pk AND b.sk = k.sk;
    IF r.pk IS NOT NULL THEN hits := hits + 1; END IF;
    lat := lat || (extract(epoch FROM clock_timestamp() - t) * 1000)::float8;
  END LOOP;
  total_s := extract(epoch FROM clock_timestamp() - t0);
  SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY x),
         percentile_disc(0.99) WITHIN GROUP (ORDER BY x)
    INTO n, p50_ms, p99_ms FROM unnest(lat) x;
END $$;
""" % (ENDPOINT, TABLE, KEYS))
    if SYNTH:
        psql("""
CREATE SERVER synth FOREIGN DATA WRAPPER maip_fdw OPTIONS (region 'us-east-1', endpoint '%s');
CREATE USER MAPPING FOR CURRENT_USER SERVER synth
  OPTIONS (access_key_id 'AKIAMAIPBENCH0000000', secret_access_key 'maip-bench-secret');
CREATE FOREIGN TABLE bench_synth (
  pk text, sk integer, name text, status text, qty integer, price numeric,
  blob bytea, active boolean, gone text, addr jsonb, hist jsonb,
  tags text[], scores numeric[], keys bytea[], note text
) SERVER synth OPTIONS (table 'maip-bench-synth');
""" % SYNTH)


def stat_cpu(stat):
    f = stat[stat.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / TICK  # utime, stime (fields 14, 15)


def fdw_query(q):
    """(wall s, backend CPU s, rows) of one query, rows sent to psql's /dev/null."""
    out = psql("""
SELECT pg_read_file('/proc/self/stat') AS s0, extract(epoch FROM clock_timestamp()) AS t0 \\gset
\\o /dev/null
%s;
\\o
SELECT extract(epoch FROM clock_timestamp()) - :t0, :'s0', pg_read_file('/proc/self/stat');
""" % q).strip()
    wall, s0, s1 = out.split("|")
    return float(wall), stat_cpu(s1) - stat_cpu(s0)


def child(argv, env=None):
    """(wall s, CPU s, stdout) of a child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = b"", b""
    # read everything before reaping, so wait4 gets the rusage
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit("%s failed (%d): %s" % (argv[0], p.returncode, err.decode()[-2000:]))
    return wall, ru.ru_utime + ru.ru_stime, out.decode()


def median_runs(name, fn):
    runs = [fn() for _ in range(REPEAT)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    log("%-28s wall %.3f s  CPU %.3f s  (runs: %s)" % (
        name, wall, cpu, ", ".join("%.2f" % r[0] for r in runs)))
    return {"wall": wall, "cpu": cpu, "walls": [r[0] for r in runs]}


def aws_env():
    env = dict(E, AWS_ACCESS_KEY_ID="AKIAMAIPBENCH0000000", AWS_SECRET_ACCESS_KEY="maip-bench-secret",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    return env


def scans():
    res = {}
    n = int(psql("SELECT count(*) FROM bench_items;").strip())
    if n != ITEMS:
        raise SystemExit("the FDW counts %d items, expected %d" % (n, ITEMS))
    out = child([FLOOR, "scan", ENDPOINT, TABLE])[2]
    if "items %d " % ITEMS not in out:
        raise SystemExit("floor scan: %s" % out)
    res["floor"] = median_runs("C floor (libcurl+cJSON)", lambda: child([FLOOR, "scan", ENDPOINT, TABLE])[:2])
    res["fdw_select"] = median_runs("maip_fdw SELECT *", lambda: fdw_query("SELECT * FROM bench_items"))
    res["fdw_count"] = median_runs("maip_fdw count(*)", lambda: fdw_query("SELECT count(*) FROM bench_items"))
    res["fdw_agg"] = median_runs("maip_fdw aggregate", lambda: fdw_query(
        "SELECT status, sum(qty), avg(price) FROM bench_items GROUP BY status"))
    if NODE:
        res["node"] = median_runs("JavaScript SDK v3", lambda: child(
            [NODE, os.path.join(HERE, "clients", "js_scan.mjs"), ENDPOINT, TABLE], env=aws_env())[:2])
    res["boto3"] = median_runs("boto3 paginator", lambda: child(
        [sys.executable, os.path.join(HERE, "clients", "boto3_scan.py"), ENDPOINT, TABLE])[:2])
    res["cli"] = median_runs("aws CLI scan", lambda: child(
        [AWS, "dynamodb", "scan", "--table-name", TABLE, "--endpoint-url", ENDPOINT,
         "--output", "json"], env=aws_env())[:2])
    return res


def parse_lookup(line):
    d = dict(zip(line.split()[0::2], line.split()[1::2]))
    return {k: float(v) for k, v in d.items()}


def lookups():
    res = {}
    runs = []
    for _ in range(REPEAT):
        out = psql("""
SELECT pg_read_file('/proc/self/stat') AS s0 \\gset
SELECT format('lookups %s found %s p50_ms %s p99_ms %s total_s %s', n, hits, p50_ms, p99_ms, total_s)
  FROM bench_lookups();
SELECT 'cpu_s ' || :'s0';
SELECT 'cpu_e ' || pg_read_file('/proc/self/stat');
""")
        lines = out.strip().split("\n")
        d = parse_lookup(lines[0])
        s0 = out[out.index("cpu_s ") + 6:out.index("cpu_e ")]
        s1 = out[out.index("cpu_e ") + 6:]
        d["cpu"] = stat_cpu(s1) - stat_cpu(s0)
        runs.append(d)
    res["fdw"] = med_lookup("maip_fdw plpgsql loop", runs)
    runs = []
    for _ in range(REPEAT):
        w, c, out = child([FLOOR, "get", ENDPOINT, TABLE, KEYS])
        d = parse_lookup(out)
        d["cpu"] = c
        runs.append(d)
    res["floor"] = med_lookup("keep-alive libcurl loop", runs)
    runs = []
    for _ in range(REPEAT):
        w, c, out = child([sys.executable, os.path.join(HERE, "clients", "boto3_get.py"), ENDPOINT, TABLE, KEYS])
        d = parse_lookup(out)
        d["cpu"] = c
        runs.append(d)
    res["boto3"] = med_lookup("boto3 get_item loop", runs)
    return res


def med_lookup(name, runs):
    d = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    log("%-28s %d lookups (%d found) total %.3f s p50 %.3f ms p99 %.3f ms CPU %.3f s" % (
        name, d["lookups"], d["found"], d["total_s"], d["p50_ms"], d["p99_ms"], d["cpu"]))
    return d


def vm_kb(status, field):
    m = re.search(r"^%s:\s+(\d+) kB" % field, status, re.M)
    return int(m.group(1))


def memory():
    """Peak RSS of a fresh backend after planning a trivial foreign query
    (the baseline) and after scanning; each figure a fresh backend."""
    res = {}
    for name, q in (("limit10k", "SELECT * FROM bench_items LIMIT 10000"),
                    ("full", "SELECT * FROM bench_items")):
        hwm = []
        for _ in range(REPEAT):
            out = psql("""
EXPLAIN SELECT * FROM bench_items WHERE pk = 'x';
SELECT pg_read_file('/proc/self/status') AS st0 \\gset
\\o /dev/null
%s;
\\o
SELECT 'SPLIT' || :'st0' || 'SPLIT' || pg_read_file('/proc/self/status');
""" % q)
            _, st0, st1 = out.split("SPLIT")
            hwm.append((vm_kb(st0, "VmHWM"), vm_kb(st1, "VmHWM")))
        base = statistics.median(h[0] for h in hwm)
        peak = statistics.median(h[1] for h in hwm)
        res[name] = {"baseline_kb": base, "peak_kb": peak, "above_mb": (peak - base) / 1024}
        log("memory %-9s baseline %.1f MB peak %.1f MB above baseline %.1f MB" % (
            name, base / 1024, peak / 1024, (peak - base) / 1024))
    return res


def plan_nodes(node):
    yield node
    for c in node.get("Plans", []):
        yield from plan_nodes(c)


def join_once(n, settings, analyze=True):
    out = psql("""
%s
EXPLAIN (%sVERBOSE, FORMAT JSON)
SELECT b.* FROM bench_join_keys_%d k JOIN bench_items b ON b.pk = k.pk AND b.sk = k.sk;
""" % (settings, "ANALYZE, " if analyze else "", n))
    doc = json.loads(out)[0]
    if not analyze:
        fs = [x for x in plan_nodes(doc["Plan"]) if x["Node Type"] == "Foreign Scan"][0]
        return fs.get("DynamoDB Operation")
    nodes = list(plan_nodes(doc["Plan"]))
    fs = [x for x in nodes if x["Node Type"] == "Foreign Scan"][0]
    join = [x["Node Type"] for x in nodes if x["Node Type"] in ("Nested Loop", "Hash Join", "Merge Join")]
    return {"ms": doc["Execution Time"], "operation": fs.get("DynamoDB Operation"),
            "requests": fs.get("DynamoDB Requests"), "join": join[0] if join else "?",
            "rows": doc["Plan"]["Actual Rows"]}


def joins():
    """n local keys joined to the table on the full key: the plan the
    planner chooses, and the other plan forced, each timed once."""
    res = {}
    for n in (100, 10000):
        psql("""
DROP TABLE IF EXISTS bench_join_keys_%(n)d;
CREATE TABLE bench_join_keys_%(n)d AS
  SELECT format('p%%s', lpad((((g::bigint * 7919) %% %(items)d) / 10)::text, 6, '0')) AS pk,
         ((g::bigint * 7919) %% %(items)d %% 10)::int AS sk
    FROM generate_series(0, %(n)d - 1) g;
ANALYZE bench_join_keys_%(n)d;
""" % {"n": n, "items": ITEMS})
        chosen = join_once(n, "")
        if chosen["join"] == "Nested Loop":
            other = join_once(n, "SET enable_nestloop = off;")
        else:
            # the per-key plan: a nested loop whose inner side is not
            # materialized; timed only if the FDW's parameterized path is what
            # the planner then takes (never n full scans, nor a materialized
            # scan under a join filter of n x items comparisons)
            force = "SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_material = off;"
            if join_once(n, force, analyze=False) in ("GetItem", "Query", "BatchGetItem"):
                other = join_once(n, force)
            else:
                other = {"ms": None, "operation": "no per-key path", "requests": None, "join": "—"}
        res[str(n)] = {"chosen": chosen, "other": other}
        log("join %5d keys: chosen %s/%s %d requests %.0f ms; other %s/%s %d requests %.0f ms" % (
            n, chosen["join"], chosen["operation"], chosen["requests"] or 0, chosen["ms"],
            other["join"], other["operation"], other["requests"] or 0, other["ms"] or 0))
    return res


def synth():
    """SELECT * over the synthetic endpoint, rows fetched by psql 10,000 at
    a time (FETCH_COUNT, so psql does not hold 1M rows): peak RSS at 10k and
    at BENCH_SYNTH_ITEMS items, and items per backend CPU-second."""
    res = {"items": SYNTH_ITEMS}
    for name, q, reps in (("limit10k", "SELECT * FROM bench_synth LIMIT 10000", REPEAT),
                          ("full", "SELECT * FROM bench_synth", 1)):
        runs = []
        for _ in range(reps):
            out = psql("""
EXPLAIN SELECT * FROM bench_synth WHERE pk = 'x';
SELECT pg_read_file('/proc/self/status') AS st0, pg_read_file('/proc/self/stat') AS s0,
       extract(epoch FROM clock_timestamp()) AS t0 \\gset
\\set FETCH_COUNT 10000
\\o /dev/null
%s;
\\o
\\unset FETCH_COUNT
SELECT 'SPLIT' || :'st0' || 'SPLIT' || pg_read_file('/proc/self/status') || 'SPLIT' || :'s0'
       || 'SPLIT' || pg_read_file('/proc/self/stat') || 'SPLIT' || (extract(epoch FROM clock_timestamp()) - :t0);
""" % q)
            _, st0, st1, s0, s1, wall = out.split("SPLIT")
            runs.append((vm_kb(st0, "VmHWM"), vm_kb(st1, "VmHWM"), stat_cpu(s1) - stat_cpu(s0), float(wall)))
        base = statistics.median(x[0] for x in runs)
        peak = statistics.median(x[1] for x in runs)
        cpu = statistics.median(x[2] for x in runs)
        wall = statistics.median(x[3] for x in runs)
        res[name] = {"baseline_kb": base, "peak_kb": peak, "above_mb": (peak - base) / 1024,
                     "cpu": cpu, "wall": wall}
        log("synthetic %-9s baseline %.1f MB peak %.1f MB above %.1f MB, CPU %.2f s wall %.2f s" % (
            name, base / 1024, peak / 1024, (peak - base) / 1024, cpu, wall))
    if res["full"]["cpu"] > 0:
        res["items_per_cpu_s"] = SYNTH_ITEMS / res["full"]["cpu"]
    return res


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gb": round(mem_kb / 1048576, 1),
            "kernel": platform.release(), "loadavg": os.getloadavg()[0],
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main():
    setup_db()
    res = {"items": ITEMS, "repeat": REPEAT, "machine": machine()}
    size = psql("SELECT 1;")  # the connection works
    res["scan"] = scans()
    res["lookup"] = lookups()
    res["memory"] = memory()
    res["joins"] = joins()
    if SYNTH:
        res["synth"] = synth()
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    import report
    report.write(res, DIR)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
