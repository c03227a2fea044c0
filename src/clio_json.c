/*-------------------------------------------------------------------------
 *
 * clio_json.c
 *		  Clio's JSON pages to datums, and Clio's error bodies to text
 *
 * The only file that includes cJSON.  A parsed page is a malloc'd cJSON
 * tree; it is tied to the memory context that was current when it was
 * parsed by a reset callback, so it is freed when that context is reset or
 * deleted -- including when an ERROR unwinds the query.
 *
 * Values are converted with the column type's own input function, so a
 * hand-written foreign table may declare any type that accepts the text
 * of the value (numeric for an integer field, text for anything, ...).
 * Text from Clio is validated (and converted) to the database encoding
 * before it becomes a datum.
 *
 * IDENTIFICATION
 *		  src/clio_json.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include <cJSON.h>

#include "clio_json.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

struct ClioPage
{
	cJSON	   *root;
	cJSON	  **records;		/* the objects of data[], in order */
	int			nrecords;
	char	   *next;			/* meta.paging.next, or NULL */
	int64		total;			/* meta.records, or -1 */
	MemoryContextCallback cb;	/* frees root */
};

/* Context for conversion errors: which value of which record */
typedef struct ClioConvContext
{
	const char *colname;
	const char *table;
	cJSON	   *record;
} ClioConvContext;

static void clio_page_free(void *arg);
static void clio_conv_error_cb(void *arg);
static char *clio_value_text(cJSON *v, ClioColMap *col);
static char *clio_server_text(const char *s);
static void clio_format_number(double d, char *buf, size_t len);
static void clio_append_array_literal(StringInfo buf, cJSON *array);

/*
 * clio_page_free
 *		Reset callback: free a page's cJSON tree.
 */
static void
clio_page_free(void *arg)
{
	ClioPage   *page = (ClioPage *) arg;

	if (page->root)
		cJSON_Delete(page->root);
	page->root = NULL;
}

/*
 * clio_json_parse_page
 *		Parse a response body into a page, allocated in the current memory
 *		context.  "single" is for a record GET ({"data": {...}}); otherwise
 *		data must be an array of objects.  "what" names the request in
 *		errors.
 */
ClioPage *
clio_json_parse_page(const char *body, size_t len, bool single, const char *what)
{
	ClioPage   *page = palloc0(sizeof(ClioPage));
	cJSON	   *data;
	cJSON	   *meta;

	page->total = -1;
	page->root = cJSON_ParseWithLength(body, len);
	if (page->root == NULL)
	{
		const char *at = cJSON_GetErrorPtr();
		long		offset = (at && at >= body && at <= body + len) ? (long) (at - body) : -1;

		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("invalid JSON in Clio response"),
				 offset >= 0 ?
				 errdetail("The response (%zu bytes) could not be parsed at byte %ld.",
						   len, offset) :
				 errdetail("The response (%zu bytes) could not be parsed.", len),
				 errcontext("Clio request: %s", what)));
	}
	page->cb.func = clio_page_free;
	page->cb.arg = page;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &page->cb);

	if (!cJSON_IsObject(page->root))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("unexpected Clio response"),
				 errdetail("The response is not a JSON object."),
				 errcontext("Clio request: %s", what)));

	data = cJSON_GetObjectItemCaseSensitive(page->root, "data");
	if (single)
	{
		if (!cJSON_IsObject(data))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("unexpected Clio response"),
					 errdetail("The response's \"data\" is not a record."),
					 errcontext("Clio request: %s", what)));
		page->records = palloc(sizeof(cJSON *));
		page->records[0] = data;
		page->nrecords = 1;
	}
	else
	{
		cJSON	   *rec;
		int			n = 0;

		if (!cJSON_IsArray(data))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("unexpected Clio response"),
					 errdetail("The response's \"data\" is not an array."),
					 errcontext("Clio request: %s", what)));
		page->records = palloc(sizeof(cJSON *) * Max(cJSON_GetArraySize(data), 1));
		cJSON_ArrayForEach(rec, data)
		{
			if (!cJSON_IsObject(rec))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("unexpected Clio response"),
						 errdetail("Element %d of the response's \"data\" is not a record.", n),
						 errcontext("Clio request: %s", what)));
			page->records[n++] = rec;
		}
		page->nrecords = n;
	}

	meta = cJSON_GetObjectItemCaseSensitive(page->root, "meta");
	if (cJSON_IsObject(meta))
	{
		cJSON	   *paging = cJSON_GetObjectItemCaseSensitive(meta, "paging");
		cJSON	   *records = cJSON_GetObjectItemCaseSensitive(meta, "records");

		if (cJSON_IsObject(paging))
		{
			cJSON	   *next = cJSON_GetObjectItemCaseSensitive(paging, "next");

			if (cJSON_IsString(next) && next->valuestring[0] != '\0')
				page->next = pstrdup(next->valuestring);
			else if (next != NULL && !cJSON_IsNull(next))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("unexpected Clio response"),
						 errdetail("The response's \"meta.paging.next\" is not a URL."),
						 errcontext("Clio request: %s", what)));
		}
		if (cJSON_IsNumber(records) && records->valuedouble >= 0 &&
			records->valuedouble < 9e15)
			page->total = (int64) records->valuedouble;
	}
	return page;
}

