/*-------------------------------------------------------------------------
 *
 * clio_json.c
 *		  Clio's JSON pages to datums, and Clio's error bodies to text
 *
 * With src/clio_json_body.c (request bodies), the only file that includes
 * cJSON.  cJSON allocates through hooks that
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
 * A body is pre-scanned first (src/clio_text.c): it must be UTF-8, and
 * its numbers become marked strings holding their lexemes, so that a
 * number converts from its exact text and never through a double, and
 * \u0000 (which cJSON would read as the end of a string) becomes a mark
 * that is an error where a value holding it is converted.  A key given
 * twice counts as its last occurrence (clio_member), as in jsonb.
 *
 * Memory: the pre-scan counts what cJSON's tree will take and refuses
 * (54000) a body whose tree would pass CLIO_TREE_FACTOR times the body
 * plus CLIO_TREE_FLOOR, before any of it is made, so that a body of tiny
 * values cannot take thirty times its size; while a body is parsed, the
 * nodes come from an arena that holds the same cap.
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

#include <cJSON.h>

#include "clio_text.h"
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
extern cJSON *clio_member(cJSON *obj, const char *key);
extern ClioShape clio_json_shape(cJSON *root, const char *key, bool single,
								 cJSON **data, int *bad, const char **next,
								 int64 *total);
extern char *clio_json_value_text(cJSON *v, bool is_json, bool is_array,
								  bool *nul);

static bool clio_append_json(StringInfo buf, cJSON *v);
static bool clio_append_array_literal(StringInfo buf, cJSON *array);

#ifdef FRONTEND
#define clio_server_text(s) ((char *) (s))
#else
static char *clio_server_text(const char *s);
#endif

/*
 * What the pre-scan (src/clio_text.c) left in the tree: a string that was
 * a number, with its lexeme; a string that is a string.
 */
static inline const char *
clio_num(cJSON *v)
{
	if (cJSON_IsString(v) && v->valuestring[0] == CLIO_NUM_MARK)
		return v->valuestring + 1;
	return NULL;
}

static inline bool
clio_is_str(cJSON *v)
{
	return cJSON_IsString(v) && v->valuestring[0] != CLIO_NUM_MARK;
}

/* ----------------------------------------------------------------
 *		Pure part
 * ----------------------------------------------------------------
 */

/*
 * clio_member
 *		The member "key" of an object, or NULL.  A key given twice counts
 *		as its last occurrence, as jsonb keeps it.
 */
cJSON *
clio_member(cJSON *obj, const char *key)
{
	cJSON	   *m;
	cJSON	   *found = NULL;

	if (!cJSON_IsObject(obj))
		return NULL;
	for (m = obj->child; m != NULL; m = m->next)
		if (m->string != NULL && strcmp(m->string, key) == 0)
			found = m;
	return found;
}

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
	*data = clio_member(root, key);
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

	meta = clio_member(root, "meta");
	if (cJSON_IsObject(meta))
	{
		cJSON	   *paging = clio_member(meta, "paging");
		const char *records = clio_num(clio_member(meta, "records"));
		int64		count;

		if (cJSON_IsObject(paging))
		{
			cJSON	   *nx = clio_member(paging, "next");

			if (clio_is_str(nx) && nx->valuestring[0] != '\0' &&
				strchr(nx->valuestring, CLIO_NUL_MARK) == NULL)
				*next = nx->valuestring;
			else if (nx != NULL && !cJSON_IsNull(nx))
				return CLIO_SHAPE_BAD_NEXT;
		}
		if (records && clio_lexeme_int64(records, &count) && count >= 0)
			*total = count;
	}
	return CLIO_SHAPE_OK;
}

/*
 * clio_append_json_string
 *		A string as JSON; false if it holds \u0000.
 */
static bool
clio_append_json_string(StringInfo buf, const char *s)
{
	const char *run = s;

	appendStringInfoChar(buf, '"');
	for (;; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c >= 0x20 && c != '"' && c != '\\' && c != (unsigned char) CLIO_NUL_MARK)
			continue;
		appendBinaryStringInfo(buf, run, s - run);
		run = s + 1;
		if (c == '\0')
			break;
		if (c == (unsigned char) CLIO_NUL_MARK)
			return false;
		switch (c)
		{
			case '"':
				appendStringInfoString(buf, "\\\"");
				break;
			case '\\':
				appendStringInfoString(buf, "\\\\");
				break;
			case '\n':
				appendStringInfoString(buf, "\\n");
				break;
			case '\r':
				appendStringInfoString(buf, "\\r");
				break;
			case '\t':
				appendStringInfoString(buf, "\\t");
				break;
			default:
				appendStringInfo(buf, "\\u%04x", c);
		}
	}
	appendStringInfoChar(buf, '"');
	return true;
}

