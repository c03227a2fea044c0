/*-------------------------------------------------------------------------
 *
 * clio_deparse.c
 *		  Which conditions become which Clio request parameters
 *
 * What a scan can ask Clio to do for it: sorts a table's conditions into
 * the ones a list request carries as filters (by the filters the catalog
 * declares for the collection), an id or ids look-up, and the ones checked
 * here only; formats a value as Clio spells it.  Pure functions of planner
 * data: no I/O, no URL (src/clio_request.c builds those), no catalog facts
 * of its own (they are flags of the generated catalog).
 *
 * IDENTIFICATION
 *		  src/clio_deparse.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#define CLIO_COMPAT_PLANNER
#include "clio_compat.h"
#include "clio_column.h"
#include "clio_deparse.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

static bool clio_our_column(Expr *expr, RelOptInfo *baserel, Relation rel,
							const ClioCollection *coll, ClioColumnRef *ref,
							AttrNumber *attnum);
static bool clio_value_ok(Expr *expr, RelOptInfo *baserel, bool allow_outer);
static const ClioFilter *clio_eq_filter(const ClioCollection *coll,
										const ClioColumnRef *ref);
static bool clio_push_clause(ClioPushdown *pd, Expr *clause, RelOptInfo *baserel,
							 Relation rel, const ClioCollection *coll,
							 bool allow_outer);
static ClioPushed *clio_new_pushed(const ClioFilter *f, Expr *expr);
static bool clio_param_taken(ClioPushdown *pd, const char *param);

/* ----------------------------------------------------------------
 *		Which conditions become which request parameters
 * ----------------------------------------------------------------
 */

/*
 * clio_our_column
 *		Whether expr is a column of the scanned table; if so, what it reads.
 */
static bool
clio_our_column(Expr *expr, RelOptInfo *baserel, Relation rel,
				const ClioCollection *coll, ClioColumnRef *ref,
				AttrNumber *attnum)
{
	Var		   *var;

	while (expr && IsA(expr, RelabelType))
		expr = ((RelabelType *) expr)->arg;
	if (expr == NULL || !IsA(expr, Var))
		return false;
	var = (Var *) expr;
	if (var->varno != baserel->relid || var->varlevelsup != 0 ||
		var->varattno <= 0)
		return false;
	clio_resolve_column(rel, var->varattno, coll, ref);
	*attnum = var->varattno;
	return true;
}

/*
 * clio_value_ok
 *		Whether a comparison's other side can be computed before the scan:
 *		nothing of the scanned table, nothing volatile, and columns of other
 *		tables only for a parameterized path (they become executor
 *		parameters).
 */
static bool
clio_value_ok(Expr *expr, RelOptInfo *baserel, bool allow_outer)
{
	Relids		relids = pull_varnos(NULL, (Node *) expr);

	if (bms_is_member(baserel->relid, relids))
		return false;
	if (contain_volatile_functions((Node *) expr))
		return false;
	if (!allow_outer && !bms_is_empty(relids))
		return false;
	if (contain_agg_clause((Node *) expr) || contain_window_function((Node *) expr))
		return false;
	return true;
}

/*
 * clio_eq_filter
 *		The filter that selects records whose column equals a value: one
 *		named as the column (status, matter_id, type, ...).
 */
static const ClioFilter *
clio_eq_filter(const ClioCollection *coll, const ClioColumnRef *ref)
{
	const ClioFilter *f;
	int			i;

	if (ref->cat == NULL)
		return NULL;
	f = clio_catalog_filter(coll, ref->cat->kind == CLIO_COL_SEARCH ?
							"query" : ref->cat->name);
	if (f == NULL || f->array)
		return NULL;
	for (i = 0; i < coll->nranges; i++)
		if (strcmp(coll->ranges[i].filter, f->name) == 0)
			return NULL;
	return f;
}

/*
 * clio_const_is_integer
 *		Whether a constant's text is an integer, as an integer parameter
 *		takes it.
 */
