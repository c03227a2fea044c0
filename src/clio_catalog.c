/*-------------------------------------------------------------------------
 *
 * clio_catalog.c
 *		  Look-ups over the generated resource catalog
 *
 * The catalog is data (src/clio_catalog_data.c, generated); this file only
 * finds things in it.  It has no state and does no I/O.
 *
 * IDENTIFICATION
 *		  src/clio_catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type_d.h"
#include "clio_catalog.h"
#include "utils/varlena.h"

/*
 * clio_catalog_find
 *		The collection a table name stands for, or NULL.
 */
const ClioCollection *
clio_catalog_find(const char *table)
{
	int			i;

	for (i = 0; i < clio_ncollections; i++)
	{
		if (strcmp(clio_collections[i].table, table) == 0)
			return &clio_collections[i];
	}
	return NULL;
}

/*
 * clio_closest
 *		The candidate nearest to word by edit distance, or NULL when none is
 *		near enough to be a plausible typo.
 */
const char *
clio_closest(const char *word, const char *const *candidates, int ncandidates)
{
	const char *best = NULL;
	int			best_dist;
	int			wlen = strlen(word);
	int			i;

	/* Accept at most about a third of the word's letters being wrong. */
	best_dist = Max(wlen / 3, 2) + 1;
	for (i = 0; i < ncandidates; i++)
	{
		const char *c = candidates[i];
		int			d;

		d = varstr_levenshtein_less_equal(word, wlen, c, strlen(c),
										  1, 1, 1, best_dist, true);
		if (d < best_dist)
		{
			best_dist = d;
			best = c;
		}
	}
	return best;
}

/*
 * clio_catalog_closest
 *		The table name nearest to a misspelt one, or NULL.
 */
const char *
clio_catalog_closest(const char *table)
{
	const char *names[256];
	int			n = 0;
	int			i;

	for (i = 0; i < clio_ncollections && n < lengthof(names); i++)
		names[n++] = clio_collections[i].table;
	return clio_closest(table, names, n);
}

/*
 * clio_catalog_column
 *		A collection's column by SQL name, or NULL.
 */
const ClioColumn *
clio_catalog_column(const ClioCollection *coll, const char *name)
{
	int			i;

	for (i = 0; i < coll->ncolumns; i++)
	{
		if (strcmp(coll->columns[i].name, name) == 0)
			return &coll->columns[i];
	}
	return NULL;
}

/*
 * clio_catalog_column_by_field
 *		The column of a given kind that reads Clio field "field", or NULL.
 *		A hand-written table may name its columns freely (column option
 *		"field"), so this is how such a column finds its catalog entry.
 */
const ClioColumn *
clio_catalog_column_by_field(const ClioCollection *coll, const char *field,
							 ClioColumnKind kind)
{
	int			i;

	for (i = 0; i < coll->ncolumns; i++)
	{
		if (coll->columns[i].kind == kind &&
			strcmp(coll->columns[i].field, field) == 0)
			return &coll->columns[i];
	}
	return NULL;
}

/*
 * clio_catalog_filter
 *		A collection's declared list filter by parameter name, or NULL.
 */
const ClioFilter *
clio_catalog_filter(const ClioCollection *coll, const char *name)
{
	int			i;

	for (i = 0; i < coll->nfilters; i++)
	{
		if (strcmp(coll->filters[i].name, name) == 0)
			return &coll->filters[i];
	}
	return NULL;
}

/*
 * clio_catalog_has_order
 *		Whether the collection declares an "order" value.
 */
bool
clio_catalog_has_order(const ClioCollection *coll, const char *order)
{
	int			i;

	for (i = 0; i < coll->norders; i++)
	{
		if (strcmp(coll->orders[i], order) == 0)
			return true;
	}
	return false;
}

/*
 * clio_catalog_id_is_text
 *		Whether the collection's ids are strings (calendar entries).
 */
bool
clio_catalog_id_is_text(const ClioCollection *coll)
{
	const ClioColumn *col = clio_catalog_column(coll, "id");

	return col != NULL && col->typid == TEXTOID;
}

/*
 * clio_record_by_get
 *		Whether an id look-up can use the record GET.  A collection without
 *		one, or a table that is a fixed-filter slice of a collection (the
 *		record GET of /notes/<id> would return a contact note through
 *		matter_notes), looks ids up through the list's ids[] filter.
 */
bool
clio_record_by_get(const ClioCollection *coll)
{
	return coll->record_get && coll->fixed_params == NULL;
}