/*
 * clio_append_json
 *		A JSON value as JSON text, numbers as their lexemes; false if a
 *		string or a key in it holds \u0000.  (Depth is bounded by the
 *		pre-scan.)
 */
static bool
clio_append_json(StringInfo buf, cJSON *v)
{
	const char *num = clio_num(v);
	cJSON	   *el;
	bool		first = true;

	if (num)
		appendStringInfoString(buf, num);
	else if (cJSON_IsString(v))
		return clio_append_json_string(buf, v->valuestring);
	else if (cJSON_IsTrue(v))
		appendStringInfoString(buf, "true");
	else if (cJSON_IsFalse(v))
		appendStringInfoString(buf, "false");
	else if (cJSON_IsArray(v) || cJSON_IsObject(v))
	{
		bool		obj = cJSON_IsObject(v);

		appendStringInfoChar(buf, obj ? '{' : '[');
		for (el = v->child; el != NULL; el = el->next)
		{
			if (!first)
				appendStringInfoChar(buf, ',');
			first = false;
			if (obj)
			{
				if (!clio_append_json_string(buf, el->string ? el->string : ""))
					return false;
				appendStringInfoChar(buf, ':');
			}
			if (!clio_append_json(buf, el))
				return false;
		}
		appendStringInfoChar(buf, obj ? '}' : ']');
	}
	else
		appendStringInfoString(buf, "null");
	return true;
}

/*
 * clio_append_array_literal
 *		An array literal ({"a","b",NULL}) from a JSON array, for array_in;
 *		false if an element holds \u0000.
 */