int
clio_json_page_length(ClioPage *page)
{
	return page->nrecords;
}

const char *
clio_json_page_next(ClioPage *page)
{
	return page->next;
}

int64
clio_json_page_total(ClioPage *page)
{
	return page->total;
}

/*
 * clio_conv_error_cb
 *		Error context for a value that did not convert: the column, the
 *		table, and the Clio record.  No catalog access here: we may be in
 *		an aborted transaction.
 */
static void
clio_conv_error_cb(void *arg)
{
	ClioConvContext *ctx = (ClioConvContext *) arg;
	cJSON	   *id = cJSON_GetObjectItemCaseSensitive(ctx->record, "id");
	char		idbuf[64];

	if (cJSON_IsString(id))
		snprintf(idbuf, sizeof(idbuf), "\"%.50s\"", id->valuestring);
	else if (cJSON_IsNumber(id))
		clio_format_number(id->valuedouble, idbuf, sizeof(idbuf));
	else
		strlcpy(idbuf, "without id", sizeof(idbuf));

	errcontext("column \"%s\" of foreign table \"%s\", Clio record %s",
			   ctx->colname, ctx->table, idbuf);
}

/*
 * clio_json_record_values
 *		Convert record "index" of a page into values/nulls for the mapped
 *		columns.  Attributes not mapped are left alone (the caller sets them
 *		to NULL).  Allocates in the current memory context.
 */
void
clio_json_record_values(ClioPage *page, int index, ClioColMap *cols, int ncols,
						Datum *values, bool *nulls, const char *table)
{
	cJSON	   *rec = page->records[index];
	ClioConvContext ctx;
	ErrorContextCallback errcb;
	int			i;

	ctx.table = table;
	ctx.record = rec;
	ctx.colname = NULL;
	errcb.callback = clio_conv_error_cb;
	errcb.arg = &ctx;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	for (i = 0; i < ncols; i++)
	{
		ClioColMap *col = &cols[i];
		int			att = col->attnum - 1;
		cJSON	   *v = cJSON_GetObjectItemCaseSensitive(rec, col->field);
		char	   *text;

		ctx.colname = col->colname;
		if (v != NULL && col->subfield != NULL && !cJSON_IsNull(v))
		{
			if (!cJSON_IsObject(v))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("Clio field \"%s\" is not an object", col->field),
						 errdetail("The column reads \"%s.%s\".",
								   col->field, col->subfield)));
			v = cJSON_GetObjectItemCaseSensitive(v, col->subfield);
		}
		if (v == NULL || cJSON_IsNull(v))
		{
			values[att] = (Datum) 0;
			nulls[att] = true;
			continue;
		}
		text = clio_value_text(v, col);
		values[att] = InputFunctionCall(&col->input, text, col->ioparam,
										col->typmod);
		nulls[att] = false;
	}

	error_context_stack = errcb.previous;
}

/*
 * clio_server_text
 *		Text from Clio (UTF-8) validated and converted to the database
 *		encoding.
 */
static char *
clio_server_text(const char *s)
{
	return pg_any_to_server(s, strlen(s), PG_UTF8);
}

/*
 * clio_format_number
 *		The shortest text that reads back as the same double; integral
 *		values without a fraction or exponent.
 */
static void
clio_format_number(double d, char *buf, size_t len)
{
	if (d == floor(d) && fabs(d) < 1e15)
		snprintf(buf, len, "%.0f", d);
	else
	{
		snprintf(buf, len, "%.15g", d);
		if (strtod(buf, NULL) != d)
			snprintf(buf, len, "%.17g", d);
	}
}

/*
 * clio_append_array_literal
 *		An array literal ({"a","b",NULL}) from a JSON array, for array_in.
 */
