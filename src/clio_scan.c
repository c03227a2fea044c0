/*-------------------------------------------------------------------------
 *
 * clio_scan.c
 *		  Running a scan of a foreign table, and its EXPLAIN
 *
 * Execution walks Clio's pages lazily, one request when the executor wants
 * a row past the current page, and turns records into tuples
 * (src/clio_json.c).  EXPLAIN VERBOSE shows the first request as the
 * executor would send it.  A lookup join runs here as a scan of the table
 * that holds the association, its column map filling the other table's
 * columns from the nested record.  The plan comes from src/clio_plan.c;
 * requests are built by src/clio_request.c and sent by src/clio_client.c.
 * This file touches neither curl nor cJSON, and writes nothing.
 *
 * IDENTIFICATION
 *		  src/clio_scan.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#define CLIO_COMPAT_EXECUTOR
#include "clio_compat.h"
#include "clio_client.h"
#include "clio_column.h"
#include "clio_custom.h"
#include "clio_deparse.h"
#include "clio_json.h"
#include "clio_option.h"
#include "clio_request.h"
#include "clio_scan.h"
#include "clio_url.h"
#include "commands/defrem.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"


/*
 * Executor state of a scan.
 */
typedef struct ClioScanState
{
	ClioOptions opts;
	ClioConn   *conn;
	Relation	rel;
	const char *relname;
	ClioScanPlan plan;			/* the request plan, from fdw_private */

	ClioColMap *cols;
	int			ncols;

	/* parameter values (from fdw_exprs), recomputed when they change */
	List	   *param_exprs;	/* ExprState per fdw_exprs entry */
	bool		params_ready;
	bool		empty;			/* a value is NULL: no row can match */
	char	   *id_value;		/* CLIO_SCAN_RECORD */
	char	  **ids;			/* CLIO_SCAN_IDS, sorted and unique */
	int			nids;
	List	   *params;			/* name/value pairs sent with every list
								 * request */
	char	   *search;			/* the text of a pushed search */

	/* paging */
	int			ids_next;		/* first id of the next ids[] chunk */
	int			chunk_end;		/* end of the current chunk */
	bool		started;		/* first request of the current list sent */
	bool		done;			/* nothing more to fetch */
	char	   *page_token;		/* from meta.paging.next */
	char	   *offset;
	ClioPage   *page;
	int			next_row;
	int			pages_in_scan;	/* pages fetched since the last (re)start */
	ClioPaging	paging;			/* the current list's walk: loops */

	MemoryContext param_cxt;	/* parameter values; reset per evaluation */
	MemoryContext cursor_cxt;	/* page_token/offset; reset per page */
	MemoryContext page_cxt;		/* the current page; reset per page */
	MemoryContext row_cxt;		/* one row's values; reset per row */

	/* a count(*) (plan.count): its value, once known */
	int64		count_value;
	bool		count_known;

	/* for EXPLAIN ANALYZE */
	ClioStats	stats;
	int64		pages;
	int64		records;
} ClioScanState;

/* helpers */
static int64 clio_count_records(ClioScanState *st);
static Relation clio_lookup_relation(ForeignScanState *node, Oid relid,
									 int eflags);
static void clio_fetch_page(ClioScanState *st);
static void clio_eval_params(ForeignScanState *node, ClioScanState *st);

/* ----------------------------------------------------------------
 *		Execution
 * ----------------------------------------------------------------
 */

/*
 * clioBeginForeignScan
 *		Set up the scan.  Nothing is sent yet: EXPLAIN without ANALYZE
 *		costs no request.
 */