static bool
clio_append_array_literal(StringInfo buf, cJSON *array)
{
	cJSON	   *el;
	bool		first = true;
	bool		ok = true;
	StringInfoData nested;

	nested.data = NULL;
	appendStringInfoChar(buf, '{');
	cJSON_ArrayForEach(el, array)
	{
		const char *s;

		if (!first)
			appendStringInfoChar(buf, ',');
		first = false;
		if (cJSON_IsNull(el))
		{
			appendStringInfoString(buf, "NULL");
			continue;
		}
		if ((s = clio_num(el)) != NULL)
			;
		else if (cJSON_IsString(el))
		{
			s = el->valuestring;
			if (strchr(s, CLIO_NUL_MARK) != NULL)
			{
				ok = false;
				break;
			}
		}
		else if (cJSON_IsBool(el))
			s = cJSON_IsTrue(el) ? "true" : "false";
		else
		{
			if (nested.data == NULL)
				initStringInfo(&nested);
			resetStringInfo(&nested);
			if (!clio_append_json(&nested, el))
			{
				ok = false;
				break;
			}
			s = nested.data;
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
	if (ok)
		appendStringInfoChar(buf, '}');
	/* the nested buffer is freed on every path, \u0000 or not */
	if (nested.data)
		pfree(nested.data);
	return ok;
}

/*
 * clio_json_value_text
 *		The text form of a JSON value, as a column's input function wants
 *		it: objects and arrays as JSON text (or an array literal for an
 *		array column, is_array), numbers as the body spelled them.  NULL
 *		for a value of no known JSON type, and NULL with *nul set for a
 *		value that holds \u0000 (which no PostgreSQL text can).
 */
char *
clio_json_value_text(cJSON *v, bool is_json, bool is_array, bool *nul)
{
	const char *num = clio_num(v);
	StringInfoData buf;

	*nul = false;
	if (num && !is_json)
		return pstrdup(num);
	if ((cJSON_IsArray(v) && is_array) || is_json ||
		cJSON_IsObject(v) || cJSON_IsArray(v))
	{
		bool		ok;

		initStringInfo(&buf);
		if (cJSON_IsArray(v) && is_array)
			ok = clio_append_array_literal(&buf, v);
		else
			ok = clio_append_json(&buf, v);
		if (!ok)
		{
			pfree(buf.data);
			*nul = true;
			return NULL;
		}
		return clio_server_text(buf.data);
	}
	if (cJSON_IsString(v))
	{
		if (strchr(v->valuestring, CLIO_NUL_MARK) != NULL)
		{
			*nul = true;
			return NULL;
		}
		return clio_server_text(v->valuestring);
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
 *		Text from Clio converted to the database encoding.  The pre-scan
 *		(src/clio_text.c) has checked that every string of a body is UTF-8.
 */
static char *
clio_server_text(const char *s)
{
	return pg_any_to_server(s, strlen(s), PG_UTF8);
}

/*
 * clio_nul_error
 *		A value with \u0000, which no PostgreSQL text holds: an error naming
 *		the field (the error context names the column and the record).
 */
static void
clio_nul_error(const char *field, const char *subfield)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
			 errmsg("Clio field \"%s%s%s\" holds \\u0000", field,
					subfield ? "." : "", subfield ? subfield : ""),
			 errdetail("PostgreSQL text cannot hold the character U+0000.")));
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

/*
 * The memory a parsed page may take: CLIO_TREE_FACTOR times its body, plus
 * CLIO_TREE_FLOOR.  A page of real records takes two to four times its
 * body (README, Limitations); a body of tiny values ({} or 1 by the
 * million) would take twenty to thirty, which is what the cap refuses.
 */
#define CLIO_TREE_FACTOR	8
#define CLIO_TREE_FLOOR		((size_t) 16 * 1024 * 1024)

/*
 * While a body is parsed, cJSON's nodes and strings come from an arena:
 * blocks palloc'd in the current memory context, counted against the
 * page's cap, never freed one by one (they go with the context).
 */
#define CLIO_ARENA_BLOCK	((size_t) 256 * 1024)

typedef struct ClioArena
{
	char	   *next;			/* free space in the current block */
	size_t		left;
	size_t		used;			/* bytes taken from the memory context */
	size_t		cap;
	bool		over;			/* an allocation passed the cap */
} ClioArena;

static ClioArena *clio_arena = NULL;

static void *
clio_arena_alloc(ClioArena *a, size_t size)
{
	void	   *p;

	size = MAXALIGN(size);
	if (size > a->left)
	{
		size_t		block = (size > CLIO_ARENA_BLOCK / 4) ? size : CLIO_ARENA_BLOCK;

		if (a->used + block > a->cap)
		{
			a->over = true;
			return NULL;
		}
		p = palloc_extended(block, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
		if (p == NULL)
			return NULL;
		a->used += block;
		if (block == size)
			return p;			/* a large string: a block of its own */
		a->next = p;
		a->left = block;
	}
	p = a->next;
	a->next += size;
	a->left -= size;
	return p;
}

/*
 * cJSON allocates through these (clio_json_init): its trees live in the
 * current memory context like everything else and go away with it on a
 * reset or an ERROR.  During a parse, from the arena.  No ERROR is raised
 * inside cJSON: an allocation that fails returns NULL, which cJSON reports
 * as a failure.
 */
static void *
clio_cjson_alloc(size_t size)
{
	if (clio_arena)
		return clio_arena_alloc(clio_arena, size);
	return palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
clio_cjson_free(void *ptr)
{
	/* what the arena gave is freed with its memory context */
	if (ptr != NULL && clio_arena == NULL)
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

/* How a body failed to parse */
typedef struct ClioParseError
{
	ClioPrescan scan;			/* what the pre-scan found, or OK */
	bool		over;			/* the tree passed the cap */
	size_t		need;			/* what the tree would take, if known */
	size_t		at;				/* the offending byte of the body */
	size_t		cap;
} ClioParseError;

/*
 * clio_parse
 *		A body as a cJSON tree (in the current memory context), read as
 *		src/clio_text.c describes: numbers as their lexemes, \u0000
 *		marked, UTF-8 checked, bytes after the JSON refused.  NULL on
 *		failure, with what failed in *err.  With arena, the tree is counted
 *		against the cap and must never be freed by cJSON_Delete; without,
 *		it is an ordinary palloc'd tree.
 */
static cJSON *
clio_parse(const char *body, size_t len, bool arena, ClioParseError *err)
{
	char	   *text;
	size_t		textlen;
	cJSON	   *root = NULL;
	const char *end = NULL;
	ClioArena	a;

	memset(err, 0, sizeof(*err));
	memset(&a, 0, sizeof(a));
	a.cap = (len > (SIZE_MAX - CLIO_TREE_FLOOR) / CLIO_TREE_FACTOR) ? SIZE_MAX :
		len * CLIO_TREE_FACTOR + CLIO_TREE_FLOOR;
	err->cap = a.cap;
	err->scan = clio_json_prescan(body ? body : "", body ? len : 0,
								  sizeof(cJSON), a.cap, &text, &textlen,
								  &err->at);
	if (err->scan == CLIO_PRESCAN_TOO_BIG)
	{
		err->over = true;
		err->need = err->at;
	}
	if (err->scan != CLIO_PRESCAN_OK)
		return NULL;
	/* the NUL after the text is its end: nothing may follow the JSON */
	PG_TRY();
	{
		if (arena)
			clio_arena = &a;
		root = cJSON_ParseWithLengthOpts(text, textlen + 1, &end, true);
	}
	PG_FINALLY();
	{
		clio_arena = NULL;
	}
	PG_END_TRY();
	if (root == NULL)
	{
		err->over = a.over;
		if (end == NULL)
			end = cJSON_GetErrorPtr();
		err->at = (end && end >= text && end <= text + textlen) ?
			clio_json_prescan_offset(body, len, end - text) : len;
	}
	else if (arena)
		elog(DEBUG2, "clio_fdw: a body of %zu bytes parsed into %zu bytes", len, a.used);
	pfree(text);
	return root;
}

/*
 * clio_parse_failed
 *		The error for a body clio_parse could not read.
 */
static void
clio_parse_failed(ClioParseError *err, size_t len, const char *what)
{
	if (err->over)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("Clio response too large to read in memory"),
				 err->need > 0 ?
				 errdetail("The response of %zu bytes would take %zu bytes once parsed, more than the %zu bytes a response may (%d times its size plus %zu MB).",
						   len, err->need, err->cap, CLIO_TREE_FACTOR,
						   CLIO_TREE_FLOOR / (1024 * 1024)) :
				 errdetail("The response of %zu bytes takes more than the %zu bytes a response may once parsed (%d times its size plus %zu MB).",
						   len, err->cap, CLIO_TREE_FACTOR,
						   CLIO_TREE_FLOOR / (1024 * 1024)),
				 errhint("A body of many tiny values is not a page of Clio records; if it is one, ask for fewer records a page (the page_size option) or fewer fields."),
				 errcontext("Clio request: %s", what)));
	ereport(ERROR,
			(errcode(err->scan == CLIO_PRESCAN_UTF8 ?
					 ERRCODE_CHARACTER_NOT_IN_REPERTOIRE :
					 ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg(err->scan == CLIO_PRESCAN_UTF8 ?
					"invalid UTF-8 in Clio response" :
					"invalid JSON in Clio response"),
			 err->scan == CLIO_PRESCAN_NUL_BYTE ?
			 errdetail("The response (%zu bytes) has a NUL byte at byte %zu.",
					   len, err->at) :
			 err->scan == CLIO_PRESCAN_UTF8 ?
			 errdetail("The response (%zu bytes) has a byte sequence that is not UTF-8 at byte %zu.",
					   len, err->at) :
			 err->scan == CLIO_PRESCAN_NUMBER ?
			 errdetail("The response (%zu bytes) has a number JSON does not allow at byte %zu.",
					   len, err->at) :
			 err->scan == CLIO_PRESCAN_DEPTH ?
			 errdetail("The response (%zu bytes) nests arrays and objects deeper than %d levels at byte %zu.",
					   len, CLIO_JSON_MAX_DEPTH, err->at) :
			 errdetail("The response (%zu bytes) could not be parsed at byte %zu.",
					   len, err->at),
			 errcontext("Clio request: %s", what)));
}

/*
 * clio_json_tree
 *		JSON text of the database (for a request body) as a tree, its
 *		numbers kept as their lexemes; NULL when it is not JSON.
 */
cJSON *
clio_json_tree(const char *txt, size_t len)
{
	ClioParseError err;

	return clio_parse(txt, len, false, &err);
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
	ClioParseError err;

	page->total = -1;
	page->root = clio_parse(body, len, true, &err);
	if (page->root == NULL)
		clio_parse_failed(&err, len, what);
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
 * clio_integral
 *		A number written with a fraction or an exponent (1.0, 1e3) for an
 *		integer column: exactly, through numeric, when its value is an
 *		integer (out of the column's range is the cast's error); false for
 *		a value with a fraction, which the input function then refuses.
 */
static bool
clio_integral(Oid typid, const char *num, Datum *value)
{
	Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(num),
										ObjectIdGetDatum(InvalidOid),
										Int32GetDatum(-1));
	Datum		t = DirectFunctionCall2(numeric_trunc, n, Int32GetDatum(0));

	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, n, t)))
		return false;
	*value = DirectFunctionCall1(typid == INT8OID ? numeric_int8 :
								 typid == INT4OID ? numeric_int4 : numeric_int2, n);
	return true;
}

/*
 * clio_direct_datum
 *		The datum of a JSON number, boolean or string for a column of the
 *		matching plain type, as its input function would make it from the
 *		value's text; false when the value needs the input function (other
 *		kinds, fractions or out-of-range numbers for integers, which it then
 *		rejects or reads in its own way).  Numbers come from their lexemes,
 *		never through a double.
 */
static bool
clio_direct_datum(ClioColMap *col, cJSON *v, Datum *value)
{
	const char *num = clio_num(v);
	int64		i;

	switch (col->typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			if (num == NULL)
				return false;
			if (!clio_lexeme_int64(num, &i))
				return strpbrk(num, ".eE") != NULL &&
					clio_integral(col->typid, num, value);
			if (col->typid == INT8OID)
				*value = Int64GetDatum(i);
			else if (col->typid == INT4OID && i >= PG_INT32_MIN && i <= PG_INT32_MAX)
				*value = Int32GetDatum((int32) i);
			else if (col->typid == INT2OID && i >= PG_INT16_MIN && i <= PG_INT16_MAX)
				*value = Int16GetDatum((int16) i);
			else
				return false;
			return true;
		case NUMERICOID:
			/* integers (seconds, cents, counts): no numeric_in */
			if (num == NULL || !clio_lexeme_int64(num, &i))
				return false;
			*value = NumericGetDatum(int64_to_numeric(i));
			return true;
		case BOOLOID:
			if (!cJSON_IsBool(v))
				return false;
			*value = BoolGetDatum(cJSON_IsTrue(v));
			return true;
		case TEXTOID:
			if (!clio_is_str(v) || strchr(v->valuestring, CLIO_NUL_MARK) != NULL)
				return false;
			*value = PointerGetDatum(cstring_to_text(clio_server_text(v->valuestring)));
			return true;
		case DATEOID:
		case TIMESTAMPTZOID:
			return clio_is_str(v) &&
				clio_text_iso_datum(col->typid, v->valuestring, value);
	}
	/* float8: float8in reads the lexeme (1e400 is out of its range) */
	return false;
}

/*
 * clio_quoted_id
 *		A record's id for a message: a number as it was written, a string
 *		quoted and cut (clio_text_quote); "without id" otherwise.
 */
static char *
clio_quoted_id(cJSON *rec)
{
	cJSON	   *id = clio_member(rec, "id");
	const char *num = clio_num(id);

	if (num)
		return clio_text_quote(num, strlen(num), 40);
	if (cJSON_IsString(id))
		return psprintf("\"%s\"", clio_text_quote(id->valuestring,
												  strlen(id->valuestring), 60));
	return pstrdup("without id");
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

	errcontext("column \"%s\" of foreign table \"%s\", Clio record %s",
			   ctx->colname, ctx->table, clio_quoted_id(ctx->record));
}

/*
 * clio_cf_find
 *		The element of a record's custom_field_values for custom field
 *		cf_id (the last one, if Clio gives two), or NULL.
 *
 * clio_cf_value
 *		The value of custom field col->cf_id in a record's
 *		custom_field_values, or NULL when the record has none; a picklist's
 *		option id becomes the option's name in *text.  A value of a field
 *		Clio marks deleted is an ERROR, never data.
 */
static cJSON *
clio_cf_find(cJSON *rec, int64 cf_id)
{
	cJSON	   *arr = clio_member(rec, "custom_field_values");
	cJSON	   *elem;
	cJSON	   *found = NULL;

	if (!cJSON_IsArray(arr))
		return NULL;
	cJSON_ArrayForEach(elem, arr)
	{
		const char *num = clio_num(clio_member(clio_member(elem, "custom_field"), "id"));
		int64		id;

		if (num != NULL && clio_lexeme_int64(num, &id) && id == cf_id)
			found = elem;
	}
	return found;
}

static cJSON *
clio_cf_value(cJSON *rec, ClioColMap *col, const char **text)
{
	cJSON	   *found = clio_cf_find(rec, col->cf_id);

	*text = NULL;
	if (found == NULL)
		return NULL;
	if (cJSON_IsTrue(clio_member(found, "soft_deleted")))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("custom field \"%s\" (id %lld) is deleted in Clio",
						col->cf_name ? col->cf_name : "?", (long long) col->cf_id),
				 errhint("Run IMPORT FOREIGN SCHEMA again, or drop the column.")));
	found = clio_member(found, "value");
	if (found != NULL && col->cf_picklist && !cJSON_IsNull(found))
	{
		const char *opt = clio_num(found) ? clio_num(found) :
			clio_is_str(found) ? found->valuestring : NULL;
		int			i;

		for (i = 0; opt != NULL && i < col->cf_nopts; i++)
		{
			if (strcmp(col->cf_opt_ids[i], opt) == 0)
			{
				*text = col->cf_opt_names[i];
				return found;
			}
		}
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("Clio gave a value that is no option of picklist custom field \"%s\"",
						col->cf_name ? col->cf_name : "?"),
				 opt ? errdetail("The value is %s.",
								 clio_text_quote(opt, strlen(opt), 40)) : 0));
	}
	return found;
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
		bool		nul;

		if (col->is_search)
			continue;
		ctx.colname = col->colname;
		if (col->cf_id != 0)
		{
			const char *name;

			v = clio_cf_value(rec, col, &name);
			if (name != NULL)
			{
				values[att] = InputFunctionCall(&col->input, (char *) name,
												col->ioparam, col->typmod);
				nulls[att] = false;
				continue;
			}
		}
		else
			v = clio_member(rec, col->field);
		if (v != NULL && col->subfield != NULL && !cJSON_IsNull(v))
		{
			if (!cJSON_IsObject(v))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("Clio field \"%s\" is not an object", col->field),
						 errdetail("The column reads \"%s.%s\".",
								   col->field, col->subfield)));
			v = clio_member(v, col->subfield);
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
		text = clio_json_value_text(v, col->is_json, col->is_array, &nul);
		if (nul)
			clio_nul_error(col->field, col->subfield);
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
 * clio_quiet_parse
 *		A small body (an error, a token) parsed in a memory context of its
 *		own, under the same cap as a page; NULL if it is not JSON.  The
 *		caller deletes *cxt after copying what it needs.
 */
