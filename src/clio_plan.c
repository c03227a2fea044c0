/*-------------------------------------------------------------------------
 *
 * clio_plan.c
 *		  Planning a scan of a foreign table: size, paths, costs, the plan
 *
 * Planning sorts the conditions (src/clio_deparse.c), costs the paths in
 * round trips (plain, ordered, id look-up, parameterized on a join partner's
 * value) and writes the request plan into fdw_private through the request
 * builder (src/clio_request.c).  A lookup join (its path made by
 * src/clio_join.c) is planned here too, as a scan of the table that holds
 * the association.  The plan is run by src/clio_scan.c.  This file sends
 * nothing: the one request planning may make (use_remote_estimate) goes
 * through src/clio_client.c.
 *
 * IDENTIFICATION
 *		  src/clio_plan.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#define CLIO_COMPAT_PLANNER
#include "clio_compat.h"
#include "clio_client.h"
#include "clio_column.h"
#include "clio_custom.h"
#include "clio_deparse.h"
#include "clio_join.h"
#include "clio_json.h"
#include "clio_option.h"
#include "clio_plan.h"
#include "clio_request.h"
#include "clio_url.h"
#include "commands/defrem.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"


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

/* For finding equivalence-class join clauses on filterable columns */
typedef struct ClioEcState
{
	Relation	rel;
	const ClioCollection *coll;
	Expr	   *current;		/* the member being processed */
	List	   *already_used;	/* members processed before */
} ClioEcState;

/* helpers */
static char *clio_scan_fields(Relation rel, const ClioCollection *coll,
							  Bitmapset *attrs_used, List **attnums,
							  const char *lookup_field,
							  const char *lookup_subfields);
static Selectivity clio_selectivity(PlannerInfo *root, RelOptInfo *baserel,
									ClioPushdown *pd, List *clauses);
static double clio_fetched(PlannerInfo *root, RelOptInfo *baserel,
						   const ClioCollection *coll, ClioPushdown *pd);
static int64 clio_remote_estimate(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid, ClioRelInfo *info);
static List *clio_missing_filters(const ClioCollection *coll, ClioPushdown *pd);
static void clio_path_cost(ClioRelInfo *info, double fetched, double rows,
						   Cost *startup, Cost *total);
static char *clio_order_for(PlannerInfo *root, RelOptInfo *baserel,
							Relation rel, ClioRelInfo *info, List *pathkeys);
static bool clio_all_in_request(ClioPushdown *pd, Index relid);
static bool clio_ec_member_matches(PlannerInfo *root, RelOptInfo *rel,
								   EquivalenceClass *ec, EquivalenceMember *em,
								   void *arg);
static void clio_add_param_paths(PlannerInfo *root, RelOptInfo *baserel,
								 Relation rel, ClioRelInfo *info);
static List *clio_plan_request(PlannerInfo *root, RelOptInfo *baserel,
							   Relation rel, List *scan_clauses,
							   bool parameterized, ClioScanPlan *plan,
							   ClioPushdown **pd);
static ForeignScan *clio_lookup_plan(PlannerInfo *root, ForeignPath *best_path,
									 List *tlist, Plan *outer_plan);

/* ----------------------------------------------------------------
 *		Planning
 * ----------------------------------------------------------------
 */


/*
 * clio_scan_fields
 *		The fields parameter for the attributes a scan reads, and the list
 *		of those attributes; and, for a lookup join, the subfields of the
 *		association the looked-up table's columns read.
 */
static char *
clio_scan_fields(Relation rel, const ClioCollection *coll,
				 Bitmapset *attrs_used, List **attnums,
				 const char *lookup_field, const char *lookup_subfields)
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
	if (lookup_field != NULL && lookup_subfields != NULL)
		uses = clio_fields_add(uses, lookup_field, lookup_subfields);
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
 * clio_scan_rel_options, clio_scan_rel_pushdown
 *		What planning learnt of a foreign table (its options, what its
 *		conditions push), for the aggregate path of src/clio_count.c; NULL
 *		for a table whose planning found no plain path (a required filter
 *		is missing).
 */
const ClioOptions *
clio_scan_rel_options(RelOptInfo *baserel)
{
	ClioRelInfo *info = (ClioRelInfo *) baserel->fdw_private;

	return info && info->missing == NIL ? &info->opts : NULL;
}

ClioPushdown *
clio_scan_rel_pushdown(RelOptInfo *baserel)
{
	ClioRelInfo *info = (ClioRelInfo *) baserel->fdw_private;

	return info && info->missing == NIL ? info->pd : NULL;
}

/*
 * clioGetForeignRelSize
 *		Resolve options, sort the conditions into pushed and local, and
 *		estimate the rows.
 */
