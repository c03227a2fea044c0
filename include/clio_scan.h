/*-------------------------------------------------------------------------
 *
 * clio_scan.h
 *		  Scans of a foreign table: planning, execution, EXPLAIN
 *
 * Declares what src/clio_scan.c defines: the scan callbacks the handler
 * puts into the FdwRoutine.
 *
 * IDENTIFICATION
 *		  include/clio_scan.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_SCAN_H
#define CLIO_SCAN_H

#define CLIO_COMPAT_EXPLAIN
#include "clio_compat.h"
#include "clio_deparse.h"
#include "clio_option.h"
#include "clio_request.h"
#include "foreign/fdwapi.h"

/* in src/clio_scan.c */
extern void clioGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
extern void clioGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
extern ForeignScan *clioGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses,
									   Plan *outer_plan);
extern void clioBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *clioIterateForeignScan(ForeignScanState *node);
extern void clioReScanForeignScan(ForeignScanState *node);
extern void clioEndForeignScan(ForeignScanState *node);
extern void clioExplainForeignScan(ForeignScanState *node, ExplainState *es);
extern List *clio_scan_plan_filters(ClioPushdown *pd, ClioScanPlan *plan);
extern const ClioOptions *clio_scan_rel_options(RelOptInfo *baserel);
extern ClioPushdown *clio_scan_rel_pushdown(RelOptInfo *baserel);

#endif							/* CLIO_SCAN_H */
