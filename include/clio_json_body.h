/*-------------------------------------------------------------------------
 *
 * clio_json_body.h
 *		  Request bodies: a row's values as the JSON Clio is sent
 *
 * IDENTIFICATION
 *		  include/clio_json_body.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_JSON_BODY_H
#define CLIO_JSON_BODY_H

#include "clio_json.h"

/* in src/clio_json_body.c */
extern char *clio_json_write_body(ClioWriteCol *cols, int ncols,
								  Datum *values, bool *nulls,
								  const char *omit_key, char **omitted);
extern char *clio_json_document_body(const char *filename,
									 const char *parent_type,
									 int64 parent_id);
extern char *clio_json_fully_uploaded_body(const char *uuid);

#endif							/* CLIO_JSON_BODY_H */
