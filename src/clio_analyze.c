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
#include "clio_custom.h"
#include "clio_deparse.h"
#include "clio_json.h"
#include "clio_option.h"
#include "clio_request.h"
#include "clio_url.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/sampling.h"
#include "utils/timestamp.h"

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
	ClioRequest r;
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

	clio_request_api(&r, "GET", coll->path, NULL, NULL);
	r.fixed = coll->fixed_params;
	clio_request_param(&r, "fields", "id,created_at");
	clio_request_param(&r, "limit", "1");
	clio_request_http(&req, &r, opts->base_url);
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
 * One ANALYZE's sampling: what it reads, where it is, what it kept.
 */
typedef struct ClioSample
{
	Relation	rel;
	ClioOptions opts;
	const ClioCollection *coll;
	ClioConn   *conn;
	ClioColMap *cols;			/* the columns read from records */
	int			ncols;
	char	   *fields;			/* their fields parameter */

	/* where the next page comes from */
	int64		total;			/* meta.records of the first page, or -1 */
	char	   *token;			/* page_token of the next page (a table read
								 * whole), or NULL */
	ClioPaging	paging;			/* that walk: loops */
	const char *request;		/* the latest request's text (page context) */
	int		   *slots;			/* page offsets still to read, shuffled */
	int			nfree;
	bool		by_time;		/* pages start at random creation times */
	TimestampTz oldest;
	TimestampTz now;

	/* the sample: PostgreSQL's reservoir (utils/sampling.h) */
	HeapTuple  *rows;
	int			targrows;
	int			numrows;
	double		seen;			/* records read */
	double		rowstoskip;		/* records to pass over before the next
								 * replacement, or -1 */
	ReservoirStateData rstate;

	MemoryContext anl_cxt;		/* ANALYZE's own context */
	MemoryContext page_cxt;		/* one page; reset per page */
} ClioSample;

/*
 * clio_sample_columns
 *		The columns ANALYZE reads (every column with a Clio field), and the
 *		fields parameter that requests them.
 */
static void
clio_sample_columns(ClioSample *smp)
{
	TupleDesc	tupdesc = RelationGetDescr(smp->rel);
	List	   *uses = NIL;
	int			i;

	smp->cols = palloc0(sizeof(ClioColMap) * tupdesc->natts);
	for (i = 1; i <= tupdesc->natts; i++)
	{
		ClioColumnRef ref;

		if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
			continue;
		clio_resolve_column(smp->rel, i, smp->coll, &ref);
		if (ref.field == NULL)
			continue;
		clio_colmap_init(smp->rel, i, smp->coll, &smp->cols[smp->ncols]);
		if (ref.cf_id != 0)
			clio_custom_colmap(smp->rel, GetUserId(), &smp->cols[smp->ncols]);
		smp->ncols++;
		uses = clio_fields_add(uses, ref.field, ref.request);
	}
	smp->fields = clio_fields_string(uses);
}

/*
 * clio_sample_where
 *		Where page p (after the first) starts: *since, a random moment
 *		between the first record's creation and now, or *offset, one of the
 *		shuffled page offsets within the reach of offset paging; or, for a
 *		table read whole, at the next page_token.  False when there is no
 *		page left to read.
 */
