/*-------------------------------------------------------------------------
 *
 * clio_option.h
 *		  Typed options: server, user mapping, table and column
 *
 * Declares what src/clio_option.c defines.  No planner or executor
 * header comes in through here: the transport includes this file.
 *
 * IDENTIFICATION
 *		  include/clio_option.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_OPTION_H
#define CLIO_OPTION_H

#include "clio_catalog.h"
#include "foreign/foreign.h"
#include "utils/relcache.h"

struct ForeignScanState;

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

/* count_pushdown: whether count(*) is Clio's meta.records */
typedef enum ClioCountMode
{
	CLIO_COUNT_OFF,				/* never: count by paging */
	CLIO_COUNT_VERIFY,			/* once a session has seen it agree */
	CLIO_COUNT_ON				/* always */
} ClioCountMode;

/*
 * Options resolved into one typed struct: server, then user mapping, then
 * foreign table.  Planning fills the server and table parts; the user
 * mapping's credentials are read only at execution time, so no plan ever
 * holds a secret.
 */
/*
 * transactional_writes: what a write inside a transaction block does, since
 * ROLLBACK cannot undo what Clio applied.
 */
typedef enum ClioXactWrites
{
	CLIO_XACT_WRITES_WARN,		/* a WARNING once per transaction */
	CLIO_XACT_WRITES_REFUSE,	/* an ERROR before any request */
	CLIO_XACT_WRITES_ALLOW		/* nothing */
} ClioXactWrites;

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
	ClioXactWrites transactional_writes;	/* writes in a transaction block */
	int			max_retries;	/* retries of a failed GET */
	int			max_rate_limit_wait_ms; /* waiting out rate limits, per
										 * request */
	size_t		max_response_size;	/* largest response body accepted */
	bool		use_remote_estimate;	/* ask Clio for meta.records */
	ClioCountMode count_mode;	/* count_pushdown (server or table) */
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
extern int64 clio_column_custom_field(Oid relid, AttrNumber attnum);

extern Oid	clio_scan_userid(struct ForeignScanState *node);

#endif							/* CLIO_OPTION_H */
