/*-------------------------------------------------------------------------
 *
 * clio_fdw.c
 *		  Foreign-data wrapper for the Clio Manage API v4
 *
 * The FdwRoutine callbacks: planning (which request a scan sends),
 * execution (walking the pages lazily), EXPLAIN and IMPORT FOREIGN SCHEMA.
 * Requests are built by src/clio_deparse.c, sent by src/clio_http.c and
 * read by src/clio_json.c; this file touches neither curl nor cJSON.
 *
 * IDENTIFICATION
 *		  clio_fdw.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/reloptions.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "clio_deparse.h"
#include "clio_fdw.h"
#include "clio_http.h"
#include "clio_json.h"
#include "commands/defrem.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "jit/jit.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/planner.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/syscache.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"
#include "utils/varlena.h"

#ifdef PG_MODULE_MAGIC_EXT
PG_MODULE_MAGIC_EXT(.name = "clio_fdw",.version = CLIO_FDW_VERSION);
#else
PG_MODULE_MAGIC;
#endif

PG_FUNCTION_INFO_V1(clio_fdw_handler);
PG_FUNCTION_INFO_V1(clio_fdw_stats);

/* Clio pages through at most this many records in any order but id(asc) */
#define CLIO_OFFSET_CAP 10000

/*
 * A pushed parameter in fdw_private is a List indexed by this enum.
 */
enum ClioPushedPrivate
{
	ClioPushParam,				/* String: parameter name */
	ClioPushKind,				/* Integer: ClioValueKind */
	ClioPushPrefix,				/* String: operator prefix, or "" */
	ClioPushShift,				/* Integer: days or seconds */
	ClioPushEnum,				/* String: enum spellings, or "" */
	ClioPushExpr,				/* Integer: index in fdw_exprs, or -1 */
	ClioPushConst				/* String (or List of String for repeated
								 * parameters): the value, when constant */
};

/*
 * Planner state of one foreign table (baserel->fdw_private).
 */
typedef struct ClioRelInfo
{
	ClioOptions opts;
	Bitmapset  *attrs_used;		/* attributes the query reads */
	ClioPushdown *pd;			/* what the table's own conditions push */
	double		fetched;		/* records the request returns */
	bool		fetched_counted;	/* fetched is Clio's own count */
	List	   *missing;		/* required filters no condition gives */
} ClioRelInfo;

/*
 * Executor state of a scan.
 */
typedef struct ClioScanState
{
	ClioOptions opts;
	ClioConn   *conn;
	Relation	rel;
	const char *relname;
	ClioScanMode mode;
	char	   *fields;
	List	   *pushed;			/* pushed parameters, as in fdw_private */
	int			page_size;
	int			first_limit;	/* limit of the first page, or 0 */
	char	   *order;			/* order parameter, or NULL */

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

	MemoryContext param_cxt;	/* parameter values; reset per evaluation */
	MemoryContext cursor_cxt;	/* page_token/offset; reset per page */
	MemoryContext page_cxt;		/* the current page; reset per page */
	MemoryContext row_cxt;		/* one row's values; reset per row */

	/* for EXPLAIN ANALYZE */
	ClioStats	stats;
	int64		pages;
	int64		records;
} ClioScanState;

/* For finding equivalence-class join clauses on filterable columns */
typedef struct ClioEcState
{
	Relation	rel;
	const ClioCollection *coll;
	Expr	   *current;		/* the member being processed */
	List	   *already_used;	/* members processed before */
} ClioEcState;

void		_PG_init(void);
static void clio_usermapping_changed(Datum arg, int cacheid, uint32 hashvalue);
static PlannedStmt *clio_planner(Query *parse, const char *query_string,
								 int cursorOptions, ParamListInfo boundParams);

static planner_hook_type prev_planner_hook = NULL;

/* callbacks */
static void clioGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
static void clioGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
static ForeignScan *clioGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses,
									   Plan *outer_plan);
static void clioBeginForeignScan(ForeignScanState *node, int eflags);
static TupleTableSlot *clioIterateForeignScan(ForeignScanState *node);
static void clioReScanForeignScan(ForeignScanState *node);
static void clioEndForeignScan(ForeignScanState *node);
static void clioExplainForeignScan(ForeignScanState *node, ExplainState *es);
static List *clioImportForeignSchema(ImportForeignSchemaStmt *stmt,
									 Oid serverOid);

/* helpers */
static char *clio_scan_fields(Relation rel, const ClioCollection *coll,
							  Bitmapset *attrs_used, List **attnums);
static Selectivity clio_selectivity(PlannerInfo *root, RelOptInfo *baserel,
									ClioPushdown *pd, List *clauses);
static double clio_fetched(PlannerInfo *root, RelOptInfo *baserel,
						   const ClioCollection *coll, ClioPushdown *pd);
static int64 clio_remote_estimate(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid, ClioRelInfo *info);
static bool clioAnalyzeForeignTable(Relation relation,
									AcquireSampleRowsFunc *func,
									BlockNumber *totalpages);
static int	clio_acquire_sample_rows(Relation relation, int elevel,
									 HeapTuple *rows, int targrows,
									 double *totalrows, double *totaldeadrows);
static List *clio_missing_filters(const ClioCollection *coll, ClioPushdown *pd);
static void clio_path_cost(ClioRelInfo *info, double fetched, double rows,
						   Cost *startup, Cost *total);
static char *clio_order_for(PlannerInfo *root, RelOptInfo *baserel,
							Relation rel, ClioRelInfo *info, List *pathkeys);
static bool clio_ec_member_matches(PlannerInfo *root, RelOptInfo *rel,
								   EquivalenceClass *ec, EquivalenceMember *em,
								   void *arg);
static void clio_add_param_paths(PlannerInfo *root, RelOptInfo *baserel,
								 Relation rel, ClioRelInfo *info);
static void clio_fetch_page(ClioScanState *st);
static void clio_eval_params(ForeignScanState *node, ClioScanState *st);
static char *clio_scan_request_text(ClioScanState *st, bool encode,
									const char **path_out);
static char *clio_plan_request_text(ForeignScan *plan,
									const ClioCollection *coll);

/* ----------------------------------------------------------------
 *		Planning
 * ----------------------------------------------------------------
 */

/*
 * clio_record_by_get
 *		Whether an id look-up can use the record GET.  A collection without
 *		one, or a table that is a fixed-filter slice of a collection (the
 *		record GET of /notes/<id> would return a contact note through
 *		matter_notes), looks ids up through the list's ids[] filter.
 */
bool
clio_record_by_get(const ClioCollection *coll)
{
	return coll->record_get && coll->fixed_params == NULL;
}

/*
 * clio_datum_text
 *		A value's text, as a query string or path wants it.
 */
