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
#include "catalog/pg_type.h"
#include "clio_deparse.h"
#include "clio_fdw.h"
#include "clio_http.h"
#include "clio_json.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
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

/* Cost of one HTTP round trip to Clio, in planner units */
#define CLIO_REQUEST_COST 1000.0
/* Cost of turning one record into a tuple */
#define CLIO_RECORD_COST 0.01

/*
 * Planner state of one foreign table (baserel->fdw_private).
 */
typedef struct ClioRelInfo
{
	ClioOptions opts;
	Bitmapset  *attrs_used;		/* attributes the query reads */
	ClioScanMode mode;
	Expr	   *id_expr;		/* CLIO_SCAN_RECORD: the id's expression */
	Expr	   *ids_expr;		/* CLIO_SCAN_IDS: the array's expression */
	double		nids;			/* CLIO_SCAN_IDS: estimated array length */
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
	List	   *params;			/* static name/value pairs */
	int			page_size;

	ClioColMap *cols;
	int			ncols;

	/* parameter values (from fdw_exprs) */
	List	   *param_exprs;	/* ExprState list */
	char	   *id_value;		/* CLIO_SCAN_RECORD */
	char	  **ids;			/* CLIO_SCAN_IDS, sorted and unique */
	int			nids;
	int			ids_next;		/* first id of the next chunk */
	int			chunk_end;		/* end of the current chunk */

	bool		params_ready;	/* the values above are computed */

	/* paging */
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

void		_PG_init(void);

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
static bool clio_is_id_var(Expr *expr, RelOptInfo *baserel,
						   const ClioCollection *coll, Oid relid);
static bool clio_is_equality(Oid opno);
static bool clio_value_safe(Expr *expr, RelOptInfo *baserel);

static char *clio_scan_fields(PlannerInfo *root, RelOptInfo *baserel,
							  Oid relid, const ClioCollection *coll,
							  Bitmapset *attrs_used, List **attnums);
static void clio_fetch_page(ClioScanState *st);
static void clio_eval_params(ForeignScanState *node, ClioScanState *st);
static char *clio_scan_request_text(ClioScanState *st, bool encode,
									const char **path_out);
static char *clio_plan_request_text(ForeignScan *plan, const ClioCollection *coll,
									int page_size);

/*
 * _PG_init
 *		Library load: set up libcurl and reserve our GUC prefix.
 */
void
_PG_init(void)
{
	clio_http_init();
	clio_modify_init();
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
	Form_pg_attribute attr = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
	ClioColumnRef ref;
	Oid			infunc;

	clio_resolve_column(rel, attnum, coll, &ref);
	col->attnum = attnum;
	col->colname = pstrdup(NameStr(attr->attname));
	col->field = ref.field;
	col->subfield = ref.subfield;
	col->typid = attr->atttypid;
	col->typmod = attr->atttypmod;
	getTypeInputInfo(attr->atttypid, &infunc, &col->ioparam);
	fmgr_info(infunc, &col->input);
	col->is_json = (attr->atttypid == JSONBOID || attr->atttypid == JSONOID);
	col->is_array = OidIsValid(get_element_type(attr->atttypid));
}

/*
 * clio_scan_fields
 *		The fields parameter for the attributes a scan reads, and the list
 *		of those attributes.
 */
static char *
clio_scan_fields(PlannerInfo *root, RelOptInfo *baserel, Oid relid,
				 const ClioCollection *coll, Bitmapset *attrs_used,
				 List **attnums)
{
	Relation	rel = table_open(relid, NoLock);
	TupleDesc	tupdesc = RelationGetDescr(rel);
	bool		wholerow;
	List	   *uses = NIL;
	int			i;

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
		uses = clio_fields_add(uses, ref.field, ref.request);
		*attnums = lappend_int(*attnums, i);
	}
	table_close(rel, NoLock);
	return clio_fields_string(uses);
}

/* ----------------------------------------------------------------
 *		Planning
 * ----------------------------------------------------------------
 */

/*
 * clio_is_equality
 *		Whether an operator is the equality of some btree operator family,
 *		so that "col = value" means what Clio's id look-up means.
 */
static bool
clio_is_equality(Oid opno)
{
	List	   *interps = get_op_btree_interpretation(opno);
	ListCell   *lc;

	foreach(lc, interps)
	{
		OpBtreeInterpretation *interp = lfirst(lc);

		if (interp->strategy == BTEqualStrategyNumber)
			return true;
	}
	return false;
}

/*
 * clio_is_id_var
 *		Whether expr is this table's column that reads the record id.
 */
