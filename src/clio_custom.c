/*-------------------------------------------------------------------------
 *
 * clio_custom.c
 *		  Custom fields: definitions, column names and types, conditions as
 *		  Clio's filters, values as Clio writes them
 *
 * A column with the option custom_field '<id>' reads one value of the
 * record's custom_field_values.  What a value means depends on the
 * field's definition (its field_type, a picklist's options), which lives
 * in Clio: this file reads the account's definitions (one paged list of
 * /custom_fields.json), keeps them for CLIO_CUSTOM_TTL_S seconds per
 * server and user mapping, and answers from them:
 *   - IMPORT FOREIGN SCHEMA's column names and types;
 *   - which conditions on such columns become custom_field_values[<id>]
 *     filters (with the operators Clio documents for the type; every
 *     condition is still checked locally, so a filter only narrows what is
 *     read);
 *   - the text a value is written as (a picklist's option id for its name).
 * It asks the client for the definitions and never sends anything else;
 * JSON is src/clio_json.c's.
 *
 * IDENTIFICATION
 *		  src/clio_custom.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_collation_d.h"
#include "catalog/pg_type.h"
#include "clio_client.h"
#include "clio_column.h"
#include "clio_custom.h"
#include "clio_request.h"
#include "clio_text.h"
#include "clio_url.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

/* Pages of definitions a backend reads at most (200 fields each) */
#define CLIO_CUSTOM_MAX_PAGES 50

/* What a list of definitions asks for */
#define CLIO_CUSTOM_FIELDS \
	"id,name,parent_type,field_type,deleted,picklist_options{id,option,deleted_at}"

/* The definitions of one account: a server and a user mapping */
typedef struct ClioCustomCache
{
	Oid			serverid;
	Oid			umid;
	TimestampTz fetched;
	int			n;
	ClioCustomField *fields;
	MemoryContext cxt;
} ClioCustomCache;

static List *clio_custom_cache = NIL;	/* of ClioCustomCache, in
										 * TopMemoryContext */

static void clio_custom_fetch(const ClioOptions *opts, ClioCustomCache *cache);
static void clio_custom_options(ClioCustomField *cf, Datum jsonb);
static bool clio_custom_single_op(const char *field_type);

/* ----------------------------------------------------------------
 *		Definitions
 * ----------------------------------------------------------------
 */

/*
 * clio_custom_fields
 *		Every custom field of the account opts reaches (execution options:
 *		with the user mapping), deleted ones too; read from Clio at most
 *		once in CLIO_CUSTOM_TTL_S seconds.  Valid until the next call.
 */
const ClioCustomField *
clio_custom_fields(const ClioOptions *opts, int *n)
{
	ClioCustomCache *cache = NULL;
	ListCell   *lc;
	TimestampTz now = GetCurrentTimestamp();

	foreach(lc, clio_custom_cache)
	{
		ClioCustomCache *c = (ClioCustomCache *) lfirst(lc);

		if (c->serverid == opts->serverid && c->umid == opts->umid)
			cache = c;
	}
	if (cache == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		cache = palloc0(sizeof(ClioCustomCache));
		cache->serverid = opts->serverid;
		cache->umid = opts->umid;
		clio_custom_cache = lappend(clio_custom_cache, cache);
		MemoryContextSwitchTo(old);
	}
	if (cache->cxt == NULL ||
		TimestampDifferenceExceeds(cache->fetched, now, CLIO_CUSTOM_TTL_S * 1000))
		clio_custom_fetch(opts, cache);
	*n = cache->n;
	return cache->fields;
}

/*
 * clio_custom_forget
 *		Drop every definition read (IMPORT FOREIGN SCHEMA reads them anew).
 */
void
clio_custom_forget(void)
{
	ListCell   *lc;

	foreach(lc, clio_custom_cache)
	{
		ClioCustomCache *c = (ClioCustomCache *) lfirst(lc);

		if (c->cxt)
			MemoryContextDelete(c->cxt);
		c->cxt = NULL;
		c->n = 0;
		c->fields = NULL;
	}
}