char *
clio_datum_text(Datum value, Oid type)
{
	Oid			out;
	bool		isvarlena;

	getTypeOutputInfo(type, &out, &isvarlena);
	return OidOutputFunctionCall(out, value);
}

/*
 * clio_scan_fields
 *		The fields parameter for the attributes a scan reads, and the list
 *		of those attributes.
 */
static char *
clio_scan_fields(Relation rel, const ClioCollection *coll,
				 Bitmapset *attrs_used, List **attnums)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	bool		wholerow;
	List	   *uses = NIL;
	int			i;

	/* the id always comes along, so that an error can name the record */
	if (clio_catalog_column(coll, "id") != NULL)
		uses = clio_fields_add(uses, "id", NULL);
	*attnums = NIL;
	wholerow = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs_used);
	for (i = 1; i <= tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i - 1);
		ClioColumnRef ref;

		if (attr->attisdropped)
			continue;
		if (!wholerow &&
			!bms_is_member(i - FirstLowInvalidHeapAttributeNumber, attrs_used))
			continue;
		clio_resolve_column(rel, i, coll, &ref);
		if (ref.field != NULL)
			uses = clio_fields_add(uses, ref.field, ref.request);
		*attnums = lappend_int(*attnums, i);
	}
	return clio_fields_string(uses);
}

/*
 * clio_fetched
 *		How many records a request with these pushed conditions returns.
 */
static double
clio_fetched(PlannerInfo *root, RelOptInfo *baserel, const ClioCollection *coll,
			 ClioPushdown *pd)
{
	if (pd->mode == CLIO_SCAN_RECORD)
		return 1;
	if (pd->mode == CLIO_SCAN_IDS)
	{
		return Max(clio_estimate_array_length(root, (Node *) pd->ids_expr), 1);
	}
	return clamp_row_est(coll->rows *
						 clio_selectivity(root, baserel, pd, pd->pushed_clauses));
}

/*
 * clio_enum_share
 *		The share of records a pushed condition on an enumerated filter
 *		selects when nothing better is known: the values it names out of
 *		the values the filter has (status = 'Open' is one of three), or -1
 *		for a condition of another kind.
 */
static double
clio_enum_share(PlannerInfo *root, const ClioPushed *p)
{
	const char *c;
	int			nvalues = 1;
	double		named = 1;

	if (p->enumvals == NULL || p->enumvals[0] == '\0' || p->expr == NULL)
		return -1;
	for (c = p->enumvals; *c; c++)
		if (*c == '|')
			nvalues++;
	if (p->kind == CLIO_VAL_COMMA || p->kind == CLIO_VAL_REPEAT)
	{
		named = Max(clio_estimate_array_length(root, (Node *) p->expr), 1);
	}
	else if (p->kind != CLIO_VAL_ENUM)
		return -1;
	return Min(1.0, named / nvalues);
}

/*
 * clio_selectivity
 *		clauselist_selectivity, except that before ANALYZE a pushed
 *		condition on an enumerated filter counts as its share of the enum
 *		rather than PostgreSQL's default for an equality (0.5%), which
 *		would make "status = 'Open'" look like a handful of rows and send
 *		the planner into one request per outer row.
 */
static Selectivity
clio_selectivity(PlannerInfo *root, RelOptInfo *baserel, ClioPushdown *pd,
				 List *clauses)
{
	Selectivity share = 1.0;
	List	   *rest = NIL;
	ListCell   *lc;

	foreach(lc, clauses)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		double		s = -1;
		ListCell   *pc;

		if (baserel->tuples <= 0)
		{
			foreach(pc, pd->pushed)
			{
				ClioPushed *p = (ClioPushed *) lfirst(pc);

				if (p->rinfo == ri)
				{
					s = clio_enum_share(root, p);
					break;
				}
			}
		}
		if (s >= 0)
			share *= s;
		else
			rest = lappend(rest, ri);
	}
	return share * clauselist_selectivity(root, rest, baserel->relid,
										  JOIN_INNER, NULL);
}

/*
 * clio_missing_filters
 *		The filters a collection's list requires that no condition gives.
 */
static List *
clio_missing_filters(const ClioCollection *coll, ClioPushdown *pd)
{
	List	   *missing = NIL;
	int			i;

	for (i = 0; i < coll->nfilters; i++)
	{
		const ClioFilter *f = &coll->filters[i];
		ListCell   *lc;
		bool		found = false;

		if (!f->required)
			continue;
		foreach(lc, pd->pushed)
		{
			if (strcmp(((ClioPushed *) lfirst(lc))->param, f->name) == 0)
				found = true;
		}
		if (!found && pd->mode != CLIO_SCAN_RECORD)
			missing = lappend(missing, (char *) f->name);
	}
	return missing;
}

/*
 * clio_path_cost
 *		Cost in round trips: one request per page, the first one before any
 *		row comes back.
 */
static void
clio_path_cost(ClioRelInfo *info, double fetched, double rows,
			   Cost *startup, Cost *total)
{
	double		requests = Max(ceil(fetched / info->opts.page_size), 1);

	*startup = info->opts.startup_cost;
	*total = info->opts.startup_cost + (requests - 1) * info->opts.page_cost +
		fetched * info->opts.tuple_cost + rows * cpu_tuple_cost;
}

/*
 * clioGetForeignRelSize
 *		Resolve options, sort the conditions into pushed and local, and
 *		estimate the rows.
 */
static void
clioGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	ClioRelInfo *info = palloc0(sizeof(ClioRelInfo));
	Relation	rel;
	ListCell   *lc;

	baserel->fdw_private = info;
	clio_table_options(foreigntableid, &info->opts);

	/* Columns the query reads: target list and every condition */
	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &info->attrs_used);
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		pull_varattnos((Node *) ri->clause, baserel->relid, &info->attrs_used);
	}

	rel = table_open(foreigntableid, NoLock);
	info->pd = clio_classify(root, baserel, rel, info->opts.coll,
							 baserel->baserestrictinfo, false);
	table_close(rel, NoLock);
	info->missing = clio_missing_filters(info->opts.coll, info->pd);
	info->fetched = clio_fetched(root, baserel, info->opts.coll, info->pd);

	if (info->pd->mode == CLIO_SCAN_RECORD)
		baserel->rows = 1;
	else if (info->opts.use_remote_estimate && info->pd->mode == CLIO_SCAN_LIST &&
			 info->missing == NIL)
	{
		/* Clio counts what the pushed conditions select; the rest is ours */
		int64		count = clio_remote_estimate(root, baserel, foreigntableid, info);

		if (count >= 0)
		{
			info->fetched = clamp_row_est(count);
			info->fetched_counted = true;
			baserel->rows = clamp_row_est(count *
										  clauselist_selectivity(root,
																 info->pd->local_clauses,
																 baserel->relid,
																 JOIN_INNER, NULL));
		}
		else
			baserel->rows = info->fetched;
	}
	else if (baserel->tuples > 0)
	{
		/* ANALYZE has counted the table: its statistics estimate */
		info->fetched = clamp_row_est(baserel->tuples *
									  clauselist_selectivity(root, info->pd->pushed_clauses,
															 baserel->relid, JOIN_INNER, NULL));
		baserel->rows = clamp_row_est(baserel->tuples *
									  clauselist_selectivity(root,
															 baserel->baserestrictinfo,
															 baserel->relid,
															 JOIN_INNER, NULL));
	}
	else
		baserel->rows = clamp_row_est(info->opts.coll->rows *
									  clio_selectivity(root, baserel, info->pd,
													   baserel->baserestrictinfo));
	baserel->rows = Min(baserel->rows, info->fetched);
}

