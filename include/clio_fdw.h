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
#include "nodes/pg_list.h"

#define CLIO_FDW_VERSION "1.0"

/* Defaults of the server options */
#define CLIO_DEFAULT_BASE_URL "https://gateway.maton.ai/clio"
#define CLIO_DEFAULT_PAGE_SIZE 200
#define CLIO_MAX_PAGE_SIZE 200
#define CLIO_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define CLIO_DEFAULT_REQUEST_TIMEOUT_MS 60000

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

	/* user mapping (execution only) */
	Oid			umid;
	char	   *api_key;		/* Authorization: Bearer ... */

	/* foreign table */
	const ClioCollection *coll;
} ClioOptions;

/* in src/clio_option.c */
extern void clio_server_options(ForeignServer *server, ClioOptions *opts);
extern void clio_table_options(Oid foreigntableid, ClioOptions *opts);
extern void clio_user_options(UserMapping *user, ClioOptions *opts);
extern char *clio_column_field(Oid relid, AttrNumber attnum);

/* in src/clio_catalog.c */
extern const char *clio_closest(const char *word,
								const char *const *candidates,
								int ncandidates);

#endif							/* CLIO_FDW_H */