static bool
clio_sample_where(ClioSample *smp, int p, long *offset, char **since)
{
	*offset = 0;
	*since = NULL;
	if (p == 1 && smp->token == NULL && smp->total > CLIO_OFFSET_CAP &&
		clio_catalog_filter(smp->coll, "created_since") != NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(smp->page_cxt);

		smp->by_time = clio_analyze_oldest(smp->conn, &smp->opts, smp->coll,
										   RelationGetRelationName(smp->rel),
										   &smp->oldest) &&
			smp->oldest < smp->now;
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(smp->page_cxt);
	}
	if (p == 0)
		return true;
	if (smp->by_time)
	{
		ClioPushed	tp;
		List	   *rep = NIL;
		TimestampTz t = smp->oldest +
			(TimestampTz) (sampler_random_fract(&smp->rstate.randstate) *
						   (smp->now - smp->oldest));
		MemoryContext oldcxt;

		memset(&tp, 0, sizeof(tp));
		tp.param = "created_since";
		tp.kind = CLIO_VAL_TIMESTAMP;
		oldcxt = MemoryContextSwitchTo(smp->page_cxt);
		*since = clio_format_value(&tp, TimestampTzGetDatum(t), TIMESTAMPTZOID,
								   &rep);
		MemoryContextSwitchTo(oldcxt);
		return true;
	}
	if (smp->token == NULL && smp->slots == NULL)
	{
		/*
		 * More records than the page budget reads: pages at distinct random
		 * offsets within the reach of offset paging.
		 */
		int64		reach = Min(smp->total, (int64) CLIO_OFFSET_CAP);
		int			nslots = (int) (reach / smp->opts.page_size);
		int			j;

		if (nslots <= 1)
			return false;
		smp->slots = palloc(sizeof(int) * nslots);
		for (j = 0; j < nslots; j++)
			smp->slots[j] = j;
		/* shuffle slots 1.. (slot 0 is the first page, read already) */
		for (j = nslots - 1; j > 1; j--)
		{
			int			k = 1 + (int) (sampler_random_fract(&smp->rstate.randstate) * j);
			int			t = smp->slots[j];

			smp->slots[j] = smp->slots[k];
			smp->slots[k] = t;
		}
		smp->nfree = nslots - 1;
	}
	if (smp->slots != NULL)
	{
		if (smp->nfree == 0)
			return false;
		*offset = (long) smp->slots[smp->nfree--] * smp->opts.page_size;
	}
	return true;
}

/*
 * clio_sample_fetch
 *		Read one page, from offset, since or the next page_token; in the
 *		page context.
 */
static ClioPage *
clio_sample_fetch(ClioSample *smp, long offset, const char *since)
{
	ClioRequest r;
	ClioHttpRequest req;
	ClioHttpResponse resp;
	ClioPage   *page;
	MemoryContext oldcxt = MemoryContextSwitchTo(smp->page_cxt);

	clio_request_api(&r, "GET", smp->coll->path, NULL, NULL);
	r.fixed = smp->coll->fixed_params;
	clio_request_param(&r, "fields", smp->fields);
	clio_request_param(&r, "limit", psprintf("%d", smp->opts.page_size));
	if (offset > 0)
		clio_request_param(&r, "offset", psprintf("%ld", offset));
	clio_request_param(&r, "created_since", since);
	clio_request_param(&r, "page_token", smp->token);
	clio_request_http(&req, &r, smp->opts.base_url);
	(void) clio_send(smp->conn, &smp->opts, &req, &resp, NULL, 0, NULL);
	page = clio_json_parse_page(resp.body, resp.len, false, req.display);
	smp->request = req.display;
	MemoryContextSwitchTo(oldcxt);
	return page;
}

/*
 * clio_sample_take
 *		Offer a page's records to the reservoir.  Only the records it keeps
 *		become tuples.
 */