/*
 * clio_remote_estimate
 *		Ask Clio how many records the table's constant pushed conditions
 *		select (a one-record request, cached briefly), or -1.
 */
static int64
clio_remote_estimate(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
					 ClioRelInfo *info)
{
	const ClioCollection *coll = info->opts.coll;
	ClioOptions opts = info->opts;
	Oid			userid = OidIsValid(baserel->userid) ? baserel->userid : GetUserId();
	Relation	rel = table_open(foreigntableid, NoLock);
	List	   *params = NIL;
	ListCell   *lc;
	char	   *query;
	char	   *display;

	clio_exec_options(rel, userid, &opts);
	table_close(rel, NoLock);

	params = clio_params_add(params, "fields", "id");
	foreach(lc, info->pd->pushed)
	{
		ClioPushed *p = (ClioPushed *) lfirst(lc);
		List	   *repeat = NIL;
		char	   *text;
		ListCell   *rc;

		if (p->kind == CLIO_VAL_NULL)
			text = "null";
		else if (IsA(p->expr, Const) && !((Const *) p->expr)->constisnull)
			text = clio_format_value(p, ((Const *) p->expr)->constvalue,
									 ((Const *) p->expr)->consttype, &repeat);
		else
			continue;			/* known only at execution: a wider count */
		if (p->kind == CLIO_VAL_REPEAT)
		{
			foreach(rc, repeat)
				params = clio_params_add(params, p->param, strVal(lfirst(rc)));
		}
		else if (text)
			params = clio_params_add(params, p->param, text);
	}
	params = clio_params_add(params, "limit", "1");
	query = clio_query_string(coll->fixed_params, params, true);
	display = psprintf("GET %s?%s", clio_request_path(coll->path, NULL, false),
					   clio_query_string(coll->fixed_params, params, false));
	return clio_remote_count(&opts, clio_request_path(coll->path, NULL, true),
							 query, display);
}

/*
 * clio_order_for
 *		The order parameter that returns rows in the order of pathkeys, or
 *		NULL when Clio cannot give that order faithfully.  Pushed: one
 *		column, declared by the collection, not text (Clio's collation is
 *		not PostgreSQL's), never NULL in the result (Clio's NULL placement is
 *		unknown), default operator family; and, for any order but id(asc)
 *		(which is free), a result Clio can page through (10,000 records).
 */
static char *
clio_order_for(PlannerInfo *root, RelOptInfo *baserel, Relation rel,
			   ClioRelInfo *info, List *pathkeys)
{
	const ClioCollection *coll = info->opts.coll;
	PathKey    *pk;
	EquivalenceMember *em = NULL;
	ListCell   *lc;
	ClioColumnRef ref;
	Var		   *var = NULL;
	char	   *order;
	bool		asc;

	if (list_length(pathkeys) != 1 || info->pd->mode != CLIO_SCAN_LIST)
		return NULL;
	pk = linitial(pathkeys);
	if (pk->pk_eclass->ec_has_volatile)
		return NULL;
	foreach(lc, pk->pk_eclass->ec_members)
	{
		EquivalenceMember *m = lfirst(lc);
		Expr	   *e = m->em_expr;

		while (e && IsA(e, RelabelType))
			e = ((RelabelType *) e)->arg;
		if (bms_equal(m->em_relids, baserel->relids) && IsA(e, Var) &&
			((Var *) e)->varno == baserel->relid && ((Var *) e)->varattno > 0)
		{
			em = m;
			var = (Var *) e;
			break;
		}
	}
	if (em == NULL)
		return NULL;
	clio_resolve_column(rel, var->varattno, coll, &ref);
	if (ref.cat == NULL || ref.subfield != NULL)
		return NULL;
	if (clio_pathkey_direction(pk) == 0)
		return NULL;
	{
		Oid			opclass = GetDefaultOpClass(var->vartype, BTREE_AM_OID);

		if (!OidIsValid(opclass) || get_opclass_family(opclass) != pk->pk_opfamily)
			return NULL;
	}
	if (ref.cat->typid == TEXTOID || var->vartype != ref.cat->typid)
		return NULL;
	asc = (clio_pathkey_direction(pk) > 0);

	if (strcmp(ref.cat->name, "id") == 0 && asc)
		return pk->pk_nulls_first ? NULL : "";	/* Clio's default order */

	if (!bms_is_member(var->varattno, info->pd->nonnull) &&
		strcmp(ref.cat->name, "id") != 0 &&
		strcmp(ref.cat->name, "created_at") != 0 &&
		strcmp(ref.cat->name, "updated_at") != 0)
		return NULL;
	order = psprintf("%s(%s)", ref.cat->field, asc ? "asc" : "desc");
	if (!clio_catalog_has_order(coll, order))
		return NULL;
	/*
	 * Offset paging stops at Clio's cap, and a scan that reaches it cannot
	 * go on: push the order only when the rows read are known to fit, not
	 * merely estimated to.  That is when a LIMIT under the cap applies to
	 * this table alone with every condition in the request, or when Clio
	 * itself counted the records (use_remote_estimate).
	 */
	if (!(info->fetched_counted && info->fetched <= CLIO_OFFSET_CAP) &&
		!(root->limit_tuples > 0 && root->limit_tuples <= CLIO_OFFSET_CAP &&
		  info->pd->local_clauses == NIL &&
		  bms_membership(root->all_baserels) == BMS_SINGLETON))
		return NULL;
	return order;
}

/*
 * clio_ec_member_matches
 *		generate_implied_equalities_for_column callback: a member that is
 *		one of our columns Clio can filter on, one at a time.
 */
