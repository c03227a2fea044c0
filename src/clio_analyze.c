/*-------------------------------------------------------------------------
 *
 * clio_analyze.c
 *		  ANALYZE of a foreign table: a bounded sample of Clio's records
 *
 * A few pages, read from spread-out points of the collection (by offset, or
 * by creation time where offset paging cannot reach), and Clio's own count
 * of the records as the table's size.  Builds its requests through
 * src/clio_request.c and sends them through src/clio_client.c; never plans
 * or runs a scan.
 *
 * IDENTIFICATION
 *		  src/clio_analyze.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "clio_analyze.h"
#include "clio_client.h"
#include "clio_column.h"
#include "clio_deparse.h"
#include "clio_json.h"
#include "clio_option.h"
#include "clio_request.h"
#include "clio_url.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#define clio_random() pg_prng_double(&pg_global_prng_state)

static int	clio_acquire_sample_rows(Relation relation, int elevel,
									 HeapTuple *rows, int targrows,
									 double *totalrows, double *totaldeadrows);


/* Pages an ANALYZE reads at most */
#define CLIO_ANALYZE_PAGES 10

/*
 * clioAnalyzeForeignTable
 */
bool
clioAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func,
						BlockNumber *totalpages)
{
	*func = clio_acquire_sample_rows;
	*totalpages = 1;
	return true;
}

/*
 * clio_analyze_oldest
 *		When the collection's first record was created (one request for its
 *		created_at: Clio lists in id order, oldest first); false when the
 *		answer does not say.
 */
static bool
clio_analyze_oldest(ClioConn *conn, ClioOptions *opts,
					const ClioCollection *coll, const char *relname,
					TimestampTz *oldest)
{
	List	   *params = NIL;
	ClioHttpRequest req;
	ClioHttpResponse resp;
	ClioPage   *page;
	ClioColMap col;
	FormData_pg_attribute attr;
	Datum		value;
	bool		isnull = true;

	memset(&attr, 0, sizeof(attr));
	attr.attnum = 1;
	attr.atttypid = TIMESTAMPTZOID;
	attr.atttypmod = -1;
	namestrcpy(&attr.attname, "created_at");
	memset(&col, 0, sizeof(col));
	clio_colmap_attr(&col, &attr);
	col.field = "created_at";

	params = clio_params_add(params, "fields", "id,created_at");
	params = clio_params_add(params, "limit", "1");
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = clio_url(opts->base_url, clio_request_path(coll->path, NULL, true),
					   clio_query_string(coll->fixed_params, params, true));
	req.display = psprintf("GET %s?%s", clio_request_path(coll->path, NULL, false),
						   clio_query_string(coll->fixed_params, params, false));
	(void) clio_send(conn, opts, &req, &resp, NULL, 0, NULL);
	page = clio_json_parse_page(resp.body, resp.len, false, req.display);
	if (clio_json_page_length(page) < 1)
		return false;
	clio_json_record_values(page, 0, &col, 1, &value, &isnull, relname);
	if (isnull)
		return false;
	*oldest = DatumGetTimestampTz(value);
	return true;
}

/*
 * clio_acquire_sample_rows
 *		A bounded sample: the first page (which also tells the total, as
 *		meta.records), then -- when the table is larger than
 *		CLIO_ANALYZE_PAGES pages -- pages from spread-out starting points.
 *		Offset paging reaches only Clio's first 10,000 records, so a larger
 *		collection with a created_since filter is sampled by time instead:
 *		each page starts at a random moment between its first record's
 *		creation and now.  Otherwise pages come from distinct random offsets
 *		within the reach of offset paging.  A table the page budget covers
 *		is read whole.
 */
