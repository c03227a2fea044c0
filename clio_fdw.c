/*-------------------------------------------------------------------------
 *
 * clio_fdw.c
 *		  Foreign-data wrapper for the Clio Manage API v4: the module's face
 *
 * Library load (_PG_init), the handler that hands PostgreSQL the callbacks
 * of src/clio_plan.c, src/clio_scan.c, src/clio_join.c, src/clio_count.c,
 * src/clio_modify.c and src/clio_analyze.c, the planner
 * hook that keeps JIT out of plans whose cost is Clio's round trips, the
 * utility hook that tells src/clio_xact.c when a transaction block
 * begins, and IMPORT FOREIGN SCHEMA (src/clio_import.c).  It plans, runs and sends
 * nothing itself.
 *
 * IDENTIFICATION
 *		  clio_fdw.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "clio_analyze.h"
#include "clio_catalog.h"
#include "clio_count.h"
#include "clio_fdw.h"
#include "clio_http.h"
#include "clio_import.h"
#include "clio_join.h"
#include "clio_json.h"
#include "clio_modify.h"
#include "clio_plan.h"
#include "clio_scan.h"
#include "clio_xact.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "jit/jit.h"
#include "miscadmin.h"
#include "nodes/plannodes.h"
#include "optimizer/planner.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/syscache.h"

#ifdef PG_MODULE_MAGIC_EXT
PG_MODULE_MAGIC_EXT(.name = "clio_fdw",.version = CLIO_FDW_VERSION);
#else
PG_MODULE_MAGIC;
#endif

PG_FUNCTION_INFO_V1(clio_fdw_handler);

void		_PG_init(void);
static void clio_usermapping_changed(Datum arg, int cacheid, uint32 hashvalue);
static ForeignScan *clio_get_foreign_plan(PlannerInfo *root, RelOptInfo *foreignrel,
										  Oid foreigntableid, ForeignPath *best_path,
										  List *tlist, List *scan_clauses,
										  Plan *outer_plan);
static PlannedStmt *clio_planner(Query *parse, const char *query_string,
								 int cursorOptions, ParamListInfo boundParams);
static List *clioImportForeignSchema(ImportForeignSchemaStmt *stmt,
									 Oid serverOid);
static void clio_utility(PlannedStmt *pstmt, const char *queryString,
						 bool readOnlyTree, ProcessUtilityContext context,
						 ParamListInfo params, QueryEnvironment *queryEnv,
						 DestReceiver *dest, QueryCompletion *qc);

static planner_hook_type prev_planner_hook = NULL;
static ProcessUtility_hook_type prev_utility_hook = NULL;

/*
 * clio_utility
 *		BEGIN and START TRANSACTION open a transaction block: writes to Clio
 *		inside it are warned about or refused (src/clio_modify.c).  After
 *		IMPORT FOREIGN SCHEMA, the comments of the tables it created
 *		(src/clio_import.c).  Nothing else is looked at.
 */
