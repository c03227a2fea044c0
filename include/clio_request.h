/*-------------------------------------------------------------------------
 *
 * clio_request.h
 *		  The one request builder: what is sent, and what EXPLAIN shows
 *
 * Declares what src/clio_request.c defines: the request and scan-plan
 * types and the functions that build them.  Builds text; never sends.
 *
 * IDENTIFICATION
 *		  include/clio_request.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_REQUEST_H
#define CLIO_REQUEST_H

#include "clio_catalog.h"
#include "clio_http.h"
#include "nodes/pg_list.h"

/* How a scan reaches its records */
typedef enum ClioScanMode
{
	CLIO_SCAN_LIST,				/* page through the collection */
	CLIO_SCAN_RECORD,			/* GET /<collection>/<id>.json */
	CLIO_SCAN_IDS				/* the list, filtered by ids[] */
} ClioScanMode;

/* How a pushed value becomes query-string text */
typedef enum ClioValueKind
{
	CLIO_VAL_TEXT,				/* the value's text: ids, numbers, strings */
	CLIO_VAL_ENUM,				/* spelt as the filter's enum spells it
								 * (case-insensitive match), or not sent */
	CLIO_VAL_BOOL,				/* true or false */
	CLIO_VAL_DATE,				/* YYYY-MM-DD (a timestamp's day), + shift
								 * days */
	CLIO_VAL_TIMESTAMP,			/* ISO 8601 in UTC, + shift seconds */
	CLIO_VAL_NULL,				/* the keyword null; no value */
	CLIO_VAL_COMMA,				/* an array, elements joined by commas */
	CLIO_VAL_REPEAT				/* an array, the parameter repeated */
} ClioValueKind;

/*
 * One request: method, path and query parameters.  clio_request_url gives
 * what is sent, clio_request_text what EXPLAIN and messages show, from the
 * same fields.
 */
typedef struct ClioRequest
{
	const char *method;			/* GET, POST, PATCH, DELETE or PUT */
	char	   *path;			/* as shown: an id as given ($1, {id}) */
	char	   *wire_path;		/* as sent: the id percent-encoded */
	const char *fixed;			/* always-sent "k=v&..." (the catalog's,
								 * already safe), or NULL */
	List	   *params;			/* name/value pairs, of String */
	const char *given_url;		/* a URL Clio gave (file storage): sent as
								 * it is, never shown */
	const char *given_what;		/* what messages call that request */
} ClioRequest;

/*
 * A pushed parameter of a planned scan: its value is a constant known at
 * planning, or fdw_exprs[expr_index], known at execution.
 */
typedef struct ClioScanParam
{
	char	   *param;			/* the parameter's name */
	ClioValueKind kind;
	char	   *prefix;			/* operator prefix ("<=", ...), or NULL */
	int			shift;			/* days or seconds added to a bound */
	char	   *enumvals;		/* "a|b|c" to spell values by, or NULL */
	int			expr_index;		/* index in fdw_exprs, or -1 */
	char	   *const_text;		/* a constant's text (not CLIO_VAL_REPEAT) */
	List	   *const_repeat;	/* CLIO_VAL_REPEAT: a constant's texts */
} ClioScanParam;

/*
 * The request plan of a scan, as the planner leaves it in fdw_private
 * (clio_scan_plan_serialize) and the executor and EXPLAIN read it back
 * (clio_scan_plan_deserialize).
 */
typedef struct ClioScanPlan
{
	char	   *table;			/* the catalog's table name */
	char	   *fields;			/* value of the fields parameter */
	ClioScanMode mode;
	char	   *id_const;		/* CLIO_SCAN_RECORD: a constant id, or NULL
								 * when it is fdw_exprs[0] */
	List	   *params;			/* ClioScanParam, in request order */
	List	   *attnums;		/* of Integer: the attributes filled */
	int			page_size;		/* records per request */
	int			first_limit;	/* limit of the first page, or 0 */
	char	   *order;			/* order parameter, or NULL */

	/*
	 * A lookup join (src/clio_join.c): the scan of table lookup_relid also
	 * fills the columns of a looked-up table from one of its associations.
	 * lookup_cols has one entry per column of the scan tuple: Integer, an
	 * attribute of the scanned table; String, a field of the association
	 * lookup_field.  NULL lookup for a plain scan.
	 */
	char	   *lookup;			/* what EXPLAIN shows of the join, or NULL */
	Oid			lookup_relid;	/* the table the request lists */
	char	   *lookup_field;	/* the association */
	List	   *lookup_cols;
	int			count;			/* a count(*) from meta.records: the
								 * table's ClioCountMode (verify or on), or
								 * 0 for a scan of rows */
} ClioScanPlan;

