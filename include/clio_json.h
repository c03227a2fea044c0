/*-------------------------------------------------------------------------
 *
 * clio_json.h
 *		  JSON to datums and back: the only part of clio_fdw that knows cJSON
 *
 * IDENTIFICATION
 *		  include/clio_json.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_JSON_H
#define CLIO_JSON_H

#include "access/attnum.h"
#include "clio_catalog.h"
#include "catalog/pg_attribute.h"
#include "fmgr.h"
#include "nodes/pg_list.h"

/* One parsed response page; lives in (and is freed with) a memory context */
typedef struct ClioPage ClioPage;

/*
 * How one column of the scan's tuples is filled from a record.  Built once
 * per scan.
 */
typedef struct ClioColMap
{
	AttrNumber	attnum;			/* attribute number in the tuple (1-based) */
	const char *colname;		/* for error messages */
	const char *field;			/* Clio field at the top of the record */
	const char *subfield;		/* read field.subfield (ids, dotted paths) */
	Oid			typid;			/* the column's SQL type */
	FmgrInfo	input;			/* its input function */
	Oid			ioparam;
	int32		typmod;
	bool		is_json;		/* json or jsonb: store JSON text as is */
	bool		is_array;		/* an array type: build an array literal */
	bool		is_search;		/* the search column: not read from JSON */
	int64		cf_id;			/* a custom field: the value in
								 * custom_field_values whose custom_field
								 * is this id; 0 for other columns */
	const char *cf_name;		/* ... the field's name, for messages */
	bool		cf_picklist;	/* the value is a picklist option's id */
	int			cf_nopts;		/* a picklist: its options, as ids (the
								 * value Clio gives) and names (what the
								 * column shows) */
	char	  **cf_opt_ids;
	char	  **cf_opt_names;
	bool		direct;			/* int2/4/8, float8, bool, text: a JSON
								 * value of the matching kind becomes the
								 * datum without the type's input function */
} ClioColMap;

/*
 * How one column of an INSERT or UPDATE becomes part of the request body.
 */
typedef struct ClioWriteCol
{
	AttrNumber	attnum;			/* attribute number in the tuple (1-based) */
	const char *colname;		/* for error messages */
	const char *key;			/* key in the body's "data" object */
	const char *subkey;			/* "id" or "type": key becomes an object */
	Oid			typid;
	FmgrInfo	output;			/* the type's output function */
	const char *write_enumvals; /* "a|b|c" as a write takes them, where
								 * not as a read gives them (the writer
								 * spells the value so first), or NULL */
	const char *enumvals;		/* with it: "A|B|C" as a read gives them */
	int64		cf_id;			/* a custom field: its id (key is then
								 * custom_field_values), or 0 */
	char	   *cf_text;		/* ... this row's value as Clio spells it,
								 * or NULL to have none */
	char	   *cf_value_id;	/* ... the id of the record's value of the
								 * field, or NULL when it has none */
} ClioWriteCol;

/* in src/clio_json.c */
struct cJSON;
extern struct cJSON *clio_json_tree(const char *txt, size_t len);
extern void clio_json_init(void);
extern void clio_colmap_attr(ClioColMap *col, Form_pg_attribute attr);
extern ClioPage *clio_json_parse_page(const char *body, size_t len,
									  bool single, const char *what);
extern ClioPage *clio_json_parse_list(const char *body, size_t len,
									  const char *key, bool single,
									  const char *what);
extern int	clio_json_page_length(ClioPage *page);
extern bool clio_json_upload_target(ClioPage *page, char **uuid,
									char **put_url, List **put_headers);
extern const char *clio_json_page_next(ClioPage *page);
extern int64 clio_json_page_total(ClioPage *page);
extern void clio_json_record_values(ClioPage *page, int index,
									ClioColMap *cols, int ncols,
									Datum *values, bool *nulls,
									const char *table);
extern char *clio_json_record_id(ClioPage *page, int index);
extern char *clio_json_cf_value_id(ClioPage *page, int index, int64 cf_id);
extern char *clio_json_string_field(const char *body, size_t len,
									const char *key);
extern void clio_json_error_body(const char *body, size_t len,
								 char **type, char **message);

#endif							/* CLIO_JSON_H */
