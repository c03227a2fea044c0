/*-------------------------------------------------------------------------
 *
 * clio_json.c
 *		  Clio's JSON pages to datums, and Clio's error bodies to text
 *
 * The only file that includes cJSON.  cJSON allocates through hooks that
 * palloc (clio_json_init), so a parsed page -- its cJSON tree and what is
 * read from it -- lives in the memory context that was current when it
 * was parsed and goes with that context when it is reset or deleted,
 * including when an ERROR unwinds the query; nothing is freed by hand.
 *
 * It owns the JSON side only: it never decides what to request (that is
 * src/clio_request.c and the files above it) and never sends anything.
 *
 * Values are converted with the column type's own input function, so a
 * hand-written foreign table may declare any type that accepts the text
 * of the value (numeric for an integer field, text for anything, ...).
 * Text from Clio is validated (and converted) to the database encoding
 * before it becomes a datum.
 *
 * The first part of the file (checking a page's shape, turning a JSON
 * value into text) needs nothing of the backend but palloc: built with
 * FRONTEND defined, it is what the fuzzers in test/fuzz exercise.
 *
 * IDENTIFICATION
 *		  src/clio_json.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include <ctype.h>
#include <math.h>

#include <cJSON.h>

#include "lib/stringinfo.h"

#ifndef FRONTEND
#include "catalog/pg_type.h"
#include "clio_json.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#endif

/* What can be wrong with the shape of a response */
typedef enum ClioShape
{
	CLIO_SHAPE_OK,
	CLIO_SHAPE_NOT_OBJECT,		/* the response is not an object */
	CLIO_SHAPE_NOT_RECORD,		/* single: data is not an object */
	CLIO_SHAPE_NOT_ARRAY,		/* list: data is not an array */
	CLIO_SHAPE_BAD_ELEMENT,		/* list: an element is not an object */
	CLIO_SHAPE_BAD_NEXT			/* meta.paging.next is not a string */
} ClioShape;

/* the pure part, exported for the fuzzers */
extern ClioShape clio_json_shape(cJSON *root, const char *key, bool single,
								 cJSON **data, int *bad, const char **next,
								 int64 *total);
extern char *clio_json_value_text(cJSON *v, bool is_json, bool is_array);
extern void clio_format_number(double d, char *buf, size_t len);

static char *clio_json_text(cJSON *v);
static void clio_append_array_literal(StringInfo buf, cJSON *array);

#ifdef FRONTEND
#define clio_server_text(s) ((char *) (s))
#define clio_oom() abort()
#else
static char *clio_server_text(const char *s);

static void
clio_oom(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("out of memory")));
}
#endif

/* ----------------------------------------------------------------
 *		Pure part
 * ----------------------------------------------------------------
 */

/*
 * clio_json_shape
 *		Check that a response is {"<key>": [records...]} (or, single,
 *		{"<key>": {record}}), and find its paging link and record count.
 *		On a problem, *bad is the offending element's index.
 */
ClioShape
clio_json_shape(cJSON *root, const char *key, bool single, cJSON **data,
				int *bad, const char **next, int64 *total)
{
	cJSON	   *meta;
	cJSON	   *rec;
	int			n = 0;

	*data = NULL;
	*bad = -1;
	*next = NULL;
	*total = -1;
	if (!cJSON_IsObject(root))
		return CLIO_SHAPE_NOT_OBJECT;
	*data = cJSON_GetObjectItemCaseSensitive(root, key);
	if (single)
	{
		if (!cJSON_IsObject(*data))
			return CLIO_SHAPE_NOT_RECORD;
	}
	else
	{
		if (!cJSON_IsArray(*data))
			return CLIO_SHAPE_NOT_ARRAY;
		cJSON_ArrayForEach(rec, *data)
		{
			if (!cJSON_IsObject(rec))
			{
				*bad = n;
				return CLIO_SHAPE_BAD_ELEMENT;
			}
			n++;
		}
	}

	meta = cJSON_GetObjectItemCaseSensitive(root, "meta");
	if (cJSON_IsObject(meta))
	{
		cJSON	   *paging = cJSON_GetObjectItemCaseSensitive(meta, "paging");
		cJSON	   *records = cJSON_GetObjectItemCaseSensitive(meta, "records");

		if (cJSON_IsObject(paging))
		{
			cJSON	   *nx = cJSON_GetObjectItemCaseSensitive(paging, "next");

			if (cJSON_IsString(nx) && nx->valuestring[0] != '\0')
				*next = nx->valuestring;
			else if (nx != NULL && !cJSON_IsNull(nx))
				return CLIO_SHAPE_BAD_NEXT;
		}
		if (cJSON_IsNumber(records) && records->valuedouble >= 0 &&
			records->valuedouble < 9e15)
			*total = (int64) records->valuedouble;
	}
	return CLIO_SHAPE_OK;
}

