/*-------------------------------------------------------------------------
 *
 * clio_compat.h
 *		Every difference between the PostgreSQL majors clio_fdw supports,
 *		in one place.
 *
 * clio_fdw supports PostgreSQL 15 to 19.  The rest of the code is written
 * against one API: the macros and inline functions below map it onto each
 * major.  No other file tests PG_VERSION_NUM.
 *
 * Tested: 15 (Debian 12's package), 17, 18 and 19's release candidate
 * (built from Debian's source packages).  16 compiles through the same
 * guards as 15 and 17 but is not tested: no source of it is reachable
 * from the machines this project is built on.
 *
 * This header never includes planner or executor headers of its own; the
 * parts that need them are guarded by the headers their callers include.
 *
 * Copyright (c) 2026, clio_fdw developers
 *
 * IDENTIFICATION
 *		  include/clio_compat.h
 *
 *-------------------------------------------------------------------------
 */

/*
 * Each part below is wanted by defining its CLIO_COMPAT_ name before the
 * include and is read once, so a file may include this header again for
 * another part.
 */
#ifndef CLIO_COMPAT_H
#define CLIO_COMPAT_H

#include "postgres.h"

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 200000
#error "clio_fdw supports PostgreSQL 15 to 19"
#endif
#endif							/* CLIO_COMPAT_H */

/*
 * EXPLAIN: from 18 on, ExplainState and the ExplainProperty functions
 * live in headers of their own.  Included by the files that explain.
 */
#if defined(CLIO_COMPAT_EXPLAIN) && !defined(CLIO_COMPAT_EXPLAIN_DONE)
#define CLIO_COMPAT_EXPLAIN_DONE
#include "commands/explain.h"
#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif
#endif							/* CLIO_COMPAT_EXPLAIN */

/*
 * Planner: create_foreignscan_path, create_foreign_join_path and
 * create_foreign_upper_path gained fdw_restrictinfo in 17 and
 * disabled_nodes in 18; PathKey's btree strategy became a CompareType in
 * 18, and get_op_btree_interpretation became get_op_index_interpretation;
 * estimate_array_length takes the PlannerInfo from 17 on.
 */
#if defined(CLIO_COMPAT_PLANNER) && !defined(CLIO_COMPAT_PLANNER_DONE)
#define CLIO_COMPAT_PLANNER_DONE
#include "access/stratnum.h"
#include "optimizer/pathnode.h"
#include "utils/lsyscache.h"

#if PG_VERSION_NUM >= 180000
#define clio_create_foreignscan_path(root, rel, rows, startup, total, pathkeys, outer, priv) \
	create_foreignscan_path((root), (rel), NULL, (rows), 0, (startup), (total), \
							(pathkeys), (outer), NULL, NIL, (priv))
#elif PG_VERSION_NUM >= 170000
#define clio_create_foreignscan_path(root, rel, rows, startup, total, pathkeys, outer, priv) \
	create_foreignscan_path((root), (rel), NULL, (rows), (startup), (total), \
							(pathkeys), (outer), NULL, NIL, (priv))
#else
#define clio_create_foreignscan_path(root, rel, rows, startup, total, pathkeys, outer, priv) \
	create_foreignscan_path((root), (rel), NULL, (rows), (startup), (total), \
							(pathkeys), (outer), NULL, (priv))
#endif

#if PG_VERSION_NUM >= 180000
#define clio_create_foreign_upper_path(root, rel, target, rows, startup, total, priv) \
	create_foreign_upper_path((root), (rel), (target), (rows), 0, (startup), (total), \
							  NIL, NULL, NIL, (priv))
#elif PG_VERSION_NUM >= 170000
#define clio_create_foreign_upper_path(root, rel, target, rows, startup, total, priv) \
	create_foreign_upper_path((root), (rel), (target), (rows), (startup), (total), \
							  NIL, NULL, NIL, (priv))
#else
#define clio_create_foreign_upper_path(root, rel, target, rows, startup, total, priv) \
	create_foreign_upper_path((root), (rel), (target), (rows), (startup), (total), \
							  NIL, NULL, (priv))
#endif

/* Is a path key ascending (1), descending (-1), or neither (0)? */
static inline int
clio_pathkey_direction(const PathKey *pk)
{
#if PG_VERSION_NUM >= 180000
	if (pk->pk_cmptype == COMPARE_LT)
		return 1;
	if (pk->pk_cmptype == COMPARE_GT)
		return -1;
#else
	if (pk->pk_strategy == BTLessStrategyNumber)
		return 1;
	if (pk->pk_strategy == BTGreaterStrategyNumber)
		return -1;
#endif
	return 0;
}

/*
 * The comparison an operator stands for, as a btree strategy number
 * (BTLessStrategyNumber ... BTGreaterStrategyNumber, 6 for <>), or 0 when
 * its operator families disagree or it is no comparison at all.  The
 * numbers of 18's CompareType are the btree strategy numbers.
 */
