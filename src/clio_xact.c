/*-------------------------------------------------------------------------
 *
 * clio_xact.c
 *		  Writes that stay applied: transactions and partial failures
 *
 * Clio has no transactions: a write it accepted stays applied whether the
 * PostgreSQL transaction commits or rolls back.  This file keeps what the
 * session knows of that: whether the transaction is a block the user began
 * (told by clio_fdw.c's utility hook), whether it wrote to Clio (PREPARE
 * TRANSACTION is then refused), and the server option transactional_writes
 * ('refuse' or 'warn' a write inside a block).  And, for one write
 * statement, the records Clio has applied so far: the error of a later
 * row says which, and how to finish without applying them twice.
 *
 * It sends nothing; src/clio_modify.c calls it around each request.
 *
 * IDENTIFICATION
 *		  src/clio_xact.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "clio_column.h"
#include "clio_xact.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"

/* Ids of applied records an error lists (the server log gets them all) */
#define CLIO_APPLIED_SHOWN 20

/* Whether this transaction has written to Clio (see clio_xact_callback) */
static bool clio_xact_wrote = false;

/* Whether this transaction was warned that ROLLBACK will not undo writes */
static bool clio_xact_warned = false;

/*
 * Whether this transaction is a block the user began (BEGIN or START
 * TRANSACTION, seen by clio_fdw.c's utility hook).  IsTransactionBlock()
 * alone is also true inside the subtransaction of a PL/pgSQL exception
 * block run as a statement of its own, which ROLLBACK is not about.
 */
static bool clio_xact_block = false;

/* Whether the block that ends next is followed by another (AND CHAIN) */
static bool clio_xact_chain = false;

static void clio_xact_callback(XactEvent event, void *arg);
static char *clio_applied_list(ClioApplied *a, int limit);

/* ----------------------------------------------------------------
 *		One statement's applied records
 * ----------------------------------------------------------------
 */

/*
 * clio_xact_applied_init
 *		Start counting the rows of a statement writing to rel.  The ids live
 *		in the current memory context, the statement's.
 */
void
clio_xact_applied_init(ClioApplied *a, Relation rel, CmdType operation)
{
	memset(a, 0, sizeof(*a));
	a->rel = rel;
	a->operation = operation;
	a->cxt = CurrentMemoryContext;
}

/*
 * clio_xact_row_detail
 *		What the error of a failed row adds: which row, and what Clio kept.
 */
char *
clio_xact_row_detail(ClioApplied *a)
{
	const char *done;

	if (a->rows == 0)
		return psprintf("This was row 1 of the statement.");
	if (a->accepted == 0)
		return psprintf("This was row " INT64_FORMAT " of the statement; Clio had applied none of the rows before it.",
						a->rows + 1);
	done = a->operation == CMD_INSERT ? "created" :
		a->operation == CMD_DELETE ? "deleted" : "changed";
	return psprintf("This was row " INT64_FORMAT " of the statement; Clio had already %s " INT64_FORMAT " record(s), which stay %s in Clio: %s %s.",
					a->rows + 1, done, a->accepted, done,
					list_length(a->ids) > 1 ? "ids" : "id",
					clio_applied_list(a, CLIO_APPLIED_SHOWN));
}

/*
 * clio_xact_note_applied
 *		Remember the id of a record Clio applied the statement to (NULL when
 *		Clio sent none back), for the error of a later row.  The list lives
 *		as long as the statement and holds one id per row written.
 */
void
clio_xact_note_applied(ClioApplied *a, const char *id)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(a->cxt);

	a->accepted++;
	if (id)
		a->ids = lappend(a->ids, pstrdup(id));
	MemoryContextSwitchTo(oldcxt);
}

/*
 * clio_applied_list
 *		"1, 2, 3" for the applied records, at most limit of them (0: all)
 *		and "and N more"; ids that are not integers are quoted literals, so
 *		that the list can go into NOT IN (...).
 */
static char *
clio_applied_list(ClioApplied *a, int limit)
{
	StringInfoData buf;
	ListCell   *lc;
	int			n = 0;
	int64		unknown = a->accepted - list_length(a->ids);

	initStringInfo(&buf);
	foreach(lc, a->ids)
	{
		const char *id = lfirst(lc);

		if (limit > 0 && n == limit)
			break;
		if (n++ > 0)
			appendStringInfoString(&buf, ", ");
		if (id[0] != '\0' && strspn(id, "0123456789") == strlen(id))
			appendStringInfoString(&buf, id);
		else
			appendStringInfoString(&buf, quote_literal_cstr(id));
	}
	if (list_length(a->ids) > n)
		appendStringInfo(&buf, " and %d more", list_length(a->ids) - n);
	if (unknown > 0)
		appendStringInfo(&buf, "%s" INT64_FORMAT " whose id Clio did not send back",
						 n > 0 ? "; " : "", unknown);
	return buf.data;
}

/*
 * clio_xact_resume_hint
 *		How to finish a statement that failed after Clio applied some of
 *		its rows, without applying them twice.
 */