static cJSON *
clio_quiet_parse(const char *body, size_t len, MemoryContext *cxt)
{
	MemoryContext old;
	ClioParseError err;
	cJSON	   *root;

	*cxt = AllocSetContextCreate(CurrentMemoryContext, "clio_fdw small body",
								 ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(*cxt);
	root = clio_parse(body, len, true, &err);
	MemoryContextSwitchTo(old);
	return root;
}

/*
 * Clio's message as read: at most this many bytes (src/clio_client.c
 * shows its first 1,000 characters, and says how many of the rest it left
 * out)
 */
#define CLIO_MESSAGE_MAX	(1024 * 1024)

/*
 * clio_json_error_body
 *		Clio's error type and message from an error response, as palloc'd
 *		text in the database encoding, quoted (clio_text_quote: valid UTF-8,
 *		at most CLIO_MESSAGE_MAX bytes); NULL for what is not there.
 *		Accepts Clio's {"error": {"type", "message"}}, the gateway's
 *		variants, and otherwise gives (the start of) a text body as the
 *		message.
 */
void
clio_json_error_body(const char *body, size_t len, char **type, char **message)
{
	MemoryContext cxt;
	cJSON	   *root;

	*type = NULL;
	*message = NULL;
	if (len == 0)
		return;

	root = clio_quiet_parse(body, len, &cxt);
	if (root != NULL)
	{
		cJSON	   *err = clio_member(root, "error");
		cJSON	   *msg = NULL;
		cJSON	   *typ = NULL;

		if (cJSON_IsObject(err))
		{
			msg = clio_member(err, "message");
			typ = clio_member(err, "type");
		}
		else if (cJSON_IsString(err))
			typ = err;
		if (!clio_is_str(msg))
			msg = clio_member(root, "message");
		if (!clio_is_str(msg))
			msg = clio_member(root, "error_description");
		if (clio_is_str(typ))
			*type = clio_text_quote(typ->valuestring, strlen(typ->valuestring),
									200);
		if (clio_is_str(msg))
			*message = clio_text_quote(msg->valuestring, strlen(msg->valuestring),
									   CLIO_MESSAGE_MAX);
	}
	MemoryContextDelete(cxt);
	if (*type || *message)
		return;

	/* Not Clio's JSON: show the start of the body if it is text */
	{
		size_t		n = Min(len, 300);

		while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == '\r'))
			n--;
		if (n > 0 && memchr(body, '\0', n) == NULL)
			*message = clio_text_quote(body, n, 300);
	}
}