/*
 * clio_custom_fetch
 *		Read every definition into a new context of the cache; the old one
 *		stays until the new one is complete, so an ERROR leaves the cache as
 *		it was.
 */
static void
clio_custom_fetch(const ClioOptions *opts, ClioCustomCache *cache)
{
	static const struct
	{
		const char *field;
		Oid			typid;
	}			cols[] = {
		{"id", INT8OID}, {"name", TEXTOID}, {"parent_type", TEXTOID},
		{"field_type", TEXTOID}, {"deleted", BOOLOID},
		{"picklist_options", JSONBOID}
	};
#define CLIO_CUSTOM_NCOLS lengthof(cols)
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext,
											  "clio_fdw custom fields",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext page_cxt = AllocSetContextCreate(CurrentMemoryContext,
												   "clio_fdw custom fields page",
												   ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = CurrentMemoryContext;
	ClioColMap	map[CLIO_CUSTOM_NCOLS];
	ClioConn   *conn = clio_http_connection(opts);
	ClioPaging	paging;
	char	   *token = NULL;
	int			cap = 16;
	int			n = 0;
	ClioCustomField *fields;
	int			i;

	PG_TRY();
	{
		fields = MemoryContextAllocZero(cxt, sizeof(ClioCustomField) * cap);
		for (i = 0; i < (int) CLIO_CUSTOM_NCOLS; i++)
		{
			FormData_pg_attribute attr;

			memset(&attr, 0, sizeof(attr));
			attr.attnum = i + 1;
			attr.atttypid = cols[i].typid;
			attr.atttypmod = -1;
			namestrcpy(&attr.attname, cols[i].field);
			clio_colmap_attr(&map[i], &attr);
			map[i].field = cols[i].field;
		}
		clio_paging_start(&paging, CLIO_MAX_PAGE_SIZE);
		for (;;)
		{
			ClioRequest r;
			ClioHttpRequest req;
			ClioHttpResponse resp;
			ClioPage   *page;
			const char *next;
			char	   *t = NULL;
			char	   *o = NULL;
			int			k;

			MemoryContextReset(page_cxt);
			MemoryContextSwitchTo(page_cxt);
			clio_request_api(&r, "GET", "custom_fields", NULL, NULL);
			clio_request_param(&r, "fields", CLIO_CUSTOM_FIELDS);
			clio_request_param(&r, "limit", psprintf("%d", CLIO_MAX_PAGE_SIZE));
			clio_request_param(&r, "page_token", token);
			clio_request_http(&req, &r, opts->base_url);
			(void) clio_send(conn, opts, &req, &resp, NULL, 0, NULL);
			page = clio_json_parse_page(resp.body, resp.len, false, req.display);
			for (k = 0; k < clio_json_page_length(page); k++)
			{
				Datum		v[CLIO_CUSTOM_NCOLS];
				bool		isnull[CLIO_CUSTOM_NCOLS];
				ClioCustomField *cf;

				memset(isnull, true, sizeof(isnull));
				clio_json_record_values(page, k, map, CLIO_CUSTOM_NCOLS, v, isnull,
										"custom_fields");
				if (isnull[0] || isnull[1] || isnull[3])
					continue;	/* no id, name or type: no column */
				if (n == cap)
				{
					cap *= 2;
					fields = repalloc(fields, sizeof(ClioCustomField) * cap);
				}
				cf = &fields[n++];
				memset(cf, 0, sizeof(*cf));
				MemoryContextSwitchTo(cxt);
				cf->id = DatumGetInt64(v[0]);
				cf->name = TextDatumGetCString(v[1]);
				cf->parent_type = isnull[2] ? "" : TextDatumGetCString(v[2]);
				cf->field_type = TextDatumGetCString(v[3]);
				cf->deleted = !isnull[4] && DatumGetBool(v[4]);
				if (!isnull[5])
					clio_custom_options(cf, v[5]);
				MemoryContextSwitchTo(page_cxt);
			}
			next = clio_json_page_next(page);
			if (next == NULL || !clio_next_params(next, &t, &o) || t == NULL)
				break;
			clio_paging_check(&paging, clio_json_page_length(page),
							  clio_json_page_total(page), t, NULL,
							  "custom_fields", req.display);
			if (paging.pages >= CLIO_CUSTOM_MAX_PAGES)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("Clio lists more than %d custom fields",
								CLIO_CUSTOM_MAX_PAGES * CLIO_MAX_PAGE_SIZE),
						 errdetail("clio_fdw reads at most %d pages of custom field definitions.",
								   CLIO_CUSTOM_MAX_PAGES)));
			token = MemoryContextStrdup(cxt, t);
		}
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		MemoryContextDelete(cxt);
		MemoryContextDelete(page_cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	MemoryContextDelete(page_cxt);
	if (cache->cxt)
		MemoryContextDelete(cache->cxt);
	cache->cxt = cxt;
	cache->fields = fields;
	cache->n = n;
	cache->fetched = GetCurrentTimestamp();
}

/*
 * clio_custom_text
 *		A string member of a jsonb object, or NULL (numbers as their text).
 */
static char *
clio_custom_text(JsonbContainer *obj, const char *key)
{
	JsonbValue	v;

	if (getKeyJsonValueFromContainer(obj, key, strlen(key), &v) == NULL)
		return NULL;
	if (v.type == jbvString)
		return pnstrdup(v.val.string.val, v.val.string.len);
	if (v.type == jbvNumeric)
		return DatumGetCString(DirectFunctionCall1(numeric_out,
												   NumericGetDatum(v.val.numeric)));
	return NULL;
}

/*
 * clio_custom_options
 *		A picklist's options from the jsonb of its picklist_options (in the
 *		current memory context).
 */
static void
clio_custom_options(ClioCustomField *cf, Datum jsonb)
{
	Jsonb	   *jb = DatumGetJsonbP(jsonb);
	int			size;
	int			i;

	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
		return;
	size = JsonContainerSize(&jb->root);
	cf->opt_ids = palloc0(sizeof(char *) * Max(size, 1));
	cf->opt_names = palloc0(sizeof(char *) * Max(size, 1));
	cf->opt_deleted = palloc0(sizeof(bool) * Max(size, 1));
	for (i = 0; i < size; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(&jb->root, i);
		char	   *id;
		char	   *name;
		JsonbValue	del;

		if (e == NULL || e->type != jbvBinary)
			continue;
		id = clio_custom_text(e->val.binary.data, "id");
		name = clio_custom_text(e->val.binary.data, "option");
		if (id == NULL || name == NULL)
			continue;
		cf->opt_ids[cf->nopts] = id;
		cf->opt_names[cf->nopts] = name;
		cf->opt_deleted[cf->nopts] =
			getKeyJsonValueFromContainer(e->val.binary.data, "deleted_at", 10, &del) != NULL &&
			del.type != jbvNull;
		cf->nopts++;
	}
}

/*
 * clio_custom_parent
 *		The parent_type of the custom fields a collection's records carry,
 *		or NULL when it has none as columns.
 */
const char *
clio_custom_parent(const ClioCollection *coll)
{
	if (strcmp(coll->schema, "Matter") == 0 || strcmp(coll->schema, "Contact") == 0)
		return coll->schema;
	return NULL;
}

/*
 * clio_custom_column
 *		The definition of the custom field attribute attnum of rel reads;
 *		an ERROR naming the field when Clio has no such field for the
 *		table's records, or has deleted it.
 */
const ClioCustomField *
clio_custom_column(Relation rel, AttrNumber attnum, Oid userid, int64 cf_id)
{
	ClioOptions opts;
	const ClioCustomField *fields;
	const char *parent;
	const char *attname = NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname);
	int			n;
	int			i;

	clio_exec_options(rel, userid, &opts);
	parent = clio_custom_parent(opts.coll);
	fields = clio_custom_fields(&opts, &n);
	for (i = 0; i < n; i++)
	{
		if (fields[i].id != cf_id)
			continue;
		if (fields[i].deleted)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("custom field \"%s\" (id %lld) of column \"%s\" of foreign table \"%s\" is deleted in Clio",
							clio_text_quote(fields[i].name, strlen(fields[i].name), 200),
							(long long) cf_id, attname, RelationGetRelationName(rel)),
					 errhint("Drop the column, or run IMPORT FOREIGN SCHEMA again for the account's current custom fields.")));
		if (parent == NULL || pg_strcasecmp(fields[i].parent_type, parent) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("custom field \"%s\" (id %lld) of column \"%s\" of foreign table \"%s\" belongs to %s records, not to %s",
							clio_text_quote(fields[i].name, strlen(fields[i].name), 200),
							(long long) cf_id, attname, RelationGetRelationName(rel),
							clio_text_quote(fields[i].parent_type,
											strlen(fields[i].parent_type), 40),
							opts.coll->table)));
		return &fields[i];
	}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
			 errmsg("Clio has no custom field %lld, read by column \"%s\" of foreign table \"%s\"",
					(long long) cf_id, attname, RelationGetRelationName(rel)),
			 errhint("SELECT id, name FROM custom_fields lists the account's custom fields; IMPORT FOREIGN SCHEMA makes their columns.")));
	return NULL;				/* keep compiler quiet */
}

