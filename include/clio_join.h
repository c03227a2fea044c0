/*-------------------------------------------------------------------------
 *
 * clio_join.h
 *		  Lookup joins: a join read from one table's nested association
 *
 * Declares what src/clio_join.c defines: the GetForeignJoinPaths callback,
 * and the slots of the path's fdw_private that clioGetForeignPlan reads.
 *
 * IDENTIFICATION
 *		  include/clio_join.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_JOIN_H
#define CLIO_JOIN_H

#include "foreign/fdwapi.h"

/* The slots of a lookup join path's fdw_private */
typedef enum ClioJoinSlot
{
	ClioJoinRel,				/* Integer: the scanned table's relid */
	ClioJoinField,				/* String: the association, "practice_area" */
	ClioJoinText,				/* String: what EXPLAIN shows */
	ClioJoinTlist,				/* List of TargetEntry: the scan tuple */
	ClioJoinCols,				/* per scan tuple column: Integer, an
								 * attribute of the scanned table, or
								 * String, a field of the association */
	ClioJoinQuals,				/* List of Expr, checked on each row */
	ClioJoinNSlots
} ClioJoinSlot;

/* in src/clio_join.c */
extern void clioGetForeignJoinPaths(PlannerInfo *root, RelOptInfo *joinrel,
									RelOptInfo *outerrel, RelOptInfo *innerrel,
									JoinType jointype,
									JoinPathExtraData *extra);

#endif							/* CLIO_JOIN_H */