static bool
clio_const_is_integer(Const *c)
{
	Oid			out;
	bool		isvarlena;
	char	   *txt;
	char	   *p;

	getTypeOutputInfo(c->consttype, &out, &isvarlena);
	txt = OidOutputFunctionCall(out, c->constvalue);
	p = txt + (txt[0] == '-');
	return *p != '\0' && strspn(p, "0123456789") == strlen(p);
}

static bool
clio_param_taken(ClioPushdown *pd, const char *param)
{
	ListCell   *lc;

	foreach(lc, pd->pushed)
	{
		if (strcmp(((ClioPushed *) lfirst(lc))->param, param) == 0)
			return true;
	}
	return false;
}

static ClioPushed *
clio_new_pushed(const ClioFilter *f, Expr *expr)
{
	ClioPushed *p = palloc0(sizeof(ClioPushed));

	p->param = f->name;
	p->expr = expr;
	switch (f->type)
	{
		case CLIO_PARAM_INT:
		case CLIO_PARAM_STRING:
			p->kind = f->enumvals ? CLIO_VAL_ENUM : CLIO_VAL_TEXT;
			p->enumvals = f->enumvals;
			break;
		case CLIO_PARAM_BOOL:
			p->kind = CLIO_VAL_BOOL;
			break;
		case CLIO_PARAM_DATE:
			p->kind = CLIO_VAL_DATE;
			break;
		case CLIO_PARAM_TIMESTAMP:
			p->kind = CLIO_VAL_TIMESTAMP;
			break;
	}
	return p;
}

/*
 * clio_push_as
 *		Push filter f with value expr, its text made as kind says.
 */
static void
clio_push_as(ClioPushdown *pd, const ClioFilter *f, Expr *expr,
			 ClioValueKind kind)
{
	ClioPushed *p = clio_new_pushed(f, expr);

	p->kind = kind;
	pd->pushed = lappend(pd->pushed, p);
}

/*
 * clio_push_range
 *		A comparison of a date or timestamp column with a value, as the
 *		range filters the catalog declares for the column (equality as a
 *		range of one value).  Returns whether any was pushed.
 */
static bool
clio_push_range(ClioPushdown *pd, const ClioCollection *coll,
				const ClioColumnRef *ref, int strategy, Expr *r)
{
	Oid			coltype = ref->cat->typid;
	bool		date_col = (coltype == DATEOID);
	bool		strict_date;
	bool		pushed = false;
	int			i;

	if (coltype != DATEOID && coltype != TIMESTAMPTZOID)
		return false;
	switch (exprType((Node *) r))
	{
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			break;
		default:
			return false;
	}

	/*
	 * A strict bound on a date column by a date is the inclusive bound
	 * a day further in: date < '2026-11-01' asks end_date=2026-10-31.
	 * Clio's date filters are inclusive (start_date, end_date, from,
	 * to); a timestamp's day is not shifted, it may fall inside it.
	 */
	strict_date = date_col && exprType((Node *) r) == DATEOID &&
		(strategy == BTLessStrategyNumber ||
		 strategy == BTGreaterStrategyNumber);
	for (i = 0; i < coll->nranges; i++)
	{
		const ClioRange *range = &coll->ranges[i];
		bool		lower = (strategy == BTGreaterStrategyNumber ||
							 strategy == BTGreaterEqualStrategyNumber ||
							 strategy == BTEqualStrategyNumber);
		bool		upper = (strategy == BTLessStrategyNumber ||
							 strategy == BTLessEqualStrategyNumber ||
							 strategy == BTEqualStrategyNumber);
		ClioPushed *p;
		int			unit = 1;	/* a day, or a second */

		if (strcmp(range->column, ref->cat->name) != 0)
			continue;
		if (range->kind != CLIO_RANGE_OPDATE &&
			clio_param_taken(pd, range->filter))
			continue;

		p = palloc0(sizeof(ClioPushed));
		p->param = range->filter;
		p->expr = r;
		p->kind = date_col ? CLIO_VAL_DATE : CLIO_VAL_TIMESTAMP;

		/*
		 * Every bound is made inclusive and a little wide, so that the
		 * filter returns a superset of the rows the condition selects
		 * whether Clio reads its bound as strict or not; the local check
		 * does the rest.
		 */
		switch (range->kind)
		{
			case CLIO_RANGE_SINCE:
			case CLIO_RANGE_FROM:
				if (!lower)
					continue;
				p->shift = date_col ? (strict_date ? 1 : 0) : -unit;
				break;
			case CLIO_RANGE_AFTER:
				if (!lower)
					continue;
				p->shift = -unit;
				break;
			case CLIO_RANGE_TO:
				if (!upper)
					continue;
				p->shift = date_col ? (strict_date ? -1 : 0) : unit;
				break;
			case CLIO_RANGE_BEFORE:
				if (!upper)
					continue;
				p->shift = unit;
				break;
			case CLIO_RANGE_OPDATE:
				if (!date_col)
					continue;
				p->prefix = strategy == BTEqualStrategyNumber ? "=" :
					lower ? ">=" : "<=";
				break;
		}
		pd->pushed = lappend(pd->pushed, p);
		pushed = true;
		if (range->kind == CLIO_RANGE_OPDATE)
			break;
	}
	return pushed;
}