static bool
clio_ec_member_matches(PlannerInfo *root, RelOptInfo *rel,
					   EquivalenceClass *ec, EquivalenceMember *em, void *arg)
{
	ClioEcState *state = (ClioEcState *) arg;
	Expr	   *expr = em->em_expr;

	if (state->current != NULL)
		return equal(expr, state->current);
	if (list_member(state->already_used, expr))
		return false;
	state->current = expr;
	return true;
}

/*
 * clio_add_param_paths
 *		Paths that take a join partner's value as a filter: one filtered
 *		request per outer row, for the planner to weigh against one full
 *		scan.
 */
static void
clio_add_param_paths(PlannerInfo *root, RelOptInfo *baserel, Relation rel,
					 ClioRelInfo *info)
{
	List	   *candidates = NIL;
	List	   *seen_outer = NIL;
	ListCell   *lc;

	/* join clauses proper */
	foreach(lc, baserel->joininfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (!join_clause_is_movable_to(ri, baserel))
			continue;
		if (clio_pushable_join_clause(root, baserel, rel, info->opts.coll, ri))
			candidates = lappend(candidates, ri);
	}

	/* equivalence-class clauses (a.matter_id = m.id and friends) */
	if (baserel->has_eclass_joins)
	{
		ClioEcState state;

		memset(&state, 0, sizeof(state));
		state.rel = rel;
		state.coll = info->opts.coll;
		for (;;)
		{
			List	   *clauses;

			state.current = NULL;
			clauses = generate_implied_equalities_for_column(root, baserel,
															 clio_ec_member_matches,
															 &state,
															 baserel->lateral_referencers);
			if (state.current == NULL)
				break;
			foreach(lc, clauses)
			{
				RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

				if (join_clause_is_movable_to(ri, baserel) &&
					clio_pushable_join_clause(root, baserel, rel, info->opts.coll, ri))
					candidates = lappend(candidates, ri);
			}
			state.already_used = lappend(state.already_used, state.current);
		}
	}

	foreach(lc, candidates)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		Relids		required_outer;
		ParamPathInfo *ppi;
		ClioPushdown *pd;
		double		fetched;
		Cost		startup,
					total;
		ListCell   *lc2;
		bool		dup = false;

		required_outer = bms_union(ri->clause_relids, baserel->lateral_relids);
		required_outer = bms_del_member(required_outer, baserel->relid);
		if (bms_is_empty(required_outer))
			continue;
		foreach(lc2, seen_outer)
		{
			if (bms_equal((Relids) lfirst(lc2), required_outer))
				dup = true;
		}
		if (dup)
			continue;
		seen_outer = lappend(seen_outer, required_outer);

		ppi = get_baserel_parampathinfo(root, baserel, required_outer);
		pd = clio_classify(root, baserel, rel, info->opts.coll,
						   list_concat(list_copy(baserel->baserestrictinfo),
									   ppi->ppi_clauses),
						   true);
		if (clio_missing_filters(info->opts.coll, pd) != NIL)
			continue;
		fetched = clio_fetched(root, baserel, info->opts.coll, pd);
		if (pd->mode == CLIO_SCAN_LIST)
		{
			/* the join clause narrows the list like an equality filter */
			fetched = clamp_row_est(info->opts.coll->rows *
									clio_selectivity(root, baserel, pd,
													 pd->pushed_clauses));
		}
		clio_path_cost(info, fetched, ppi->ppi_rows, &startup, &total);
		add_path(baserel, (Path *)
				 clio_create_foreignscan_path(root, baserel, ppi->ppi_rows,
											  startup, total, NIL, required_outer,
											  NIL));
	}
}

/*
 * clioGetForeignPaths
 *		A plain path, an ordered one where Clio can sort, and parameterized
 *		ones for joins; costed in round trips.
 */
static void
clioGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	ClioRelInfo *info = (ClioRelInfo *) baserel->fdw_private;
	Relation	rel = table_open(foreigntableid, NoLock);
	Cost		startup,
				total;

	if (info->missing == NIL)
	{
		clio_path_cost(info, info->fetched, baserel->rows, &startup, &total);
		add_path(baserel, (Path *)
				 clio_create_foreignscan_path(root, baserel, baserel->rows,
											  startup, total, NIL, NULL, NIL));

		if (root->query_pathkeys != NIL)
		{
			char	   *order = clio_order_for(root, baserel, rel, info,
											   root->query_pathkeys);

			if (order != NULL)
				add_path(baserel, (Path *)
						 clio_create_foreignscan_path(root, baserel, baserel->rows,
													  startup, total,
													  root->query_pathkeys, NULL,
													  list_make1(makeString(order))));
		}
	}

	clio_add_param_paths(root, baserel, rel, info);
	table_close(rel, NoLock);

	if (baserel->pathlist == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("Clio lists %s only with a condition on %s",
						info->opts.coll->table, (char *) linitial(info->missing)),
				 errhint("Add WHERE %s = ... (a value, or a join to a table that has it).",
						 (char *) linitial(info->missing))));
}

/*
 * clioGetForeignPlan
 *		The request plan goes into fdw_private; every condition stays in
 *		the plan's own qual, so results never depend on Clio's filtering.
 */
