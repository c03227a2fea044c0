/*-------------------------------------------------------------------------
 *
 * clio_column.h
 *		  Which part of a Clio record a column reads and a write sets
 *
 * Declares what src/clio_column.c defines.
 *
 * IDENTIFICATION
 *		  include/clio_column.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_COLUMN_H
#define CLIO_COLUMN_H

#include "clio_catalog.h"
#include "clio_json.h"
#include "utils/relcache.h"

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
	int64		cf_id;			/* a custom field's column: the field's id
								 * (field is then custom_field_values), or
								 * 0 */
} ClioColumnRef;

/* What a custom field's column requests of custom_field_values */
#define CLIO_CF_SUBFIELDS "id,value,soft_deleted,custom_field"
#define CLIO_CF_FIELD "custom_field_values"

/* in src/clio_column.c */
extern void clio_resolve_column(Relation rel, AttrNumber attnum,
								const ClioCollection *coll,
								ClioColumnRef *ref);
extern void clio_colmap_init(Relation rel, AttrNumber attnum,
							 const ClioCollection *coll, ClioColMap *col);
extern AttrNumber clio_column_reading(Relation rel, const char *field);

#endif							/* CLIO_COLUMN_H */