void
clioGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	ClioRelInfo *info = palloc0(sizeof(ClioRelInfo));
	Relation	rel;
	ListCell   *lc;
	bool		never;

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
	never = clio_enum_never_true(baserel, rel, info->opts.coll,
								 baserel->baserestrictinfo);
	clio_custom_pushdown(root, baserel, rel, info->pd, false);
	table_close(rel, NoLock);
	info->missing = clio_missing_filters(info->opts.coll, info->pd);
	info->fetched = clio_fetched(root, baserel, info->opts.coll, info->pd);

	/*
	 * A condition no record can meet (a value Clio never gives): the
	 * relation is empty, as one excluded by its constraints; it is neither
	 * counted nor scanned.
	 */
	if (never)
	{
		mark_dummy_rel(baserel);
		return;
	}
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
	ClioRequest req;

	clio_exec_options(rel, userid, &opts);
	table_close(rel, NoLock);

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
	clio_count_request(&req, coll, params);
	return clio_remote_count(&opts, &req);
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

	if (!bms_is_member(var->varattno, info->pd->nonnull) && !ref.cat->never_null)
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
		  clio_all_in_request(info->pd, baserel->relid) &&
		  bms_membership(root->all_baserels) == BMS_SINGLETON))
		return NULL;
	return order;
}

/*
 * clio_all_in_request
 *		Whether every condition on the table went into the request, but for
 *		IS NOT NULL tests: Clio has no filter for those, and they only drop
 *		the rows whose column is null, which an order on that column lists
 *		together (first or last).  So a LIMIT over such a scan reads the
 *		limit's rows plus, at worst, the nulls: the order is still worth
 *		sending, and "date IS NOT NULL ORDER BY date DESC LIMIT 20" is one
 *		request when the nulls come last.
 */
static bool
clio_all_in_request(ClioPushdown *pd, Index relid)
{
	ListCell   *lc;

	foreach(lc, pd->local_clauses)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		NullTest   *nt = (NullTest *) ri->clause;

		if (!IsA(nt, NullTest) || nt->nulltesttype != IS_NOT_NULL ||
			nt->argisrow || !IsA(nt->arg, Var) ||
			((Var *) nt->arg)->varno != relid)
			return false;
	}
	return true;
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
		clio_custom_pushdown(root, baserel, rel, pd, false);
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
void
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
 * clio_scan_plan_filters
 *		The id, ids and list filters of a plan from what the conditions
 *		push: constants as text now, anything else an expression to compute
 *		at execution, returned in fdw_exprs order.
 */
List *
clio_scan_plan_filters(ClioPushdown *pd, ClioScanPlan *plan)
{
	List	   *fdw_exprs = NIL;
	ListCell   *lc;

	/* the id (or ids): a constant's text now, anything else at execution */
	if (pd->mode == CLIO_SCAN_RECORD && IsA(pd->id_expr, Const))
	{
		Const	   *c = (Const *) pd->id_expr;

		plan->id_const = clio_datum_text(c->constvalue, c->consttype);
	}
	else if (pd->mode == CLIO_SCAN_RECORD)
		fdw_exprs = lappend(fdw_exprs, pd->id_expr);
	else if (pd->mode == CLIO_SCAN_IDS)
		fdw_exprs = lappend(fdw_exprs, pd->ids_expr);

	/* list filters */
	foreach(lc, pd->pushed)
	{
		ClioPushed *p = (ClioPushed *) lfirst(lc);
		ClioScanParam *sp = palloc0(sizeof(ClioScanParam));

		sp->param = (char *) p->param;
		sp->kind = p->kind;
		sp->prefix = (char *) p->prefix;
		sp->shift = p->shift;
		sp->enumvals = (char *) p->enumvals;
		sp->expr_index = -1;
		if (p->kind == CLIO_VAL_NULL)
			sp->const_text = "null";
		else if (IsA(p->expr, Const) && !((Const *) p->expr)->constisnull)
		{
			Const	   *c = (Const *) p->expr;

			sp->const_text = clio_format_value(p, c->constvalue, c->consttype,
											   &sp->const_repeat);
			if (sp->const_text == NULL)
				continue;		/* Clio cannot take it: checked locally only */
		}
		else
		{
			sp->expr_index = list_length(fdw_exprs);
			fdw_exprs = lappend(fdw_exprs, p->expr);
		}
		plan->params = lappend(plan->params, sp);
	}
	return fdw_exprs;
}

/*
 * clio_plan_request
 *		The request of a scan of baserel with these conditions: everything
 *		of the plan but its fields, order and first limit; gives the
 *		expressions fdw_exprs carries.
 */
static List *
clio_plan_request(PlannerInfo *root, RelOptInfo *baserel, Relation rel,
				  List *scan_clauses, bool parameterized, ClioScanPlan *plan,
				  ClioPushdown **pdp)
{
	ClioRelInfo *info = (ClioRelInfo *) baserel->fdw_private;
	const ClioCollection *coll = info->opts.coll;
	ClioPushdown *pd;

	pd = clio_classify(root, baserel, rel, coll, scan_clauses, parameterized);
	clio_custom_pushdown(root, baserel, rel, pd, !IS_JOIN_REL(baserel));
	*pdp = pd;
	plan->table = (char *) coll->table;
	plan->mode = pd->mode;
	plan->page_size = info->opts.page_size;
	return clio_scan_plan_filters(pd, plan);
}