static inline int
clio_operator_strategy(Oid opno)
{
	int			strategy = 0;
	ListCell   *lc;

#if PG_VERSION_NUM >= 180000
	foreach(lc, get_op_index_interpretation(opno))
	{
		OpIndexInterpretation *interp = lfirst(lc);
		int			s = (int) interp->cmptype;
#else
	foreach(lc, get_op_btree_interpretation(opno))
	{
		OpBtreeInterpretation *interp = lfirst(lc);
		int			s = interp->strategy;
#endif

		if (s < 1 || s > 6 || (strategy != 0 && strategy != s))
			return 0;
		strategy = s;
	}
	return strategy;
}

/* A foreign join's path, unparameterized and unsorted */
#if PG_VERSION_NUM >= 180000
#define clio_create_foreign_join_path(root, rel, rows, startup, total, priv) \
	create_foreign_join_path((root), (rel), NULL, (rows), 0, (startup), (total), \
							 NIL, NULL, NULL, NIL, (priv))
#elif PG_VERSION_NUM >= 170000
#define clio_create_foreign_join_path(root, rel, rows, startup, total, priv) \
	create_foreign_join_path((root), (rel), NULL, (rows), (startup), (total), \
							 NIL, NULL, NULL, NIL, (priv))
#else
#define clio_create_foreign_join_path(root, rel, rows, startup, total, priv) \
	create_foreign_join_path((root), (rel), NULL, (rows), (startup), (total), \
							 NIL, NULL, NULL, (priv))
#endif

#if PG_VERSION_NUM >= 170000
#define clio_estimate_array_length(root, expr) estimate_array_length((root), (expr))
#else
#define clio_estimate_array_length(root, expr) estimate_array_length(expr)
#endif
#endif							/* CLIO_COMPAT_PLANNER */

/*
 * The role whose user mapping a scan or a modify uses: 16 moved
 * checkAsUser from the range table entry into the plan (RTEPermissionInfo).
 * A scan with no relation of its own (an aggregate's or a join's, scanrelid 0) finds
 * its table among fs_relids, which 16 split into fs_base_relids, and opens
 * it with ExecGetRangeTableRelation, which 18 gave an isResultRel.
 */
#if defined(CLIO_COMPAT_EXECUTOR) && !defined(CLIO_COMPAT_EXECUTOR_DONE)
#define CLIO_COMPAT_EXECUTOR_DONE
#include "executor/executor.h"
#include "nodes/plannodes.h"
#include "parser/parsetree.h"

#if PG_VERSION_NUM >= 180000
#define clio_range_table_relation(estate, rti) \
	ExecGetRangeTableRelation((estate), (rti), false)
#else
#define clio_range_table_relation(estate, rti) \
	ExecGetRangeTableRelation((estate), (rti))
#endif
#if PG_VERSION_NUM >= 160000
#define clio_scan_base_relids(plan) ((plan)->fs_base_relids)
#define clio_scan_check_as_user(plan, rti, estate) ((plan)->checkAsUser)
#define clio_result_rel_check_as_user(rinfo, estate) \
	ExecGetResultRelCheckAsUser((rinfo), (estate))
#else
#define clio_scan_base_relids(plan) ((plan)->fs_relids)
#define clio_scan_check_as_user(plan, rti, estate) \
	(exec_rt_fetch((rti), (estate))->checkAsUser)
#define clio_result_rel_check_as_user(rinfo, estate) \
	(exec_rt_fetch((rinfo)->ri_RangeTableIndex, (estate))->checkAsUser)
#endif
#endif							/* CLIO_COMPAT_EXECUTOR */

/*
 * Wait events: from 17 on an extension names its own, so that
 * pg_stat_activity shows ClioResponse or ClioRateLimit; before, every wait
 * is the generic Extension event.
 */
#if defined(CLIO_COMPAT_WAIT_EVENTS) && !defined(CLIO_COMPAT_WAIT_EVENTS_DONE)
#define CLIO_COMPAT_WAIT_EVENTS_DONE
#include "utils/wait_event.h"

#if PG_VERSION_NUM >= 170000
#define CLIO_HAVE_NAMED_WAIT_EVENTS 1
#endif

/* The event for a request in flight (which = 0) or a rate-limit wait (1) */
static inline uint32
clio_wait_event(int which)
{
#ifdef CLIO_HAVE_NAMED_WAIT_EVENTS
	static uint32 events[2];

	if (events[which] == 0)
		events[which] = WaitEventExtensionNew(which == 0 ? "ClioResponse" : "ClioRateLimit");
	return events[which];
#else
	(void) which;
	return PG_WAIT_EXTENSION;
#endif
}
#endif							/* CLIO_COMPAT_WAIT_EVENTS */

/*
 * Privileges: 16 replaced the per-object aclcheck functions with
 * object_aclcheck; 15 has pg_foreign_server_aclcheck.
 */
#if defined(CLIO_COMPAT_ACL) && !defined(CLIO_COMPAT_ACL_DONE)
#define CLIO_COMPAT_ACL_DONE
#include "catalog/pg_foreign_server.h"
#include "utils/acl.h"

#if PG_VERSION_NUM >= 160000
#define clio_server_aclcheck(serverid, roleid, mode) \
	object_aclcheck(ForeignServerRelationId, (serverid), (roleid), (mode))
#else
#define clio_server_aclcheck(serverid, roleid, mode) \
	pg_foreign_server_aclcheck((serverid), (roleid), (mode))
#endif
#endif							/* CLIO_COMPAT_ACL */
