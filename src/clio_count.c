/*-------------------------------------------------------------------------
 *
 * clio_count.c
 *		  count(*) of a foreign table as Clio's own count (meta.records)
 *
 * SELECT count(*) FROM clio.activities WHERE ... pages through every id
 * unless Clio is asked for one record and its meta.records read: one
 * request instead of one per 200 records.  This file plans that: an
 * aggregate (upper-rel) path for a query that is count(*) over one
 * foreign table with every condition sent to Clio exactly, and its plan,
 * a ForeignScan of no relation of its own that src/clio_scan.c runs (its
 * plan's "count" mode).  Only conditions whose Clio filter means exactly
 * what the SQL means qualify, because the count is not checked locally:
 * whatever is in doubt is counted by paging, as before.  Whether
 * meta.records is trusted at all is the count_pushdown option's (off,
 * verify, on); verify checks it once per session against a paged count.
 *
 * IDENTIFICATION
 *		  src/clio_count.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#define CLIO_COMPAT_PLANNER
#include "clio_compat.h"
#include "clio_column.h"
#include "clio_count.h"
#include "clio_deparse.h"
#include "clio_option.h"
#include "clio_plan.h"
#include "clio_request.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "access/table.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"

/* The grouped rel's fdw_private: the table counted */
typedef struct ClioCountRel
{
	RelOptInfo *input;
} ClioCountRel;

static bool clio_count_target_walker(Node *node, Aggref **found);
static bool clio_count_exact(const ClioPushed *p, Relation rel,
							 const ClioCollection *coll);

/*
 * clio_count_target_walker
 *		Whether an expression holds no aggregate but count(*) and no column
 *		(there is no GROUP BY to give one); the count(*) found is kept.
 */
static bool
clio_count_target_walker(Node *node, Aggref **found)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref))
	{
		Aggref	   *agg = (Aggref *) node;

		if (agg->aggfnoid != F_COUNT_ || !agg->aggstar ||
			agg->aggdistinct != NIL || agg->aggorder != NIL ||
			agg->aggfilter != NULL || agg->agglevelsup != 0 ||
			agg->aggsplit != AGGSPLIT_SIMPLE)
			return true;
		*found = agg;
		return false;			/* count(*) has no arguments to look into */
	}
	if (IsA(node, Var) || IsA(node, PlaceHolderVar) ||
		IsA(node, GroupingFunc) || IsA(node, SubLink) || IsA(node, SubPlan))
		return true;
	return expression_tree_walker(node, clio_count_target_walker, (void *) found);
}

/*
 * clio_count_exact
 *		Whether Clio's filter selects exactly the rows the condition does.
 *		Conditions on ids and other integers, booleans, dates, enums spelt
 *		as Clio spells them, and IS NULL do; text (Clio's matching is its
 *		own), timestamps (Clio keeps seconds) and search do not.  Values
 *		must be constants: a value computed at execution might not be
 *		sendable, and then the condition would be checked only locally.
 */
static bool
clio_count_exact(const ClioPushed *p, Relation rel, const ClioCollection *coll)
{
	Const	   *c = (Const *) p->expr;
	const char *enumvals = p->enumvals;
	Oid			type;
	List	   *vars;

	if (p->kind == CLIO_VAL_NULL)
		return true;
	if (c == NULL || !IsA(c, Const) || c->constisnull)
		return false;
	type = c->consttype;

	/* the spellings a read gives, when the column has an enum */
	vars = p->rinfo ? pull_var_clause((Node *) p->rinfo->clause, 0) : NIL;
	if (list_length(vars) == 1 && ((Var *) linitial(vars))->varattno > 0)
	{
		ClioColumnRef ref;

		clio_resolve_column(rel, ((Var *) linitial(vars))->varattno, coll, &ref);
		if (ref.cat && ref.cat->enumvals)
			enumvals = ref.cat->enumvals;
	}

	switch (p->kind)
	{
		case CLIO_VAL_BOOL:
			return true;
		case CLIO_VAL_DATE:
			return type == DATEOID;
		case CLIO_VAL_TEXT:
			return strcmp(p->param, "query") != 0 &&
				(type == INT8OID || type == INT4OID || type == INT2OID);
		case CLIO_VAL_ENUM:
			return enumvals != NULL && type == TEXTOID &&
				clio_catalog_enum_spelling(TextDatumGetCString(c->constvalue),
										   enumvals, true) != NULL;
		case CLIO_VAL_COMMA:
		case CLIO_VAL_REPEAT:
			{
				ArrayType  *arr = DatumGetArrayTypeP(c->constvalue);
				Oid			elemtype = ARR_ELEMTYPE(arr);
				int16		elmlen;
				bool		elmbyval;
				char		elmalign;
				Datum	   *elems;
				bool	   *nulls;
				int			n;
				int			i;

				if (elemtype == INT8OID || elemtype == INT4OID || elemtype == INT2OID)
					return true;
				if (elemtype != TEXTOID || enumvals == NULL)
					return false;
				get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
				deconstruct_array(arr, elemtype, elmlen, elmbyval, elmalign,
								  &elems, &nulls, &n);
				for (i = 0; i < n; i++)
					if (nulls[i] ||
						clio_catalog_enum_spelling(TextDatumGetCString(elems[i]),
												   enumvals, true) == NULL)
						return false;
				return true;
			}
		default:
			return false;
	}
}

