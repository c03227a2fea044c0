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
#include "clio_text.h"
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

static char *clio_request_path(const char *collection, const char *id,
							   bool encode);
static char *clio_query_string(const char *fixed, List *params, bool encode);
static char *clio_url(const char *base_url, const char *path,
					  const char *query);

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
static char *
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
static char *
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
		{
			/*
			 * Readable, and valid UTF-8 whatever a value holds (a page_token
			 * comes from Clio's link): server text is quoted.
			 */
			appendStringInfo(&buf, "%s=%s", name,
							 clio_text_quote(value, strlen(value), 4 * strlen(value) + 4));
		}
	}
	return buf.data;
}

/*
 * clio_url
 *		The absolute URL: base_url, path and (encoded) query.
 */
static char *
clio_url(const char *base_url, const char *path, const char *query)
{
	if (query && query[0])
		return psprintf("%s%s?%s", base_url, path, query);
	return psprintf("%s%s", base_url, path);
}

/* ----------------------------------------------------------------
 *		Requests
 * ----------------------------------------------------------------
 */

/*
 * clio_request_api
 *		A request to Clio's API: /api/v4/<collection>[/<id>][/<action>].json.
 *		The id is shown as given (a placeholder such as $1 or {id} is only
 *		ever shown) and percent-encoded where it is sent.
 */
void
clio_request_api(ClioRequest *r, const char *method, const char *collection,
				 const char *id, const char *action)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->path = clio_request_path(collection, id, false);
	r->wire_path = clio_request_path(collection, id, true);
	if (action != NULL)
	{
		/* before the .json */
		r->path = psprintf("%.*s/%s.json", (int) strlen(r->path) - 5, r->path, action);
		r->wire_path = psprintf("%.*s/%s.json", (int) strlen(r->wire_path) - 5,
								r->wire_path, action);
	}
}

/*
 * clio_request_at
 *		A request to a path outside the API's collections (Maton's
 *		/connections, /oauth/token): <path>[/<id>].
 */
void
clio_request_at(ClioRequest *r, const char *method, const char *path,
				const char *id)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	if (id == NULL)
	{
		r->path = pstrdup(path);
		r->wire_path = r->path;
	}
	else
	{
		r->path = psprintf("%s/%s", path, id);
		r->wire_path = psprintf("%s/%s", path, clio_percent_encode(id));
	}
}

/*
 * clio_request_given
 *		A request to a URL Clio gave (a file-storage redirect or upload
 *		target): sent as it is, and named "what" in messages, never shown,
 *		since such URLs carry signatures.
 */
void
clio_request_given(ClioRequest *r, const char *method, const char *url,
				   const char *what)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->given_url = url;
	r->given_what = what;
}

/*
 * clio_request_param
 *		Add a query parameter (NULL value: none added).
 */
void
clio_request_param(ClioRequest *r, const char *name, const char *value)
{
	if (value != NULL)
		r->params = clio_params_add(r->params, name, value);
}

/*
 * clio_request_url
 *		The absolute URL that is sent: root (base_url or ctrl_url), the
 *		encoded path and the encoded query.
 */
char *
clio_request_url(const ClioRequest *r, const char *root)
{
	if (r->given_url)
		return pstrdup(r->given_url);
	return clio_url(root, r->wire_path, clio_query_string(r->fixed, r->params, true));
}

/*
 * clio_request_http
 *		The transport's request for r, with no body: method, the URL sent
 *		(from root) and the text messages show.
 */
void
clio_request_http(ClioHttpRequest *req, const ClioRequest *r, const char *root)
{
	memset(req, 0, sizeof(*req));
	req->method = r->method;
	req->url = clio_request_url(r, root);
	req->display = clio_request_text(r);
}

/*
 * clio_request_text
 *		The request as EXPLAIN and messages show it: "METHOD path?query",
 *		readable, with no host and no secret.
 */
char *
clio_request_text(const ClioRequest *r)
{
	char	   *query;

	if (r->given_url)
		return psprintf("%s %s", r->method, r->given_what);
	query = clio_query_string(r->fixed, r->params, false);
	if (query[0] == '\0')
		return psprintf("%s %s", r->method, r->path);
	return psprintf("%s %s?%s", r->method, r->path, query);
}

/* ----------------------------------------------------------------
 *		The requests of scans and writes
 * ----------------------------------------------------------------
 */