/*
 * clio_format_number
 *		The shortest text that reads back as the same double; integral
 *		values without a fraction or exponent.
 */
void
clio_format_number(double d, char *buf, size_t len)
{
	if (d == floor(d) && fabs(d) < 1e15 && !(d == 0 && signbit(d)) && len >= 24)
	{
		/* integral: the digits by hand (printf's %.0f is slow) */
		char		digits[24];
		int			n = 0;
		unsigned long long u = (unsigned long long) fabs(d);

		do
		{
			digits[n++] = (char) ('0' + u % 10);
			u /= 10;
		} while (u > 0);
		if (d < 0)
			*buf++ = '-';
		while (n > 0)
			*buf++ = digits[--n];
		*buf = '\0';
	}
	else if (d == floor(d) && fabs(d) < 1e15)
		snprintf(buf, len, "%.0f", d);
	else
	{
		snprintf(buf, len, "%.15g", d);
		if (strtod(buf, NULL) != d)
			snprintf(buf, len, "%.17g", d);
	}
}

/*
 * clio_json_text
 *		A JSON value printed as palloc'd text (cJSON's malloc'd copy is
 *		freed at once).
 */
static char *
clio_json_text(cJSON *v)
{
	char	   *printed = cJSON_PrintUnformatted(v);
	size_t		len;
	char	   *copy;

	if (printed == NULL)
		clio_oom();
	len = strlen(printed);
	copy = palloc_extended(len + 1, MCXT_ALLOC_NO_OOM);
	if (copy)
		memcpy(copy, printed, len + 1);
	cJSON_free(printed);
	if (copy == NULL)
		clio_oom();
	return copy;
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
		char	   *owned = NULL;

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
			s = clio_server_text(owned = clio_json_text(el));
		appendStringInfoChar(buf, '"');
		for (; *s; s++)
		{
			if (*s == '"' || *s == '\\')
				appendStringInfoChar(buf, '\\');
			appendStringInfoChar(buf, *s);
		}
		appendStringInfoChar(buf, '"');
		if (owned)
			pfree(owned);
	}
	appendStringInfoChar(buf, '}');
}

/*
 * clio_json_value_text
 *		The text form of a JSON value, as a column's input function wants
 *		it: objects and arrays as JSON text (or an array literal for an
 *		array column, is_array), numbers in their shortest exact form.
 *		NULL for a value of no known JSON type.
 */
char *
clio_json_value_text(cJSON *v, bool is_json, bool is_array)
{
	char		num[64];

	if (cJSON_IsArray(v) && is_array)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		clio_append_array_literal(&buf, v);
		return buf.data;
	}
	if (is_json || cJSON_IsObject(v) || cJSON_IsArray(v))
		return clio_server_text(clio_json_text(v));
	if (cJSON_IsString(v))
		return clio_server_text(v->valuestring);
	if (cJSON_IsNumber(v))
	{
		clio_format_number(v->valuedouble, num, sizeof(num));
		return pstrdup(num);
	}
	if (cJSON_IsBool(v))
		return pstrdup(cJSON_IsTrue(v) ? "true" : "false");
	return NULL;
}

#ifndef FRONTEND

/* ----------------------------------------------------------------
 *		Backend part
 * ----------------------------------------------------------------
 */

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

struct ClioPage
{
	cJSON	   *root;
	cJSON	  **records;		/* the objects of data[], in order */
	int			nrecords;
	char	   *next;			/* meta.paging.next, or NULL */
	int64		total;			/* meta.records, or -1 */
};

/* Context for conversion errors: which value of which record */
typedef struct ClioConvContext
{
	const char *colname;
	const char *table;
	cJSON	   *record;
} ClioConvContext;

static void clio_conv_error_cb(void *arg);
static cJSON *clio_datum_json(Datum value, ClioWriteCol *col);
static cJSON *clio_checked(cJSON *item);