void
clioBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	ClioScanState *st = palloc0(sizeof(ClioScanState));
	const ClioCollection *coll;
	ListCell   *lc;
	int			i;

	node->fdw_state = st;
	clio_scan_plan_deserialize(plan->fdw_private, &st->plan);
	st->rel = node->ss.ss_currentRelation;
	if (st->rel == NULL && st->plan.lookup != NULL)
		st->rel = clio_lookup_relation(node, st->plan.lookup_relid, eflags);
	else if (st->rel == NULL)
	{
		/* an aggregate's scan (scanrelid 0) reads its one table's options */
		st->rel = clio_range_table_relation(estate,
											bms_next_member(clio_scan_base_relids(plan), -1));
	}
	st->relname = RelationGetRelationName(st->rel);
	coll = clio_catalog_find(st->plan.table);
	if (coll == NULL)
		elog(ERROR, "clio_fdw: unknown resource in plan");
	st->id_value = st->plan.id_const;

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	/* Options, credentials included, are resolved now, not at plan time */
	clio_exec_options(st->rel, clio_scan_userid(node), &st->opts);
	st->opts.coll = coll;
	st->conn = clio_http_connection(&st->opts);

	/* Column map */
	st->ncols = list_length(st->plan.attnums);
	if (st->plan.lookup != NULL)
		st->ncols = list_length(st->plan.lookup_cols);
	st->cols = palloc0(sizeof(ClioColMap) * Max(st->ncols, 1));
	i = 0;
	if (st->plan.lookup == NULL)
	{
		foreach(lc, st->plan.attnums)
		{
			clio_colmap_init(st->rel, lfirst_int(lc), coll, &st->cols[i]);
			if (st->cols[i].cf_id != 0)
				clio_custom_colmap(st->rel, clio_scan_userid(node), &st->cols[i]);
			i++;
		}
	}
	else
	{
		/* a lookup join: column i of the scan tuple, from A or from A.x */
		TupleDesc	td = node->ss.ss_ScanTupleSlot->tts_tupleDescriptor;

		foreach(lc, st->plan.lookup_cols)
		{
			ClioColMap *col = &st->cols[i];

			if (IsA(lfirst(lc), Integer))
			{
				clio_colmap_init(st->rel, intVal(lfirst(lc)), coll, col);
				if (col->cf_id != 0)
					clio_custom_colmap(st->rel, clio_scan_userid(node), col);
			}
			else
			{
				clio_colmap_attr(col, TupleDescAttr(td, i));
				col->field = st->plan.lookup_field;
				col->subfield = strVal(lfirst(lc));
			}
			col->attnum = ++i;
		}
	}

	st->param_cxt = AllocSetContextCreate(estate->es_query_cxt,
										  "clio_fdw parameters", ALLOCSET_SMALL_SIZES);
	st->cursor_cxt = AllocSetContextCreate(estate->es_query_cxt,
										   "clio_fdw cursor", ALLOCSET_SMALL_SIZES);
	st->page_cxt = AllocSetContextCreate(estate->es_query_cxt,
										 "clio_fdw page", ALLOCSET_DEFAULT_SIZES);
	st->row_cxt = AllocSetContextCreate(estate->es_query_cxt,
										"clio_fdw row", ALLOCSET_SMALL_SIZES);

	st->param_exprs = ExecInitExprList(plan->fdw_exprs, (PlanState *) node);
	st->params_ready = false;
}

/*
 * clio_lookup_relation
 *		The table a lookup join's scan lists (a join's scan has no relation
 *		of its own): the relation of the joined tables that is relid.
 */
static Relation
clio_lookup_relation(ForeignScanState *node, Oid relid, int eflags)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	int			rti = -1;

	while ((rti = bms_next_member(plan->fs_relids, rti)) >= 0)
	{
		RangeTblEntry *rte = exec_rt_fetch(rti, estate);

		if (rte->rtekind == RTE_RELATION && rte->relid == relid)
			return ExecOpenScanRelation(estate, rti, eflags);
	}
	elog(ERROR, "clio_fdw: lookup join without its table");
	return NULL;				/* keep compiler quiet */
}

/*
 * clio_eval_params
 *		Compute what the requests carry: the id or ids, and the values of
 *		the pushed conditions.  A NULL value means no row can match.
 */
