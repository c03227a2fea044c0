/*-------------------------------------------------------------------------
 *
 * clio_fdw.h
 *		  Definitions shared by the parts of clio_fdw
 *
 * Only PostgreSQL headers here: libcurl stays in src/clio_http.c and cJSON
 * in src/clio_json.c, behind the opaque types of clio_http.h and
 * clio_json.h.
 *
 * IDENTIFICATION
 *		  include/clio_fdw.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_FDW_H
#define CLIO_FDW_H

#include "clio_catalog.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#define CLIO_COMPAT_EXPLAIN
#define CLIO_COMPAT_EXECUTOR
#define CLIO_COMPAT_PLANNER
#include "clio_compat.h"
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
#include "nodes/pg_list.h"
#include "nodes/plannodes.h"
#include "utils/relcache.h"

#define CLIO_FDW_VERSION "1.0"

/* Defaults of the server options */
#define CLIO_DEFAULT_BASE_URL "https://gateway.maton.ai/clio"
#define CLIO_DEFAULT_CTRL_URL "https://ctrl.maton.ai"
#define CLIO_DEFAULT_PAGE_SIZE 200
#define CLIO_MAX_PAGE_SIZE 200
#define CLIO_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define CLIO_DEFAULT_REQUEST_TIMEOUT_MS 60000
#define CLIO_DEFAULT_MAX_RETRIES 3
#define CLIO_DEFAULT_MAX_RATE_LIMIT_WAIT_MS 60000
#define CLIO_DEFAULT_MAX_RESPONSE_SIZE ((size_t) 100 * 1024 * 1024)
#define CLIO_DEFAULT_STARTUP_COST 1000.0
#define CLIO_DEFAULT_PAGE_COST 1000.0
#define CLIO_DEFAULT_TUPLE_COST 0.01

/*
 * Options resolved into one typed struct: server, then user mapping, then
 * foreign table.  Planning fills the server and table parts; the user
 * mapping's credentials are read only at execution time, so no plan ever
 * holds a secret.
 */
typedef struct ClioOptions
{
	/* foreign server */
	Oid			serverid;
	char	   *base_url;		/* without a trailing slash */
	char	   *connection_id;	/* Maton-Connection header, or NULL */
	char	   *api_version;	/* X-API-VERSION header */
	int			page_size;		/* records per list request, 1..200 */
	int			connect_timeout_ms;
	int			request_timeout_ms;
	bool		etag_check;		/* UPDATE sends If-Match (server or table) */
	int			max_retries;	/* retries of a failed GET */
	int			max_rate_limit_wait_ms; /* waiting out rate limits, per
										 * request */
	size_t		max_response_size;	/* largest response body accepted */
	bool		use_remote_estimate;	/* ask Clio for meta.records */
	double		startup_cost;	/* planner cost of the first request */
	double		page_cost;		/* ... of each further page */
	double		tuple_cost;		/* ... of each record */

	char	   *ctrl_url;		/* Maton's connection API */

	/* user mapping (execution only) */
	Oid			umid;
	char	   *api_key;		/* the bearer: api_key or access_token */
	char	   *refresh_token;	/* OAuth refresh, with client_id/secret */
	char	   *client_id;
	char	   *client_secret;

	/* foreign table */
	const ClioCollection *coll;
} ClioOptions;

/*
 * How one column reads the record (and how a write sets it), as resolved
 * from the catalog and the column's "field" option.
 */
typedef struct ClioColumnRef
{
	char	   *name;			/* the field option, or the column name */
	const ClioColumn *cat;		/* the catalog's column, or NULL for a
								 * dotted path */
	char	   *field;			/* top-level Clio field */
	char	   *subfield;		/* read field.subfield, or NULL */
	char	   *request;		/* subfields to request: "id,name", or NULL
								 * to request the field plainly */
} ClioColumnRef;

/* How a scan reaches its records */
typedef enum ClioScanMode
{
	CLIO_SCAN_LIST,				/* page through the collection */
	CLIO_SCAN_RECORD,			/* GET /<collection>/<id>.json */
	CLIO_SCAN_IDS				/* the list, filtered by ids[] */
} ClioScanMode;

/*
 * fdw_private of a ForeignScan plan, indexed by this enum.
 */
enum ClioScanPrivate
{
	ClioPrivTable,				/* String: catalog table name */
	ClioPrivFields,				/* String: value of the fields parameter */
	ClioPrivMode,				/* Integer: ClioScanMode */
	ClioPrivIdConst,			/* String: the id, when it is a constant */
	ClioPrivParams,				/* List of pushed parameters */
	ClioPrivAttnums,			/* List of Integer: attributes filled */
	ClioPrivPageSize,			/* Integer: records per request */
	ClioPrivFirstLimit,			/* Integer: limit of the first page, or 0 */
	ClioPrivOrder				/* String: order parameter, or "" */
};

/* A random double in [0, 1) */
#include "common/pg_prng.h"
#define clio_random() pg_prng_double(&pg_global_prng_state)

/* in clio_fdw.c */
extern void clio_resolve_column(Relation rel, AttrNumber attnum,
								const ClioCollection *coll,
								ClioColumnRef *ref);
extern bool clio_record_by_get(const ClioCollection *coll);
extern Oid	clio_scan_userid(ForeignScanState *node);
extern char *clio_datum_text(Datum value, Oid type);

/* in src/clio_modify.c */
extern void clioAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
										RangeTblEntry *target_rte,
										Relation target_relation);
extern List *clioPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
								   Index resultRelation, int subplan_index);
extern void clioBeginForeignModify(ModifyTableState *mtstate,
								   ResultRelInfo *rinfo, List *fdw_private,
								   int subplan_index, int eflags);
extern TupleTableSlot *clioExecForeignInsert(EState *estate, ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern TupleTableSlot *clioExecForeignUpdate(EState *estate, ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern TupleTableSlot *clioExecForeignDelete(EState *estate, ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern void clioEndForeignModify(EState *estate, ResultRelInfo *rinfo);
extern int	clioIsForeignRelUpdatable(Relation rel);
extern void clioExplainForeignModify(ModifyTableState *mtstate,
									 ResultRelInfo *rinfo, List *fdw_private,
									 int subplan_index, ExplainState *es);
extern bool clioPlanDirectModify(PlannerInfo *root, ModifyTable *plan,
								 Index resultRelation, int subplan_index);
extern void clioBeginDirectModify(ForeignScanState *node, int eflags);
extern TupleTableSlot *clioIterateDirectModify(ForeignScanState *node);
extern void clioEndDirectModify(ForeignScanState *node);
extern void clioExplainDirectModify(ForeignScanState *node, ExplainState *es);
extern void clio_modify_init(void);

/* in src/clio_option.c */
extern void clio_server_options(ForeignServer *server, ClioOptions *opts);
extern void clio_table_options(Oid foreigntableid, ClioOptions *opts);
extern void clio_user_options(UserMapping *user, ClioOptions *opts);
extern void clio_exec_options(Relation rel, Oid userid, ClioOptions *opts);
extern void clio_server_exec_options(ForeignServer *server, Oid userid,
									 ClioOptions *opts);
extern const char *clio_region_url(const char *region);
extern bool clio_url_acceptable(const char *url);
extern char *clio_column_field(Oid relid, AttrNumber attnum);

/* in src/clio_catalog.c */
extern const char *clio_closest(const char *word,
								const char *const *candidates,
								int ncandidates);

#endif							/* CLIO_FDW_H */
