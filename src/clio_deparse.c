/*-------------------------------------------------------------------------
 *
 * clio_deparse.c
 *		  Building Clio requests: paths, the fields parameter, query strings
 *
 * Pure functions of planner data and options: nothing here does I/O.  The
 * same functions build the URL that is sent and the text that EXPLAIN
 * shows, so the two cannot drift apart.  Every name and value in a query
 * string is percent-encoded, so a value holding '&', '#', '=' or any
 * non-ASCII byte cannot add or change a parameter.
 *
 * IDENTIFICATION
 *		  src/clio_deparse.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "clio_deparse.h"

/* One top-level entry of the fields parameter */
typedef struct ClioFieldUse
{
	char	   *field;
	List	   *subfields;		/* of String; NIL for a plain field */
	bool		nested;
} ClioFieldUse;

static void append_encoded(StringInfo buf, const char *s);
static char *percent_decode(const char *s, int len);

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
			append_encoded(&buf, id);
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
			append_encoded(&buf, name);
			appendStringInfoChar(&buf, '=');
			append_encoded(&buf, value);
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

/*
 * append_encoded
 *		Percent-encode everything but RFC 3986's unreserved characters.
 */
static void
append_encoded(StringInfo buf, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *) s; *p; p++)
	{
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			(*p >= '0' && *p <= '9') ||
			*p == '-' || *p == '.' || *p == '_' || *p == '~')
			appendStringInfoChar(buf, (char) *p);
		else
		{
			appendStringInfoChar(buf, '%');
			appendStringInfoChar(buf, hex[*p >> 4]);
			appendStringInfoChar(buf, hex[*p & 0x0f]);
		}
	}
}

/*
 * clio_percent_encode
 *		A palloc'd encoded copy of s.
 */
char *
clio_percent_encode(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	append_encoded(&buf, s);
	return buf.data;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * percent_decode
 *		Decode %XX and '+' in the first len bytes of s.  A %00 or a broken
 *		escape is kept literally.
 */
static char *
percent_decode(const char *s, int len)
{
	char	   *out = palloc(len + 1);
	int			i,
				o = 0;

	for (i = 0; i < len; i++)
	{
		if (s[i] == '%' && i + 2 < len &&
			hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0 &&
			(hexval(s[i + 1]) << 4 | hexval(s[i + 2])) != 0)
		{
			out[o++] = (char) (hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		}
		else if (s[i] == '+')
			out[o++] = ' ';
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/*
 * clio_next_params
 *		Take the paging parameters (page_token, offset) out of a
 *		meta.paging.next URL.  Only these are used: the next request is
 *		built on base_url again, so the host in the URL (Clio writes its
 *		own, even behind the gateway) is never contacted and never receives
 *		the credentials.  Returns false when the URL carries neither.
 */
bool
clio_next_params(const char *next, char **page_token, char **offset)
{
	const char *q = strchr(next, '?');
	const char *end;

	*page_token = NULL;
	*offset = NULL;
	if (q == NULL)
		return false;
	q++;
	end = strchr(q, '#');
	if (end == NULL)
		end = q + strlen(q);

	while (q < end)
	{
		const char *amp = memchr(q, '&', end - q);
		const char *pend = amp ? amp : end;
		const char *eq = memchr(q, '=', pend - q);

		if (eq != NULL)
		{
			char	   *name = percent_decode(q, eq - q);

			if (strcmp(name, "page_token") == 0)
				*page_token = percent_decode(eq + 1, pend - eq - 1);
			else if (strcmp(name, "offset") == 0)
				*offset = percent_decode(eq + 1, pend - eq - 1);
			pfree(name);
		}
		q = amp ? amp + 1 : end;
	}
	return *page_token != NULL || *offset != NULL;
}