/*
 * clio_push_opexpr
 *		col op value: an id look-up, an equality filter, or range filters.
 */
static bool
clio_push_opexpr(ClioPushdown *pd, OpExpr *op, RelOptInfo *baserel,
				 Relation rel, const ClioCollection *coll, bool allow_outer)
{
	ClioColumnRef ref;
	AttrNumber	attnum;
	Expr	   *l = linitial(op->args);
	Expr	   *r = lsecond(op->args);
	int			strategy = clio_operator_strategy(op->opno);

	if (strategy == 0)
		return false;
	if (!clio_our_column(l, baserel, rel, coll, &ref, &attnum))
	{
		Expr	   *t = l;

		l = r;
		r = t;
		if (!clio_our_column(l, baserel, rel, coll, &ref, &attnum))
			return false;
		/* commute the strategy: value < col is col > value */
		if (strategy == BTLessStrategyNumber)
			strategy = BTGreaterStrategyNumber;
		else if (strategy == BTLessEqualStrategyNumber)
			strategy = BTGreaterEqualStrategyNumber;
		else if (strategy == BTGreaterStrategyNumber)
			strategy = BTLessStrategyNumber;
		else if (strategy == BTGreaterEqualStrategyNumber)
			strategy = BTLessEqualStrategyNumber;
	}
	/* every btree operator is strict: the column is not null */
	pd->nonnull = bms_add_member(pd->nonnull, attnum);

	if (!clio_value_ok(r, baserel, allow_outer))
		return false;
	/* a nondeterministic collation's equality is not Clio's */
	if (OidIsValid(op->inputcollid) &&
		!get_collation_isdeterministic(op->inputcollid))
		return false;

	/* the record's id: a look-up */
	if (strategy == BTEqualStrategyNumber && ref.cat &&
		strcmp(ref.cat->name, "id") == 0)
	{
		if (pd->mode == CLIO_SCAN_RECORD)
			return false;
		if (IsA(r, Const) && ((Const *) r)->constisnull)
			return false;
		if (!clio_record_by_get(coll) &&
			(clio_catalog_filter(coll, "ids[]") == NULL ||
			 clio_catalog_id_is_text(coll)))
			return false;
		pd->mode = CLIO_SCAN_RECORD;
		pd->id_expr = r;
		return true;
	}
	if (ref.cat == NULL)
		return false;

	/* equality: a filter named as the column */
	if (strategy == BTEqualStrategyNumber)
	{
		const ClioFilter *f = clio_eq_filter(coll, &ref);
		Oid			rtype = exprType((Node *) r);

		/*
		 * An integer parameter takes integers only (the spec describes some
		 * type filters, such as an allocation's parent_type, as integers):
		 * a constant that is no integer stays a local condition rather
		 * than a 400.
		 */
		if (f && f->type == CLIO_PARAM_INT && rtype != INT2OID &&
			rtype != INT4OID && rtype != INT8OID && IsA(r, Const) &&
			!((Const *) r)->constisnull && !clio_const_is_integer((Const *) r))
			f = NULL;
		if (f && !clio_param_taken(pd, f->name))
		{
			pd->pushed = lappend(pd->pushed, clio_new_pushed(f, r));
			return true;
		}
	}
	return clio_push_range(pd, coll, &ref, strategy, r);
}