static bool
clio_is_id_var(Expr *expr, RelOptInfo *baserel, const ClioCollection *coll,
			   Oid relid)
{
	Var		   *var;
	char	   *field;

	if (expr && IsA(expr, RelabelType))
		expr = ((RelabelType *) expr)->arg;
	if (expr == NULL || !IsA(expr, Var))
		return false;
	var = (Var *) expr;
	if (var->varno != baserel->relid || var->varlevelsup != 0 ||
		var->varattno <= 0)
		return false;
	field = clio_column_field(relid, var->varattno);
	return strcmp(field, "id") == 0;
}

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
 * clio_value_safe
 *		Whether expr can be computed before the scan starts: no column of
 *		this table, nothing volatile.
 */
static bool
clio_value_safe(Expr *expr, RelOptInfo *baserel)
{
	Relids		relids = pull_varnos(NULL, (Node *) expr);

	return !bms_is_member(baserel->relid, relids) &&
		!contain_volatile_functions((Node *) expr) &&
		!contain_var_clause((Node *) expr);
}

/*
 * clioGetForeignRelSize
 *		Resolve options, find an id condition, estimate the row count.
 */
static void
clioGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	ClioRelInfo *info = palloc0(sizeof(ClioRelInfo));
	const ClioCollection *coll;
	ListCell   *lc;

	baserel->fdw_private = info;
	clio_table_options(foreigntableid, &info->opts);
	coll = info->opts.coll;
	info->mode = CLIO_SCAN_LIST;

	/* Columns the query reads: target list and every condition */
	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &info->attrs_used);
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		pull_varattnos((Node *) ri->clause, baserel->relid, &info->attrs_used);
	}

	/* An id condition turns the scan into a look-up */
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		Expr	   *clause = ri->clause;

		if (IsA(clause, OpExpr) && info->mode != CLIO_SCAN_RECORD)
		{
			OpExpr	   *op = (OpExpr *) clause;
			Expr	   *l,
					   *r;

			if (list_length(op->args) != 2 || !clio_is_equality(op->opno))
				continue;
			l = linitial(op->args);
			r = lsecond(op->args);
			if (clio_is_id_var(r, baserel, coll, foreigntableid))
			{
				Expr	   *t = l;

				l = r;
				r = t;
			}
			if (clio_is_id_var(l, baserel, coll, foreigntableid) &&
				clio_value_safe(r, baserel) &&
				!(IsA(r, Const) && ((Const *) r)->constisnull) &&
				(clio_record_by_get(coll) ||
				 (clio_catalog_filter(coll, "ids[]") != NULL &&
				  !clio_catalog_id_is_text(coll))))
			{
				info->mode = CLIO_SCAN_RECORD;
				info->id_expr = r;
			}
		}
		else if (IsA(clause, ScalarArrayOpExpr) && info->mode == CLIO_SCAN_LIST)
		{
			ScalarArrayOpExpr *saop = (ScalarArrayOpExpr *) clause;
			Expr	   *r = lsecond(saop->args);

			if (saop->useOr && clio_is_equality(saop->opno) &&
				clio_is_id_var(linitial(saop->args), baserel, coll, foreigntableid) &&
				clio_value_safe(r, baserel) &&
				clio_catalog_filter(coll, "ids[]") != NULL &&
				!clio_catalog_id_is_text(coll))
			{
				info->mode = CLIO_SCAN_IDS;
				info->ids_expr = r;
#if PG_VERSION_NUM >= 170000
				info->nids = estimate_array_length(root, (Node *) r);
#else
				info->nids = estimate_array_length((Node *) r);
#endif
			}
		}
	}

	/* Rows: the catalog's estimate, or what the id condition allows */
	if (info->mode == CLIO_SCAN_RECORD)
		baserel->rows = 1;
	else if (info->mode == CLIO_SCAN_IDS)
		baserel->rows = Max(info->nids, 1);
	else
		baserel->rows = clamp_row_est(coll->rows *
									  clauselist_selectivity(root,
															 baserel->baserestrictinfo,
															 0, JOIN_INNER, NULL));
}

/*
 * clioGetForeignPaths
 *		One path: its cost is the round trips it needs.
 */
static void
clioGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	ClioRelInfo *info = (ClioRelInfo *) baserel->fdw_private;
	double		fetched;
	double		requests;
	Cost		startup;
	Cost		total;

	if (info->mode == CLIO_SCAN_RECORD)
		fetched = 1;
	else if (info->mode == CLIO_SCAN_IDS)
		fetched = Max(info->nids, 1);
	else
		fetched = info->opts.coll->rows;
	requests = Max(ceil(fetched / info->opts.page_size), 1);
	startup = CLIO_REQUEST_COST;
	total = startup + (requests - 1) * CLIO_REQUEST_COST +
		fetched * (CLIO_RECORD_COST + cpu_tuple_cost);

	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, baserel->rows,
									 startup, total, NIL, NULL, NULL, NIL));
}