static void
clio_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
			 ProcessUtilityContext context, ParamListInfo params,
			 QueryEnvironment *queryEnv, DestReceiver *dest,
			 QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;
	TransactionStmt *xstmt = stmt && IsA(stmt, TransactionStmt) ?
		(TransactionStmt *) stmt : NULL;

	if (xstmt && (xstmt->kind == TRANS_STMT_BEGIN ||
				  xstmt->kind == TRANS_STMT_START))
		clio_xact_block_begins(false);
	/* COMMIT AND CHAIN, ROLLBACK AND CHAIN: a new block when this one ends */
	if (xstmt && xstmt->chain)
		clio_xact_block_begins(true);
	if (stmt && IsA(stmt, ImportForeignSchemaStmt))
	{
		clio_import_hook(true);
		clio_import_begin();
		PG_TRY();
		{
			if (prev_utility_hook)
				prev_utility_hook(pstmt, queryString, readOnlyTree, context,
								  params, queryEnv, dest, qc);
			else
				standard_ProcessUtility(pstmt, queryString, readOnlyTree,
										context, params, queryEnv, dest, qc);
		}
		PG_FINALLY();
		{
			clio_import_hook(false);
		}
		PG_END_TRY();
		/* the comments of the tables the import has just created */
		clio_import_finish(((ImportForeignSchemaStmt *) stmt)->local_schema);
		return;
	}
	if (prev_utility_hook)
		prev_utility_hook(pstmt, queryString, readOnlyTree, context, params,
						  queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

/* ----------------------------------------------------------------
 *		The planner hook
 * ----------------------------------------------------------------
 */


/*
 * clio_request_cost
 *		The part of a plan's cost that is Clio's round trips: the cost of
 *		each of our foreign scans, times the times it runs as the inner side
 *		of a nested loop.  Other nodes that run a child many times (SubPlans,
 *		Memoize) are counted once or as a nested loop says: the error only
 *		ever leaves JIT as PostgreSQL would have it.
 */
static Cost
clio_request_cost(Plan *plan, double loops)
{
	Cost		cost = 0;
	List	   *children = NIL;
	ListCell   *lc;

	if (plan == NULL)
		return 0;
	check_stack_depth();
	if (IsA(plan, ForeignScan))
	{
		ForeignScan *fs = (ForeignScan *) plan;

		if (OidIsValid(fs->fs_server) &&
			GetFdwRoutineByServerId(fs->fs_server)->GetForeignPlan == clio_get_foreign_plan)
			cost += loops * plan->total_cost;
	}
	if (IsA(plan, NestLoop))
		return cost + clio_request_cost(plan->lefttree, loops) +
			clio_request_cost(plan->righttree,
							  loops * Max(plan->lefttree->plan_rows, 1));
	switch (nodeTag(plan))
	{
		case T_Append:
			children = ((Append *) plan)->appendplans;
			break;
		case T_MergeAppend:
			children = ((MergeAppend *) plan)->mergeplans;
			break;
		case T_SubqueryScan:
			children = list_make1(((SubqueryScan *) plan)->subplan);
			break;
		case T_CustomScan:
			children = ((CustomScan *) plan)->custom_plans;
			break;
		default:
			break;
	}
	foreach(lc, children)
		cost += clio_request_cost((Plan *) lfirst(lc), loops);
	return cost + clio_request_cost(plan->lefttree, loops) +
		clio_request_cost(plan->righttree, loops);
}

/*
 * clio_planner
 *		PostgreSQL JIT-compiles a plan that costs more than jit_above_cost,
 *		and our costs are round trips (1,000 a request by default): a scan
 *		of a hundred pages would be compiled, for nothing -- its time is the
 *		network -- at the price of LLVM in the backend (~50 MB).  So the JIT
 *		decision is taken again on the plan's cost without Clio's round
 *		trips, with PostgreSQL's own thresholds.
 */
static PlannedStmt *
clio_planner(Query *parse, const char *query_string, int cursorOptions,
			 ParamListInfo boundParams)
{
	PlannedStmt *stmt;

	if (prev_planner_hook)
		stmt = prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	else
		stmt = standard_planner(parse, query_string, cursorOptions, boundParams);

	if ((stmt->jitFlags & PGJIT_PERFORM) && stmt->planTree != NULL)
	{
		Cost		requests = clio_request_cost(stmt->planTree, 1);
		ListCell   *lc;
		Cost		local;

		foreach(lc, stmt->subplans)
			requests += clio_request_cost((Plan *) lfirst(lc), 1);
		local = stmt->planTree->total_cost - requests;
		if (requests > 0)
		{
			if (local <= jit_above_cost)
				stmt->jitFlags = PGJIT_NONE;
			else
			{
				if (jit_optimize_above_cost >= 0 && local <= jit_optimize_above_cost)
					stmt->jitFlags &= ~PGJIT_OPT3;
				if (jit_inline_above_cost >= 0 && local <= jit_inline_above_cost)
					stmt->jitFlags &= ~PGJIT_INLINE;
			}
		}
	}
	return stmt;
}

/*
 * clio_usermapping_changed
 *		Syscache callback.
 */
static void
clio_usermapping_changed(Datum arg, int cacheid, uint32 hashvalue)
{
	clio_http_forget_tokens();
}

/*
 * _PG_init
 *		Library load: set up libcurl and reserve our GUC prefix.
 */
void
_PG_init(void)
{
	clio_http_init();
	clio_json_init();
	clio_xact_init();
	/* a user mapping changed: its refreshed tokens no longer apply */
	CacheRegisterSyscacheCallback(USERMAPPINGOID, clio_usermapping_changed, (Datum) 0);
	prev_planner_hook = planner_hook;
	planner_hook = clio_planner;
	prev_utility_hook = ProcessUtility_hook;
	ProcessUtility_hook = clio_utility;
	MarkGUCPrefixReserved("clio_fdw");
}

/*
 * clio_get_foreign_plan
 *		The plan of a table's scan, or of a count(*) path (an upper rel).
 */
static ForeignScan *
clio_get_foreign_plan(PlannerInfo *root, RelOptInfo *foreignrel,
					  Oid foreigntableid, ForeignPath *best_path, List *tlist,
					  List *scan_clauses, Plan *outer_plan)
{
	if (IS_UPPER_REL(foreignrel))
		return clioGetCountPlan(root, foreignrel, best_path, tlist, outer_plan);
	return clioGetForeignPlan(root, foreignrel, foreigntableid, best_path, tlist,
							  scan_clauses, outer_plan);
}

/*
 * clio_fdw_handler
 *		The FdwRoutine with clio_fdw's callbacks.
 */
Datum
clio_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = clioGetForeignRelSize;
	routine->GetForeignPaths = clioGetForeignPaths;
	routine->GetForeignPlan = clio_get_foreign_plan;
	routine->GetForeignJoinPaths = clioGetForeignJoinPaths;
	routine->GetForeignUpperPaths = clioGetForeignUpperPaths;
	routine->BeginForeignScan = clioBeginForeignScan;
	routine->IterateForeignScan = clioIterateForeignScan;
	routine->ReScanForeignScan = clioReScanForeignScan;
	routine->EndForeignScan = clioEndForeignScan;
	routine->ExplainForeignScan = clioExplainForeignScan;
	routine->ImportForeignSchema = clioImportForeignSchema;
	routine->AnalyzeForeignTable = clioAnalyzeForeignTable;

	/* src/clio_modify.c */
	routine->AddForeignUpdateTargets = clioAddForeignUpdateTargets;
	routine->PlanForeignModify = clioPlanForeignModify;
	routine->BeginForeignModify = clioBeginForeignModify;
	routine->ExecForeignInsert = clioExecForeignInsert;
	routine->ExecForeignUpdate = clioExecForeignUpdate;
	routine->ExecForeignDelete = clioExecForeignDelete;
	routine->EndForeignModify = clioEndForeignModify;
	routine->IsForeignRelUpdatable = clioIsForeignRelUpdatable;
	routine->ExplainForeignModify = clioExplainForeignModify;
	routine->PlanDirectModify = clioPlanDirectModify;
	routine->BeginDirectModify = clioBeginDirectModify;
	routine->IterateDirectModify = clioIterateDirectModify;
	routine->EndDirectModify = clioEndDirectModify;
	routine->ExplainDirectModify = clioExplainDirectModify;

	PG_RETURN_POINTER(routine);
}


/* ----------------------------------------------------------------
 *		IMPORT FOREIGN SCHEMA
 * ----------------------------------------------------------------
 */

/*
 * clioImportForeignSchema
 *		One CREATE FOREIGN TABLE per Clio collection (src/clio_import.c).
 */
static List *
clioImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	return clio_import_commands(stmt, serverOid);
}
