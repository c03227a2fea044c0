/*-------------------------------------------------------------------------
 *
 * clio_deparse.h
 *		  Building Clio requests from planner data
 *
 * IDENTIFICATION
 *		  include/clio_deparse.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_DEPARSE_H
#define CLIO_DEPARSE_H

#include "clio_fdw.h"

/* in src/clio_deparse.c */
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
extern char *clio_percent_encode(const char *s);
extern bool clio_next_params(const char *next, char **page_token,
							 char **offset);

#endif							/* CLIO_DEPARSE_H */