static void
clio_sample_take(ClioSample *smp, ClioPage *page)
{
	TupleDesc	tupdesc = RelationGetDescr(smp->rel);
	int			n = clio_json_page_length(page);
	int			i;

	for (i = 0; i < n; i++)
	{
		Datum	   *values;
		bool	   *nulls;
		MemoryContext oldcxt;
		int			k;

		if (smp->numrows < smp->targrows)
			k = smp->numrows++;
		else
		{
			/* the reservoir is full: Vitter's algorithm Z says which go in */
			if (smp->rowstoskip < 0)
				smp->rowstoskip = reservoir_get_next_S(&smp->rstate, smp->seen,
													   smp->targrows);
			if (smp->rowstoskip > 0)
			{
				smp->rowstoskip -= 1;
				smp->seen += 1;
				continue;
			}
			smp->rowstoskip = -1;
			k = (int) (smp->targrows * sampler_random_fract(&smp->rstate.randstate));
			heap_freetuple(smp->rows[k]);
		}
		smp->seen += 1;
		values = palloc(sizeof(Datum) * tupdesc->natts);
		nulls = palloc(sizeof(bool) * tupdesc->natts);
		memset(nulls, true, sizeof(bool) * tupdesc->natts);
		oldcxt = MemoryContextSwitchTo(smp->page_cxt);
		clio_json_record_values(page, i, smp->cols, smp->ncols, values, nulls,
								RelationGetRelationName(smp->rel));
		MemoryContextSwitchTo(oldcxt);
		smp->rows[k] = heap_form_tuple(tupdesc, values, nulls);
		pfree(values);
		pfree(nulls);
	}
}

/*
 * clio_sample_next_token
 *		For a table the page budget covers, which is read whole page after
 *		page (every record once, the same statistics each time): the next
 *		page's token.  False when this page was the last.
 */
static bool
clio_sample_next_token(ClioSample *smp, ClioPage *page)
{
	const char *next;
	char	   *t = NULL;
	char	   *o = NULL;

	smp->token = NULL;
	if (smp->slots != NULL || smp->total < 0 ||
		smp->total > (int64) CLIO_ANALYZE_PAGES * smp->opts.page_size)
		return true;
	next = clio_json_page_next(page);
	if (next == NULL || !clio_next_params(next, &t, &o) || t == NULL)
		return false;
	clio_paging_check(&smp->paging, clio_json_page_length(page),
					  clio_json_page_total(page), t, NULL, smp->coll->table,
					  smp->request);
	smp->token = MemoryContextStrdup(smp->anl_cxt, t);
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
	ClioSample	smp;
	int			npages;
	int			p;

	memset(&smp, 0, sizeof(smp));
	smp.rel = relation;
	clio_exec_options(relation, GetUserId(), &smp.opts);
	smp.coll = smp.opts.coll;
	smp.conn = clio_http_connection(&smp.opts);
	smp.total = -1;
	smp.now = GetCurrentTimestamp();
	smp.rows = rows;
	smp.targrows = targrows;
	smp.rowstoskip = -1;
	clio_paging_start(&smp.paging, smp.opts.page_size);
	reservoir_init_selection_state(&smp.rstate, targrows);
	clio_sample_columns(&smp);

	npages = Max(1, Min(CLIO_ANALYZE_PAGES,
						(targrows + smp.opts.page_size - 1) / smp.opts.page_size));
	smp.anl_cxt = CurrentMemoryContext;
	smp.page_cxt = AllocSetContextCreate(CurrentMemoryContext, "clio_fdw analyze",
										 ALLOCSET_DEFAULT_SIZES);
	for (p = 0; p < npages; p++)
	{
		ClioPage   *page;
		long		offset;
		char	   *since;
		bool		more;

		if (!clio_sample_where(&smp, p, &offset, &since))
			break;
		page = clio_sample_fetch(&smp, offset, since);
		if (p == 0)
			smp.total = clio_json_page_total(page);
		more = clio_sample_next_token(&smp, page);
		clio_sample_take(&smp, page);
		MemoryContextReset(smp.page_cxt);
		if (!more)
			break;
	}
	MemoryContextDelete(smp.page_cxt);

	*totalrows = smp.total >= 0 ? (double) smp.total : smp.seen;
	*totaldeadrows = 0;
	ereport(elevel,
			(errmsg("\"%s\": Clio has %.0f records; %d sampled",
					RelationGetRelationName(relation), *totalrows, smp.numrows),
			 smp.by_time ? errdetail("Pages were read from random points in time since the first record's creation.") : 0));
	return smp.numrows;
}