static void
clio_eval_params(ForeignScanState *node, ClioScanState *st)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	MemoryContext oldcxt;
	Datum	   *values;
	bool	   *nulls;
	Oid		   *types;
	ListCell   *lc;
	int			n = list_length(st->param_exprs);
	int			i = 0;

	MemoryContextReset(st->param_cxt);
	oldcxt = MemoryContextSwitchTo(st->param_cxt);
	st->params_ready = true;
	st->empty = false;
	st->params = NIL;
	st->search = NULL;

	values = palloc(sizeof(Datum) * Max(n, 1));
	nulls = palloc(sizeof(bool) * Max(n, 1));
	types = palloc(sizeof(Oid) * Max(n, 1));
	foreach(lc, st->param_exprs)
	{
		ExprState  *state = (ExprState *) lfirst(lc);

		values[i] = ExecEvalExpr(state, econtext, &nulls[i]);
		types[i] = exprType((Node *) state->expr);
		i++;
	}

	if (st->plan.mode == CLIO_SCAN_RECORD && n > 0 && st->plan.id_const == NULL)
	{
		if (nulls[0])
			st->empty = true;
		else
			st->id_value = clio_datum_text(values[0], types[0]);
	}
	else if (st->plan.mode == CLIO_SCAN_IDS)
	{
		st->ids = NULL;
		st->nids = 0;
		if (!nulls[0])
		{
			ArrayType  *arr = DatumGetArrayTypeP(values[0]);
			Oid			elemtype = ARR_ELEMTYPE(arr);
			int16		elmlen;
			bool		elmbyval;
			char		elmalign;
			Datum	   *elems;
			bool	   *elemnulls;
			int			nelems;
			int			j,
						k = 0;

			get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
			deconstruct_array(arr, elemtype, elmlen, elmbyval, elmalign,
							  &elems, &elemnulls, &nelems);
			st->ids = palloc(sizeof(char *) * Max(nelems, 1));
			for (j = 0; j < nelems; j++)
				if (!elemnulls[j])
					st->ids[k++] = clio_datum_text(elems[j], elemtype);
			/* sorted and unique: fewest requests */
			if (k > 1)
			{
				int			m = 1;

				qsort(st->ids, k, sizeof(char *), pg_qsort_strcmp);
				for (j = 1; j < k; j++)
					if (strcmp(st->ids[j], st->ids[m - 1]) != 0)
						st->ids[m++] = st->ids[j];
				k = m;
			}
			st->nids = k;
		}
		if (st->nids == 0)
			st->empty = true;
	}

	/* the pushed conditions */
	foreach(lc, st->plan.params)
	{
		ClioScanParam *sp = (ClioScanParam *) lfirst(lc);
		ClioPushed	p;
		char	   *text = NULL;
		List	   *repeat = NIL;
		ListCell   *rc;

		memset(&p, 0, sizeof(p));
		p.param = sp->param;
		p.kind = sp->kind;
		p.prefix = sp->prefix;
		p.shift = sp->shift;
		p.enumvals = sp->enumvals;

		if (sp->expr_index < 0)
		{
			text = sp->const_text;
			repeat = sp->const_repeat;
		}
		else if (nulls[sp->expr_index])
		{
			st->empty = true;	/* col = NULL is never true */
			continue;
		}
		else
			text = clio_format_value(&p, values[sp->expr_index],
									 types[sp->expr_index], &repeat);

		if (p.kind == CLIO_VAL_REPEAT)
		{
			foreach(rc, repeat)
				st->params = clio_params_add(st->params, p.param, strVal(lfirst(rc)));
		}
		else if (text != NULL)
		{
			st->params = clio_params_add(st->params, p.param, text);
			if (strcmp(p.param, "query") == 0)
				st->search = text;
		}
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * clio_fetch_page
 *		Send the scan's next request and make its records the current page;
 *		or mark the scan done.
 */
static void
clio_fetch_page(ClioScanState *st)
{
	ClioHttpRequest req;
	ClioHttpResponse resp;
	ClioRequest r;
	ClioScanCursor cur;
	char	   *display;
	MemoryContext oldcxt;
	long		status;
	bool		single;

	/* Decide what comes next */
	if (st->empty)
	{
		st->done = true;
		return;
	}
	if (st->plan.mode == CLIO_SCAN_RECORD)
	{
		if (st->started)
		{
			st->done = true;
			return;
		}
	}
	else if (st->started && st->page_token == NULL && st->offset == NULL)
	{
		/* the current list is finished; in ids mode, on to the next chunk */
		if (st->plan.mode != CLIO_SCAN_IDS || st->chunk_end >= st->nids)
		{
			st->done = true;
			return;
		}
		st->ids_next = st->chunk_end;
		st->started = false;
	}
	if (st->plan.mode == CLIO_SCAN_IDS && !st->started)
		st->chunk_end = Min(st->ids_next + st->plan.page_size, st->nids);
	if (!st->started)
		clio_paging_start(&st->paging, st->plan.page_size);

	/* Clio will not page past its offset cap in a custom order */
	if (st->offset && atol(st->offset) >= CLIO_OFFSET_CAP)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("Clio returns at most %d records in order \"%s\"",
						CLIO_OFFSET_CAP, st->plan.order ? st->plan.order : "?"),
				 errdetail("Any order but id(asc) pages by offset, which Clio caps."),
				 errhint("Add a condition that narrows the result, or order by id.")));

	MemoryContextReset(st->page_cxt);
	st->page = NULL;
	st->next_row = 0;
	oldcxt = MemoryContextSwitchTo(st->page_cxt);

	memset(&cur, 0, sizeof(cur));
	cur.id = st->id_value;
	if (st->plan.mode == CLIO_SCAN_IDS)
	{
		cur.ids = st->ids + st->ids_next;
		cur.nids = st->chunk_end - st->ids_next;
	}
	cur.params = st->params;
	cur.first = !st->started;
	cur.page_token = st->page_token;
	cur.offset = st->offset;
	clio_scan_request(st->opts.coll, &st->plan, &cur, &r);
	display = clio_request_text(&r);

	memset(&req, 0, sizeof(req));
	req.method = r.method;
	req.url = clio_request_url(&r, st->opts.base_url);
	req.display = display;

	single = (st->plan.mode == CLIO_SCAN_RECORD && clio_record_by_get(st->opts.coll));
	status = clio_send(st->conn, &st->opts, &req, &resp, &st->stats,
					   single ? CLIO_ALLOW_404 : 0, NULL);
	st->started = true;
	st->pages_in_scan++;
	st->pages++;
	if (status == 404)
	{
		/* an id that Clio does not have: no row */
		MemoryContextSwitchTo(oldcxt);
		st->done = true;
		return;
	}

	st->page = clio_json_parse_page(resp.body, resp.len, single, display);

	/* Paging: only page_token/offset are taken from Clio's next URL */
	{
		const char *next = clio_json_page_next(st->page);
		char	   *token = NULL;
		char	   *offset = NULL;

		if (next && !single && !clio_next_params(next, &token, &offset))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("Clio's link to the next page has no page_token"),
					 errcontext("Clio request: %s", display)));
		if (!single)
			clio_paging_check(&st->paging, clio_json_page_length(st->page),
							  clio_json_page_total(st->page), token, offset,
							  st->opts.coll->table, display);
		MemoryContextReset(st->cursor_cxt);
		MemoryContextSwitchTo(st->cursor_cxt);
		st->page_token = token ? pstrdup(token) : NULL;
		st->offset = offset ? pstrdup(offset) : NULL;
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * What this session has seen of meta.records, per user mapping, for
 * count_pushdown 'verify': 1 when a one-record answer's count matched the
 * records a paged count found (more than one), -1 when it did not, 0
 * while unknown.  A few user mappings; the oldest entry makes room.
 */