/* The slots of a serialised ClioScanPlan, in fdw_private */
typedef enum ClioScanPlanSlot
{
	ClioPlanTable,				/* String */
	ClioPlanFields,				/* String */
	ClioPlanMode,				/* Integer: ClioScanMode */
	ClioPlanIdConst,			/* String: the id, or "" */
	ClioPlanParams,				/* List of parameter lists (below) */
	ClioPlanAttnums,			/* List of Integer */
	ClioPlanPageSize,			/* Integer */
	ClioPlanFirstLimit,			/* Integer */
	ClioPlanOrder,				/* String: order, or "" */
	ClioPlanLookup,				/* NIL, or List: text, relid, field, cols */
	ClioPlanCount,				/* Integer */
	ClioPlanNSlots
} ClioScanPlanSlot;

/* The slots of one serialised ClioScanParam */
typedef enum ClioScanParamSlot
{
	ClioParamName,				/* String */
	ClioParamKind,				/* Integer: ClioValueKind */
	ClioParamPrefix,			/* String, or "" */
	ClioParamShift,				/* Integer */
	ClioParamEnum,				/* String, or "" */
	ClioParamExpr,				/* Integer: index in fdw_exprs, or -1 */
	ClioParamConst,				/* String, List of String (repeated), or
								 * NULL */
	ClioParamNSlots
} ClioScanParamSlot;

/*
 * Where a scan's next request is at execution: the values of its
 * parameters and its place in Clio's pages.  EXPLAIN passes none, and sees
 * $n where a value is known only at execution.
 */
typedef struct ClioScanCursor
{
	const char *id;				/* CLIO_SCAN_RECORD: the id */
	char	  **ids;			/* CLIO_SCAN_IDS: this request's ids */
	int			nids;
	List	   *params;			/* name/value pairs of the pushed
								 * parameters */
	bool		first;			/* the first page: first_limit applies */
	const char *page_token;		/* from Clio's next link, or NULL */
	const char *offset;			/* ditto */
} ClioScanCursor;

/* in src/clio_request.c */
extern List *clio_fields_add(List *uses, const char *field,
							 const char *subfields);
extern char *clio_fields_string(List *uses);
extern List *clio_params_add(List *params, const char *name,
							 const char *value);

extern void clio_request_api(ClioRequest *r, const char *method,
							 const char *collection, const char *id,
							 const char *action);
extern void clio_request_at(ClioRequest *r, const char *method,
							const char *path, const char *id);
extern void clio_request_given(ClioRequest *r, const char *method,
							   const char *url, const char *what);
extern void clio_request_param(ClioRequest *r, const char *name,
							   const char *value);
extern char *clio_request_url(const ClioRequest *r, const char *root);
extern char *clio_request_text(const ClioRequest *r);
extern void clio_request_http(ClioHttpRequest *req,
							  const ClioRequest *r, const char *root);

extern void clio_scan_request(const ClioCollection *coll,
							  const ClioScanPlan *plan,
							  const ClioScanCursor *cur, ClioRequest *r);
extern void clio_count_request(ClioRequest *r, const ClioCollection *coll,
							   List *params);
extern void clio_write_request(ClioRequest *r, const ClioCollection *coll,
							   const char *method, const char *id,
							   const char *fields);
extern List *clio_scan_plan_serialize(const ClioScanPlan *plan);
extern void clio_scan_plan_deserialize(List *fdw_private, ClioScanPlan *plan);

#endif							/* CLIO_REQUEST_H */