/*
 * clioGetForeignPlan
 *		The request plan goes into fdw_private; every condition stays in
 *		the plan's own qual, so results never depend on Clio's filtering.
 */
ForeignScan *
clioGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	ClioRelInfo *info;
	Relation	rel;
	ClioPushdown *pd;
	ClioScanPlan plan;
	List	   *fdw_exprs;

	if (IS_JOIN_REL(baserel))
		return clio_lookup_plan(root, best_path, tlist, outer_plan);

	info = (ClioRelInfo *) baserel->fdw_private;
	rel = table_open(foreigntableid, NoLock);
	memset(&plan, 0, sizeof(plan));
	fdw_exprs = clio_plan_request(root, baserel, rel, scan_clauses,
								  best_path->path.param_info != NULL,
								  &plan, &pd);
	plan.fields = clio_scan_fields(rel, info->opts.coll, info->attrs_used,
								   &plan.attnums, NULL, NULL);
	plan.params = list_concat(plan.params,
							  clio_custom_id_params(rel, plan.attnums));
	table_close(rel, NoLock);

	if (best_path->fdw_private != NIL)
	{
		char	   *order = strVal(linitial(best_path->fdw_private));

		plan.order = order[0] ? order : NULL;
	}

	/*
	 * LIMIT: when the table is the whole query and every condition went into
	 * the request, the first page need hold no more than the limit.  Later
	 * pages, if the executor asks for more rows, are full pages.
	 */
	if (root->limit_tuples > 0 && clio_all_in_request(pd, baserel->relid) &&
		pd->mode == CLIO_SCAN_LIST &&
		bms_membership(root->all_baserels) == BMS_SINGLETON &&
		(root->query_pathkeys == NIL ||
		 pathkeys_contained_in(root->query_pathkeys, best_path->path.pathkeys)))
		plan.first_limit = (int) Min(ceil(root->limit_tuples), info->opts.page_size);

	return make_foreignscan(tlist, extract_actual_clauses(scan_clauses, false),
							baserel->relid, fdw_exprs,
							clio_scan_plan_serialize(&plan), NIL, NIL,
							outer_plan);
}

/*
 * clio_lookup_plan
 *		The plan of a lookup join (src/clio_join.c): the scan of the table
 *		that holds the association, its request asking for the association's
 *		fields that the looked-up table's columns read; every condition is
 *		checked on the joined row.
 */
static ForeignScan *
clio_lookup_plan(PlannerInfo *root, ForeignPath *best_path, List *tlist,
				 Plan *outer_plan)
{
	List	   *priv = best_path->fdw_private;
	RelOptInfo *arel = find_base_rel(root, intVal(list_nth(priv, ClioJoinRel)));
	ClioRelInfo *info = (ClioRelInfo *) arel->fdw_private;
	Oid			relid = planner_rt_fetch(arel->relid, root)->relid;
	Relation	rel = table_open(relid, NoLock);
	List	   *cols = (List *) list_nth(priv, ClioJoinCols);
	Bitmapset  *attrs = NULL;
	StringInfoData sub;
	ClioPushdown *pd;
	ClioScanPlan plan;
	List	   *fdw_exprs;
	ListCell   *lc;

	memset(&plan, 0, sizeof(plan));
	fdw_exprs = clio_plan_request(root, arel, rel, arel->baserestrictinfo,
								  false, &plan, &pd);
	initStringInfo(&sub);
	foreach(lc, cols)
	{
		if (IsA(lfirst(lc), Integer))
			attrs = bms_add_member(attrs, intVal(lfirst(lc)) -
								   FirstLowInvalidHeapAttributeNumber);
		else
			appendStringInfo(&sub, "%s%s", sub.len ? "," : "", strVal(lfirst(lc)));
	}
	plan.lookup = strVal(list_nth(priv, ClioJoinText));
	plan.lookup_relid = relid;
	plan.lookup_field = strVal(list_nth(priv, ClioJoinField));
	plan.lookup_cols = cols;
	plan.fields = clio_scan_fields(rel, info->opts.coll, attrs, &plan.attnums,
								   plan.lookup_field, sub.len ? sub.data : NULL);
	plan.params = list_concat(plan.params,
							  clio_custom_id_params(rel, plan.attnums));
	table_close(rel, NoLock);

	return make_foreignscan(tlist, (List *) list_nth(priv, ClioJoinQuals), 0,
							fdw_exprs, clio_scan_plan_serialize(&plan),
							(List *) list_nth(priv, ClioJoinTlist), NIL,
							outer_plan);
}
