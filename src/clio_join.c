/*-------------------------------------------------------------------------
 *
 * clio_join.c
 *		  Lookup joins: a join read from one table's nested association
 *
 * A join of foreign table A to foreign table B on A.x_id = B.id, where
 * association x of A holds a record of B's collection and every column of
 * B the query reads is a field Clio nests in x, needs no request on B: the
 * request on A asks for x{...} and each row of A carries its B row (or
 * none).  This file decides when a join is such a lookup and adds its
 * path, costed as the one scan of A; clioGetForeignPlan (src/clio_plan.c)
 * turns the path into a scan of A whose column map also fills B's
 * columns.  It plans only: it sends nothing and builds no request.
 *
 * Rows are the join's exactly.  An inner join keeps every condition of the
 * join and of both tables as a check on the joined row, the join clause
 * included, so a row whose x is null or absent gives no row.  A left join
 * (B on the nullable side) qualifies only when its ON clause is the lookup
 * alone and B has no condition of its own: then a null or absent x is
 * exactly the NULL-extended row; conditions above the join are checked on
 * the joined row.  B's ids being unique, a semi join (EXISTS) is the inner
 * join's rows of A, and an anti join (NOT EXISTS, or IS NULL above a left
 * join) with no condition but the lookup is the rows of A whose x is null
 * or absent.  Anything else falls back to the ordinary plans.
 *
 * IDENTIFICATION
 *		  src/clio_join.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#define CLIO_COMPAT_PLANNER
#include "clio_compat.h"
#include "clio_catalog.h"
#include "clio_column.h"
#include "clio_join.h"
#include "clio_option.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/typcache.h"

/* One side of a candidate lookup */
typedef struct ClioJoinSide
{
	RelOptInfo *rel;
	Oid			relid;
	Relation	r;
	const ClioCollection *coll;
} ClioJoinSide;

static bool clio_join_side(PlannerInfo *root, RelOptInfo *rel,
						   ClioJoinSide *side);
static Var *clio_join_var(Expr *e);
static const char *clio_lookup_clause(ClioJoinSide *a, ClioJoinSide *b,
									  RestrictInfo *ri, Var **avar);
static bool clio_in_shape(const char *shape, const char *field);
static void clio_join_name(StringInfo buf, PlannerInfo *root, Relation r,
						   RelOptInfo *rel);
static Path *clio_plain_path(RelOptInfo *rel);
static void clio_try_lookup(PlannerInfo *root, RelOptInfo *joinrel,
							RelOptInfo *arel, RelOptInfo *brel,
							JoinType jointype, JoinPathExtraData *extra);

/*
 * clio_join_side
 *		A base foreign table of clio_fdw that a lookup may involve.
 */
static bool
clio_join_side(PlannerInfo *root, RelOptInfo *rel, ClioJoinSide *side)
{
	RangeTblEntry *rte;
	ClioOptions opts;

	if (rel->reloptkind != RELOPT_BASEREL || rel->rtekind != RTE_RELATION ||
		!bms_is_empty(rel->lateral_relids))
		return false;
	rte = planner_rt_fetch(rel->relid, root);
	if (rte->relkind != RELKIND_FOREIGN_TABLE)
		return false;
	clio_table_options(rte->relid, &opts);
	side->rel = rel;
	side->relid = rte->relid;
	side->coll = opts.coll;
	side->r = NULL;
	return side->coll != NULL;
}

/*
 * clio_join_var
 *		The Var an expression is, under any binary-compatible relabelling,
 *		or NULL.
 */
static Var *
clio_join_var(Expr *e)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	return (e && IsA(e, Var)) ? (Var *) e : NULL;
}

/*
 * clio_lookup_clause
 *		The association x when ri is A.x_id = B.id, with x an association
 *		of A that holds B's records; else NULL.
 */
