/*-------------------------------------------------------------------------
 *
 * clio_plan.h
 *		  Planning a scan of a foreign table
 *
 * Declares what src/clio_plan.c defines: the planning callbacks of a scan,
 * and what the count path (src/clio_count.c) reads of a planned table.
 *
 * IDENTIFICATION
 *		  include/clio_plan.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_PLAN_H
#define CLIO_PLAN_H

#include "clio_deparse.h"
#include "clio_option.h"
#include "clio_request.h"
#include "foreign/fdwapi.h"

/* in src/clio_plan.c */
extern void clioGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
extern void clioGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
extern ForeignScan *clioGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses,
									   Plan *outer_plan);
extern List *clio_scan_plan_filters(ClioPushdown *pd, ClioScanPlan *plan);
extern const ClioOptions *clio_scan_rel_options(RelOptInfo *baserel);
extern ClioPushdown *clio_scan_rel_pushdown(RelOptInfo *baserel);

#endif							/* CLIO_PLAN_H */