static void
clio_append_array_literal(StringInfo buf, cJSON *array)
{
	cJSON	   *el;
	bool		first = true;

	appendStringInfoChar(buf, '{');
	cJSON_ArrayForEach(el, array)
	{
		const char *s;
		char		num[64];
		char	   *printed = NULL;

		if (!first)
			appendStringInfoChar(buf, ',');
		first = false;
		if (cJSON_IsNull(el))
		{
			appendStringInfoString(buf, "NULL");
			continue;
		}
		if (cJSON_IsString(el))
			s = clio_server_text(el->valuestring);
		else if (cJSON_IsNumber(el))
		{
			clio_format_number(el->valuedouble, num, sizeof(num));
			s = num;
		}
		else if (cJSON_IsBool(el))
			s = cJSON_IsTrue(el) ? "true" : "false";
		else
		{
			printed = cJSON_PrintUnformatted(el);
			if (printed == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_OUT_OF_MEMORY),
						 errmsg("out of memory")));
			s = clio_server_text(printed);
			if (s == printed)
				s = pstrdup(printed);
			free(printed);
		}
		appendStringInfoChar(buf, '"');
		for (; *s; s++)
		{
			if (*s == '"' || *s == '\\')
				appendStringInfoChar(buf, '\\');
			appendStringInfoChar(buf, *s);
		}
		appendStringInfoChar(buf, '"');
	}
	appendStringInfoChar(buf, '}');
}

/*
 * clio_value_text
 *		The text form of a JSON value, as the column's input function wants
 *		it.  JSON objects and arrays become JSON text (or an array literal
 *		for an array column).
 */
static char *
clio_value_text(cJSON *v, ClioColMap *col)
{
	char		num[64];

	if (cJSON_IsArray(v) && col->is_array)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		clio_append_array_literal(&buf, v);
		return buf.data;
	}
	if (col->is_json || cJSON_IsObject(v) || cJSON_IsArray(v))
	{
		char	   *printed = cJSON_PrintUnformatted(v);
		char	   *result;

		if (printed == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		result = clio_server_text(printed);
		if (result == printed)
			result = pstrdup(printed);
		free(printed);
		return result;
	}
	if (cJSON_IsString(v))
		return clio_server_text(v->valuestring);
	if (cJSON_IsNumber(v))
	{
		clio_format_number(v->valuedouble, num, sizeof(num));
		return pstrdup(num);
	}
	if (cJSON_IsBool(v))
		return pstrdup(cJSON_IsTrue(v) ? "true" : "false");

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("unexpected JSON value in Clio field \"%s\"", col->field)));
	return NULL;				/* keep compiler quiet */
}

/*
 * clio_json_error_body
 *		Clio's error type and message from an error response, as palloc'd
 *		text in the database encoding; NULL for what is not there.  Accepts
 *		Clio's {"error": {"type", "message"}}, the gateway's variants, and
 *		otherwise gives (the start of) a text body as the message.
 */
void
clio_json_error_body(const char *body, size_t len, char **type, char **message)
{
	cJSON	   *root;

	*type = NULL;
	*message = NULL;
	if (len == 0)
		return;

	root = cJSON_ParseWithLength(body, len);
	if (root != NULL)
	{
		cJSON	   *err = cJSON_GetObjectItemCaseSensitive(root, "error");
		cJSON	   *msg = NULL;
		cJSON	   *typ = NULL;

		if (cJSON_IsObject(err))
		{
			msg = cJSON_GetObjectItemCaseSensitive(err, "message");
			typ = cJSON_GetObjectItemCaseSensitive(err, "type");
		}
		else if (cJSON_IsString(err))
			typ = err;
		if (!cJSON_IsString(msg))
			msg = cJSON_GetObjectItemCaseSensitive(root, "message");
		if (!cJSON_IsString(msg))
			msg = cJSON_GetObjectItemCaseSensitive(root, "error_description");

		PG_TRY();
		{
			if (cJSON_IsString(typ))
				*type = pstrdup(clio_server_text(typ->valuestring));
			if (cJSON_IsString(msg))
				*message = pstrdup(clio_server_text(msg->valuestring));
		}
		PG_FINALLY();
		{
			cJSON_Delete(root);
		}
		PG_END_TRY();
		if (*type || *message)
			return;
	}

	/* Not Clio's JSON: show the start of the body if it is text */
	{
		size_t		n = Min(len, 300);

		while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == '\r'))
			n--;
		if (n > 0 && pg_verifymbstr(body, n, true) &&
			memchr(body, '\0', n) == NULL)
			*message = pnstrdup(body, n);
	}
}