static const char *
clio_lookup_clause(ClioJoinSide *a, ClioJoinSide *b, RestrictInfo *ri,
				   Var **avar)
{
	OpExpr	   *op;
	Var		   *l,
			   *r,
			   *av,
			   *bv;
	ClioColumnRef aref,
				bref;
	TypeCacheEntry *tc;
	const char *assoc;

	if (!IsA(ri->clause, OpExpr))
		return NULL;
	op = (OpExpr *) ri->clause;
	if (list_length(op->args) != 2)
		return NULL;
	l = clio_join_var(linitial(op->args));
	r = clio_join_var(lsecond(op->args));
	if (l == NULL || r == NULL || l->varattno <= 0 || r->varattno <= 0)
		return NULL;
	if (l->varno == a->rel->relid && r->varno == b->rel->relid)
	{
		av = l;
		bv = r;
	}
	else if (r->varno == a->rel->relid && l->varno == b->rel->relid)
	{
		av = r;
		bv = l;
	}
	else
		return NULL;
	/* the type's own equality */
	if (av->vartype != bv->vartype)
		return NULL;
	tc = lookup_type_cache(av->vartype, TYPECACHE_EQ_OPR);
	if (tc->eq_opr != op->opno)
		return NULL;

	clio_resolve_column(a->r, av->varattno, a->coll, &aref);
	clio_resolve_column(b->r, bv->varattno, b->coll, &bref);
	if (aref.cat == NULL || bref.cat == NULL ||
		bref.cat->kind != CLIO_COL_SCALAR || strcmp(bref.cat->name, "id") != 0)
		return NULL;

	/*
	 * x_id is x's id, read from x{id}; or a field of its own that Clio
	 * sends beside x and writes as x (matters' client_id): the id of x.
	 */
	if (aref.cat->kind == CLIO_COL_NESTED_ID)
		assoc = aref.field;
	else if (aref.cat->kind == CLIO_COL_SCALAR && aref.subfield == NULL &&
			 aref.cat->write_nested != NULL)
		assoc = aref.cat->write_nested;
	else
		return NULL;
	if (!clio_catalog_nests(a->coll, assoc, b->coll))
		return NULL;
	*avar = av;
	return assoc;
}

/*
 * clio_in_shape
 *		Whether field is one of the comma-separated subfields of shape.
 */