/*
 * clio_string_of
 *		A string a request is built from (an id, a URL, a header, a token):
 *		NULL if the value is not a string; an error if it holds \u0000.
 *		Converted to the database encoding, or (convert false) a copy of
 *		Clio's UTF-8.
 */
static char *
clio_string_of(cJSON *v, const char *field, bool convert)
{
	if (!clio_is_str(v))
		return NULL;
	if (strchr(v->valuestring, CLIO_NUL_MARK) != NULL)
		clio_nul_error(field, NULL);
	return convert ? clio_server_text(v->valuestring) : pstrdup(v->valuestring);
}

/*
 * clio_json_record_id
 *		The "id" of record "index" as text (Clio's ids are numbers, or
 *		strings for calendar entries), or NULL.  A number is its lexeme,
 *		digit for digit.
 */
char *
clio_json_record_id(ClioPage *page, int index)
{
	cJSON	   *id = clio_member(page->records[index], "id");
	const char *num = clio_num(id);

	if (num)
		return pstrdup(num);
	return clio_string_of(id, "id", true);
}

/*
 * clio_json_cf_value_id
 *		The id of record index's value of custom field cf_id (as Clio gave
 *		it: a string or a number), or NULL when it has none.
 */
char *
clio_json_cf_value_id(ClioPage *page, int index, int64 cf_id)
{
	cJSON	   *v = clio_member(clio_cf_find(page->records[index], cf_id), "id");

	if (clio_num(v))
		return pstrdup(clio_num(v));
	if (clio_is_str(v) && v->valuestring[0] != '\0' &&
		strchr(v->valuestring, CLIO_NUL_MARK) == NULL)
		return pstrdup(v->valuestring);
	return NULL;
}