char *
clio_xact_resume_hint(ClioApplied *a)
{
	AttrNumber	idatt = clio_column_reading(a->rel, "id");
	const char *idcol = idatt == InvalidAttrNumber ? "id" :
		quote_identifier(NameStr(TupleDescAttr(RelationGetDescr(a->rel), idatt - 1)->attname));
	bool		all_shown = list_length(a->ids) <= CLIO_APPLIED_SHOWN &&
		list_length(a->ids) == a->accepted;
	char	   *ids = all_shown ? clio_applied_list(a, 0) : NULL;

	switch (a->operation)
	{
		case CMD_DELETE:
			return pstrdup("The records Clio deleted are gone: running the statement again deletes only the others.");
		case CMD_INSERT:
			return psprintf("To finish without creating those records twice, insert only the rows after row " INT64_FORMAT " (for INSERT ... SELECT, the same query with a fixed ORDER BY and OFFSET " INT64_FORMAT ").",
							a->rows, a->rows);
		default:
			if (ids)
				return psprintf("To finish without changing those records twice, run the statement again with AND %s NOT IN (%s) added to its WHERE clause.",
								idcol, ids);
			return psprintf("To finish without changing those records twice, run the statement again with AND %s NOT IN (...) listing the " INT64_FORMAT " records changed; the server log lists their ids.",
							idcol, a->accepted);
	}
}

/*
 * clio_xact_applied_error
 *		In the PG_CATCH of a request that failed after Clio applied rows of
 *		the statement (a->accepted > 0): the error, copied out of the error
 *		state into cxt, with the hint of how to finish without applying
 *		them twice; every id goes to the server log when the error cannot
 *		list them all.  The caller re-throws it.
 */
ErrorData *
clio_xact_applied_error(ClioApplied *a, MemoryContext cxt)
{
	ErrorData  *edata;

	Assert(a->accepted > 0);
	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	FlushErrorState();
	edata->hint = clio_xact_resume_hint(a);
	if (list_length(a->ids) > CLIO_APPLIED_SHOWN)
		ereport(LOG,
				(errmsg("the failed statement on \"%s\" had applied " INT64_FORMAT " record(s) in Clio: ids %s",
						RelationGetRelationName(a->rel), a->accepted,
						clio_applied_list(a, 0)),
				 errhidestmt(true)));
	return edata;
}

/* ----------------------------------------------------------------
 *		Transactions
 * ----------------------------------------------------------------
 */

/*
 * clio_xact_refuse_in_block
 *		transactional_writes 'refuse': no write inside a transaction block,
 *		before any request of the statement.  verb is "insert into",
 *		"update" or "delete from".
 */
void
clio_xact_refuse_in_block(const ClioOptions *opts, const char *verb,
						  Relation rel)
{
	if (opts->transactional_writes != CLIO_XACT_WRITES_REFUSE ||
		!clio_xact_block || !IsTransactionBlock())
		return;
	ereport(ERROR,
			(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
			 errmsg("cannot %s foreign table \"%s\" inside a transaction block",
					verb, RelationGetRelationName(rel)),
			 errdetail("Server \"%s\" has transactional_writes 'refuse': Clio applies each write at once, and ROLLBACK could not undo it.",
					   GetForeignServer(opts->serverid)->servername),
			 errhint("Run the statement outside BEGIN ... COMMIT, or set the server option transactional_writes to 'warn' or 'allow'.")));
}

/*
 * clio_xact_before_write
 *		Before a write request.  transactional_writes 'warn': once per
 *		transaction, before its first write inside a transaction block.
 */
void
clio_xact_before_write(const ClioOptions *opts)
{
	if (opts->transactional_writes != CLIO_XACT_WRITES_WARN ||
		clio_xact_warned || !clio_xact_block || !IsTransactionBlock())
		return;
	clio_xact_warned = true;
	ereport(WARNING,
			(errcode(ERRCODE_WARNING),
			 errmsg("writes to Clio are applied at once and ROLLBACK will not undo them"),
			 errdetail("Clio has no transactions: each INSERT, UPDATE and DELETE on a Clio table is applied when its statement runs, and stays applied whether this transaction commits or rolls back."),
			 errhint("Set the server option transactional_writes to 'refuse' to refuse writes inside a transaction block, or to 'allow' to silence this warning.")));
}

/*
 * clio_xact_after_write
 *		After a write request Clio accepted: this transaction has written.
 */
void
clio_xact_after_write(void)
{
	clio_xact_wrote = true;
}

/*
 * clio_xact_callback
 *		Clio's changes cannot be prepared for two-phase commit: they are
 *		already made.  Refuse PREPARE TRANSACTION after a write.
 */
static void
clio_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_PREPARE:
			if (clio_xact_wrote)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot prepare a transaction that wrote to Clio"),
						 errdetail("Clio's changes are made when each statement runs and cannot take part in two-phase commit.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			clio_xact_wrote = false;
			clio_xact_warned = false;
			clio_xact_block = clio_xact_chain;
			clio_xact_chain = false;
			break;
		default:
			break;
	}
}

/*
 * clio_xact_init
 *		From _PG_init.
 */
void
clio_xact_init(void)
{
	RegisterXactCallback(clio_xact_callback, NULL);
	/* loaded by the first statement after BEGIN: the block began unseen */
	clio_xact_block = IsTransactionBlock();
}

/*
 * clio_xact_block_begins
 *		From clio_fdw.c's utility hook: at BEGIN or START TRANSACTION, or
 *		(chained) at COMMIT or ROLLBACK AND CHAIN, whose new block begins
 *		when the transaction ends.
 */
void
clio_xact_block_begins(bool chained)
{
	if (chained)
		clio_xact_chain = true;
	else
		clio_xact_block = true;
}