static bool
clio_in_shape(const char *shape, const char *field)
{
	size_t		len = strlen(field);
	const char *p = shape;

	while (p && *p)
	{
		const char *end = strchr(p, ',');
		size_t		n = end ? (size_t) (end - p) : strlen(p);

		if (n == len && strncmp(p, field, len) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * clio_join_name
 *		A table as EXPLAIN names it in the join: its name, and its alias
 *		when it has another.
 */
static void
clio_join_name(StringInfo buf, PlannerInfo *root, Relation r, RelOptInfo *rel)
{
	const char *alias = planner_rt_fetch(rel->relid, root)->eref->aliasname;

	appendStringInfoString(buf, RelationGetRelationName(r));
	if (strcmp(alias, RelationGetRelationName(r)) != 0)
		appendStringInfo(buf, " %s", alias);
}

/*
 * clio_plain_path
 *		The table's plain path (unparameterized, unsorted), or NULL when it
 *		has none (a list that needs a filter no condition gives).
 */
static Path *
clio_plain_path(RelOptInfo *rel)
{
	ListCell   *lc;

	foreach(lc, rel->pathlist)
	{
		Path	   *p = (Path *) lfirst(lc);

		if (IsA(p, ForeignPath) && p->param_info == NULL && p->pathkeys == NIL)
			return p;
	}
	return NULL;
}

/*
 * clio_try_lookup
 *		Add the lookup path when A (arel) joined to B (brel) qualifies.
 *		jointype is as seen from A: JOIN_INNER, JOIN_LEFT (B nullable),
 *		JOIN_SEMI (rows of A that have their B) or JOIN_ANTI (rows of A that
 *		have none).  B's ids are unique, so a semi join is the inner join's
 *		rows of A; an anti join without a condition but the lookup is the
 *		rows of A whose x is null or absent.
 */
static void
clio_try_lookup(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *arel,
				RelOptInfo *brel, JoinType jointype, JoinPathExtraData *extra)
{
	bool		outer = (jointype == JOIN_LEFT || jointype == JOIN_ANTI);
	Var		   *avar = NULL;
	ClioJoinSide a,
				b;
	const char *field = NULL;
	const ClioColumn *assoc;
	RestrictInfo *lookup_ri = NULL;
	List	   *quals = NIL;
	List	   *tlist = NIL;
	List	   *cols = NIL;
	List	   *vars;
	StringInfoData used;
	StringInfoData text;
	Path	   *apath;
	List	   *priv;
	ListCell   *lc;
	bool		ok = true;
	Cost		total;

	if (!clio_join_side(root, arel, &a) || !clio_join_side(root, brel, &b) ||
		a.relid == b.relid)
		return;
	apath = clio_plain_path(arel);
	if (apath == NULL)
		return;
	if (outer && brel->baserestrictinfo != NIL)
		return;

	a.r = table_open(a.relid, NoLock);
	b.r = table_open(b.relid, NoLock);

	/* the lookup clause; on a left join, the ON clause must be it alone */
	foreach(lc, extra->restrictlist)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		const char *f = NULL;

		if (ri->pseudoconstant)
			ok = false;
		if (field == NULL)
			f = clio_lookup_clause(&a, &b, ri, &avar);
		if (f != NULL)
		{
			field = f;
			lookup_ri = ri;
		}
		if (outer && !RINFO_IS_PUSHED_DOWN(ri, joinrel->relids))
		{
			if (ri != lookup_ri)
				ok = false;
			continue;
		}
		quals = lappend(quals, ri->clause);
	}
	if (field == NULL || !ok ||
		(outer && RINFO_IS_PUSHED_DOWN(lookup_ri, joinrel->relids)))
		goto done;
	assoc = clio_catalog_column_by_field(a.coll, field, CLIO_COL_NESTED);
	if (jointype == JOIN_ANTI)
	{
		NullTest   *nt = makeNode(NullTest);

		nt->arg = (Expr *) copyObject(avar);
		nt->nulltesttype = IS_NULL;
		nt->argisrow = false;
		nt->location = -1;
		quals = lappend(quals, nt);
	}

	/* every condition of either table is checked on the joined row */
	foreach(lc, list_concat(list_copy(arel->baserestrictinfo),
							brel->baserestrictinfo))
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (ri->pseudoconstant)
			goto done;
		quals = lappend(quals, ri->clause);
	}

	/*
	 * The scan tuple: every column the join's target and the checks read.
	 * A's columns are A's; B's must each be a field x nests.
	 */
	vars = pull_var_clause((Node *) list_concat(list_copy(joinrel->reltarget->exprs),
												quals),
						   PVC_INCLUDE_PLACEHOLDERS);
	initStringInfo(&used);
	foreach(lc, vars)
	{
		Var		   *v = (Var *) lfirst(lc);
		char	   *name;

		if (!IsA(v, Var) || v->varattno <= 0)
			goto done;			/* a placeholder, a whole row, a system
								 * column */
		if (tlist_member((Expr *) v, tlist) != NULL)
			continue;
		if (v->varno == arel->relid)
		{
			cols = lappend(cols, makeInteger(v->varattno));
			name = get_attname(a.relid, v->varattno, false);
		}
		else if (v->varno == brel->relid)
		{
			ClioColumnRef ref;

			clio_resolve_column(b.r, v->varattno, b.coll, &ref);
			if (ref.cat == NULL || ref.cat->kind != CLIO_COL_SCALAR ||
				ref.subfield != NULL || !clio_in_shape(assoc->subfields, ref.field))
				goto done;
			cols = lappend(cols, makeString(pstrdup(ref.field)));
			if (!clio_in_shape(used.data, ref.field))
				appendStringInfo(&used, "%s%s", used.len ? "," : "", ref.field);
			name = psprintf("%s.%s", RelationGetRelationName(b.r),
							get_attname(b.relid, v->varattno, false));
		}
		else
			goto done;
		tlist = lappend(tlist, makeTargetEntry((Expr *) copyObject(v),
											   list_length(tlist) + 1,
											   name, false));
	}

	initStringInfo(&text);
	clio_join_name(&text, root, a.r, arel);
	appendStringInfo(&text, " %s JOIN ",
					 jointype == JOIN_LEFT ? "LEFT" : jointype == JOIN_SEMI ? "SEMI" :
					 jointype == JOIN_ANTI ? "ANTI" : "INNER");
	clio_join_name(&text, root, b.r, brel);
	appendStringInfo(&text, ", read from %s{%s}", field,
					 used.len ? used.data : "id");

	/* one scan of A, and the checks on each row */
	total = apath->total_cost + joinrel->rows * cpu_tuple_cost +
		arel->rows * list_length(quals) * cpu_operator_cost;
	priv = list_make3(makeInteger(arel->relid), makeString(pstrdup(field)),
					  makeString(text.data));
	priv = lappend(priv, tlist);
	priv = lappend(priv, cols);
	priv = lappend(priv, quals);
	add_path(joinrel, (Path *)
			 clio_create_foreign_join_path(root, joinrel, joinrel->rows,
										   apath->startup_cost, total, priv));
done:
	table_close(a.r, NoLock);
	table_close(b.r, NoLock);
}

/*
 * clioGetForeignJoinPaths
 *		The lookup path of a join of two clio_fdw tables of one server and
 *		user mapping (PostgreSQL asks only then), when it qualifies.  Only
 *		for reads: a row lock or a modify needs the tables' own scans.
 */
void
clioGetForeignJoinPaths(PlannerInfo *root, RelOptInfo *joinrel,
						RelOptInfo *outerrel, RelOptInfo *innerrel,
						JoinType jointype, JoinPathExtraData *extra)
{
	if (root->parse->commandType != CMD_SELECT || root->rowMarks != NIL ||
		!bms_is_empty(joinrel->lateral_relids))
		return;
	switch (jointype)
	{
		case JOIN_INNER:
			clio_try_lookup(root, joinrel, outerrel, innerrel, JOIN_INNER, extra);
			clio_try_lookup(root, joinrel, innerrel, outerrel, JOIN_INNER, extra);
			break;
		case JOIN_LEFT:
		case JOIN_SEMI:
		case JOIN_ANTI:
			clio_try_lookup(root, joinrel, outerrel, innerrel, jointype, extra);
			break;
		case JOIN_RIGHT:
			clio_try_lookup(root, joinrel, innerrel, outerrel, JOIN_LEFT, extra);
			break;
		default:
			break;
	}
}