/*
 * clio_push_any
 *		col = ANY (array): an ids look-up, a comma-list filter, or an array
 *		filter of the column's values.
 */
static bool
clio_push_any(ClioPushdown *pd, ScalarArrayOpExpr *saop, RelOptInfo *baserel,
			  Relation rel, const ClioCollection *coll, bool allow_outer)
{
	ClioColumnRef ref;
	AttrNumber	attnum;
	Expr	   *r = lsecond(saop->args);
	const ClioFilter *f;

	if (!saop->useOr || clio_operator_strategy(saop->opno) != BTEqualStrategyNumber ||
		!clio_our_column(linitial(saop->args), baserel, rel, coll, &ref, &attnum))
		return false;
	pd->nonnull = bms_add_member(pd->nonnull, attnum);
	if (!clio_value_ok(r, baserel, allow_outer) || ref.cat == NULL)
		return false;
	if (OidIsValid(saop->inputcollid) &&
		!get_collation_isdeterministic(saop->inputcollid))
		return false;

	if (strcmp(ref.cat->name, "id") == 0)
	{
		if (pd->mode != CLIO_SCAN_LIST ||
			clio_catalog_filter(coll, "ids[]") == NULL ||
			clio_catalog_id_is_text(coll))
			return false;
		pd->mode = CLIO_SCAN_IDS;
		pd->ids_expr = r;
		return true;
	}

	f = clio_eq_filter(coll, &ref);
	if (f && f->comma_list && !clio_param_taken(pd, f->name))
	{
		clio_push_as(pd, f, r, CLIO_VAL_COMMA);
		return true;
	}
	/* an array filter of the column's values: tasks' status -> statuses[] */
	f = clio_catalog_array_filter(coll, ref.cat->name);
	if (f && !clio_param_taken(pd, f->name))
	{
		clio_push_as(pd, f, r, CLIO_VAL_REPEAT);
		return true;
	}
	return false;
}

/*
 * clio_push_nulltest
 *		col IS NULL, as a filter that takes the keyword null.  (IS NOT NULL
 *		only proves the column non-null.)
 */
static bool
clio_push_nulltest(ClioPushdown *pd, NullTest *nt, RelOptInfo *baserel,
				   Relation rel, const ClioCollection *coll)
{
	ClioColumnRef ref;
	AttrNumber	attnum;
	const ClioFilter *f;

	if (nt->argisrow ||
		!clio_our_column(nt->arg, baserel, rel, coll, &ref, &attnum))
		return false;
	if (nt->nulltesttype == IS_NOT_NULL)
	{
		pd->nonnull = bms_add_member(pd->nonnull, attnum);
		return false;
	}
	f = clio_eq_filter(coll, &ref);
	if (f == NULL || !f->null_keyword || clio_param_taken(pd, f->name))
		return false;
	clio_push_as(pd, f, NULL, CLIO_VAL_NULL);
	return true;
}

/*
 * clio_push_bool
 *		A boolean column, or NOT one, as its boolean filter.
 */
static bool
clio_push_bool(ClioPushdown *pd, Expr *clause, RelOptInfo *baserel,
			   Relation rel, const ClioCollection *coll)
{
	ClioColumnRef ref;
	AttrNumber	attnum;
	Expr	   *arg = clause;
	bool		negated = false;
	const ClioFilter *f;

	if (IsA(clause, BoolExpr) && ((BoolExpr *) clause)->boolop == NOT_EXPR)
	{
		arg = linitial(((BoolExpr *) clause)->args);
		negated = true;
	}
	if (exprType((Node *) arg) != BOOLOID ||
		!clio_our_column(arg, baserel, rel, coll, &ref, &attnum))
		return false;
	pd->nonnull = bms_add_member(pd->nonnull, attnum);
	f = clio_eq_filter(coll, &ref);
	if (f == NULL || f->type != CLIO_PARAM_BOOL || clio_param_taken(pd, f->name))
		return false;
	pd->pushed = lappend(pd->pushed,
						 clio_new_pushed(f, (Expr *) makeBoolConst(!negated, false)));
	return true;
}

