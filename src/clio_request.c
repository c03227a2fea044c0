/*-------------------------------------------------------------------------
 *
 * clio_request.c
 *		  The one request builder
 *
 * Turns what a request carries (a collection's path, an id, the fields
 * parameter, name/value pairs) into the URL that is sent and, from the same
 * code, the text that EXPLAIN and error messages show.  Every name and value
 * in a query string is percent-encoded for the wire, so a value holding '&',
 * '#', '=' or any non-ASCII byte cannot add or change a parameter.  Pure
 * string building: it never sends anything, never reads a page, never
 * decides what to push down.
 *
 * IDENTIFICATION
 *		  src/clio_request.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "clio_request.h"
#include "clio_url.h"
#include "lib/stringinfo.h"
#include "nodes/value.h"

/* One top-level entry of the fields parameter */
typedef struct ClioFieldUse
{
	char	   *field;
	List	   *subfields;		/* of String; NIL for a plain field */
	bool		nested;
} ClioFieldUse;

/*
 * clio_fields_add
 *		Note that a request needs Clio field "field", or (when subfields is
 *		not NULL) the given comma-separated subfields of association
 *		"field".  Duplicates are merged, order of first use is kept.
 */
List *
clio_fields_add(List *uses, const char *field, const char *subfields)
{
	ListCell   *lc;
	ClioFieldUse *use = NULL;

	foreach(lc, uses)
	{
		ClioFieldUse *u = (ClioFieldUse *) lfirst(lc);

		if (strcmp(u->field, field) == 0)
		{
			use = u;
			break;
		}
	}
	if (use == NULL)
	{
		use = palloc0(sizeof(ClioFieldUse));
		use->field = pstrdup(field);
		uses = lappend(uses, use);
	}
	if (subfields != NULL)
	{
		char	   *copy = pstrdup(subfields);
		char	   *tok;
		char	   *save;

		use->nested = true;
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		{
			bool		dup = false;

			foreach(lc, use->subfields)
			{
				if (strcmp(strVal(lfirst(lc)), tok) == 0)
				{
					dup = true;
					break;
				}
			}
			if (!dup)
				use->subfields = lappend(use->subfields, makeString(pstrdup(tok)));
		}
	}
	return uses;
}

/*
 * clio_fields_string
 *		The value of the fields parameter: "id,matter{id,display_number}".
 *		With nothing requested, "id" (Clio would otherwise add etag).
 */
char *
clio_fields_string(List *uses)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, uses)
	{
		ClioFieldUse *u = (ClioFieldUse *) lfirst(lc);

		if (buf.len > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, u->field);
		if (u->nested && u->subfields != NIL)
		{
			ListCell   *sc;

			appendStringInfoChar(&buf, '{');
			foreach(sc, u->subfields)
			{
				if (sc != list_head(u->subfields))
					appendStringInfoChar(&buf, ',');
				appendStringInfoString(&buf, strVal(lfirst(sc)));
			}
			appendStringInfoChar(&buf, '}');
		}
	}
	if (buf.len == 0)
		appendStringInfoString(&buf, "id");
	return buf.data;
}

/*
 * clio_params_add
 *		Append one query parameter to a list of name/value String pairs.
 */
List *
clio_params_add(List *params, const char *name, const char *value)
{
	params = lappend(params, makeString(pstrdup(name)));
	return lappend(params, makeString(pstrdup(value)));
}

/*
 * clio_request_path
 *		"/api/v4/<collection>.json" or "/api/v4/<collection>/<id>.json".
 *		For display, the id is shown as given; otherwise it is encoded.
 */
char *
clio_request_path(const char *collection, const char *id, bool encode)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "/api/v4/%s", collection);
	if (id != NULL)
	{
		appendStringInfoChar(&buf, '/');
		if (encode)
			clio_append_encoded(&buf, id);
		else
			appendStringInfoString(&buf, id);
	}
	appendStringInfoString(&buf, ".json");
	return buf.data;
}

/*
 * clio_query_string
 *		"a=1&b=2" from name/value pairs (and an optional fixed "k=v&..."
 *		string from the catalog, which is already safe).  Encoded for the
 *		wire, or left readable for EXPLAIN and error messages.
 */
char *
clio_query_string(const char *fixed, List *params, bool encode)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (fixed)
		appendStringInfoString(&buf, fixed);
	for (i = 0; i + 1 < list_length(params); i += 2)
	{
		const char *name = strVal(list_nth(params, i));
		const char *value = strVal(list_nth(params, i + 1));

		if (buf.len > 0)
			appendStringInfoChar(&buf, '&');
		if (encode)
		{
			clio_append_encoded(&buf, name);
			appendStringInfoChar(&buf, '=');
			clio_append_encoded(&buf, value);
		}
		else
			appendStringInfo(&buf, "%s=%s", name, value);
	}
	return buf.data;
}

/*
 * clio_url
 *		The absolute URL: base_url, path and (encoded) query.
 */
char *
clio_url(const char *base_url, const char *path, const char *query)
{
	if (query && query[0])
		return psprintf("%s%s?%s", base_url, path, query);
	return psprintf("%s%s", base_url, path);
}