/*
 * cJSON allocates through these (clio_json_init): its trees live in the
 * current memory context like everything else, go away with it on a reset
 * or an ERROR, and cost palloc's price rather than malloc's and free's
 * (a page of 200 records is a few thousand small nodes).  No ERROR is
 * raised inside cJSON: an allocation that fails returns NULL, which cJSON
 * reports as a failure.
 */
static void *
clio_cjson_alloc(size_t size)
{
	return palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
clio_cjson_free(void *ptr)
{
	if (ptr != NULL)
		pfree(ptr);
}

/*
 * clio_json_init
 *		At library load: cJSON's memory comes from memory contexts.
 */
void
clio_json_init(void)
{
	cJSON_Hooks hooks;

	hooks.malloc_fn = clio_cjson_alloc;
	hooks.free_fn = clio_cjson_free;
	cJSON_InitHooks(&hooks);
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
	return clio_json_parse_list(body, len, "data", single, what);
}

/*
 * clio_json_parse_list
 *		As clio_json_parse_page, for an envelope whose records are under
 *		"key" (Maton's connection API uses "connections" and "connection").
 */
ClioPage *
clio_json_parse_list(const char *body, size_t len, const char *key,
					 bool single, const char *what)
{
	ClioPage   *page = palloc0(sizeof(ClioPage));

	page->total = -1;

	/*
	 * A raw NUL byte is JSON nowhere; cJSON would read it as white space
	 * between tokens and as the end of a string or a key inside one.
	 */
	if (body != NULL && memchr(body, '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("invalid JSON in Clio response"),
				 errdetail("The response (%zu bytes) has a NUL byte at byte %ld.",
						   len, (long) ((const char *) memchr(body, '\0', len) - body)),
				 errcontext("Clio request: %s", what)));
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
	/* the tree is in this memory context (clio_json_init): no callback */

	{
		cJSON	   *data;
		const char *next;
		int			bad;
		ClioShape	shape = clio_json_shape(page->root, key, single, &data, &bad,
											&next, &page->total);
		cJSON	   *rec;
		int			n = 0;

		if (shape != CLIO_SHAPE_OK)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("unexpected Clio response"),
					 shape == CLIO_SHAPE_NOT_OBJECT ?
					 errdetail("The response is not a JSON object.") :
					 shape == CLIO_SHAPE_NOT_RECORD ?
					 errdetail("The response's \"%s\" is not a record.", key) :
					 shape == CLIO_SHAPE_NOT_ARRAY ?
					 errdetail("The response's \"%s\" is not an array.", key) :
					 shape == CLIO_SHAPE_BAD_ELEMENT ?
					 errdetail("Element %d of the response's \"%s\" is not a record.", bad, key) :
					 errdetail("The response's \"meta.paging.next\" is not a URL."),
					 errcontext("Clio request: %s", what)));
		if (single)
		{
			page->records = palloc(sizeof(cJSON *));
			page->records[0] = data;
			page->nrecords = 1;
		}
		else
		{
			page->records = palloc(sizeof(cJSON *) * Max(cJSON_GetArraySize(data), 1));
			cJSON_ArrayForEach(rec, data)
				page->records[n++] = rec;
			page->nrecords = n;
		}
		if (next)
			page->next = pstrdup(next);
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
 * clio_colmap_attr
 *		The type side of a column map: the attribute's input function and
 *		how its values are written (JSON text, an array literal).  The
 *		caller says which field it reads.
 */
void
clio_colmap_attr(ClioColMap *col, Form_pg_attribute attr)
{
	Oid			infunc;

	memset(col, 0, sizeof(*col));
	col->attnum = attr->attnum;
	col->colname = pstrdup(NameStr(attr->attname));
	col->typid = attr->atttypid;
	col->typmod = attr->atttypmod;
	getTypeInputInfo(attr->atttypid, &infunc, &col->ioparam);
	fmgr_info(infunc, &col->input);
	col->is_json = (attr->atttypid == JSONBOID || attr->atttypid == JSONOID);
	col->is_array = OidIsValid(get_element_type(attr->atttypid));
	switch (attr->atttypid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT8OID:
		case BOOLOID:
		case TEXTOID:
		case DATEOID:
			col->direct = true;
			break;
		case TIMESTAMPTZOID:
		case NUMERICOID:
			col->direct = (attr->atttypmod < 0);
			break;
		default:
			col->direct = false;
	}
}

/*
 * clio_digits
 *		The value of n decimal digits at s, or -1.
 */
static int
clio_digits(const char *s, int n)
{
	int			v = 0;

	while (n-- > 0)
	{
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/*
 * clio_iso_day
 *		"YYYY-MM-DD" at s as days since 2000-01-01, or false.
 */
static bool
clio_iso_day(const char *s, int *days)
{
	int			y = clio_digits(s, 4);
	int			m = clio_digits(s + 5, 2);
	int			d = clio_digits(s + 8, 2);

	if (y < 1 || m < 1 || m > 12 || d < 1 || s[4] != '-' || s[7] != '-')
		return false;
	if (d > day_tab[isleap(y)][m - 1])
		return false;
	*days = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	return true;
}

/*
 * clio_iso_datum
 *		The date of "YYYY-MM-DD", or the timestamptz of
 *		"YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)": the forms Clio
 *		writes, read without the general date/time parser.  False for
 *		anything else, which the type's input function then reads.
 */
static bool
clio_iso_datum(Oid typid, const char *s, Datum *value)
{
	size_t		len = strlen(s);
	int			days;
	int			h,
				mi,
				sec;
	int64		usec = 0;
	int			offset;
	const char *p;
	Timestamp	ts;

	if (len < 10 || !clio_iso_day(s, &days))
		return false;
	if (typid == DATEOID)
	{
		if (len != 10)
			return false;
		*value = DateADTGetDatum((DateADT) days);
		return true;
	}
	if (len < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	h = clio_digits(s + 11, 2);
	mi = clio_digits(s + 14, 2);
	sec = clio_digits(s + 17, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return false;
	p = s + 19;
	if (*p == '.')
	{
		int			n = 0;
		int64		scale = USECS_PER_SEC;

		p++;
		while (p[n] >= '0' && p[n] <= '9')
		{
			if (n == 6)
				return false;	/* rounding: the input function's job */
			scale /= 10;
			usec += (p[n] - '0') * scale;
			n++;
		}
		if (n == 0)
			return false;
		p += n;
	}
	if (p[0] == 'Z' && p[1] == '\0')
		offset = 0;
	else if ((p[0] == '+' || p[0] == '-') && p[3] == ':' && p[6] == '\0')
	{
		int			oh = clio_digits(p + 1, 2);
		int			om = clio_digits(p + 4, 2);

		if (oh < 0 || oh > 15 || om < 0 || om > 59)
			return false;
		offset = (oh * 60 + om) * 60 * (p[0] == '-' ? -1 : 1);
	}
	else
		return false;
	ts = ((int64) days * SECS_PER_DAY + h * 3600 + mi * 60 + sec - offset) *
		USECS_PER_SEC + usec;
	if (!IS_VALID_TIMESTAMP(ts))
		return false;
	*value = TimestampTzGetDatum((TimestampTz) ts);
	return true;
}

/*
 * clio_direct_datum
 *		The datum of a JSON number, boolean or string for a column of the
 *		matching plain type, as its input function would make it from the
 *		value's text; false when the value needs the input function (other
 *		kinds, fractions or out-of-range numbers for integers, which it then
 *		rejects or reads in its own way).
 */
static bool
clio_direct_datum(ClioColMap *col, cJSON *v, Datum *value)
{
	double		d;

	switch (col->typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			if (!cJSON_IsNumber(v))
				return false;
			d = v->valuedouble;
			if (d != floor(d))
				return false;
			if (col->typid == INT8OID &&
				d >= -9223372036854775808.0 && d < 9223372036854775808.0)
				*value = Int64GetDatum((int64) d);
			else if (col->typid == INT4OID && d >= PG_INT32_MIN && d <= PG_INT32_MAX)
				*value = Int32GetDatum((int32) d);
			else if (col->typid == INT2OID && d >= PG_INT16_MIN && d <= PG_INT16_MAX)
				*value = Int16GetDatum((int16) d);
			else
				return false;
			return true;
		case NUMERICOID:
			/* integral values (seconds, cents, counts): no text */
			if (!cJSON_IsNumber(v))
				return false;
			d = v->valuedouble;
			if (d != floor(d) || fabs(d) >= 1e15 || (d == 0 && signbit(d)))
				return false;
			*value = NumericGetDatum(int64_to_numeric((int64) d));
			return true;
		case FLOAT8OID:
			if (!cJSON_IsNumber(v) || isnan(v->valuedouble))
				return false;
			*value = Float8GetDatum(v->valuedouble);
			return true;
		case BOOLOID:
			if (!cJSON_IsBool(v))
				return false;
			*value = BoolGetDatum(cJSON_IsTrue(v));
			return true;
		case TEXTOID:
			if (!cJSON_IsString(v))
				return false;
			*value = PointerGetDatum(cstring_to_text(clio_server_text(v->valuestring)));
			return true;
		case DATEOID:
		case TIMESTAMPTZOID:
			return cJSON_IsString(v) &&
				clio_iso_datum(col->typid, v->valuestring, value);
	}
	return false;
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
		cJSON	   *v;
		char	   *text;

		if (col->is_search)
			continue;
		v = cJSON_GetObjectItemCaseSensitive(rec, col->field);
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
		if (col->direct && clio_direct_datum(col, v, &values[att]))
		{
			nulls[att] = false;
			continue;
		}
		text = clio_json_value_text(v, col->is_json, col->is_array);
		if (text == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("unexpected JSON value in Clio field \"%s\"", col->field)));
		values[att] = InputFunctionCall(&col->input, text, col->ioparam,
										col->typmod);
		nulls[att] = false;
	}

	error_context_stack = errcb.previous;
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
			/* a message that is not valid UTF-8 is left out, not an error */
			if (cJSON_IsString(typ) &&
				pg_verify_mbstr(PG_UTF8, typ->valuestring, strlen(typ->valuestring), true))
				*type = pstrdup(clio_server_text(typ->valuestring));
			if (cJSON_IsString(msg) &&
				pg_verify_mbstr(PG_UTF8, msg->valuestring, strlen(msg->valuestring), true))
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

/*
 * clio_json_record_id
 *		The "id" of record "index" as text (Clio's ids are numbers, or
 *		strings for calendar entries), or NULL.
 */
char *
clio_json_record_id(ClioPage *page, int index)
{
	cJSON	   *id = cJSON_GetObjectItemCaseSensitive(page->records[index], "id");
	char		buf[64];

	if (cJSON_IsString(id))
		return clio_server_text(id->valuestring);
	if (cJSON_IsNumber(id))
	{
		clio_format_number(id->valuedouble, buf, sizeof(buf));
		return pstrdup(buf);
	}
	return NULL;
}

/*
 * clio_checked
 *		cJSON returns NULL when malloc fails.
 */
static cJSON *
clio_checked(cJSON *item)
{
	if (item == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory building a Clio request")));
	return item;
}

/*
 * clio_datum_json
 *		A value as JSON: numbers stay numbers (their exact text), booleans
 *		booleans, dates and timestamps ISO 8601 strings whatever DateStyle
 *		says, json and jsonb their own JSON, arrays JSON arrays, and
 *		everything else a string.
 */
static cJSON *
clio_datum_json(Datum value, ClioWriteCol *col)
{
	char	   *txt;
	char		buf[MAXDATELEN + 1];

	switch (col->typid)
	{
		case BOOLOID:
			return clio_checked(cJSON_CreateBool(DatumGetBool(value)));
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
			txt = OutputFunctionCall(&col->output, value);
			if (!(isdigit((unsigned char) txt[0]) ||
				  (txt[0] == '-' && isdigit((unsigned char) txt[1]))))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("cannot send %s to Clio", txt),
						 errdetail("Column \"%s\" holds a number JSON cannot express.",
								   col->colname)));
			return clio_checked(cJSON_CreateRaw(txt));
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case TIMEOID:
		case TIMETZOID:
			return clio_checked(cJSON_CreateString(JsonEncodeDateTime(buf, value,
																	  col->typid,
																	  NULL)));
		case JSONOID:
		case JSONBOID:
			{
				cJSON	   *parsed;

				txt = OutputFunctionCall(&col->output, value);
				parsed = cJSON_Parse(txt);
				if (parsed == NULL)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("column \"%s\" holds JSON that could not be sent",
									col->colname)));
				return parsed;
			}
	}

	if (OidIsValid(get_element_type(col->typid)))
	{
		cJSON	   *parsed;

		txt = TextDatumGetCString(DirectFunctionCall1(array_to_json, value));
		parsed = cJSON_Parse(txt);
		if (parsed == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("column \"%s\" holds an array that could not be sent",
							col->colname)));
		return parsed;
	}

	txt = OutputFunctionCall(&col->output, value);
	txt = pg_server_to_any(txt, strlen(txt), PG_UTF8);
	return clio_checked(cJSON_CreateString(txt));
}

