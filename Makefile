# clio_fdw: Clio Manage API v4 as PostgreSQL foreign tables
#
# Build and install:   make && make install
# Tests:               scripts/test.sh    (builds in a clean copy, starts
#                                          PostgreSQL and the sandbox, runs
#                                          everything; see test/README.md)

MODULE_big = clio_fdw
OBJS = \
	$(WIN32RES) \
	clio_fdw.o \
	src/clio_analyze.o \
	src/clio_catalog.o \
	src/clio_catalog_data.o \
	src/clio_client.o \
	src/clio_column.o \
	src/clio_count.o \
	src/clio_custom.o \
	src/clio_deparse.o \
	src/clio_functions.o \
	src/clio_import.o \
	src/clio_http.o \
	src/clio_join.o \
	src/clio_json.o \
	src/clio_json_body.o \
	src/clio_mirror.o \
	src/clio_modify.o \
	src/clio_option.o \
	src/clio_plan.o \
	src/clio_request.o \
	src/clio_scan.o \
	src/clio_text.o \
	src/clio_url.o \
	src/clio_xact.o

EXTENSION = clio_fdw
DATA = clio_fdw--1.0.sql clio_fdw--1.0--1.1.sql
# The full script of 1.1 is 1.0 and the upgrade to 1.1, built rather than
# kept twice.
DATA_built = clio_fdw--1.1.sql
PGFILEDESC = "clio_fdw - foreign data wrapper for the Clio Manage API"

# pg_regress suites, run against a running server and sandbox by
# scripts/test.sh (which sets CLIO_SANDBOX_URL and friends).
REGRESS = clio_setup clio_options clio_import clio_scan clio_write clio_pushdown clio_faults clio_account clio_requests clio_mirror clio_mirror_cron clio_hostile clio_hostile_values
REGRESS += clio_hostile_transport
REGRESS += clio_hostile_guards
REGRESS += clio_lookup_join
REGRESS += clio_fewer
REGRESS += clio_write_spi clio_write_xact clio_write_types clio_enums
REGRESS += clio_custom_fields

PKG_CONFIG ?= pkg-config
PG_CPPFLAGS = -I$(srcdir)/include $(shell $(PKG_CONFIG) --cflags libcurl libcjson)
SHLIB_LINK = $(shell $(PKG_CONFIG) --libs libcurl libcjson)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The pg_regress suites, for scripts/test.sh
print-regress:
	@echo $(REGRESS)

# PGXS does not track header dependencies: rebuild everything when a
# header changes.
$(OBJS): $(wildcard $(srcdir)/include/*.h)

clio_fdw--1.1.sql: clio_fdw--1.0.sql clio_fdw--1.0--1.1.sql
	cat $^ >$@
