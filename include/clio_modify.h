/*-------------------------------------------------------------------------
 *
 * clio_modify.h
 *		  INSERT, UPDATE and DELETE callbacks
 *
 * Declares what src/clio_modify.c defines.
 *
 * IDENTIFICATION
 *		  include/clio_modify.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_MODIFY_H
#define CLIO_MODIFY_H

#define CLIO_COMPAT_EXPLAIN
#include "clio_compat.h"
#include "foreign/fdwapi.h"

/* in src/clio_modify.c */
extern void clioAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
										RangeTblEntry *target_rte,
										Relation target_relation);
extern List *clioPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
								   Index resultRelation, int subplan_index);
extern void clioBeginForeignModify(ModifyTableState *mtstate,
								   ResultRelInfo *rinfo, List *fdw_private,
								   int subplan_index, int eflags);
extern TupleTableSlot *clioExecForeignInsert(EState *estate, ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern TupleTableSlot *clioExecForeignUpdate(EState *estate, ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern TupleTableSlot *clioExecForeignDelete(EState *estate, ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern void clioEndForeignModify(EState *estate, ResultRelInfo *rinfo);
extern int	clioIsForeignRelUpdatable(Relation rel);
extern void clioExplainForeignModify(ModifyTableState *mtstate,
									 ResultRelInfo *rinfo, List *fdw_private,
									 int subplan_index, ExplainState *es);
extern bool clioPlanDirectModify(PlannerInfo *root, ModifyTable *plan,
								 Index resultRelation, int subplan_index);
extern void clioBeginDirectModify(ForeignScanState *node, int eflags);
extern TupleTableSlot *clioIterateDirectModify(ForeignScanState *node);
extern void clioEndDirectModify(ForeignScanState *node);
extern void clioExplainDirectModify(ForeignScanState *node, ExplainState *es);

#endif							/* CLIO_MODIFY_H */