#define CLIO_COUNT_TRUST_SIZE 16
static struct
{
	Oid			umid;
	int			trust;
}			clio_count_trust[CLIO_COUNT_TRUST_SIZE];
static int	clio_count_ntrust = 0;

static int
clio_count_trust_get(Oid umid)
{
	int			i;

	for (i = 0; i < clio_count_ntrust; i++)
		if (clio_count_trust[i].umid == umid)
			return clio_count_trust[i].trust;
	return 0;
}

static void
clio_count_trust_set(Oid umid, int trust)
{
	int			i;

	for (i = 0; i < clio_count_ntrust; i++)
		if (clio_count_trust[i].umid == umid)
			break;
	if (i == clio_count_ntrust)
	{
		if (clio_count_ntrust < CLIO_COUNT_TRUST_SIZE)
			clio_count_ntrust++;
		else
		{
			memmove(&clio_count_trust[0], &clio_count_trust[1],
					sizeof(clio_count_trust[0]) * (CLIO_COUNT_TRUST_SIZE - 1));
			i = CLIO_COUNT_TRUST_SIZE - 1;
		}
	}
	clio_count_trust[i].umid = umid;
	clio_count_trust[i].trust = trust;
}

/*
 * clio_count_records
 *		A count(*) scan's value.  Trusted (count_pushdown 'on', or 'verify'
 *		once this session saw it agree): one request for one record, its
 *		meta.records.  Otherwise the records are counted page by page, as
 *		a plain scan would; with 'verify' the one-record count is asked
 *		first and compared, which settles the question for the session.
 *		Clio's answer without meta.records is counted by pages too.
 */