static ForeignScan *
clioGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	ClioRelInfo *info = (ClioRelInfo *) baserel->fdw_private;
	const ClioCollection *coll = info->opts.coll;
	Relation	rel = table_open(foreigntableid, NoLock);
	ClioPushdown *pd;
	List	   *fdw_exprs = NIL;
	List	   *pushed = NIL;
	List	   *attnums;
	char	   *fields;
	char	   *id_const = "";
	char	   *order = "";
	int			first_limit = 0;
	List	   *fdw_private;
	ListCell   *lc;

	pd = clio_classify(root, baserel, rel, coll, scan_clauses,
					   best_path->path.param_info != NULL);
	fields = clio_scan_fields(rel, coll, info->attrs_used, &attnums);
	table_close(rel, NoLock);

	if (best_path->fdw_private != NIL)
		order = strVal(linitial(best_path->fdw_private));

	/* the id (or ids): a constant's text now, anything else at execution */
	if (pd->mode == CLIO_SCAN_RECORD && IsA(pd->id_expr, Const))
	{
		Const	   *c = (Const *) pd->id_expr;

		id_const = clio_datum_text(c->constvalue, c->consttype);
	}
	else if (pd->mode == CLIO_SCAN_RECORD)
		fdw_exprs = lappend(fdw_exprs, pd->id_expr);
	else if (pd->mode == CLIO_SCAN_IDS)
		fdw_exprs = lappend(fdw_exprs, pd->ids_expr);

	/* list filters */
	foreach(lc, pd->pushed)
	{
		ClioPushed *p = (ClioPushed *) lfirst(lc);
		Node	   *constval = NULL;
		int			index = -1;

		if (p->kind == CLIO_VAL_NULL)
			constval = (Node *) makeString("null");
		else if (IsA(p->expr, Const) && !((Const *) p->expr)->constisnull)
		{
			Const	   *c = (Const *) p->expr;
			List	   *repeat = NIL;
			char	   *text = clio_format_value(p, c->constvalue, c->consttype,
												 &repeat);

			if (text == NULL)
				continue;		/* Clio cannot take it: checked locally only */
			constval = p->kind == CLIO_VAL_REPEAT ? (Node *) repeat :
				(Node *) makeString(text);
		}
		else
		{
			index = list_length(fdw_exprs);
			fdw_exprs = lappend(fdw_exprs, p->expr);
		}
		pushed = lappend(pushed,
						 list_make5(makeString((char *) p->param),
									makeInteger(p->kind),
									makeString(p->prefix ? (char *) p->prefix : ""),
									makeInteger(p->shift),
									makeString(p->enumvals ? (char *) p->enumvals : "")));
		llast(pushed) = lappend(llast(pushed), makeInteger(index));
		llast(pushed) = lappend(llast(pushed), constval);
	}

	/*
	 * LIMIT: when the table is the whole query and every condition went into
	 * the request, the first page need hold no more than the limit.  Later
	 * pages, if the executor asks for more rows, are full pages.
	 */
	if (root->limit_tuples > 0 && pd->local_clauses == NIL &&
		pd->mode == CLIO_SCAN_LIST &&
		bms_membership(root->all_baserels) == BMS_SINGLETON &&
		(root->query_pathkeys == NIL ||
		 pathkeys_contained_in(root->query_pathkeys, best_path->path.pathkeys)))
		first_limit = (int) Min(ceil(root->limit_tuples), info->opts.page_size);

	fdw_private = list_make5(makeString((char *) coll->table),
							 makeString(fields),
							 makeInteger(pd->mode),
							 makeString(id_const),
							 pushed);
	fdw_private = lappend(fdw_private, attnums);
	fdw_private = lappend(fdw_private, makeInteger(info->opts.page_size));
	fdw_private = lappend(fdw_private, makeInteger(first_limit));
	fdw_private = lappend(fdw_private, makeString(order));

	return make_foreignscan(tlist, extract_actual_clauses(scan_clauses, false),
							baserel->relid, fdw_exprs, fdw_private, NIL, NIL,
							outer_plan);
}

/* ----------------------------------------------------------------
 *		Execution
 * ----------------------------------------------------------------
 */

/*
 * clioBeginForeignScan
 *		Set up the scan.  Nothing is sent yet: EXPLAIN without ANALYZE
 *		costs no request.
 */
static void
clioBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	ClioScanState *st = palloc0(sizeof(ClioScanState));
	List	   *priv = plan->fdw_private;
	const ClioCollection *coll;
	List	   *attnums;
	ListCell   *lc;
	char	   *order;
	int			i;

	node->fdw_state = st;
	st->rel = node->ss.ss_currentRelation;
	st->relname = RelationGetRelationName(st->rel);
	coll = clio_catalog_find(strVal(list_nth(priv, ClioPrivTable)));
	if (coll == NULL)
		elog(ERROR, "clio_fdw: unknown resource in plan");
	st->fields = strVal(list_nth(priv, ClioPrivFields));
	st->mode = intVal(list_nth(priv, ClioPrivMode));
	st->pushed = (List *) list_nth(priv, ClioPrivParams);
	attnums = (List *) list_nth(priv, ClioPrivAttnums);
	st->page_size = intVal(list_nth(priv, ClioPrivPageSize));
	st->first_limit = intVal(list_nth(priv, ClioPrivFirstLimit));
	order = strVal(list_nth(priv, ClioPrivOrder));
	st->order = order[0] ? order : NULL;
	if (st->mode == CLIO_SCAN_RECORD)
		st->id_value = strVal(list_nth(priv, ClioPrivIdConst));

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	/* Options, credentials included, are resolved now, not at plan time */
	clio_exec_options(st->rel, clio_scan_userid(node), &st->opts);
	st->opts.coll = coll;
	st->conn = clio_http_connection(&st->opts);

	/* Column map */
	st->ncols = list_length(attnums);
	st->cols = palloc0(sizeof(ClioColMap) * Max(st->ncols, 1));
	i = 0;
	foreach(lc, attnums)
		clio_colmap_init(st->rel, lfirst_int(lc), coll, &st->cols[i++]);

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
 * clio_scan_userid
 *		The user whose mapping a scan (or a direct modify) uses: the view
 *		owner's for a view, else the current user.
 */