/*
 * clio_custom_used
 *		Whether a scan of these attributes (or of whole rows) reads a
 *		custom field's column, for which the definitions must be known.
 */
bool
clio_custom_used(Relation rel, Bitmapset *attrs, bool wholerow)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			i;

	for (i = 1; i <= tupdesc->natts; i++)
	{
		if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
			continue;
		if (!wholerow && !bms_is_member(i - FirstLowInvalidHeapAttributeNumber, attrs))
			continue;
		if (clio_column_custom_field(RelationGetRelid(rel), i) != 0)
			return true;
	}
	return false;
}

/*
 * clio_custom_colmap
 *		Complete a custom field column's map with its definition: its name
 *		for messages, a picklist's options (copied in the current context).
 */
void
clio_custom_colmap(Relation rel, Oid userid, ClioColMap *col)
{
	const ClioCustomField *cf = clio_custom_column(rel, col->attnum, userid,
												   col->cf_id);
	int			i;

	col->cf_name = pstrdup(cf->name);
	col->cf_picklist = strcmp(cf->field_type, "picklist") == 0;
	col->cf_nopts = cf->nopts;
	col->cf_opt_ids = palloc0(sizeof(char *) * Max(cf->nopts, 1));
	col->cf_opt_names = palloc0(sizeof(char *) * Max(cf->nopts, 1));
	for (i = 0; i < cf->nopts; i++)
	{
		col->cf_opt_ids[i] = pstrdup(cf->opt_ids[i]);
		col->cf_opt_names[i] = pstrdup(cf->opt_names[i]);
	}
}