static int64
clio_count_records(ClioScanState *st)
{
	int			trust;
	int64		total = -1;
	int64		counted = 0;

	if (st->count_known)
		return st->count_value;
	trust = st->plan.count == CLIO_COUNT_ON ? 1 : clio_count_trust_get(st->opts.umid);

	if (trust >= 0)
	{
		int			first_limit = st->plan.first_limit;

		st->plan.first_limit = 1;
		clio_fetch_page(st);
		st->plan.first_limit = first_limit;
		if (st->page == NULL)
			total = 0;			/* no request: a condition is NULL */
		else
		{
			total = clio_json_page_total(st->page);
			st->records += clio_json_page_length(st->page);
		}
	}
	if (trust < 1 || total < 0)
	{
		/* count by pages, from the start */
		MemoryContextReset(st->page_cxt);
		MemoryContextReset(st->cursor_cxt);
		st->page = NULL;
		st->started = st->done = false;
		st->page_token = st->offset = NULL;
		for (;;)
		{
			clio_fetch_page(st);
			if (st->done)
				break;
			counted += clio_json_page_length(st->page);
			st->records += clio_json_page_length(st->page);
		}
		if (trust == 0 && total >= 0)
		{
			if (total == counted && counted > 1)
				clio_count_trust_set(st->opts.umid, 1);
			else if (total != counted)
			{
				clio_count_trust_set(st->opts.umid, -1);
				ereport(NOTICE,
						(errmsg("Clio's count of %s did not match its records: %lld counted, %lld said",
								st->relname, (long long) counted, (long long) total),
						 errdetail("count(*) is counted page by page for the rest of the session."),
						 errhint("Set the option count_pushdown to 'off' on the server to skip the check.")));
			}
		}
		total = counted;
	}
	st->count_value = total;
	st->count_known = true;
	return total;
}

/*
 * clioIterateForeignScan
 *		The next row; a new page is fetched only when the executor asks for
 *		a row past the current one.
 */
TupleTableSlot *
clioIterateForeignScan(ForeignScanState *node)
{
	ClioScanState *st = (ClioScanState *) node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	TupleDesc	tupdesc = slot->tts_tupleDescriptor;

	ExecClearTuple(slot);
	if (!st->params_ready)
		clio_eval_params(node, st);
	if (st->plan.count)
	{
		/* an aggregate's scan: one row, the count */
		if (st->done)
			return slot;
		slot->tts_values[0] = Int64GetDatum(clio_count_records(st));
		slot->tts_isnull[0] = false;
		st->done = true;
		return ExecStoreVirtualTuple(slot);
	}

	for (;;)
	{
		if (st->page && st->next_row < clio_json_page_length(st->page))
		{
			MemoryContext oldcxt;
			Datum	   *values;
			bool	   *nulls;
			HeapTuple	tuple;
			int			i;

			MemoryContextReset(st->row_cxt);
			oldcxt = MemoryContextSwitchTo(st->row_cxt);
			values = palloc(sizeof(Datum) * tupdesc->natts);
			nulls = palloc(sizeof(bool) * tupdesc->natts);
			memset(nulls, true, sizeof(bool) * tupdesc->natts);
			clio_json_record_values(st->page, st->next_row, st->cols, st->ncols,
									values, nulls, st->relname);
			for (i = 0; i < st->ncols; i++)
			{
				ClioColMap *col = &st->cols[i];

				if (col->is_search && st->search)
				{
					values[col->attnum - 1] = InputFunctionCall(&col->input, st->search,
																col->ioparam, col->typmod);
					nulls[col->attnum - 1] = false;
				}
			}
			tuple = heap_form_tuple(tupdesc, values, nulls);
			MemoryContextSwitchTo(oldcxt);
			st->next_row++;
			st->records++;
			ExecStoreHeapTuple(tuple, slot, false);
			return slot;
		}
		if (st->done)
			return slot;
		clio_fetch_page(st);
	}
}