/*
 * clio_push_clause
 *		Turn one condition into request parameters, if Clio has a filter
 *		that returns (at least) the rows it selects.  Returns whether it
 *		did.  The condition is still checked locally either way.
 */
static bool
clio_push_clause(ClioPushdown *pd, Expr *clause, RelOptInfo *baserel,
				 Relation rel, const ClioCollection *coll, bool allow_outer)
{
	if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
		return clio_push_opexpr(pd, (OpExpr *) clause, baserel, rel, coll,
								allow_outer);
	if (IsA(clause, ScalarArrayOpExpr))
		return clio_push_any(pd, (ScalarArrayOpExpr *) clause, baserel, rel,
							 coll, allow_outer);
	if (IsA(clause, NullTest))
		return clio_push_nulltest(pd, (NullTest *) clause, baserel, rel, coll);
	return clio_push_bool(pd, clause, baserel, rel, coll);
}

/*
 * clio_flag_clause
 *		For "col" or "NOT col" on a boolean column of the table: the column's
 *		catalog name, and whether the condition asks for true.
 */
static const char *
clio_flag_clause(Expr *clause, RelOptInfo *baserel, Relation rel,
				 const ClioCollection *coll, bool *wanted)
{
	ClioColumnRef ref;
	AttrNumber	attnum;

	*wanted = true;
	if (IsA(clause, BoolExpr) && ((BoolExpr *) clause)->boolop == NOT_EXPR)
	{
		clause = linitial(((BoolExpr *) clause)->args);
		*wanted = false;
	}
	if (exprType((Node *) clause) != BOOLOID ||
		!clio_our_column(clause, baserel, rel, coll, &ref, &attnum) ||
		ref.cat == NULL || ref.subfield != NULL)
		return NULL;
	return ref.cat->name;
}

/*
 * clio_push_billing_status
 *		A collection whose catalog entry names a billing-status filter
 *		(activities: no status field, but a status filter that names
 *		combinations of three flags): "unbilled" is not billed, not on a
 *		bill and billable; "non_billable" and "billable" are the
 *		non_billable flag.  When the conditions on the flags say one of
 *		these, the request carries it.  The conditions stay in the local
 *		check.
 */
static void
clio_push_billing_status(ClioPushdown *pd, RelOptInfo *baserel, Relation rel,
						 const ClioCollection *coll)
{
	const ClioFilter *f;
	RestrictInfo *billed = NULL;
	RestrictInfo *on_bill = NULL;
	RestrictInfo *non_billable = NULL;
	bool		billable = false;
	const char *status;
	ClioPushed *p;
	ListCell   *lc;

	if (coll->billing_status == NULL ||
		clio_param_taken(pd, coll->billing_status))
		return;
	f = clio_catalog_filter(coll, coll->billing_status);
	if (f == NULL || f->enumvals == NULL)
		return;
	foreach(lc, pd->local_clauses)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		bool		wanted;
		const char *name;

		if (ri->pseudoconstant)
			continue;
		name = clio_flag_clause(ri->clause, baserel, rel, coll, &wanted);
		if (name == NULL)
			continue;
		if (strcmp(name, "billed") == 0 && !wanted)
			billed = ri;
		else if (strcmp(name, "on_bill") == 0 && !wanted)
			on_bill = ri;
		else if (strcmp(name, "non_billable") == 0)
		{
			non_billable = ri;
			billable = !wanted;
		}
	}
	if (non_billable == NULL)
		return;
	if (billable && billed && on_bill)
		status = "unbilled";
	else
		status = billable ? "billable" : "non_billable";

	p = palloc0(sizeof(ClioPushed));
	p->param = f->name;
	p->kind = CLIO_VAL_ENUM;
	p->enumvals = f->enumvals;
	p->expr = (Expr *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
								 CStringGetTextDatum(status), false, false);
	p->rinfo = non_billable;
	pd->pushed = lappend(pd->pushed, p);
	foreach(lc, list_make3(non_billable, billed, on_bill))
	{
		RestrictInfo *ri = (RestrictInfo *) lfirst(lc);

		if (ri == NULL ||
			(strcmp(status, "unbilled") != 0 && ri != non_billable))
			continue;
		pd->local_clauses = list_delete_ptr(pd->local_clauses, ri);
		pd->pushed_clauses = lappend(pd->pushed_clauses, ri);
	}
}