Oid
clio_scan_userid(ForeignScanState *node)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	Oid			userid;

	userid = clio_scan_check_as_user(plan, node->ss.ps.state);
	return OidIsValid(userid) ? userid : GetUserId();
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

	if (st->mode == CLIO_SCAN_RECORD && n > 0 &&
		((ForeignScan *) node->ss.ps.plan)->fdw_exprs != NIL &&
		strVal(list_nth(((ForeignScan *) node->ss.ps.plan)->fdw_private,
						ClioPrivIdConst))[0] == '\0')
	{
		if (nulls[0])
			st->empty = true;
		else
			st->id_value = clio_datum_text(values[0], types[0]);
	}
	else if (st->mode == CLIO_SCAN_IDS)
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
	foreach(lc, st->pushed)
	{
		List	   *spec = (List *) lfirst(lc);
		ClioPushed	p;
		int			index = intVal(list_nth(spec, ClioPushExpr));
		Node	   *constval = (Node *) list_nth(spec, ClioPushConst);
		char	   *prefix = strVal(list_nth(spec, ClioPushPrefix));
		char	   *enumvals = strVal(list_nth(spec, ClioPushEnum));
		char	   *text = NULL;
		List	   *repeat = NIL;
		ListCell   *rc;

		memset(&p, 0, sizeof(p));
		p.param = strVal(list_nth(spec, ClioPushParam));
		p.kind = intVal(list_nth(spec, ClioPushKind));
		p.prefix = prefix[0] ? prefix : NULL;
		p.shift = intVal(list_nth(spec, ClioPushShift));
		p.enumvals = enumvals[0] ? enumvals : NULL;

		if (index < 0)
		{
			if (constval && IsA(constval, String))
				text = strVal(constval);
			else
				repeat = (List *) constval;
		}
		else if (nulls[index])
		{
			st->empty = true;	/* col = NULL is never true */
			continue;
		}
		else
			text = clio_format_value(&p, values[index], types[index], &repeat);

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
 * clio_scan_request_text
 *		The next request of the scan: the path, and the query string
 *		(encoded for the wire, or readable).
 */
static char *
clio_scan_request_text(ClioScanState *st, bool encode, const char **path_out)
{
	const ClioCollection *coll = st->opts.coll;
	List	   *params = NIL;
	int			i;

	params = clio_params_add(params, "fields", st->fields);
	if (st->mode == CLIO_SCAN_RECORD && clio_record_by_get(coll))
	{
		*path_out = clio_request_path(coll->path, st->id_value, encode);
		return clio_query_string(NULL, params, encode);
	}

	*path_out = clio_request_path(coll->path, NULL, encode);
	if (st->mode == CLIO_SCAN_RECORD)
		params = clio_params_add(params, "ids[]", st->id_value);
	else if (st->mode == CLIO_SCAN_IDS)
	{
		for (i = st->ids_next; i < st->chunk_end; i++)
			params = clio_params_add(params, "ids[]", st->ids[i]);
	}
	params = list_concat(params, st->params);
	if (st->order)
		params = clio_params_add(params, "order", st->order);
	params = clio_params_add(params, "limit",
							 psprintf("%d", (!st->started && st->first_limit > 0) ?
									  st->first_limit : st->page_size));
	if (st->page_token)
		params = clio_params_add(params, "page_token", st->page_token);
	if (st->offset)
		params = clio_params_add(params, "offset", st->offset);
	return clio_query_string(coll->fixed_params, params, encode);
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
	const char *path;
	const char *display_path;
	char	   *query;
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
	if (st->mode == CLIO_SCAN_RECORD)
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
		if (st->mode != CLIO_SCAN_IDS || st->chunk_end >= st->nids)
		{
			st->done = true;
			return;
		}
		st->ids_next = st->chunk_end;
		st->started = false;
	}
	if (st->mode == CLIO_SCAN_IDS && !st->started)
		st->chunk_end = Min(st->ids_next + st->page_size, st->nids);

	/* Clio will not page past its offset cap in a custom order */
	if (st->offset && atol(st->offset) >= CLIO_OFFSET_CAP)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("Clio returns at most %d records in order \"%s\"",
						CLIO_OFFSET_CAP, st->order ? st->order : "?"),
				 errdetail("Any order but id(asc) pages by offset, which Clio caps."),
				 errhint("Add a condition that narrows the result, or order by id.")));

	MemoryContextReset(st->page_cxt);
	st->page = NULL;
	st->next_row = 0;
	oldcxt = MemoryContextSwitchTo(st->page_cxt);

	memset(&req, 0, sizeof(req));
	query = clio_scan_request_text(st, true, &path);
	req.url = clio_url(st->opts.base_url, path, query);
	query = clio_scan_request_text(st, false, &display_path);
	display = psprintf("GET %s?%s", display_path, query);
	req.method = "GET";
	req.display = display;
	req.body = NULL;
	req.if_match = NULL;

	single = (st->mode == CLIO_SCAN_RECORD && clio_record_by_get(st->opts.coll));
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
		MemoryContextReset(st->cursor_cxt);
		MemoryContextSwitchTo(st->cursor_cxt);
		st->page_token = token ? pstrdup(token) : NULL;
		st->offset = offset ? pstrdup(offset) : NULL;
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * clioIterateForeignScan
 *		The next row; a new page is fetched only when the executor asks for
 *		a row past the current one.
 */