/*
 * clio_json_string_field
 *		A top-level string of a JSON object (palloc'd, as Clio sent it), or
 *		NULL.
 */
char *
clio_json_string_field(const char *body, size_t len, const char *key)
{
	MemoryContext cxt;
	cJSON	   *root = clio_quiet_parse(body, len, &cxt);
	char	   *result = NULL;

	if (root != NULL)
		result = clio_string_of(clio_member(root, key), key, false);
	MemoryContextDelete(cxt);
	return result;
}

/*
 * clio_json_upload_target
 *		From a document just created, where its bytes go: the version's uuid,
 *		put_url and put_headers (as "Name: value" strings, as Clio sent
 *		them).  A header that holds a line break is refused: it would add a
 *		header.
 */
bool
clio_json_upload_target(ClioPage *page, char **uuid, char **put_url,
						List **put_headers)
{
	cJSON	   *ver = clio_member(page->records[0], "latest_document_version");
	cJSON	   *h;

	*put_headers = NIL;
	*uuid = clio_string_of(clio_member(ver, "uuid"), "uuid", false);
	*put_url = clio_string_of(clio_member(ver, "put_url"), "put_url", false);
	if (*uuid == NULL || *put_url == NULL)
		return false;
	cJSON_ArrayForEach(h, clio_member(ver, "put_headers"))
	{
		char	   *name = clio_string_of(clio_member(h, "name"), "put_headers", false);
		char	   *value = clio_string_of(clio_member(h, "value"), "put_headers", false);

		if (name == NULL || value == NULL)
			continue;
		if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("Clio's upload headers hold a line break")));
		*put_headers = lappend(*put_headers, psprintf("%s: %s", name, value));
	}
	return true;
}

#endif							/* !FRONTEND */