/*
 * clio_classify
 *		Sort a table's conditions into what the request can carry and what
 *		only the local check does.  Nothing is removed from the local check.
 */
ClioPushdown *
clio_classify(PlannerInfo *root, RelOptInfo *baserel, Relation rel,
			  const ClioCollection *coll, List *clauses, bool allow_outer)
{
	ClioPushdown *pd = palloc0(sizeof(ClioPushdown));
	ListCell   *lc;

	pd->mode = CLIO_SCAN_LIST;
	foreach(lc, clauses)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		int			before = list_length(pd->pushed);

		if (!ri->pseudoconstant &&
			clio_push_clause(pd, ri->clause, baserel, rel, coll, allow_outer))
		{
			ListCell   *pc;

			for_each_from(pc, pd->pushed, before)
				((ClioPushed *) lfirst(pc))->rinfo = ri;
			pd->pushed_clauses = lappend(pd->pushed_clauses, ri);
		}
		else
			pd->local_clauses = lappend(pd->local_clauses, ri);
	}
	clio_push_billing_status(pd, baserel, rel, coll);

	/*
	 * A filter that Clio takes only together with another (tasks:
	 * assignee_id needs assignee_type; the catalog's "needs") is not sent
	 * alone; its condition is then checked locally only.
	 */
	foreach(lc, pd->pushed)
	{
		ClioPushed *p = (ClioPushed *) lfirst(lc);
		const ClioFilter *f = clio_catalog_filter(coll, p->param);

		if (f != NULL && f->needs != NULL && !clio_param_taken(pd, f->needs))
		{
			pd->pushed = foreach_delete_current(pd->pushed, lc);
			if (p->rinfo)
			{
				pd->pushed_clauses = list_delete_ptr(pd->pushed_clauses, p->rinfo);
				pd->local_clauses = lappend(pd->local_clauses, p->rinfo);
			}
		}
	}
	return pd;
}

/*
 * clio_pushable_join_clause
 *		Whether a join condition could be sent with the outer side's value:
 *		the candidates for parameterized paths.
 */
bool
clio_pushable_join_clause(PlannerInfo *root, RelOptInfo *baserel, Relation rel,
						  const ClioCollection *coll, RestrictInfo *ri)
{
	ClioPushdown pd;

	memset(&pd, 0, sizeof(pd));
	pd.mode = CLIO_SCAN_LIST;
	return clio_push_clause(&pd, ri->clause, baserel, rel, coll, true) &&
		(pd.pushed != NIL || pd.mode != CLIO_SCAN_LIST);
}

/*
 * clio_enum_value_given
 *		Whether a value is one Clio gives for a column with an enum,
 *		compared as text equality compares it; if not, a NOTICE that names
 *		the values Clio gives (and the one in another case, if any).
 */
static bool
clio_enum_value_given(const char *value, const ClioColumn *cat,
					  const char *colname, bool whole)
{
	const char *other;

	if (clio_catalog_enum_spelling(value, cat->enumvals, true) != NULL)
		return true;
	other = clio_catalog_enum_spelling(value, cat->enumvals, false);
	ereport(NOTICE,
			(errcode(ERRCODE_WARNING),
			 errmsg("value \"%s\" is not one of the values Clio gives for column \"%s\"",
					value, colname),
			 whole ?
			 errdetail("No record can meet the condition, so Clio is not asked for any.") : 0,
			 other ?
			 errhint("Clio gives %s. Perhaps you meant \"%s\".",
					 clio_catalog_enum_hint(value, cat->enumvals, NULL), other) :
			 errhint("Clio gives %s.",
					 clio_catalog_enum_hint(value, cat->enumvals, NULL))));
	return false;
}