/* ----------------------------------------------------------------
 *		Names and types (IMPORT FOREIGN SCHEMA)
 * ----------------------------------------------------------------
 */

/*
 * clio_custom_type
 *		The SQL type of a custom field's column, by its field_type (text for
 *		a type Clio may add later).
 */
Oid
clio_custom_type(const char *field_type)
{
	if (strcmp(field_type, "checkbox") == 0)
		return BOOLOID;
	if (strcmp(field_type, "currency") == 0 || strcmp(field_type, "numeric") == 0)
		return NUMERICOID;
	if (strcmp(field_type, "date") == 0)
		return DATEOID;
	if (strcmp(field_type, "time") == 0)
		return TIMEOID;
	if (strcmp(field_type, "contact") == 0 || strcmp(field_type, "matter") == 0)
		return INT8OID;
	return TEXTOID;
}

/*
 * clio_fold_letter
 *		The ASCII letters a Latin letter with a diacritic folds to (from its
 *		UTF-8 bytes at s, *len of them), or NULL for a character that is
 *		dropped.
 */
static const char *
clio_fold_letter(const unsigned char *s, int *len)
{
	/* U+00C0..U+00FF, in order; "" drops the character */
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y"
	};
	int			l = s[0] < 0xC0 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;

	*len = Max(l, 1);
	if (l == 2 && (s[0] == 0xC3) && (s[1] & 0xC0) == 0x80)
		return latin1[(s[1] & 0x3F)];
	if (l == 2 && s[0] == 0xC5 && (s[1] == 0x92 || s[1] == 0x93))
		return "oe";			/* Œ œ */
	return NULL;
}