static TupleTableSlot *
clioIterateForeignScan(ForeignScanState *node)
{
	ClioScanState *st = (ClioScanState *) node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	TupleDesc	tupdesc = RelationGetDescr(st->rel);

	ExecClearTuple(slot);
	if (!st->params_ready)
		clio_eval_params(node, st);

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
static void
clioReScanForeignScan(ForeignScanState *node)
{
	ClioScanState *st = (ClioScanState *) node->fdw_state;

	if (node->ss.ps.chgParam == NULL && st->page != NULL &&
		st->pages_in_scan == 1 && st->page_token == NULL && st->offset == NULL &&
		(st->mode != CLIO_SCAN_IDS || st->chunk_end >= st->nids))
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
static void
clioEndForeignScan(ForeignScanState *node)
{
}

/* ----------------------------------------------------------------
 *		EXPLAIN
 * ----------------------------------------------------------------
 */

/*
 * clio_plan_request_text
 *		The first request of a planned scan, as EXPLAIN shows it: values
 *		known only at execution appear as $n, n being their position among
 *		the scan's parameters.
 */
static char *
clio_plan_request_text(ForeignScan *plan, const ClioCollection *coll)
{
	List	   *priv = plan->fdw_private;
	ClioScanMode mode = intVal(list_nth(priv, ClioPrivMode));
	List	   *pushed = (List *) list_nth(priv, ClioPrivParams);
	int			page_size = intVal(list_nth(priv, ClioPrivPageSize));
	int			first_limit = intVal(list_nth(priv, ClioPrivFirstLimit));
	char	   *order = strVal(list_nth(priv, ClioPrivOrder));
	char	   *id_const = strVal(list_nth(priv, ClioPrivIdConst));
	List	   *params = NIL;
	ListCell   *lc;

	params = clio_params_add(params, "fields", strVal(list_nth(priv, ClioPrivFields)));
	if (mode == CLIO_SCAN_RECORD)
	{
		const char *id = id_const[0] ? id_const : "$1";

		if (clio_record_by_get(coll))
			return psprintf("GET %s?%s", clio_request_path(coll->path, id, false),
							clio_query_string(NULL, params, false));
		params = clio_params_add(params, "ids[]", id);
	}
	else if (mode == CLIO_SCAN_IDS)
		params = clio_params_add(params, "ids[]", "$1");

	foreach(lc, pushed)
	{
		List	   *spec = (List *) lfirst(lc);
		char	   *name = strVal(list_nth(spec, ClioPushParam));
		int			index = intVal(list_nth(spec, ClioPushExpr));
		Node	   *constval = (Node *) list_nth(spec, ClioPushConst);

		if (index >= 0)
			params = clio_params_add(params, name, psprintf("$%d", index + 1));
		else if (IsA(constval, String))
			params = clio_params_add(params, name, strVal(constval));
		else
		{
			ListCell   *rc;

			foreach(rc, (List *) constval)
				params = clio_params_add(params, name, strVal(lfirst(rc)));
		}
	}
	if (order[0])
		params = clio_params_add(params, "order", order);
	params = clio_params_add(params, "limit",
							 psprintf("%d", first_limit > 0 ? first_limit : page_size));
	return psprintf("GET %s?%s", clio_request_path(coll->path, NULL, false),
					clio_query_string(coll->fixed_params, params, false));
}

/*
 * clioExplainForeignScan
 *		VERBOSE: the request.  ANALYZE: what the scan cost.
 */
static void
clioExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	ClioScanState *st = (ClioScanState *) node->fdw_state;
	const ClioCollection *coll = clio_catalog_find(strVal(list_nth(plan->fdw_private,
																   ClioPrivTable)));

	if (es->verbose && coll)
		ExplainPropertyText("Clio Request", clio_plan_request_text(plan, coll), es);
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

/*
 * clio_request_cost
 *		The part of a plan's cost that is Clio's round trips: the cost of
 *		each of our foreign scans, times the times it runs as the inner side
 *		of a nested loop.  Other nodes that run a child many times (SubPlans,
 *		Memoize) are counted once or as a nested loop says: the error only
 *		ever leaves JIT as PostgreSQL would have it.
 */
static Cost
clio_request_cost(Plan *plan, double loops)
{
	Cost		cost = 0;
	List	   *children = NIL;
	ListCell   *lc;

	if (plan == NULL)
		return 0;
	check_stack_depth();
	if (IsA(plan, ForeignScan))
	{
		ForeignScan *fs = (ForeignScan *) plan;

		if (OidIsValid(fs->fs_server) &&
			GetFdwRoutineByServerId(fs->fs_server)->GetForeignPlan == clioGetForeignPlan)
			cost += loops * plan->total_cost;
	}
	if (IsA(plan, NestLoop))
		return cost + clio_request_cost(plan->lefttree, loops) +
			clio_request_cost(plan->righttree,
							  loops * Max(plan->lefttree->plan_rows, 1));
	switch (nodeTag(plan))
	{
		case T_Append:
			children = ((Append *) plan)->appendplans;
			break;
		case T_MergeAppend:
			children = ((MergeAppend *) plan)->mergeplans;
			break;
		case T_SubqueryScan:
			children = list_make1(((SubqueryScan *) plan)->subplan);
			break;
		case T_CustomScan:
			children = ((CustomScan *) plan)->custom_plans;
			break;
		default:
			break;
	}
	foreach(lc, children)
		cost += clio_request_cost((Plan *) lfirst(lc), loops);
	return cost + clio_request_cost(plan->lefttree, loops) +
		clio_request_cost(plan->righttree, loops);
}

/*
 * clio_planner
 *		PostgreSQL JIT-compiles a plan that costs more than jit_above_cost,
 *		and our costs are round trips (1,000 a request by default): a scan
 *		of a hundred pages would be compiled, for nothing -- its time is the
 *		network -- at the price of LLVM in the backend (~50 MB).  So the JIT
 *		decision is taken again on the plan's cost without Clio's round
 *		trips, with PostgreSQL's own thresholds.
 */
static PlannedStmt *
clio_planner(Query *parse, const char *query_string, int cursorOptions,
			 ParamListInfo boundParams)
{
	PlannedStmt *stmt;

	if (prev_planner_hook)
		stmt = prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	else
		stmt = standard_planner(parse, query_string, cursorOptions, boundParams);

	if ((stmt->jitFlags & PGJIT_PERFORM) && stmt->planTree != NULL)
	{
		Cost		requests = clio_request_cost(stmt->planTree, 1);
		ListCell   *lc;
		Cost		local;

		foreach(lc, stmt->subplans)
			requests += clio_request_cost((Plan *) lfirst(lc), 1);
		local = stmt->planTree->total_cost - requests;
		if (requests > 0)
		{
			if (local <= jit_above_cost)
				stmt->jitFlags = PGJIT_NONE;
			else
			{
				if (jit_optimize_above_cost >= 0 && local <= jit_optimize_above_cost)
					stmt->jitFlags &= ~PGJIT_OPT3;
				if (jit_inline_above_cost >= 0 && local <= jit_inline_above_cost)
					stmt->jitFlags &= ~PGJIT_INLINE;
			}
		}
	}
	return stmt;
}

/*
 * clio_usermapping_changed
 *		Syscache callback.
 */
static void
clio_usermapping_changed(Datum arg, int cacheid, uint32 hashvalue)
{
	clio_http_forget_tokens();
}

/*
 * _PG_init
 *		Library load: set up libcurl and reserve our GUC prefix.
 */
void
_PG_init(void)
{
	clio_http_init();
	clio_json_init();
	clio_modify_init();
	/* a user mapping changed: its refreshed tokens no longer apply */
	CacheRegisterSyscacheCallback(USERMAPPINGOID, clio_usermapping_changed, (Datum) 0);
	prev_planner_hook = planner_hook;
	planner_hook = clio_planner;
	MarkGUCPrefixReserved("clio_fdw");
}

/*
 * clio_fdw_handler
 *		The FdwRoutine with clio_fdw's callbacks.
 */
Datum
clio_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = clioGetForeignRelSize;
	routine->GetForeignPaths = clioGetForeignPaths;
	routine->GetForeignPlan = clioGetForeignPlan;
	routine->BeginForeignScan = clioBeginForeignScan;
	routine->IterateForeignScan = clioIterateForeignScan;
	routine->ReScanForeignScan = clioReScanForeignScan;
	routine->EndForeignScan = clioEndForeignScan;
	routine->ExplainForeignScan = clioExplainForeignScan;
	routine->ImportForeignSchema = clioImportForeignSchema;
	routine->AnalyzeForeignTable = clioAnalyzeForeignTable;

	/* src/clio_modify.c */
	routine->AddForeignUpdateTargets = clioAddForeignUpdateTargets;
	routine->PlanForeignModify = clioPlanForeignModify;
	routine->BeginForeignModify = clioBeginForeignModify;
	routine->ExecForeignInsert = clioExecForeignInsert;
	routine->ExecForeignUpdate = clioExecForeignUpdate;
	routine->ExecForeignDelete = clioExecForeignDelete;
	routine->EndForeignModify = clioEndForeignModify;
	routine->IsForeignRelUpdatable = clioIsForeignRelUpdatable;
	routine->ExplainForeignModify = clioExplainForeignModify;
	routine->PlanDirectModify = clioPlanDirectModify;
	routine->BeginDirectModify = clioBeginDirectModify;
	routine->IterateDirectModify = clioIterateDirectModify;
	routine->EndDirectModify = clioEndDirectModify;
	routine->ExplainDirectModify = clioExplainDirectModify;

	PG_RETURN_POINTER(routine);
}

/* ----------------------------------------------------------------
 *		Column mapping
 * ----------------------------------------------------------------
 */

/*
 * clio_resolve_column
 *		Which part of a record a column reads (and a write sets).  The column's "field" option
 *		(else its name) is either a column name of the catalog ("matter",
 *		"matter_id", "status") or a dotted path into an association
 *		("client.name").
 */
void
clio_resolve_column(Relation rel, AttrNumber attnum, const ClioCollection *coll,
					ClioColumnRef *ref)
{
	Oid			relid = RelationGetRelid(rel);
	char	   *name = clio_column_field(relid, attnum);
	char	   *dot = strchr(name, '.');
	const ClioColumn *cat;

	memset(ref, 0, sizeof(*ref));
	ref->name = name;
	if (dot != NULL)
	{
		char	   *base = pnstrdup(name, dot - name);

		cat = clio_catalog_column(coll, base);
		if (cat == NULL || cat->kind != CLIO_COL_NESTED || dot[1] == '\0' ||
			strchr(dot + 1, '.') != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("column \"%s\" of foreign table \"%s\" reads \"%s\", which is not a field of an association of Clio resource \"%s\"",
							NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
							RelationGetRelationName(rel), name, coll->table),
					 errhint("A dotted field names one field of an association, e.g. 'client.name'.")));
		ref->field = (char *) cat->field;
		ref->subfield = pstrdup(dot + 1);
		ref->request = ref->subfield;
		return;
	}

	cat = clio_catalog_column(coll, name);
	if (cat == NULL)
	{
		const char *names[512];
		int			n = 0;
		int			i;
		const char *closest;

		for (i = 0; i < coll->ncolumns && n < lengthof(names); i++)
			names[n++] = coll->columns[i].name;
		closest = clio_closest(name, names, n);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
				 errmsg("column \"%s\" of foreign table \"%s\" names no field of Clio resource \"%s\"",
						NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
						RelationGetRelationName(rel), coll->table),
				 closest ?
				 errhint("Perhaps you meant \"%s\"; the column option \"field\" names the Clio field when the column's name differs.",
						 closest) :
				 errhint("The column option \"field\" names the Clio field when the column's name differs.")));
	}

	ref->field = (char *) cat->field;
	ref->cat = cat;
	switch (cat->kind)
	{
		case CLIO_COL_SCALAR:
			break;
		case CLIO_COL_NESTED:
		case CLIO_COL_NESTED_ARRAY:
			ref->request = (char *) cat->subfields;
			break;
		case CLIO_COL_NESTED_ID:
			ref->subfield = "id";
			ref->request = "id";
			break;
		case CLIO_COL_NESTED_TYPE:
			ref->subfield = "type";
			ref->request = "type";
			break;
		case CLIO_COL_SEARCH:
			/* not in the record: the scan gives back what it searched */
			ref->field = NULL;
			break;
	}
}

