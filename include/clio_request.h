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

#include "nodes/pg_list.h"

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

/* in src/clio_request.c */
extern List *clio_fields_add(List *uses, const char *field,
							 const char *subfields);
extern char *clio_fields_string(List *uses);
extern List *clio_params_add(List *params, const char *name,
							 const char *value);
extern char *clio_request_path(const char *collection, const char *id,
							   bool encode);
extern char *clio_query_string(const char *fixed, List *params, bool encode);
extern char *clio_url(const char *base_url, const char *path,
					  const char *query);


#endif							/* CLIO_REQUEST_H */
