/*-------------------------------------------------------------------------
 *
 * clio_column.c
 *		  Which part of a Clio record a column reads, and a write sets
 *
 * A column's "field" option (else its name) resolved against the catalog:
 * a plain field, an association (whole, its id or its type), a dotted path
 * into one, or the search column; and from that, how a scan fills the
 * column.  Reads the catalog and the column's options; never builds a
 * request and never reads JSON itself.
 *
 * IDENTIFICATION
 *		  src/clio_column.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "clio_column.h"
#include "clio_option.h"
#include "utils/rel.h"

/*
 * clio_resolve_column
 *		Which part of a record a column reads (and a write sets).  The column's "field" option
 *		(else its name) is either a column name of the catalog ("matter",
 *		"matter_id", "status") or a dotted path into an association
 *		("client.name").
 */
void
clio_resolve_column(Relation rel, AttrNumber attnum, const ClioCollection *coll,
					ClioColumnRef *ref)
{
	Oid			relid = RelationGetRelid(rel);
	char	   *name = clio_column_field(relid, attnum);
	char	   *dot = strchr(name, '.');
	const ClioColumn *cat;

	memset(ref, 0, sizeof(*ref));
	ref->name = name;
	ref->cf_id = clio_column_custom_field(relid, attnum);
	if (ref->cf_id != 0)
	{
		/* a custom field: one value of the record's custom_field_values */
		cat = clio_catalog_column(coll, CLIO_CF_FIELD);
		if (cat == NULL || cat->kind != CLIO_COL_NESTED_ARRAY)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("column \"%s\" of foreign table \"%s\" reads a custom field, but Clio resource \"%s\" has none",
							NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
							RelationGetRelationName(rel), coll->table),
					 errhint("Custom fields belong to matters and contacts.")));
		ref->name = psprintf("custom field %lld", (long long) ref->cf_id);
		ref->field = CLIO_CF_FIELD;
		ref->request = CLIO_CF_SUBFIELDS;
		return;
	}
	if (dot != NULL)
	{
		char	   *base = pnstrdup(name, dot - name);

		cat = clio_catalog_column(coll, base);
		if (cat == NULL || cat->kind != CLIO_COL_NESTED || dot[1] == '\0' ||
			strchr(dot + 1, '.') != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("column \"%s\" of foreign table \"%s\" reads \"%s\", which is not a field of an association of Clio resource \"%s\"",
							NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
							RelationGetRelationName(rel), name, coll->table),
					 errhint("A dotted field names one field of an association, e.g. 'client.name'.")));
		ref->field = (char *) cat->field;
		ref->subfield = pstrdup(dot + 1);
		ref->request = ref->subfield;
		return;
	}

	cat = clio_catalog_column(coll, name);
	if (cat == NULL)
	{
		const char *names[512];
		int			n = 0;
		int			i;
		const char *closest;

		for (i = 0; i < coll->ncolumns && n < lengthof(names); i++)
			names[n++] = coll->columns[i].name;
		closest = clio_closest(name, names, n);
		/* a "field" option (the validator cannot see the table's resource) */
		if (strcmp(name, NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("column option field '%s' of column \"%s\" of foreign table \"%s\" names no field of Clio resource \"%s\"",
							name,
							NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
							RelationGetRelationName(rel), coll->table),
					 closest ?
					 errhint("Perhaps you meant OPTIONS (field '%s').", closest) :
					 errhint("The option names a column of the table's resource in the catalog (see IMPORT FOREIGN SCHEMA), or an association's field as 'association.field'.")));
		ereport(ERROR,
				(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
				 errmsg("column \"%s\" of foreign table \"%s\" names no field of Clio resource \"%s\"",
						NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
						RelationGetRelationName(rel), coll->table),
				 closest ?
				 errhint("Perhaps you meant \"%s\"; the column option \"field\" names the Clio field when the column's name differs.",
						 closest) :
				 errhint("The column option \"field\" names the Clio field when the column's name differs.")));
	}

	ref->field = (char *) cat->field;
	ref->cat = cat;
	switch (cat->kind)
	{
		case CLIO_COL_SCALAR:
			break;
		case CLIO_COL_NESTED:
		case CLIO_COL_NESTED_ARRAY:
			ref->request = (char *) cat->subfields;
			break;
		case CLIO_COL_NESTED_ID:
			ref->subfield = "id";
			ref->request = "id";
			break;
		case CLIO_COL_NESTED_TYPE:
			ref->subfield = "type";
			ref->request = "type";
			break;
		case CLIO_COL_SEARCH:
			/* not in the record: the scan gives back what it searched */
			ref->field = NULL;
			break;
	}
}

/*
 * clio_colmap_init
 *		Set up how attribute attnum of rel is filled from a record.
 */
void
clio_colmap_init(Relation rel, AttrNumber attnum, const ClioCollection *coll,
				 ClioColMap *col)
{
	ClioColumnRef ref;

	clio_resolve_column(rel, attnum, coll, &ref);
	clio_colmap_attr(col, TupleDescAttr(RelationGetDescr(rel), attnum - 1));
	col->field = ref.field;
	col->subfield = ref.subfield;
	col->is_search = (ref.cat && ref.cat->kind == CLIO_COL_SEARCH);
	col->cf_id = ref.cf_id;
}

/*
 * clio_column_reading
 *		The column of rel that reads Clio's field (id, etag), or
 *		InvalidAttrNumber.
 */
AttrNumber
clio_column_reading(Relation rel, const char *field)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			i;

	for (i = 1; i <= tupdesc->natts; i++)
	{
		if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
			continue;
		if (strcmp(clio_column_field(RelationGetRelid(rel), i), field) == 0)
			return i;
	}
	return InvalidAttrNumber;
}