/*
 * clio_scan_request
 *		The next request of a scan.  At execution, cur says where the scan
 *		is and carries the parameters' values; for EXPLAIN (cur NULL) it is
 *		the first request, a value known only at execution shown as $n, n
 *		being its position among the scan's parameters (fdw_exprs).
 */
void
clio_scan_request(const ClioCollection *coll, const ClioScanPlan *plan,
				  const ClioScanCursor *cur, ClioRequest *r)
{
	const char *id = NULL;
	int			limit;
	ListCell   *lc;
	int			i;

	if (plan->mode == CLIO_SCAN_RECORD)
		id = cur ? cur->id : plan->id_const ? plan->id_const : "$1";

	if (plan->mode == CLIO_SCAN_RECORD && clio_record_by_get(coll))
	{
		clio_request_api(r, "GET", coll->path, id, NULL);
		clio_request_param(r, "fields", plan->fields);
		return;
	}

	clio_request_api(r, "GET", coll->path, NULL, NULL);
	r->fixed = coll->fixed_params;
	clio_request_param(r, "fields", plan->fields);
	if (plan->mode == CLIO_SCAN_RECORD)
		clio_request_param(r, "ids[]", id);
	else if (plan->mode == CLIO_SCAN_IDS && cur == NULL)
		clio_request_param(r, "ids[]", "$1");
	else if (plan->mode == CLIO_SCAN_IDS)
	{
		for (i = 0; i < cur->nids; i++)
			clio_request_param(r, "ids[]", cur->ids[i]);
	}

	if (cur)
		r->params = list_concat(r->params, cur->params);
	else
	{
		foreach(lc, plan->params)
		{
			ClioScanParam *p = (ClioScanParam *) lfirst(lc);
			ListCell   *rc;

			if (p->expr_index >= 0)
				clio_request_param(r, p->param, psprintf("$%d", p->expr_index + 1));
			else if (p->kind == CLIO_VAL_REPEAT)
			{
				foreach(rc, p->const_repeat)
					clio_request_param(r, p->param, strVal(lfirst(rc)));
			}
			else
				clio_request_param(r, p->param, p->const_text);
		}
	}
	clio_request_param(r, "order", plan->order);
	limit = ((cur == NULL || cur->first) && plan->first_limit > 0) ?
		plan->first_limit : plan->page_size;
	clio_request_param(r, "limit", psprintf("%d", limit));
	if (cur)
	{
		clio_request_param(r, "page_token", cur->page_token);
		clio_request_param(r, "offset", cur->offset);
	}
}

/*
 * clio_count_request
 *		A one-record list request whose meta.records counts what params
 *		(name/value pairs) select.
 */
void
clio_count_request(ClioRequest *r, const ClioCollection *coll, List *params)
{
	clio_request_api(r, "GET", coll->path, NULL, NULL);
	r->fixed = coll->fixed_params;
	clio_request_param(r, "fields", "id");
	r->params = list_concat(r->params, params);
	clio_request_param(r, "limit", "1");
}

/*
 * clio_write_request
 *		A POST (id NULL), PATCH or DELETE of one record; fields, when not
 *		NULL, asks for the record back with those fields.
 */
void
clio_write_request(ClioRequest *r, const ClioCollection *coll,
				   const char *method, const char *id, const char *fields)
{
	clio_request_api(r, method, coll->path, id, NULL);
	clio_request_param(r, "fields", fields);
}

/* ----------------------------------------------------------------
 *		The scan plan in fdw_private
 * ----------------------------------------------------------------
 */

/*
 * clio_scan_plan_serialize
 *		A ClioScanPlan as a List that copyObject can copy, every slot at
 *		its ClioScanPlanSlot.
 */