/*
 * clio_custom_name
 *		A custom field's name as a column name: lower snake case, Latin
 *		diacritics folded ("Référence" -> "reference"), punctuation
 *		dropped, digits kept; NULL when nothing is left.  Leaves room for a
 *		suffix within NAMEDATALEN.
 */
char *
clio_custom_name(const char *name)
{
	StringInfoData buf;
	const unsigned char *s = (const unsigned char *) name;
	bool		sep = false;

	initStringInfo(&buf);
	while (*s)
	{
		int			len = 1;

		if (isalnum(*s) && *s < 0x80)
		{
			if (sep && buf.len > 0)
				appendStringInfoChar(&buf, '_');
			sep = false;
			appendStringInfoChar(&buf, pg_ascii_tolower(*s));
		}
		else if (*s >= 0x80)
		{
			const char *f = clio_fold_letter(s, &len);

			if (f != NULL && f[0] != '\0')
			{
				if (sep && buf.len > 0)
					appendStringInfoChar(&buf, '_');
				sep = false;
				appendStringInfoString(&buf, f);
			}
			else if (f == NULL)
				sep = true;
		}
		else
			sep = true;
		while (len-- > 0 && *s)
			s++;				/* a valid UTF-8 name: never past its end */
		if (buf.len > NAMEDATALEN - 9)
			break;
	}
	if (buf.len == 0)
		return NULL;
	return buf.data;
}

/* ----------------------------------------------------------------
 *		Conditions
 * ----------------------------------------------------------------
 */

/*
 * clio_custom_single_op
 *		Whether Clio filters the type with = only (else =, <, >, <=, >=).
 */
static bool
clio_custom_single_op(const char *field_type)
{
	return !(strcmp(field_type, "currency") == 0 ||
			 strcmp(field_type, "numeric") == 0 ||
			 strcmp(field_type, "date") == 0 ||
			 strcmp(field_type, "time") == 0);
}

/*
 * clio_custom_value_text
 *		A value of a custom field's column as Clio spells it (filters and
 *		writes): true/false, a number's text, YYYY-MM-DD, HH:MM:SS, a
 *		picklist option's id for its name; NULL when the value has no such
 *		spelling (a time with a fraction, an infinite date, NaN) or that
 *		is a picklist name that is no option (for a write: no option that
 *		is not deleted) (reported at elevel: ERROR for
 *		a write, NOTICE for the condition of a plan, 0 for none).
 */
char *
clio_custom_value_text(const ClioCustomField *cf, Datum value, Oid typid,
					   int elevel)
{
	Oid			outfunc;
	bool		isvarlena;
	char	   *text;

	switch (typid)
	{
		case BOOLOID:
			return pstrdup(DatumGetBool(value) ? "true" : "false");
		case DATEOID:
			{
				DateADT		d = DatumGetDateADT(value);
				int			y,
							m,
							dd;

				if (DATE_NOT_FINITE(d))
					return NULL;
				j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
				if (y <= 0 || y > 9999)
					return NULL;
				return psprintf("%04d-%02d-%02d", y, m, dd);
			}
		case TIMEOID:
			{
				TimeADT		t = DatumGetTimeADT(value);

				if (t % USECS_PER_SEC != 0)
					return NULL;
				t /= USECS_PER_SEC;
				return psprintf("%02d:%02d:%02d", (int) (t / 3600),
								(int) (t / 60 % 60), (int) (t % 60));
			}
		case NUMERICOID:
			if (numeric_is_nan(DatumGetNumeric(value)) ||
				numeric_is_inf(DatumGetNumeric(value)))
				return NULL;
			break;
		case FLOAT4OID:
		case FLOAT8OID:
			return NULL;		/* a binary fraction is no decimal */
	}
	getTypeOutputInfo(typid, &outfunc, &isvarlena);
	text = OidOutputFunctionCall(outfunc, value);
	if (strcmp(cf->field_type, "picklist") == 0)
	{
		StringInfoData names;
		int			i;

		/* a write takes a live option; a filter also a deleted one */
		for (i = 0; i < cf->nopts; i++)
		{
			if ((!cf->opt_deleted[i] || elevel != ERROR) &&
				strcmp(cf->opt_names[i], text) == 0)
				return pstrdup(cf->opt_ids[i]);
		}
		if (elevel == 0)
			return NULL;
		initStringInfo(&names);
		for (i = 0; i < cf->nopts; i++)
		{
			if (cf->opt_deleted[i])
				continue;
			appendStringInfo(&names, "%s%s", names.len ? ", " : "",
							 clio_text_quote(cf->opt_names[i],
											 strlen(cf->opt_names[i]), 200));
		}
		for (i = 0; i < cf->nopts; i++)
		{
			if (strcmp(cf->opt_names[i], text) == 0)
				break;
		}
		ereport(elevel,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 i < cf->nopts ?
				 errmsg("\"%s\" is a deleted option of picklist custom field \"%s\"",
						clio_text_quote(text, strlen(text), 200),
						clio_text_quote(cf->name, strlen(cf->name), 200)) :
				 errmsg("\"%s\" is no option of picklist custom field \"%s\"",
						clio_text_quote(text, strlen(text), 200),
						clio_text_quote(cf->name, strlen(cf->name), 200)),
				 names.len ?
				 errhint("Its options are: %s.", names.data) :
				 errhint("It has no options.")));
		return NULL;
	}
	return text;
}