static int
clio_acquire_sample_rows(Relation relation, int elevel, HeapTuple *rows,
						 int targrows, double *totalrows, double *totaldeadrows)
{
	ClioOptions opts;
	const ClioCollection *coll;
	TupleDesc	tupdesc = RelationGetDescr(relation);
	ClioColMap *cols;
	int			ncols = 0;
	List	   *uses = NIL;
	char	   *fields;
	ClioConn   *conn;
	MemoryContext pagecxt;
	MemoryContext oldcxt;
	int64		total = -1;
	int			npages;
	int			numrows = 0;
	double		seen = 0;
	char	   *token = NULL;
	int		   *slots = NULL;
	int			nfree = 0;
	bool		by_time = false;
	TimestampTz oldest = 0;
	TimestampTz now = GetCurrentTimestamp();
	MemoryContext anl_cxt;
	int			p;
	int			i;

	clio_exec_options(relation, GetUserId(), &opts);
	coll = opts.coll;
	conn = clio_http_connection(&opts);

	cols = palloc0(sizeof(ClioColMap) * tupdesc->natts);
	for (i = 1; i <= tupdesc->natts; i++)
	{
		ClioColumnRef ref;

		if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
			continue;
		clio_resolve_column(relation, i, coll, &ref);
		if (ref.field == NULL)
			continue;
		clio_colmap_init(relation, i, coll, &cols[ncols++]);
		uses = clio_fields_add(uses, ref.field, ref.request);
	}
	fields = clio_fields_string(uses);

	npages = Max(1, Min(CLIO_ANALYZE_PAGES,
						(targrows + opts.page_size - 1) / opts.page_size));
	anl_cxt = CurrentMemoryContext;
	pagecxt = AllocSetContextCreate(CurrentMemoryContext, "clio_fdw analyze",
									ALLOCSET_DEFAULT_SIZES);
	for (p = 0; p < npages; p++)
	{
		List	   *params = NIL;
		ClioHttpRequest req;
		ClioHttpResponse resp;
		ClioPage   *page;
		long		offset = 0;
		char	   *since = NULL;
		int			n;

		if (p == 1 && token == NULL && total > CLIO_OFFSET_CAP &&
			clio_catalog_filter(coll, "created_since") != NULL)
		{
			oldcxt = MemoryContextSwitchTo(pagecxt);
			by_time = clio_analyze_oldest(conn, &opts, coll,
										  RelationGetRelationName(relation),
										  &oldest) && oldest < now;
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(pagecxt);
		}
		if (p > 0 && by_time)
		{
			ClioPushed	tp;
			List	   *rep = NIL;
			TimestampTz t = oldest + (TimestampTz) (clio_random() * (now - oldest));

			memset(&tp, 0, sizeof(tp));
			tp.param = "created_since";
			tp.kind = CLIO_VAL_TIMESTAMP;
			oldcxt = MemoryContextSwitchTo(pagecxt);
			since = clio_format_value(&tp, TimestampTzGetDatum(t), TIMESTAMPTZOID,
									  &rep);
			MemoryContextSwitchTo(oldcxt);
		}
		else if (p > 0 && token == NULL && slots == NULL)
		{
			/*
			 * More records than the page budget reads: pages at distinct
			 * random offsets within the reach of offset paging.
			 */
			int64		reach = Min(total, (int64) CLIO_OFFSET_CAP);
			int			nslots = (int) (reach / opts.page_size);
			int			j;

			if (nslots <= 1)
				break;
			slots = palloc(sizeof(int) * nslots);
			for (j = 0; j < nslots; j++)
				slots[j] = j;
			/* shuffle slots 1.. (slot 0 is the first page, read already) */
			for (j = nslots - 1; j > 1; j--)
			{
				int			k = 1 + (int) (clio_random() * j);
				int			t = slots[j];

				slots[j] = slots[k];
				slots[k] = t;
			}
			nfree = nslots - 1;
		}
		if (p > 0 && slots != NULL)
		{
			if (nfree == 0)
				break;
			offset = (long) slots[nfree--] * opts.page_size;
		}

		oldcxt = MemoryContextSwitchTo(pagecxt);
		params = clio_params_add(params, "fields", fields);
		params = clio_params_add(params, "limit", psprintf("%d", opts.page_size));
		if (offset > 0)
			params = clio_params_add(params, "offset", psprintf("%ld", offset));
		if (since != NULL)
			params = clio_params_add(params, "created_since", since);
		if (token != NULL)
			params = clio_params_add(params, "page_token", token);
		memset(&req, 0, sizeof(req));
		req.method = "GET";
		req.url = clio_url(opts.base_url, clio_request_path(coll->path, NULL, true),
						   clio_query_string(coll->fixed_params, params, true));
		req.display = psprintf("GET %s?%s", clio_request_path(coll->path, NULL, false),
							   clio_query_string(coll->fixed_params, params, false));
		req.body = NULL;
		req.if_match = NULL;
		(void) clio_send(conn, &opts, &req, &resp, NULL, 0, NULL);
		page = clio_json_parse_page(resp.body, resp.len, false, req.display);
		if (p == 0)
			total = clio_json_page_total(page);
		n = clio_json_page_length(page);
		MemoryContextSwitchTo(oldcxt);

		/*
		 * A table the page budget covers is read whole, page after page:
		 * every record once, and the same statistics each time.
		 */
		token = NULL;
		if (slots == NULL && total >= 0 &&
			total <= (int64) CLIO_ANALYZE_PAGES * opts.page_size)
		{
			const char *next = clio_json_page_next(page);
			char	   *t = NULL;
			char	   *o = NULL;

			if (next == NULL || !clio_next_params(next, &t, &o) || t == NULL)
				p = npages;		/* the last page */
			else
				token = MemoryContextStrdup(anl_cxt, t);
		}

		for (i = 0; i < n; i++)
		{
			Datum	   *values = palloc(sizeof(Datum) * tupdesc->natts);
			bool	   *nulls = palloc(sizeof(bool) * tupdesc->natts);
			int			k;

			memset(nulls, true, sizeof(bool) * tupdesc->natts);
			oldcxt = MemoryContextSwitchTo(pagecxt);
			clio_json_record_values(page, i, cols, ncols, values, nulls,
									RelationGetRelationName(relation));
			MemoryContextSwitchTo(oldcxt);
			seen += 1;
			if (numrows < targrows)
				k = numrows++;
			else
			{
				/* reservoir: replace a random row, with falling odds */
				k = (int) (clio_random() * seen);
				if (k >= targrows)
				{
					pfree(values);
					pfree(nulls);
					continue;
				}
				heap_freetuple(rows[k]);
			}
			rows[k] = heap_form_tuple(tupdesc, values, nulls);
			pfree(values);
			pfree(nulls);
		}
		MemoryContextReset(pagecxt);
	}
	MemoryContextDelete(pagecxt);

	*totalrows = total >= 0 ? (double) total : seen;
	*totaldeadrows = 0;
	ereport(elevel,
			(errmsg("\"%s\": Clio has %.0f records; %d sampled",
					RelationGetRelationName(relation), *totalrows, numrows),
			 by_time ? errdetail("Pages were read from random points in time since the first record's creation.") : 0));
	return numrows;
}