List *
clio_scan_plan_serialize(const ClioScanPlan *plan)
{
	Node	   *slots[ClioPlanNSlots];
	List	   *params = NIL;
	List	   *result = NIL;
	ListCell   *lc;
	int			i;

	foreach(lc, plan->params)
	{
		ClioScanParam *p = (ClioScanParam *) lfirst(lc);
		Node	   *ps[ClioParamNSlots];
		List	   *pl = NIL;

		ps[ClioParamName] = (Node *) makeString(p->param);
		ps[ClioParamKind] = (Node *) makeInteger(p->kind);
		ps[ClioParamPrefix] = (Node *) makeString(p->prefix ? p->prefix : "");
		ps[ClioParamShift] = (Node *) makeInteger(p->shift);
		ps[ClioParamEnum] = (Node *) makeString(p->enumvals ? p->enumvals : "");
		ps[ClioParamExpr] = (Node *) makeInteger(p->expr_index);
		ps[ClioParamConst] = p->expr_index >= 0 ? NULL :
			p->kind == CLIO_VAL_REPEAT ? (Node *) p->const_repeat :
			(Node *) makeString(p->const_text);
		for (i = 0; i < ClioParamNSlots; i++)
			pl = lappend(pl, ps[i]);
		params = lappend(params, pl);
	}

	slots[ClioPlanTable] = (Node *) makeString(plan->table);
	slots[ClioPlanFields] = (Node *) makeString(plan->fields);
	slots[ClioPlanMode] = (Node *) makeInteger(plan->mode);
	slots[ClioPlanIdConst] = (Node *) makeString(plan->id_const ? plan->id_const : "");
	slots[ClioPlanParams] = (Node *) params;
	slots[ClioPlanAttnums] = (Node *) plan->attnums;
	slots[ClioPlanPageSize] = (Node *) makeInteger(plan->page_size);
	slots[ClioPlanFirstLimit] = (Node *) makeInteger(plan->first_limit);
	slots[ClioPlanOrder] = (Node *) makeString(plan->order ? plan->order : "");
	slots[ClioPlanLookup] = plan->lookup == NULL ? NULL :
		(Node *) list_make4(makeString(plan->lookup),
							makeInteger((int) plan->lookup_relid),
							makeString(plan->lookup_field),
							plan->lookup_cols);
	slots[ClioPlanCount] = (Node *) makeInteger(plan->count);
	for (i = 0; i < ClioPlanNSlots; i++)
		result = lappend(result, slots[i]);
	return result;
}

/*
 * clio_scan_plan_deserialize
 *		Read back what clio_scan_plan_serialize wrote.
 */
void
clio_scan_plan_deserialize(List *fdw_private, ClioScanPlan *plan)
{
	ListCell   *lc;
	char	   *s;

	if (list_length(fdw_private) != ClioPlanNSlots)
		elog(ERROR, "clio_fdw: scan plan has %d slots, not %d",
			 list_length(fdw_private), (int) ClioPlanNSlots);
	memset(plan, 0, sizeof(*plan));
	plan->table = strVal(list_nth(fdw_private, ClioPlanTable));
	plan->fields = strVal(list_nth(fdw_private, ClioPlanFields));
	plan->mode = intVal(list_nth(fdw_private, ClioPlanMode));
	s = strVal(list_nth(fdw_private, ClioPlanIdConst));
	plan->id_const = s[0] ? s : NULL;
	plan->attnums = (List *) list_nth(fdw_private, ClioPlanAttnums);
	plan->page_size = intVal(list_nth(fdw_private, ClioPlanPageSize));
	plan->first_limit = intVal(list_nth(fdw_private, ClioPlanFirstLimit));
	s = strVal(list_nth(fdw_private, ClioPlanOrder));
	plan->order = s[0] ? s : NULL;
	if (list_nth(fdw_private, ClioPlanLookup) != NULL)
	{
		List	   *lookup = (List *) list_nth(fdw_private, ClioPlanLookup);

		plan->lookup = strVal(linitial(lookup));
		plan->lookup_relid = (Oid) intVal(lsecond(lookup));
		plan->lookup_field = strVal(lthird(lookup));
		plan->lookup_cols = (List *) lfourth(lookup);
	}
	plan->count = intVal(list_nth(fdw_private, ClioPlanCount));

	foreach(lc, (List *) list_nth(fdw_private, ClioPlanParams))
	{
		List	   *pl = (List *) lfirst(lc);
		ClioScanParam *p = palloc0(sizeof(ClioScanParam));
		Node	   *c = (Node *) list_nth(pl, ClioParamConst);

		p->param = strVal(list_nth(pl, ClioParamName));
		p->kind = intVal(list_nth(pl, ClioParamKind));
		s = strVal(list_nth(pl, ClioParamPrefix));
		p->prefix = s[0] ? s : NULL;
		p->shift = intVal(list_nth(pl, ClioParamShift));
		s = strVal(list_nth(pl, ClioParamEnum));
		p->enumvals = s[0] ? s : NULL;
		p->expr_index = intVal(list_nth(pl, ClioParamExpr));
		if (c != NULL && IsA(c, String))
			p->const_text = strVal(c);
		else
			p->const_repeat = (List *) c;
		plan->params = lappend(plan->params, p);
	}
}
