/*-------------------------------------------------------------------------
 *
 * fuzz_page.c
 *		  libFuzzer target: a response body through clio_fdw's page reading
 *
 * What the scan does with a body before any datum is made: pre-scan it
 * (UTF-8, number lexemes, \u0000, depth), parse it, check its shape, turn
 * every value of every record into text (as a column of each kind would),
 * and take the paging parameters out of the next link; and quote the body
 * for a message.  Properties checked: a body the pre-scan accepts is valid
 * UTF-8, and so is every quoted text.  Built outside the server from
 * src/clio_json.c, src/clio_text.c and src/clio_url.c (see run.sh).
 *
 * IDENTIFICATION
 *		  test/fuzz/fuzz_page.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <cJSON.h>

#include "clio_text.h"
#include "clio_url.h"
#include "mb/pg_wchar.h"

typedef int ClioShape;
extern ClioShape clio_json_shape(cJSON *root, const char *key, bool single,
								 cJSON **data, int *bad, const char **next,
								 int64 *total);
extern char *clio_json_value_text(cJSON *v, bool is_json, bool is_array,
								  bool *nul);

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_record(cJSON *rec)
{
	cJSON	   *field;

	cJSON_ArrayForEach(field, rec)
	{
		int			kind;

		for (kind = 0; kind < 3; kind++)
		{
			bool		nul;
			char	   *text = clio_json_value_text(field, kind == 1, kind == 2, &nul);

			if (text && nul)
				abort();		/* \u0000 gives no text */
			if (text && text != field->valuestring)
				pfree(text);
		}
		/* an association's id, as X_id reads it */
		if (cJSON_IsObject(field))
		{
			cJSON	   *id = cJSON_GetObjectItemCaseSensitive(field, "id");

			if (id)
			{
				bool		nul;
				char	   *text = clio_json_value_text(id, false, false, &nul);

				if (text && text != id->valuestring)
					pfree(text);
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON	   *root;
	int			single;
	char	   *text;
	size_t		textlen;
	size_t		at;
	char	   *quoted = clio_text_quote((const char *) data, size, 200);

	if (pg_encoding_verifymbstr(PG_UTF8, quoted, strlen(quoted)) != (int) strlen(quoted))
		abort();				/* a quoted text is UTF-8 */
	pfree(quoted);
	if (clio_json_prescan((const char *) data, size, sizeof(cJSON), SIZE_MAX, &text,
						  &textlen, &at) != CLIO_PRESCAN_OK)
		return 0;
	if (pg_encoding_verifymbstr(PG_UTF8, (const char *) data, size) != (int) size)
		abort();				/* what the pre-scan accepts is UTF-8 */
	(void) clio_json_prescan_offset((const char *) data, size, textlen / 2);
	root = cJSON_ParseWithLengthOpts(text, textlen + 1, NULL, true);
	pfree(text);
	if (root == NULL)
		return 0;
	for (single = 0; single < 2; single++)
	{
		cJSON	   *records;
		cJSON	   *rec;
		const char *next;
		int			bad;
		int64		total;

		if (clio_json_shape(root, "data", single, &records, &bad, &next, &total) != 0)
			continue;
		if (single)
			read_record(records);
		else
			cJSON_ArrayForEach(rec, records)
				read_record(rec);
		if (next)
		{
			char	   *token;
			char	   *offset;

			(void) clio_next_params(next, &token, &offset);
			if (token)
				pfree(token);
			if (offset)
				pfree(offset);
		}
	}
	cJSON_Delete(root);
	return 0;
}