/*
 * clio_custom_const
 *		A condition "column op constant" on a custom field's column (either
 *		side), as the column's attnum, the operator's name and the constant;
 *		false for anything else.  The operator must be the type's btree
 *		comparison, so that < is an order.
 */
static bool
clio_custom_const(Expr *clause, Index relid, AttrNumber *attnum,
				  const char **op, Const **value)
{
	OpExpr	   *oe;
	Node	   *l;
	Node	   *r;
	Var		   *var;
	bool		swap = false;
	char	   *name;
	Oid			opfamily;
	Oid			opclass;

	if (IsA(clause, Var) && ((Var *) clause)->vartype == BOOLOID)
	{
		/* a checkbox alone */
		var = (Var *) clause;
		if (var->varno != relid || var->varlevelsup != 0 || var->varattno <= 0)
			return false;
		*attnum = var->varattno;
		*op = "=";
		*value = (Const *) makeBoolConst(true, false);
		return true;
	}
	if (is_notclause(clause) && IsA(get_notclausearg(clause), Var))
	{
		var = (Var *) get_notclausearg(clause);
		if (var->vartype != BOOLOID || var->varno != relid ||
			var->varlevelsup != 0 || var->varattno <= 0)
			return false;
		*attnum = var->varattno;
		*op = "=";
		*value = (Const *) makeBoolConst(false, false);
		return true;
	}
	if (!IsA(clause, OpExpr) || list_length(((OpExpr *) clause)->args) != 2)
		return false;
	oe = (OpExpr *) clause;
	l = strip_implicit_coercions(linitial(oe->args));
	r = strip_implicit_coercions(lsecond(oe->args));
	if (IsA(r, Var) && IsA(l, Const))
	{
		Node	   *t = l;

		l = r;
		r = t;
		swap = true;
	}
	if (!IsA(l, Var) || !IsA(r, Const) || ((Const *) r)->constisnull)
		return false;
	var = (Var *) l;
	if (var->varno != relid || var->varlevelsup != 0 || var->varattno <= 0)
		return false;
	name = get_opname(oe->opno);
	if (name == NULL)
		return false;
	opclass = GetDefaultOpClass(var->vartype, BTREE_AM_OID);
	if (!OidIsValid(opclass))
		return false;
	opfamily = get_opclass_family(opclass);
	if (!op_in_opfamily(oe->opno, opfamily))
		return false;
	if (swap)
	{
		/* 5 < x is x > 5 */
		if (strcmp(name, "<") == 0)
			name = ">";
		else if (strcmp(name, ">") == 0)
			name = "<";
		else if (strcmp(name, "<=") == 0)
			name = ">=";
		else if (strcmp(name, ">=") == 0)
			name = "<=";
	}
	if (strcmp(name, "=") != 0 && strcmp(name, "<") != 0 && strcmp(name, ">") != 0 &&
		strcmp(name, "<=") != 0 && strcmp(name, ">=") != 0)
		return false;
	*attnum = var->varattno;
	*op = name;
	*value = (Const *) r;
	return true;
}