/*
 * clio_colmap_init
 *		Set up how attribute attnum of rel is filled from a record.
 */
void
clio_colmap_init(Relation rel, AttrNumber attnum, const ClioCollection *coll,
				 ClioColMap *col)
{
	ClioColumnRef ref;

	clio_resolve_column(rel, attnum, coll, &ref);
	clio_colmap_attr(col, TupleDescAttr(RelationGetDescr(rel), attnum - 1));
	col->field = ref.field;
	col->subfield = ref.subfield;
	col->is_search = (ref.cat && ref.cat->kind == CLIO_COL_SEARCH);
}

/* ----------------------------------------------------------------
 *		ANALYZE
 * ----------------------------------------------------------------
 */

/* Pages an ANALYZE reads at most */
#define CLIO_ANALYZE_PAGES 10

/*
 * clioAnalyzeForeignTable
 */
static bool
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

/*
 * clio_fdw_stats
 *		This backend's Clio counters since it started, and the latest
 *		rate-limit headers Clio sent.
 */
Datum
clio_fdw_stats(PG_FUNCTION_ARGS)
{
	const ClioStats *s = clio_http_backend_stats();
	TupleDesc	tupdesc;
	Datum		values[9];
	bool		nulls[9];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(s->requests);
	values[1] = Int64GetDatum(s->bytes);
	values[2] = Int64GetDatum(s->retries);
	values[3] = Int64GetDatum(s->rate_limited);
	values[4] = Float8GetDatum(s->network_ms);
	values[5] = Float8GetDatum(s->wait_ms);
	values[6] = Int64GetDatum(s->rl_limit);
	nulls[6] = s->rl_limit < 0;
	values[7] = Int64GetDatum(s->rl_remaining);
	nulls[7] = s->rl_remaining < 0;
	values[8] = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) s->rl_reset));
	nulls[8] = s->rl_reset < 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ----------------------------------------------------------------
 *		IMPORT FOREIGN SCHEMA
 * ----------------------------------------------------------------
 */

/*
 * clioImportForeignSchema
 *		One CREATE FOREIGN TABLE per Clio collection of the catalog.
 */
static List *
clioImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	List	   *commands = NIL;
	ListCell   *lc;
	int			i;

	if (strcmp(stmt->remote_schema, "clio") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("Clio has no schema \"%s\"", stmt->remote_schema),
				 errhint("Import the schema \"clio\": IMPORT FOREIGN SCHEMA clio FROM SERVER %s INTO ...",
						 quote_identifier(server->servername))));

	foreach(lc, stmt->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("invalid option \"%s\"", def->defname),
				 errhint("IMPORT FOREIGN SCHEMA clio takes no options.")));
	}

	/* Names in LIMIT TO / EXCEPT must be tables clio_fdw knows */
	foreach(lc, stmt->table_list)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);

		if (clio_catalog_find(rv->relname) == NULL)
		{
			const char *closest = clio_catalog_closest(rv->relname);

			ereport(ERROR,
					(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
					 errmsg("Clio has no resource \"%s\"", rv->relname),
					 closest ? errhint("Perhaps you meant \"%s\".", closest) : 0));
		}
	}

	for (i = 0; i < clio_ncollections; i++)
	{
		const ClioCollection *coll = &clio_collections[i];
		StringInfoData buf;
		bool		listed = false;
		int			c;

		foreach(lc, stmt->table_list)
		{
			if (strcmp(((RangeVar *) lfirst(lc))->relname, coll->table) == 0)
				listed = true;
		}
		if ((stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO && !listed) ||
			(stmt->list_type == FDW_IMPORT_SCHEMA_EXCEPT && listed))
			continue;

		initStringInfo(&buf);
		appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (\n",
						 quote_identifier(coll->table));
		for (c = 0; c < coll->ncolumns; c++)
		{
			const ClioColumn *col = &coll->columns[c];

			appendStringInfo(&buf, "  %s %s%s\n",
							 quote_identifier(col->name),
							 format_type_be(col->typid),
							 c + 1 < coll->ncolumns ? "," : "");
		}
		appendStringInfo(&buf, ") SERVER %s OPTIONS (resource %s)",
						 quote_identifier(server->servername),
						 quote_literal_cstr(coll->table));
		commands = lappend(commands, buf.data);
	}
	return commands;
}
