/*-------------------------------------------------------------------------
 *
 * clio_json_body.c
 *		  Request bodies: a row's values as the JSON Clio is sent
 *
 * The other half of the JSON layer (src/clio_json.c reads Clio's pages):
 * values to JSON -- numbers as their exact text, dates in ISO 8601
 * whatever DateStyle says, json and jsonb as their own JSON, a custom
 * field's value in custom_field_values -- and the bodies of document
 * uploads.  Trees are built with cJSON (allocating through the palloc hooks
 * clio_json_init sets) and printed into palloc'd text; a tree is freed
 * also when an ERROR unwinds.  It never decides what to send.
 *
 * IDENTIFICATION
 *		  src/clio_json_body.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include <cJSON.h>

#include "catalog/pg_type.h"
#include "clio_json.h"
#include "clio_json_body.h"
#include "clio_text.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

static cJSON *clio_checked(cJSON *item);
static cJSON *clio_datum_json(Datum value, ClioWriteCol *col);

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
 * clio_unmark
 *		A tree parsed from PostgreSQL's own JSON made ready to print: a
 *		number (a marked string after the pre-scan) becomes a raw value
 *		that cJSON prints as it was written; \u0000 is refused.
 */
static void
clio_unmark(cJSON *v, const char *colname)
{
	cJSON	   *el;

	if ((v->string && strchr(v->string, CLIO_NUL_MARK)) ||
		(cJSON_IsString(v) && strchr(v->valuestring, CLIO_NUL_MARK)))
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("column \"%s\" holds \\u0000, which clio_fdw does not send",
						colname)));
	if (cJSON_IsString(v) && v->valuestring[0] == CLIO_NUM_MARK)
	{
		memmove(v->valuestring, v->valuestring + 1, strlen(v->valuestring));
		v->type = cJSON_Raw;
	}
	for (el = v->child; el != NULL; el = el->next)
		clio_unmark(el, colname);
}

/*
 * clio_json_of
 *		JSON text of the database (json, jsonb, array_to_json) as a tree
 *		whose numbers print as they were written.
 */
static cJSON *
clio_json_of(char *txt, ClioWriteCol *col, const char *what)
{
	cJSON	   *parsed;

	txt = pg_server_to_any(txt, strlen(txt), PG_UTF8);
	parsed = clio_json_tree(txt, strlen(txt));
	if (parsed == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("column \"%s\" holds %s that could not be sent",
						col->colname, what)));
	clio_unmark(parsed, col->colname);
	return parsed;
}

/*
 * clio_datum_json
 *		A value as JSON: numbers stay numbers (their exact text), booleans
 *		booleans, dates and timestamps ISO 8601 strings whatever DateStyle
 *		says, json and jsonb their own JSON (numbers as written), arrays
 *		JSON arrays, and everything else a string.
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
			return clio_json_of(OutputFunctionCall(&col->output, value), col,
								"JSON");
	}

	if (OidIsValid(get_element_type(col->typid)))
		return clio_json_of(TextDatumGetCString(DirectFunctionCall1(array_to_json,
																	value)),
							col, "an array");

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

				if ((col->subkey != NULL) != (pass == 1) || col->cf_id != 0)
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

		/*
		 * Custom fields: a new value names its field; a change or a removal
		 * names the record's value by its id, as Clio gave it.
		 */
		for (i = 0; i < ncols; i++)
		{
			ClioWriteCol *col = &cols[i];
			cJSON	   *arr;
			cJSON	   *item;

			if (col->cf_id == 0 || (col->cf_text == NULL && col->cf_value_id == NULL))
				continue;
			arr = cJSON_GetObjectItemCaseSensitive(data, col->key);
			if (arr == NULL)
				arr = clio_checked(cJSON_AddArrayToObject(data, col->key));
			item = clio_checked(cJSON_CreateObject());
			cJSON_AddItemToArray(arr, item);
			if (col->cf_value_id != NULL)
			{
				const char *p = col->cf_value_id;

				while (isdigit((unsigned char) *p))
					p++;
				if (*p == '\0' && p - col->cf_value_id < 19)
					clio_checked(cJSON_AddRawToObject(item, "id", col->cf_value_id));
				else
					clio_checked(cJSON_AddStringToObject(item, "id", col->cf_value_id));
			}
			else
			{
				cJSON	   *cf = clio_checked(cJSON_AddObjectToObject(item, "custom_field"));

				clio_checked(cJSON_AddRawToObject(cf, "id",
												  psprintf("%lld", (long long) col->cf_id)));
			}
			if (col->cf_text != NULL)
				clio_checked(cJSON_AddStringToObject(item, "value", col->cf_text));
			else
				clio_checked(cJSON_AddTrueToObject(item, "_destroy"));
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
		!cJSON_AddRawToObject(parent, "id", psprintf(INT64_FORMAT, parent_id)) ||
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