/*
 * clio_json_write_body
 *		The body of a POST or PATCH: {"data": {...}} with the given columns.
 *		A column with a subkey sets one key of an association object
 *		("matter_id" gives "matter": {"id": ...}); a jsonb column for the
 *		same association is the base that object starts from.  SQL NULL is
 *		JSON null.  When omit_key is set, that key is left out of the body
 *		and returned, as JSON text, in *omitted (or NULL if absent).
 *		The result is palloc'd.
 */
char *
clio_json_write_body(ClioWriteCol *cols, int ncols, Datum *values, bool *nulls,
					 const char *omit_key, char **omitted)
{
	cJSON	   *volatile root = NULL;
	char	   *result = NULL;

	if (omitted)
		*omitted = NULL;

	PG_TRY();
	{
		cJSON	   *data;
		char	   *printed;
		int			pass;
		int			i;

		root = clio_checked(cJSON_CreateObject());
		data = clio_checked(cJSON_AddObjectToObject(root, "data"));

		/*
		 * Two passes: whole values first, then the keys of association
		 * objects, so that "assignee_id" refines an "assignee" jsonb given in
		 * the same statement whatever the column order.
		 */
		for (pass = 0; pass < 2; pass++)
		{
			for (i = 0; i < ncols; i++)
			{
				ClioWriteCol *col = &cols[i];
				int			att = col->attnum - 1;
				cJSON	   *value;

				if ((col->subkey != NULL) != (pass == 1))
					continue;
				value = nulls[att] ? clio_checked(cJSON_CreateNull()) :
					clio_datum_json(values[att], col);

				if (col->subkey == NULL)
				{
					cJSON_DeleteItemFromObjectCaseSensitive(data, col->key);
					cJSON_AddItemToObject(data, col->key, value);
				}
				else
				{
					cJSON	   *obj = cJSON_GetObjectItemCaseSensitive(data, col->key);

					if (!cJSON_IsObject(obj))
					{
						cJSON_DeleteItemFromObjectCaseSensitive(data, col->key);
						obj = clio_checked(cJSON_AddObjectToObject(data, col->key));
					}
					cJSON_DeleteItemFromObjectCaseSensitive(obj, col->subkey);
					cJSON_AddItemToObject(obj, col->subkey, value);
				}
			}
		}

		/* an association whose id is NULL is no association: null */
		for (i = 0; i < ncols; i++)
		{
			cJSON	   *obj;
			cJSON	   *id;

			if (cols[i].subkey == NULL || strcmp(cols[i].subkey, "id") != 0)
				continue;
			obj = cJSON_GetObjectItemCaseSensitive(data, cols[i].key);
			id = cJSON_GetObjectItemCaseSensitive(obj, "id");
			if (cJSON_IsNull(id))
				cJSON_ReplaceItemInObjectCaseSensitive(data, cols[i].key,
													   clio_checked(cJSON_CreateNull()));
		}

		if (omit_key)
		{
			cJSON	   *item = cJSON_DetachItemFromObjectCaseSensitive(data, omit_key);

			if (item)
			{
				printed = cJSON_PrintUnformatted(item);
				cJSON_Delete(item);
				if (printed == NULL)
					clio_checked(NULL);
				*omitted = pstrdup(printed);
				cJSON_free(printed);
			}
		}

		printed = cJSON_PrintUnformatted(root);
		if (printed == NULL)
			clio_checked(NULL);
		result = pstrdup(printed);
		cJSON_free(printed);
	}
	PG_FINALLY();
	{
		if (root)
			cJSON_Delete(root);
	}
	PG_END_TRY();

	return result;
}