/*
 * clio_datum_text
 *		A constant's text, as a query string or path wants it.
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
	List	   *fdw_exprs = NIL;
	List	   *params = NIL;
	List	   *attnums;
	char	   *fields;
	char	   *id_const = "";
	List	   *fdw_private;

	scan_clauses = extract_actual_clauses(scan_clauses, false);

	fields = clio_scan_fields(root, baserel, foreigntableid, coll,
							  info->attrs_used, &attnums);

	if (info->mode == CLIO_SCAN_RECORD)
	{
		if (IsA(info->id_expr, Const))
		{
			Const	   *c = (Const *) info->id_expr;

			id_const = clio_datum_text(c->constvalue, c->consttype);
		}
		else
			fdw_exprs = lappend(fdw_exprs, info->id_expr);
	}
	else if (info->mode == CLIO_SCAN_IDS)
		fdw_exprs = lappend(fdw_exprs, info->ids_expr);

	fdw_private = list_make5(makeString((char *) coll->table),
							 makeString(fields),
							 makeInteger(info->mode),
							 makeString(id_const),
							 params);
	fdw_private = lappend(fdw_private, attnums);
	fdw_private = lappend(fdw_private, makeInteger(info->opts.page_size));

	return make_foreignscan(tlist, scan_clauses, baserel->relid, fdw_exprs,
							fdw_private, NIL, NIL, outer_plan);
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
	Oid			userid;
	int			i;

	node->fdw_state = st;
	st->rel = node->ss.ss_currentRelation;
	st->relname = RelationGetRelationName(st->rel);
	coll = clio_catalog_find(strVal(list_nth(priv, ClioPrivTable)));
	if (coll == NULL)
		elog(ERROR, "clio_fdw: unknown resource in plan");
	st->fields = strVal(list_nth(priv, ClioPrivFields));
	st->mode = intVal(list_nth(priv, ClioPrivMode));
	st->params = (List *) list_nth(priv, ClioPrivParams);
	attnums = (List *) list_nth(priv, ClioPrivAttnums);
	st->page_size = intVal(list_nth(priv, ClioPrivPageSize));
	if (st->mode == CLIO_SCAN_RECORD && plan->fdw_exprs == NIL)
		st->id_value = strVal(list_nth(priv, ClioPrivIdConst));
	st->params_ready = (plan->fdw_exprs == NIL);

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
	{
		st->opts.coll = coll;
		return;
	}

	/* Options, credentials included, are resolved now, not at plan time */
#if PG_VERSION_NUM >= 160000
	userid = OidIsValid(plan->checkAsUser) ? plan->checkAsUser : GetUserId();
#else
	{
		RangeTblEntry *rte = exec_rt_fetch(plan->scan.scanrelid, estate);

		userid = OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
	}
#endif
	clio_exec_options(st->rel, userid, &st->opts);
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
}

/*
 * clio_eval_params
 *		Compute the id (or ids) the scan looks up, from fdw_exprs.
 */