/*
 * clioReScanForeignScan
 *		Start over.  With the same parameters and a result that fit in one
 *		page, the page in hand is read again without a request.
 */
void
clioReScanForeignScan(ForeignScanState *node)
{
	ClioScanState *st = (ClioScanState *) node->fdw_state;

	/* a count: the same one again, unless a parameter changed */
	if (st->plan.count)
	{
		if (node->ss.ps.chgParam != NULL)
		{
			st->count_known = false;
			st->params_ready = false;
		}
		st->done = false;
		st->started = false;
		st->page = NULL;
		st->page_token = st->offset = NULL;
		return;
	}
	if (node->ss.ps.chgParam == NULL && st->page != NULL &&
		st->pages_in_scan == 1 && st->page_token == NULL && st->offset == NULL &&
		(st->plan.mode != CLIO_SCAN_IDS || st->chunk_end >= st->nids))
	{
		st->next_row = 0;
		return;
	}

	if (node->ss.ps.chgParam != NULL && st->param_exprs != NIL)
		st->params_ready = false;	/* evaluated again on the next row */
	MemoryContextReset(st->page_cxt);
	MemoryContextReset(st->cursor_cxt);
	st->page = NULL;
	st->next_row = 0;
	st->started = false;
	st->done = false;
	st->page_token = NULL;
	st->offset = NULL;
	st->ids_next = 0;
	st->chunk_end = 0;
	st->pages_in_scan = 0;
}

/*
 * clioEndForeignScan
 *		Nothing to release by hand: the contexts go with the query, and the
 *		connection stays cached for the next one.
 */
void
clioEndForeignScan(ForeignScanState *node)
{
}

/* ----------------------------------------------------------------
 *		EXPLAIN
 * ----------------------------------------------------------------
 */

/*
 * clioExplainForeignScan
 *		VERBOSE: the request.  ANALYZE: what the scan cost.
 */
void
clioExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	ClioScanState *st = (ClioScanState *) node->fdw_state;
	ClioScanPlan splan;
	const ClioCollection *coll;

	clio_scan_plan_deserialize(plan->fdw_private, &splan);
	coll = clio_catalog_find(splan.table);
	if (splan.lookup != NULL)
		ExplainPropertyText("Clio Lookup Join", splan.lookup, es);
	if (es->verbose && coll)
	{
		ClioRequest r;

		/* the first request, as clio_fetch_page would build it */
		if (splan.count)
			splan.first_limit = 1;
		clio_scan_request(coll, &splan, NULL, &r);
		ExplainPropertyText("Clio Request", clio_request_text(&r), es);
	}
	if (splan.count)
	{
		ExplainPropertyText("Clio Count",
							splan.count == CLIO_COUNT_ON ? "meta.records" :
							"meta.records, checked once per session by paging",
							es);
	}
	if (es->analyze && st)
	{
		ExplainPropertyInteger("Clio Requests", NULL, st->stats.requests, es);
		ExplainPropertyInteger("Clio Pages", NULL, st->pages, es);
		ExplainPropertyInteger("Clio Records", NULL, st->records, es);
		ExplainPropertyInteger("Clio Bytes Received", NULL, st->stats.bytes, es);
		if (st->stats.retries > 0 || es->format != EXPLAIN_FORMAT_TEXT)
			ExplainPropertyInteger("Clio Retries", NULL, st->stats.retries, es);
		if (st->stats.rate_limited > 0 || es->format != EXPLAIN_FORMAT_TEXT)
			ExplainPropertyInteger("Clio Rate Limited", NULL, st->stats.rate_limited, es);
		if (es->timing)
		{
			ExplainPropertyFloat("Clio Network Time", "ms", st->stats.network_ms, 3, es);
			if (st->stats.wait_ms > 0 || es->format != EXPLAIN_FORMAT_TEXT)
				ExplainPropertyFloat("Clio Wait Time", "ms", st->stats.wait_ms, 3, es);
		}
	}
}