/*
 * clio_json_string_field
 *		A top-level string of a JSON object (palloc'd), or NULL.
 */
char *
clio_json_string_field(const char *body, size_t len, const char *key)
{
	cJSON	   *root = cJSON_ParseWithLength(body, len);
	cJSON	   *v;
	char	   *result = NULL;

	if (root == NULL)
		return NULL;
	PG_TRY();
	{
		v = cJSON_GetObjectItemCaseSensitive(root, key);
		if (cJSON_IsString(v))
			result = pstrdup(v->valuestring);
	}
	PG_FINALLY();
	{
		cJSON_Delete(root);
	}
	PG_END_TRY();
	return result;
}

/*
 * clio_json_upload_target
 *		From a document just created, where its bytes go: the version's uuid,
 *		put_url and put_headers (as "Name: value" strings).  A header that
 *		holds a line break is refused: it would add a header.
 */
bool
clio_json_upload_target(ClioPage *page, char **uuid, char **put_url,
						List **put_headers)
{
	cJSON	   *ver = cJSON_GetObjectItemCaseSensitive(page->records[0],
													   "latest_document_version");
	cJSON	   *u = cJSON_GetObjectItemCaseSensitive(ver, "uuid");
	cJSON	   *url = cJSON_GetObjectItemCaseSensitive(ver, "put_url");
	cJSON	   *hdrs = cJSON_GetObjectItemCaseSensitive(ver, "put_headers");
	cJSON	   *h;

	*put_headers = NIL;
	if (!cJSON_IsString(u) || !cJSON_IsString(url))
		return false;
	*uuid = pstrdup(u->valuestring);
	*put_url = pstrdup(url->valuestring);
	cJSON_ArrayForEach(h, hdrs)
	{
		cJSON	   *name = cJSON_GetObjectItemCaseSensitive(h, "name");
		cJSON	   *value = cJSON_GetObjectItemCaseSensitive(h, "value");

		if (!cJSON_IsString(name) || !cJSON_IsString(value))
			continue;
		if (strpbrk(name->valuestring, "\r\n:") || strpbrk(value->valuestring, "\r\n"))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("Clio's upload headers hold a line break")));
		*put_headers = lappend(*put_headers,
							   psprintf("%s: %s", name->valuestring, value->valuestring));
	}
	return true;
}

