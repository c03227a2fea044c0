/*-------------------------------------------------------------------------
 *
 * clio_count.h
 *		  count(*) as Clio's meta.records: the aggregate path and its plan
 *
 * IDENTIFICATION
 *		  include/clio_count.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_COUNT_H
#define CLIO_COUNT_H

#include "foreign/fdwapi.h"

/* in src/clio_count.c */
extern void clioGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
									 RelOptInfo *input_rel, RelOptInfo *output_rel,
									 void *extra);
extern ForeignScan *clioGetCountPlan(PlannerInfo *root, RelOptInfo *foreignrel,
									 ForeignPath *best_path, List *tlist,
									 Plan *outer_plan);

#endif							/* CLIO_COUNT_H */