/*
 * clio_custom_pushdown
 *		Conditions on custom fields' columns as custom_field_values[<id>]
 *		filters, added to pd->pushed.  They narrow what Clio sends; the
 *		conditions stay in pd->local_clauses, checked on every row.  Only
 *		constants are sent (a filter's text is made at planning).  With
 *		notice (the plan's own call, once a query), a picklist name that is
 *		no option is a NOTICE.
 */
void
clio_custom_pushdown(PlannerInfo *root, RelOptInfo *baserel, Relation rel,
					 ClioPushdown *pd, bool notice)
{
	Oid			userid = OidIsValid(baserel->userid) ? baserel->userid : GetUserId();
	List	   *ids = NIL;		/* of the custom field ids, in order */
	List	   *conds = NIL;	/* per id: List of "op value" strings */
	ListCell   *lc;
	ListCell   *ic;
	ListCell   *cc;

	foreach(lc, pd->local_clauses)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		AttrNumber	attnum;
		const char *op;
		Const	   *c;
		int64		cf_id;
		const ClioCustomField *cf;
		char	   *text;
		ListCell   *found = NULL;

		if (!clio_custom_const(ri->clause, baserel->relid, &attnum, &op, &c))
			continue;
		cf_id = clio_column_custom_field(RelationGetRelid(rel), attnum);
		if (cf_id == 0)
			continue;
		cf = clio_custom_column(rel, attnum, userid, cf_id);
		if (clio_custom_single_op(cf->field_type) && strcmp(op, "=") != 0)
			continue;
		text = clio_custom_value_text(cf, c->constvalue, c->consttype,
									  notice ? NOTICE : 0);
		if (text == NULL || text[0] == '\0')
			continue;
		if (clio_custom_single_op(cf->field_type) &&
			(strchr("<>=[", text[0]) != NULL))
			continue;			/* Clio would read an operator */
		if (!clio_custom_single_op(cf->field_type) && strchr(text, ',') != NULL)
			continue;
		forboth(ic, ids, cc, conds)
		{
			if (*(int64 *) lfirst(ic) == cf_id)
				found = cc;
		}
		if (found == NULL)
		{
			int64	   *idp = palloc(sizeof(int64));

			*idp = cf_id;
			ids = lappend(ids, idp);
			conds = lappend(conds, NIL);
			found = list_tail(conds);
		}
		if (clio_custom_single_op(cf->field_type))
		{
			/* one value: a second equality is checked locally */
			if (lfirst(found) == NIL)
				lfirst(found) = list_make1(text);
		}
		else
			lfirst(found) = lappend((List *) lfirst(found),
									psprintf("%s%s", op, text));
	}

	forboth(ic, ids, cc, conds)
	{
		List	   *vals = (List *) lfirst(cc);
		ClioPushed *p = palloc0(sizeof(ClioPushed));
		StringInfoData v;
		ListCell   *vc;

		initStringInfo(&v);
		if (list_length(vals) == 1)
			appendStringInfoString(&v, (char *) linitial(vals));
		else
		{
			appendStringInfoChar(&v, '[');
			foreach(vc, vals)
				appendStringInfo(&v, "%s%s", vc == list_head(vals) ? "" : ", ",
								 (char *) lfirst(vc));
			appendStringInfoChar(&v, ']');
		}
		p->param = psprintf("custom_field_values[%lld]",
							(long long) *(int64 *) lfirst(ic));
		p->kind = CLIO_VAL_TEXT;
		p->expr = (Expr *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
									 CStringGetTextDatum(v.data), false, false);
		pd->pushed = lappend(pd->pushed, p);
	}
}

/*
 * clio_custom_id_params
 *		For a scan that reads custom fields' columns but not the whole
 *		custom_field_values: custom_field_ids[] of just those fields, as
 *		plan parameters, so that Clio sends their values only.
 */