/*
 * clioGetForeignUpperPaths
 *		For count(*) over one foreign table, with no GROUP BY or HAVING and
 *		every condition in the request exactly: a path that asks Clio for
 *		one record and reads its count.
 */
void
clioGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
						 RelOptInfo *input_rel, RelOptInfo *output_rel,
						 void *extra)
{
	Query	   *parse = root->parse;
	GroupPathExtraData *gextra = (GroupPathExtraData *) extra;
	const ClioOptions *opts;
	ClioPushdown *pd;
	ClioScanPlan plan;
	ClioCountRel *cr;
	Aggref	   *agg = NULL;
	Relation	rel;
	bool		exact = true;
	ListCell   *lc;

	if (stage != UPPERREL_GROUP_AGG || output_rel->fdw_private != NULL ||
		input_rel->reloptkind != RELOPT_BASEREL)
		return;
	if (parse->groupClause != NIL || parse->groupingSets != NIL ||
		parse->hasWindowFuncs || parse->hasTargetSRFs ||
		gextra->havingQual != NULL ||
		gextra->patype != PARTITIONWISE_AGGREGATE_NONE)
		return;
	foreach(lc, output_rel->reltarget->exprs)
		if (clio_count_target_walker((Node *) lfirst(lc), &agg))
			return;
	if (agg == NULL)
		return;

	opts = clio_scan_rel_options(input_rel);
	pd = clio_scan_rel_pushdown(input_rel);
	if (opts == NULL || pd == NULL || opts->count_mode == CLIO_COUNT_OFF ||
		pd->mode != CLIO_SCAN_LIST || pd->local_clauses != NIL)
		return;
	rel = table_open(planner_rt_fetch(input_rel->relid, root)->relid, NoLock);
	foreach(lc, pd->pushed)
		if (!clio_count_exact((ClioPushed *) lfirst(lc), rel, opts->coll))
			exact = false;
	table_close(rel, NoLock);
	if (!exact)
		return;
	/* every condition must be sendable as it stands */
	memset(&plan, 0, sizeof(plan));
	if (clio_scan_plan_filters(pd, &plan) != NIL ||
		list_length(plan.params) != list_length(pd->pushed))
		return;

	cr = palloc0(sizeof(ClioCountRel));
	cr->input = input_rel;
	output_rel->fdw_private = cr;

	/* one request, and nothing to sort or aggregate locally */
	add_path(output_rel, (Path *)
			 clio_create_foreign_upper_path(root, output_rel,
											output_rel->reltarget, 1,
											opts->startup_cost,
											opts->startup_cost + cpu_tuple_cost,
											NIL));
}

/*
 * clioGetCountPlan
 *		The ForeignScan of a count path: no relation of its own (scanrelid
 *		0), one column (the count(*)) that src/clio_scan.c fills from
 *		meta.records.
 */
ForeignScan *
clioGetCountPlan(PlannerInfo *root, RelOptInfo *foreignrel,
				 ForeignPath *best_path, List *tlist, Plan *outer_plan)
{
	ClioCountRel *cr = (ClioCountRel *) foreignrel->fdw_private;
	const ClioOptions *opts = clio_scan_rel_options(cr->input);
	ClioPushdown *pd = clio_scan_rel_pushdown(cr->input);
	ClioScanPlan plan;
	List	   *fdw_exprs;
	Aggref	   *agg = NULL;
	ListCell   *lc;

	foreach(lc, best_path->path.pathtarget->exprs)
		(void) clio_count_target_walker((Node *) lfirst(lc), &agg);
	Assert(agg != NULL);

	memset(&plan, 0, sizeof(plan));
	plan.table = (char *) opts->coll->table;
	plan.mode = CLIO_SCAN_LIST;
	plan.fields = "id";
	plan.page_size = opts->page_size;
	plan.count = opts->count_mode;
	fdw_exprs = clio_scan_plan_filters(pd, &plan);

	return make_foreignscan(tlist, NIL, 0, fdw_exprs,
							clio_scan_plan_serialize(&plan),
							list_make1(makeTargetEntry((Expr *) agg, 1, NULL, false)),
							NIL, outer_plan);
}
