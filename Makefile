# maip_fdw — PGXS build.  `make && make install`, then `make installcheck`
# against a running cluster (test/run_tests.sh sets the whole stack up).

MODULE_big = maip_fdw
OBJS = maip_fdw.o \
       src/options.o src/credentials.o src/sigv4.o src/http.o \
       src/request.o src/tabledesc.o src/convert.o src/json.o src/values.o src/expr.o src/scanplan.o src/deparse.o src/planner.o src/scan.o src/wire.o
# control plane (DBA functions, IMPORT FOREIGN SCHEMA)
OBJS += src/names.o src/dynamo.o \
        src/admin_common.o src/admin_tables.o src/admin_backups.o src/admin_replicas.o src/import.o \
        src/sts.o src/admin_identity.o

EXTENSION = maip_fdw
DATA = sql/maip_fdw--0.1.sql
PGFILEDESC = "maip_fdw - foreign data wrapper for Amazon DynamoDB"

REGRESS = init types scan errors pushdown edges cache parallel ratelimit credentials security
# control-plane tests
REGRESS += import admin faults
REGRESS_OPTS = --inputdir=.

PG_CPPFLAGS = -I$(srcdir)/src $(shell pkg-config --cflags libcurl libcjson 2>/dev/null)
SHLIB_LINK = $(shell pkg-config --libs libcurl libcjson 2>/dev/null || echo -lcurl -lcjson) -lcrypto

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
# rebuild what includes a changed header (PGXS's own dependency tracking,
# off unless PostgreSQL was configured with --enable-depend)
override autodepend = yes
include $(PGXS)

override CFLAGS += -Wall -Wmissing-prototypes -Werror=implicit-function-declaration

# The regression suite with every PostgreSQL process under valgrind memcheck
# (a few minutes; not part of .ci/run).  See test/valgrind.sh.
valgrind-check:
	VALGRIND_TESTS="$(REGRESS)" PG_CONFIG="$(PG_CONFIG)" bash test/valgrind.sh
.PHONY: valgrind-check

# libFuzzer targets for src/sigv4.c and src/wire.c, each run for FUZZ_SECONDS
# (default 30) seconds; not part of .ci/run.  See test/fuzz/build.sh.
fuzz:
	bash test/fuzz/build.sh
.PHONY: fuzz

# The benchmark (bench/run.sh): its own stack, BENCH_ITEMS items (default
# 100,000), writes bench/report.md and bench/chart.png; not part of .ci/run.
bench:
	PG_CONFIG="$(PG_CONFIG)" bash bench/run.sh
.PHONY: bench