List *
clio_custom_id_params(Relation rel, List *attnums)
{
	List	   *params = NIL;
	ListCell   *lc;

	foreach(lc, attnums)
	{
		int64		cf_id = clio_column_custom_field(RelationGetRelid(rel), lfirst_int(lc));
		char	   *field;

		if (cf_id != 0)
			continue;
		field = clio_column_field(RelationGetRelid(rel), lfirst_int(lc));
		if (strcmp(field, CLIO_CF_FIELD) == 0)
			return NIL;			/* the whole list is read */
	}
	foreach(lc, attnums)
	{
		int64		cf_id = clio_column_custom_field(RelationGetRelid(rel), lfirst_int(lc));
		ClioScanParam *sp;

		if (cf_id == 0)
			continue;
		sp = palloc0(sizeof(ClioScanParam));
		sp->param = "custom_field_ids[]";
		sp->kind = CLIO_VAL_TEXT;
		sp->expr_index = -1;
		sp->const_text = psprintf("%lld", (long long) cf_id);
		params = lappend(params, sp);
	}
	return params;
}

/* ----------------------------------------------------------------
 *		Writes
 * ----------------------------------------------------------------
 */

/*
 * clio_custom_value_ids
 *		For an UPDATE that sets custom fields' columns: the ids of record
 *		id's values of those fields (cols[i].cf_value_id, NULL where it has
 *		none), so that a change names the value Clio is to change, and a
 *		NULL removes it.  One GET; false when the record is gone.
 */
bool
clio_custom_value_ids(ClioConn *conn, const ClioOptions *opts,
					  const ClioCollection *coll, const char *id,
					  ClioWriteCol *cols, int ncols)
{
	ClioRequest r;
	ClioHttpRequest req;
	ClioHttpResponse resp;
	ClioPage   *page;
	int			i;

	clio_request_api(&r, "GET", coll->path, id, NULL);
	clio_request_param(&r, "fields", "id," CLIO_CF_FIELD "{id,custom_field}");
	for (i = 0; i < ncols; i++)
	{
		if (cols[i].cf_id != 0)
			clio_request_param(&r, "custom_field_ids[]",
							   psprintf("%lld", (long long) cols[i].cf_id));
	}
	clio_request_http(&req, &r, opts->base_url);
	if (clio_send(conn, opts, &req, &resp, NULL, CLIO_ALLOW_404, NULL) == 404)
		return false;
	page = clio_json_parse_page(resp.body, resp.len, true, req.display);
	for (i = 0; i < ncols; i++)
	{
		if (cols[i].cf_id != 0)
			cols[i].cf_value_id = clio_json_page_length(page) > 0 ?
				clio_json_cf_value_id(page, 0, cols[i].cf_id) : NULL;
	}
	return true;
}

/*
 * clio_custom_row
 *		This row's values of the custom fields' columns an INSERT or UPDATE
 *		writes, as Clio spells them (cols[i].cf_text; NULL for a NULL).  A
 *		value Clio cannot be given exactly is an ERROR before any request.
 */
void
clio_custom_row(Relation rel, Oid userid, ClioWriteCol *cols, int ncols,
				Datum *values, bool *nulls)
{
	int			i;

	for (i = 0; i < ncols; i++)
	{
		ClioWriteCol *col = &cols[i];
		const ClioCustomField *cf;
		int			att = col->attnum - 1;

		if (col->cf_id == 0)
			continue;
		col->cf_text = NULL;
		col->cf_value_id = NULL;
		if (nulls[att])
			continue;
		cf = clio_custom_column(rel, col->attnum, userid, col->cf_id);
		col->cf_text = clio_custom_value_text(cf, values[att], col->typid,
											  ERROR);
		if (col->cf_text == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot write this value of column \"%s\" to custom field \"%s\"",
							col->colname,
							clio_text_quote(cf->name, strlen(cf->name), 200)),
					 errdetail("Clio takes %s values as text without fractions of seconds, infinities or NaN.",
							   cf->field_type)));
	}
}