/*
 * clio_enum_never_true
 *		Whether a condition of the table can hold for no record because it
 *		asks a column with an enum for values Clio never gives: col = 'v',
 *		col IN (...) or col = ANY ('{...}') with text equality on constants
 *		(matters' status is Pending, Open or Closed: status = 'open' holds
 *		for none).  Each such value gets a NOTICE, at planning; the scan
 *		then need not ask Clio at all.
 */
bool
clio_enum_never_true(RelOptInfo *baserel, Relation rel,
					 const ClioCollection *coll, List *clauses)
{
	bool		never = false;
	ListCell   *lc;

	foreach(lc, clauses)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		Expr	   *clause = ri->clause;
		ClioColumnRef ref;
		AttrNumber	attnum;
		Expr	   *l;
		Expr	   *r;
		Oid			collid;
		const char *colname;

		if (ri->pseudoconstant)
			continue;
		if (IsA(clause, OpExpr) && ((OpExpr *) clause)->opno == TextEqualOperator &&
			list_length(((OpExpr *) clause)->args) == 2)
		{
			l = linitial(((OpExpr *) clause)->args);
			r = lsecond(((OpExpr *) clause)->args);
			collid = ((OpExpr *) clause)->inputcollid;
			if (!clio_our_column(l, baserel, rel, coll, &ref, &attnum))
			{
				Expr	   *t = l;

				l = r;
				r = t;
				if (!clio_our_column(l, baserel, rel, coll, &ref, &attnum))
					continue;
			}
		}
		else if (IsA(clause, ScalarArrayOpExpr) &&
				 ((ScalarArrayOpExpr *) clause)->useOr &&
				 ((ScalarArrayOpExpr *) clause)->opno == TextEqualOperator)
		{
			l = linitial(((ScalarArrayOpExpr *) clause)->args);
			r = lsecond(((ScalarArrayOpExpr *) clause)->args);
			collid = ((ScalarArrayOpExpr *) clause)->inputcollid;
			if (!clio_our_column(l, baserel, rel, coll, &ref, &attnum))
				continue;
		}
		else
			continue;

		while (r && IsA(r, RelabelType))
			r = ((RelabelType *) r)->arg;
		if (ref.cat == NULL || ref.cat->enumvals == NULL || ref.subfield != NULL ||
			ref.cat->kind != CLIO_COL_SCALAR || r == NULL || !IsA(r, Const) ||
			((Const *) r)->constisnull ||
			(OidIsValid(collid) && !get_collation_isdeterministic(collid)))
			continue;
		colname = NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname);

		if (IsA(clause, OpExpr))
		{
			if (!clio_enum_value_given(TextDatumGetCString(((Const *) r)->constvalue),
									   ref.cat, colname, true))
				never = true;
		}
		else
		{
			ArrayType  *arr = DatumGetArrayTypeP(((Const *) r)->constvalue);
			Datum	   *elems;
			bool	   *nulls;
			int			n;
			int			i;
			int			given = 0;

			if (ARR_ELEMTYPE(arr) != TEXTOID)
				continue;
			deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &nulls, &n);
			for (i = 0; i < n; i++)
				if (!nulls[i] &&
					clio_catalog_enum_spelling(TextDatumGetCString(elems[i]),
											   ref.cat->enumvals, true))
					given++;
			for (i = 0; i < n; i++)
				if (!nulls[i] &&
					!clio_enum_value_given(TextDatumGetCString(elems[i]),
										   ref.cat, colname, given == 0) &&
					given == 0)
					never = true;
		}
	}
	return never;
}

/*
 * clio_format_scalar
 *		One value as a parameter's text, or NULL to leave it unsent.
 */