/*
 * clio_json_print
 *		A cJSON tree as palloc'd text; the tree is freed, also on error.
 */
static char *
clio_json_print(cJSON *root)
{
	char	   *printed = root ? cJSON_PrintUnformatted(root) : NULL;
	char	   *result = NULL;

	cJSON_Delete(root);
	if (printed == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory building a Clio request")));
	PG_TRY();
	{
		result = pstrdup(printed);
	}
	PG_FINALLY();
	{
		cJSON_free(printed);
	}
	PG_END_TRY();
	return result;
}

/*
 * clio_json_document_body
 *		{"data": {"name", "filename", "parent": {"id", "type"}}} for a new
 *		document.
 */
char *
clio_json_document_body(const char *filename, const char *parent_type,
						int64 parent_id)
{
	char	   *name = pg_server_to_any(filename, strlen(filename), PG_UTF8);
	cJSON	   *root = cJSON_CreateObject();
	cJSON	   *data = root ? cJSON_AddObjectToObject(root, "data") : NULL;
	cJSON	   *parent = data ? cJSON_AddObjectToObject(data, "parent") : NULL;

	if (parent == NULL ||
		!cJSON_AddStringToObject(data, "name", name) ||
		!cJSON_AddStringToObject(data, "filename", name) ||
		!cJSON_AddNumberToObject(parent, "id", (double) parent_id) ||
		!cJSON_AddStringToObject(parent, "type", parent_type))
	{
		cJSON_Delete(root);
		root = NULL;
	}
	return clio_json_print(root);
}

/*
 * clio_json_fully_uploaded_body
 *		{"data": {"uuid": ..., "fully_uploaded": true}}
 */
char *
clio_json_fully_uploaded_body(const char *uuid)
{
	cJSON	   *root = cJSON_CreateObject();
	cJSON	   *data = root ? cJSON_AddObjectToObject(root, "data") : NULL;

	if (data == NULL ||
		!cJSON_AddStringToObject(data, "uuid", uuid) ||
		!cJSON_AddTrueToObject(data, "fully_uploaded"))
	{
		cJSON_Delete(root);
		root = NULL;
	}
	return clio_json_print(root);
}

#endif							/* !FRONTEND */
