/*-------------------------------------------------------------------------
 *
 * clio_xact.h
 *		  Writes that stay applied: transactions and partial failures
 *
 * Declares what src/clio_xact.c defines.
 *
 * IDENTIFICATION
 *		  include/clio_xact.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_XACT_H
#define CLIO_XACT_H

#include "clio_option.h"
#include "nodes/nodes.h"
#include "nodes/pg_list.h"
#include "utils/elog.h"
#include "utils/palloc.h"
#include "utils/relcache.h"

/*
 * The records one write statement has had Clio apply so far.
 */
typedef struct ClioApplied
{
	Relation	rel;			/* the table written */
	CmdType		operation;
	int64		rows;			/* rows of the statement handled so far */
	int64		accepted;		/* of those, rows Clio changed */
	List	   *ids;			/* their ids (char *, in cxt) */
	MemoryContext cxt;			/* the statement's */
} ClioApplied;

/* in src/clio_xact.c */
extern void clio_xact_applied_init(ClioApplied *a, Relation rel,
								   CmdType operation);
extern char *clio_xact_row_detail(ClioApplied *a);
extern void clio_xact_note_applied(ClioApplied *a, const char *id);
extern char *clio_xact_resume_hint(ClioApplied *a);
extern ErrorData *clio_xact_applied_error(ClioApplied *a, MemoryContext cxt);
extern void clio_xact_refuse_in_block(const ClioOptions *opts,
									  const char *verb, Relation rel);
extern void clio_xact_before_write(const ClioOptions *opts);
extern void clio_xact_after_write(void);
extern void clio_xact_init(void);
extern void clio_xact_block_begins(bool chained);

#endif							/* CLIO_XACT_H */
