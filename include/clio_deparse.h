/*-------------------------------------------------------------------------
 *
 * clio_deparse.h
 *		  Which conditions become which Clio parameters
 *
 * Declares what src/clio_deparse.c defines.
 *
 * IDENTIFICATION
 *		  include/clio_deparse.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_DEPARSE_H
#define CLIO_DEPARSE_H

#include "clio_catalog.h"
#include "clio_request.h"
#include "nodes/pathnodes.h"
#include "nodes/primnodes.h"
#include "utils/relcache.h"

/* One condition sent as a query parameter */
typedef struct ClioPushed
{
	const char *param;			/* the parameter's name */
	ClioValueKind kind;
	const char *prefix;			/* "<=", ">=", "=" for operator-prefixed
								 * filters, or NULL */
	int			shift;			/* days or seconds added to a bound */
	const char *enumvals;		/* "a|b|c" to spell values by, or NULL */
	Expr	   *expr;			/* the value; NULL for CLIO_VAL_NULL */
	RestrictInfo *rinfo;		/* the condition it came from */
} ClioPushed;

/* What the conditions on a foreign table let the request do */
typedef struct ClioPushdown
{
	ClioScanMode mode;
	Expr	   *id_expr;		/* CLIO_SCAN_RECORD: the id */
	Expr	   *ids_expr;		/* CLIO_SCAN_IDS: the array of ids */
	List	   *pushed;			/* ClioPushed, for list requests */
	List	   *pushed_clauses; /* RestrictInfos that were pushed */
	List	   *local_clauses;	/* RestrictInfos that were not */
	Bitmapset  *nonnull;		/* attnums the conditions prove non-null */
} ClioPushdown;

/* in src/clio_deparse.c */
extern ClioPushdown *clio_classify(PlannerInfo *root, RelOptInfo *baserel,
								   Relation rel, const ClioCollection *coll,
								   List *clauses, bool allow_outer);
extern bool clio_pushable_join_clause(PlannerInfo *root, RelOptInfo *baserel,
									  Relation rel,
									  const ClioCollection *coll,
									  RestrictInfo *ri);
extern bool clio_enum_never_true(RelOptInfo *baserel, Relation rel,
								 const ClioCollection *coll, List *clauses);
extern char *clio_format_value(const ClioPushed *p, Datum value, Oid type,
							   List **repeat);
extern char *clio_datum_text(Datum value, Oid type);
#endif							/* CLIO_DEPARSE_H */