static void
clio_eval_params(ForeignScanState *node, ClioScanState *st)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	ExprState  *state;
	Datum		value;
	bool		isnull;
	MemoryContext oldcxt;

	st->params_ready = true;
	if (st->param_exprs == NIL)
		return;
	MemoryContextReset(st->param_cxt);
	state = (ExprState *) linitial(st->param_exprs);
	value = ExecEvalExpr(state, econtext, &isnull);

	oldcxt = MemoryContextSwitchTo(st->param_cxt);
	if (st->mode == CLIO_SCAN_RECORD)
	{
		st->id_value = isnull ? NULL :
			clio_datum_text(value, exprType((Node *) state->expr));
	}
	else
	{
		st->ids = NULL;
		st->nids = 0;
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(value);
			Oid			elemtype = ARR_ELEMTYPE(arr);
			int16		elmlen;
			bool		elmbyval;
			char		elmalign;
			Datum	   *elems;
			bool	   *elemnulls;
			int			nelems;
			int			i,
						n = 0;

			get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
			deconstruct_array(arr, elemtype, elmlen, elmbyval, elmalign,
							  &elems, &elemnulls, &nelems);
			st->ids = palloc(sizeof(char *) * Max(nelems, 1));
			for (i = 0; i < nelems; i++)
				if (!elemnulls[i])
					st->ids[n++] = clio_datum_text(elems[i], elemtype);
			/* sort and drop duplicates: fewest requests */
			if (n > 1)
			{
				int			j,
							k = 1;

				qsort(st->ids, n, sizeof(char *), pg_qsort_strcmp);
				for (j = 1; j < n; j++)
					if (strcmp(st->ids[j], st->ids[k - 1]) != 0)
						st->ids[k++] = st->ids[j];
				n = k;
			}
			st->nids = n;
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
	List	   *params = list_copy(st->params);
	char	   *path;

	params = clio_params_add(params, "fields", st->fields);
	if (st->mode == CLIO_SCAN_RECORD && clio_record_by_get(coll))
	{
		*path_out = clio_request_path(coll->path, st->id_value, encode);
		return clio_query_string(NULL, params, encode);
	}
	else
	{
		path = clio_request_path(coll->path, NULL, encode);
		if (st->mode == CLIO_SCAN_RECORD)
			params = clio_params_add(params, "ids[]", st->id_value);
		else if (st->mode == CLIO_SCAN_IDS)
		{
			int			i;

			for (i = st->ids_next; i < st->chunk_end; i++)
				params = clio_params_add(params, "ids[]", st->ids[i]);
		}
		params = clio_params_add(params, "limit", psprintf("%d", st->page_size));
		if (st->page_token)
			params = clio_params_add(params, "page_token", st->page_token);
		if (st->offset)
			params = clio_params_add(params, "offset", st->offset);
	}
	*path_out = path;
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
	if (st->mode == CLIO_SCAN_RECORD)
	{
		if (st->started || st->id_value == NULL)
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
	{
		if (st->nids == 0)
		{
			st->done = true;
			return;
		}
		st->chunk_end = Min(st->ids_next + st->page_size, st->nids);
	}

	MemoryContextReset(st->page_cxt);
	st->page = NULL;
	st->next_row = 0;
	oldcxt = MemoryContextSwitchTo(st->page_cxt);

	query = clio_scan_request_text(st, true, &path);
	req.url = clio_url(st->opts.base_url, path, query);
	query = clio_scan_request_text(st, false, &display_path);
	display = psprintf("GET %s?%s", display_path, query);
	req.method = "GET";
	req.display = display;
	req.body = NULL;
	req.if_match = NULL;

	single = (st->mode == CLIO_SCAN_RECORD && clio_record_by_get(st->opts.coll));
	status = clio_send(st->conn, &st->opts, &req, &resp, &st->stats, single,
					   NULL);
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

			MemoryContextReset(st->row_cxt);
			oldcxt = MemoryContextSwitchTo(st->row_cxt);
			values = palloc(sizeof(Datum) * tupdesc->natts);
			nulls = palloc(sizeof(bool) * tupdesc->natts);
			memset(nulls, true, sizeof(bool) * tupdesc->natts);
			clio_json_record_values(st->page, st->next_row, st->cols, st->ncols,
									values, nulls, st->relname);
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
	bool		reuse;

	reuse = node->ss.ps.chgParam == NULL && st->page != NULL &&
		st->pages_in_scan == 1 && st->page_token == NULL && st->offset == NULL &&
		(st->mode != CLIO_SCAN_IDS || st->chunk_end >= st->nids);
	if (reuse)
	{
		st->next_row = 0;
		return;
	}

	if (node->ss.ps.chgParam != NULL && st->param_exprs != NIL)
		st->params_ready = false;	/* evaluated again on the next row */
	MemoryContextReset(st->page_cxt);
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
 *		that are known only at execution appear as $1.
 */
static char *
clio_plan_request_text(ForeignScan *plan, const ClioCollection *coll, int page_size)
{
	List	   *priv = plan->fdw_private;
	ClioScanMode mode = intVal(list_nth(priv, ClioPrivMode));
	List	   *params = list_copy((List *) list_nth(priv, ClioPrivParams));
	char	   *path;

	params = clio_params_add(params, "fields", strVal(list_nth(priv, ClioPrivFields)));
	if (mode == CLIO_SCAN_RECORD)
	{
		const char *id = plan->fdw_exprs != NIL ? "$1" :
		strVal(list_nth(priv, ClioPrivIdConst));

		if (clio_record_by_get(coll))
		{
			path = clio_request_path(coll->path, id, false);
			return psprintf("GET %s?%s", path, clio_query_string(NULL, params, false));
		}
		params = clio_params_add(params, "ids[]", id);
	}
	path = clio_request_path(coll->path, NULL, false);
	if (mode == CLIO_SCAN_IDS)
		params = clio_params_add(params, "ids[]", "$1");
	params = clio_params_add(params, "limit", psprintf("%d", page_size));
	return psprintf("GET %s?%s", path,
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
		ExplainPropertyText("Clio Request",
							clio_plan_request_text(plan, coll,
												   intVal(list_nth(plan->fdw_private,
																   ClioPrivPageSize))),
							es);
	if (es->analyze && st)
	{
		ExplainPropertyInteger("Clio Requests", NULL, st->stats.requests, es);
		ExplainPropertyInteger("Clio Pages", NULL, st->pages, es);
		ExplainPropertyInteger("Clio Records", NULL, st->records, es);
		ExplainPropertyInteger("Clio Bytes Received", NULL, st->stats.bytes, es);
		if (es->timing)
			ExplainPropertyFloat("Clio Network Time", "ms", st->stats.network_ms, 3, es);
	}
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