static char *
clio_format_scalar(const ClioPushed *p, Datum value, Oid type)
{
	char		buf[MAXDATELEN + 1];
	Oid			out;
	bool		isvarlena;
	char	   *txt;

	switch (p->kind)
	{
		case CLIO_VAL_BOOL:
			if (type != BOOLOID)
				return NULL;
			return pstrdup(DatumGetBool(value) ? "true" : "false");

		case CLIO_VAL_DATE:
			{
				DateADT		d;

				if (type == DATEOID)
					d = DatumGetDateADT(value);
				else if (type == TIMESTAMPOID)
				{
					if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(value)))
						return NULL;
					d = DatumGetDateADT(DirectFunctionCall1(timestamp_date, value));
				}
				else if (type == TIMESTAMPTZOID)
				{
					if (TIMESTAMP_NOT_FINITE(DatumGetTimestampTz(value)))
						return NULL;
					d = DatumGetDateADT(DirectFunctionCall1(timestamptz_date, value));
				}
				else
					return NULL;
				if (DATE_NOT_FINITE(d))
					return NULL;
				d += p->shift;
				JsonEncodeDateTime(buf, DateADTGetDatum(d), DATEOID, NULL);
				return p->prefix ? psprintf("%s%s", p->prefix, buf) : pstrdup(buf);
			}

		case CLIO_VAL_TIMESTAMP:
			{
				TimestampTz ts;
				int			utc = 0;

				if (type == TIMESTAMPTZOID)
					ts = DatumGetTimestampTz(value);
				else if (type == TIMESTAMPOID)
					ts = DatumGetTimestampTz(DirectFunctionCall1(timestamp_timestamptz, value));
				else if (type == DATEOID)
				{
					if (DATE_NOT_FINITE(DatumGetDateADT(value)))
						return NULL;
					ts = DatumGetTimestampTz(DirectFunctionCall1(date_timestamptz, value));
				}
				else
					return NULL;
				if (TIMESTAMP_NOT_FINITE(ts))
					return NULL;
				ts += (TimestampTz) p->shift * USECS_PER_SEC;
				JsonEncodeDateTime(buf, TimestampTzGetDatum(ts), TIMESTAMPTZOID, &utc);
				return pstrdup(buf);
			}

		default:
			break;
	}

	getTypeOutputInfo(type, &out, &isvarlena);
	txt = OidOutputFunctionCall(out, value);
	if (p->enumvals)
		return (char *) clio_catalog_enum_spelling(txt, p->enumvals, false);
	return txt;
}

/*
 * clio_format_value
 *		A pushed condition's value as the text its parameter carries; NULL
 *		to leave the parameter unsent (the local check still applies).
 *		For CLIO_VAL_REPEAT, the texts are returned in *repeat instead.
 */
char *
clio_format_value(const ClioPushed *p, Datum value, Oid type, List **repeat)
{
	if (p->kind == CLIO_VAL_NULL)
		return pstrdup("null");

	if (p->kind == CLIO_VAL_COMMA || p->kind == CLIO_VAL_REPEAT)
	{
		ArrayType  *arr = DatumGetArrayTypeP(value);
		Oid			elemtype = ARR_ELEMTYPE(arr);
		int16		elmlen;
		bool		elmbyval;
		char		elmalign;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;
		StringInfoData buf;
		ClioPushed	one = *p;

		one.kind = p->enumvals ? CLIO_VAL_ENUM : CLIO_VAL_TEXT;
		get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
		deconstruct_array(arr, elemtype, elmlen, elmbyval, elmalign,
						  &elems, &nulls, &n);
		initStringInfo(&buf);
		if (repeat)
			*repeat = NIL;
		for (i = 0; i < n; i++)
		{
			char	   *t;

			if (nulls[i])
				continue;		/* col = NULL is never true */
			t = clio_format_scalar(&one, elems[i], elemtype);
			if (t == NULL)
				return NULL;	/* a value Clio cannot take: filter locally */
			if (p->kind == CLIO_VAL_REPEAT && repeat)
				*repeat = lappend(*repeat, makeString(t));
			else
			{
				if (buf.len > 0)
					appendStringInfoChar(&buf, ',');
				appendStringInfoString(&buf, t);
			}
		}
		if (p->kind == CLIO_VAL_COMMA && buf.len == 0)
			return NULL;
		if (p->kind == CLIO_VAL_REPEAT && repeat && *repeat == NIL)
			return NULL;
		return buf.data;
	}

	return clio_format_scalar(p, value, type);
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
