/*-------------------------------------------------------------------------
 *
 * clio_modify.c
 *		  INSERT, UPDATE and DELETE as Clio's POST, PATCH and DELETE
 *
 * INSERT sends only the columns the statement gives; UPDATE sends only the
 * SET columns, with the row's etag in If-Match so that a record changed by
 * someone else since it was read fails with SQLSTATE 40001; DELETE sends
 * DELETE.  RETURNING is answered from the record Clio sends back (the
 * fields parameter asks for exactly the columns RETURNING needs), never by
 * an extra GET.  UPDATE/DELETE ... WHERE id = <value> with nothing else to
 * check is a direct modify: one request, no scan.
 *
 * Clio's changes are not transactional: a request that succeeded stays
 * done when the PostgreSQL transaction rolls back.  src/clio_xact.c warns
 * about or refuses a write inside a transaction block (server option
 * transactional_writes), and keeps the rows of the statement Clio has
 * applied, so that an error says which and how to finish without applying
 * them twice.
 *
 * Requests (and the text EXPLAIN shows for them) are built by
 * src/clio_request.c, bodies by src/clio_json.c, and sent by
 * src/clio_client.c: no HTTP or JSON code here.  Clio's write quirks come
 * from the catalog's flags (link_after_create), never from a table name.
 *
 * IDENTIFICATION
 *		  src/clio_modify.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#define CLIO_COMPAT_EXECUTOR
#define CLIO_COMPAT_PLANNER
#include "clio_compat.h"
#include "clio_client.h"
#include "clio_column.h"
#include "clio_custom.h"
#include "clio_deparse.h"
#include "clio_json.h"
#include "clio_json_body.h"
#include "clio_modify.h"
#include "clio_option.h"
#include "clio_request.h"
#include "clio_text.h"
#include "clio_xact.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/appendinfo.h"
#include "optimizer/inherit.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

/* Names of the row-identity columns an UPDATE or DELETE carries */
#define CLIO_ROWID_ID "clio_id"
#define CLIO_ROWID_ETAG "clio_etag"
#define CLIO_ROWID_ROW "clio_row"

/*
 * fdw_private of a ModifyTable (and of a direct-modify ForeignScan).
 */
enum ClioModifyPrivate
{
	ClioModTable,				/* String: catalog table name */
	ClioModTargetAttrs,			/* List of Integer: columns written */
	ClioModReturning,			/* List of Integer: columns RETURNING reads */
	ClioModFields,				/* String: fields parameter ("" for none) */
	ClioModIdConst,				/* String: direct modify's constant id, or "" */
	ClioModIdIsExpr,			/* Integer: direct modify's id is fdw_exprs[0] */
	ClioModSetProcessed,		/* Integer: direct modify counts its rows in
								 * es_processed (the statement's own
								 * ModifyTable, not a CTE's) */
	ClioModNSlots
};

/*
 * Executor state of a modification (both kinds).
 */
typedef struct ClioModifyState
{
	ClioOptions opts;
	ClioConn   *conn;
	Relation	rel;
	const ClioCollection *coll;
	CmdType		operation;

	ClioWriteCol *wcols;		/* columns written */
	int			nwcols;
	bool		custom;			/* some of them are custom fields' */
	Oid			userid;			/* whose user mapping */
	ClioColMap *rcols;			/* columns RETURNING reads */
	int			nrcols;
	char	   *fields;			/* fields parameter, or NULL */

	AttrNumber	idAttno;		/* junk columns in the subplan's output */
	AttrNumber	etagAttno;
	AttrNumber	rowAttno;

	/* direct modify */
	List	   *param_exprs;	/* id expression (if not constant), then
								 * the SET expressions */
	char	   *id_const;
	bool		done;
	bool		has_row;		/* a row for RETURNING */
	bool		set_processed;

	ClioApplied applied;		/* the rows Clio applied, for an error */
	MemoryContext row_cxt;
	ClioStats	stats;
} ClioModifyState;

static const char *clio_method_name(CmdType op);
static void clio_check_method(const ClioCollection *coll, CmdType op,
							  Relation rel);
static ClioWriteCol *clio_write_cols(Relation rel, const ClioCollection *coll,
									 List *attnums, CmdType op, bool check,
									 int *ncols);
static char *clio_returning_fields(Relation rel, const ClioCollection *coll,
								   List *attnums);
static ClioModifyState *clio_modify_state(Relation rel, Oid userid,
										  List *fdw_private, CmdType op,
										  MemoryContext parent);
static Datum *clio_write_spelling(ClioModifyState *ms, Datum *values,
								  bool *nulls, int natts);
static bool clio_send_write(ClioModifyState *ms, const char *method,
							const char *id, const char *body,
							const char *if_match, bool with_fields,
							ClioPage **page);
static void clio_fill_returning(ClioModifyState *ms, ClioPage *page,
								TupleTableSlot *slot);
static List *clio_modify_private(const ClioCollection *coll, List *targetAttrs,
								 List *retAttrs, char *fields,
								 char *id_const, bool id_is_expr,
								 bool set_processed);
static const char *clio_insert_link(const ClioCollection *coll,
									ClioWriteCol *cols, int ncols);
static char *clio_junk_text(TupleTableSlot *planSlot, AttrNumber attno);
static char *clio_row_id(ClioModifyState *ms, TupleTableSlot *planSlot);

/* ----------------------------------------------------------------
 *		Planning
 * ----------------------------------------------------------------
 */

static const char *
clio_method_name(CmdType op)
{
	switch (op)
	{
		case CMD_INSERT:
			return "insert into";
		case CMD_UPDATE:
			return "update";
		case CMD_DELETE:
			return "delete from";
		default:
			return "change";
	}
}

/*
 * clio_check_method
 *		ERROR unless Clio offers the method a command needs.
 */
static void
clio_check_method(const ClioCollection *coll, CmdType op, Relation rel)
{
	bool		ok;
	StringInfoData allowed;

	switch (op)
	{
		case CMD_INSERT:
			ok = coll->can_post;
			break;
		case CMD_UPDATE:
			ok = coll->can_patch;
			break;
		case CMD_DELETE:
			ok = coll->can_delete;
			break;
		default:
			ok = false;
	}
	if (ok)
		return;

	initStringInfo(&allowed);
	appendStringInfoString(&allowed, "SELECT");
	if (coll->can_post)
		appendStringInfoString(&allowed, ", INSERT");
	if (coll->can_patch)
		appendStringInfoString(&allowed, ", UPDATE");
	if (coll->can_delete)
		appendStringInfoString(&allowed, ", DELETE");
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot %s foreign table \"%s\"", clio_method_name(op),
					RelationGetRelationName(rel)),
			 errdetail("Clio's API allows only %s on %s.",
					   allowed.data, coll->table)));
}

/*
 * clio_write_cols
 *		How each written column goes into the request body.  With check,
 *		a column Clio does not accept for the operation is an ERROR.
 */
static ClioWriteCol *
clio_write_cols(Relation rel, const ClioCollection *coll, List *attnums,
				CmdType op, bool check, int *ncols)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	ClioWriteCol *cols = palloc0(sizeof(ClioWriteCol) * Max(list_length(attnums), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, attnums)
	{
		AttrNumber	attnum = lfirst_int(lc);
		Form_pg_attribute attr = TupleDescAttr(tupdesc, attnum - 1);
		ClioColumnRef ref;
		ClioWriteCol *col = &cols[n++];
		Oid			outfunc;
		bool		isvarlena;
		bool		writable;

		clio_resolve_column(rel, attnum, coll, &ref);
		writable = ref.cf_id != 0 || (ref.cat != NULL &&
									  (op == CMD_INSERT ? ref.cat->insertable : ref.cat->updatable));
		if (check && ref.cf_id == 0 && ref.cat && strcmp(ref.cat->field, CLIO_CF_FIELD) == 0)
		{
			ListCell   *oc;

			foreach(oc, attnums)
			{
				if (clio_column_custom_field(RelationGetRelid(rel), lfirst_int(oc)) != 0)
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_COLUMN_NAME),
							 errmsg("cannot set \"%s\" and a custom field's column in one statement",
									NameStr(attr->attname)),
							 errhint("Set the custom fields' columns, or the whole list, not both.")));
			}
		}
		if (check && !writable)
		{
			const char *field = ref.cat ? ref.cat->name : ref.name;
			bool		readonly = ref.cat != NULL &&
				!ref.cat->insertable && !ref.cat->updatable;

			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_COLUMN_NAME),
					 errmsg("cannot %s column \"%s\" of foreign table \"%s\"",
							op == CMD_INSERT ? "insert into" : "update",
							NameStr(attr->attname), RelationGetRelationName(rel)),
					 ref.cat == NULL ?
					 errdetail("The column reads \"%s\", a field of an association; set the association's id instead.",
							   field) :
					 readonly ?
					 errdetail("Clio sets \"%s\" of %s itself; it is read-only.",
							   field, coll->table) :
					 errdetail("Clio does not accept \"%s\" when %s %s.",
							   field, op == CMD_INSERT ? "creating" : "changing",
							   coll->table)));
		}

		col->attnum = attnum;
		col->colname = pstrdup(NameStr(attr->attname));
		col->typid = attr->atttypid;
		getTypeOutputInfo(attr->atttypid, &outfunc, &isvarlena);
		fmgr_info(outfunc, &col->output);
		col->key = ref.field;
		col->cf_id = ref.cf_id;
		if (ref.cat && ref.cat->write_nested)
		{
			/* a scalar X_id is written as X: {"id": ...} */
			col->key = ref.cat->write_nested;
			col->subkey = "id";
		}
		else if (ref.cat && (ref.cat->kind == CLIO_COL_NESTED_ID ||
							 ref.cat->kind == CLIO_COL_NESTED_TYPE))
			col->subkey = ref.subfield;
		/* a value as the write enum spells it (matters' status: open) */
		if (ref.cat && ref.cat->write_enumvals && ref.subfield == NULL &&
			(attr->atttypid == TEXTOID || attr->atttypid == VARCHAROID))
		{
			col->write_enumvals = ref.cat->write_enumvals;
			col->enumvals = ref.cat->enumvals;
		}
	}
	*ncols = n;
	return cols;
}

/*
 * clio_returning_fields
 *		The fields parameter that makes Clio send back what RETURNING reads.
 */
static char *
clio_returning_fields(Relation rel, const ClioCollection *coll, List *attnums)
{
	List	   *uses = NIL;
	ListCell   *lc;

	if (attnums == NIL)
		return "";
	foreach(lc, attnums)
	{
		ClioColumnRef ref;

		clio_resolve_column(rel, lfirst_int(lc), coll, &ref);
		uses = clio_fields_add(uses, ref.field, ref.request);
	}
	return clio_fields_string(uses);
}

/*
 * clioAddForeignUpdateTargets
 *		An UPDATE or DELETE identifies rows by the id column, and carries the
 *		etag for If-Match.  A DELETE with RETURNING also carries the whole
 *		row, since Clio answers a DELETE with no body.
 */
void
clioAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
							RangeTblEntry *target_rte, Relation target_relation)
{
	AttrNumber	idatt = clio_column_reading(target_relation, "id");
	AttrNumber	etagatt = clio_column_reading(target_relation, "etag");
	Form_pg_attribute attr;
	Var		   *var;

	if (idatt == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
				 errmsg("foreign table \"%s\" has no column for Clio's id",
						RelationGetRelationName(target_relation)),
				 errhint("UPDATE and DELETE find records by id: add a column \"id\" (or one with OPTIONS (field 'id')).")));

	attr = TupleDescAttr(RelationGetDescr(target_relation), idatt - 1);
	var = makeVar(rtindex, idatt, attr->atttypid, attr->atttypmod,
				  attr->attcollation, 0);
	add_row_identity_var(root, var, rtindex, CLIO_ROWID_ID);

	if (etagatt != InvalidAttrNumber)
	{
		attr = TupleDescAttr(RelationGetDescr(target_relation), etagatt - 1);
		var = makeVar(rtindex, etagatt, attr->atttypid, attr->atttypmod,
					  attr->attcollation, 0);
		add_row_identity_var(root, var, rtindex, CLIO_ROWID_ETAG);
	}

	if (root->parse->commandType == CMD_DELETE && root->parse->returningList != NIL)
	{
		var = makeWholeRowVar(target_rte, rtindex, 0, false);
		add_row_identity_var(root, var, rtindex, CLIO_ROWID_ROW);
	}
}

/*
 * clioPlanForeignModify
 *		Check that Clio allows the command and every column it writes, and
 *		decide what the request asks back for RETURNING.
 */
List *
clioPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
					  Index resultRelation, int subplan_index)
{
	CmdType		operation = plan->operation;
	RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
	Relation	rel = table_open(rte->relid, NoLock);
	ClioOptions opts;
	List	   *targetAttrs = NIL;
	List	   *retAttrs = NIL;
	char	   *fields;
	int			ncols;

	clio_table_options(rte->relid, &opts);
	clio_check_method(opts.coll, operation, rel);

	if (operation == CMD_INSERT)
	{
		ListCell   *lc;

		/* only the columns the statement gives; Clio supplies the rest */
		foreach(lc, root->parse->targetList)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);

			if (!tle->resjunk)
				targetAttrs = lappend_int(targetAttrs, tle->resno);
		}
	}
	else if (operation == CMD_UPDATE)
	{
		RelOptInfo *baserel = find_base_rel(root, resultRelation);
		Bitmapset  *cols = get_rel_all_updated_cols(root, baserel);
		int			col = -1;

		while ((col = bms_next_member(cols, col)) >= 0)
		{
			AttrNumber	attno = col + FirstLowInvalidHeapAttributeNumber;

			if (attno <= InvalidAttrNumber)
				elog(ERROR, "system-column update is not supported");
			targetAttrs = lappend_int(targetAttrs, attno);
		}
	}
	(void) clio_write_cols(rel, opts.coll, targetAttrs, operation, true, &ncols);

	if (plan->returningLists && operation != CMD_DELETE)
	{
		List	   *returning = (List *) list_nth(plan->returningLists, subplan_index);
		Bitmapset  *attrs = NULL;
		TupleDesc	tupdesc = RelationGetDescr(rel);
		int			i;
		bool		wholerow;

		pull_varattnos((Node *) returning, resultRelation, &attrs);
		wholerow = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);
		for (i = 1; i <= tupdesc->natts; i++)
		{
			if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
				continue;
			if (wholerow ||
				bms_is_member(i - FirstLowInvalidHeapAttributeNumber, attrs))
				retAttrs = lappend_int(retAttrs, i);
		}
	}
	fields = clio_returning_fields(rel, opts.coll, retAttrs);

	table_close(rel, NoLock);
	return clio_modify_private(opts.coll, targetAttrs, retAttrs, fields, "",
							   false, false);
}

/*
 * clio_modify_private
 *		fdw_private of a ModifyTable or a direct modify, every slot at its
 *		ClioModifyPrivate.
 */
static List *
clio_modify_private(const ClioCollection *coll, List *targetAttrs,
					List *retAttrs, char *fields, char *id_const,
					bool id_is_expr, bool set_processed)
{
	Node	   *slots[ClioModNSlots];
	List	   *priv = NIL;
	int			i;

	slots[ClioModTable] = (Node *) makeString((char *) coll->table);
	slots[ClioModTargetAttrs] = (Node *) targetAttrs;
	slots[ClioModReturning] = (Node *) retAttrs;
	slots[ClioModFields] = (Node *) makeString(fields);
	slots[ClioModIdConst] = (Node *) makeString(id_const);
	slots[ClioModIdIsExpr] = (Node *) makeInteger(id_is_expr);
	slots[ClioModSetProcessed] = (Node *) makeInteger(set_processed);
	for (i = 0; i < ClioModNSlots; i++)
		priv = lappend(priv, slots[i]);
	return priv;
}

/*
 * clioIsForeignRelUpdatable
 *		What Clio allows on the table's collection.
 */
int
clioIsForeignRelUpdatable(Relation rel)
{
	ClioOptions opts;
	int			result = 0;

	clio_table_options(RelationGetRelid(rel), &opts);
	if (opts.coll->can_post)
		result |= (1 << CMD_INSERT);
	if (opts.coll->can_patch)
		result |= (1 << CMD_UPDATE);
	if (opts.coll->can_delete)
		result |= (1 << CMD_DELETE);
	return result;
}

/* ----------------------------------------------------------------
 *		Execution
 * ----------------------------------------------------------------
 */

/*
 * clio_modify_state
 *		Set up what every kind of modification needs.
 */
static ClioModifyState *
clio_modify_state(Relation rel, Oid userid, List *fdw_private, CmdType op,
				  MemoryContext parent)
{
	ClioModifyState *ms = palloc0(sizeof(ClioModifyState));
	List	   *retAttrs = (List *) list_nth(fdw_private, ClioModReturning);
	char	   *fields = strVal(list_nth(fdw_private, ClioModFields));
	ListCell   *lc;
	int			i;

	ms->rel = rel;
	ms->operation = op;
	clio_exec_options(rel, userid, &ms->opts);
	ms->coll = ms->opts.coll;
	ms->conn = clio_http_connection(&ms->opts);

	ms->userid = userid;
	ms->wcols = clio_write_cols(rel, ms->coll,
								(List *) list_nth(fdw_private, ClioModTargetAttrs),
								op, false, &ms->nwcols);
	for (i = 0; i < ms->nwcols; i++)
		ms->custom |= ms->wcols[i].cf_id != 0;
	ms->nrcols = list_length(retAttrs);
	ms->rcols = palloc0(sizeof(ClioColMap) * Max(ms->nrcols, 1));
	i = 0;
	foreach(lc, retAttrs)
	{
		clio_colmap_init(rel, lfirst_int(lc), ms->coll, &ms->rcols[i]);
		if (ms->rcols[i].cf_id != 0)
			clio_custom_colmap(rel, userid, &ms->rcols[i]);
		i++;
	}
	ms->fields = fields[0] ? fields : NULL;
	clio_xact_applied_init(&ms->applied, rel, op);
	ms->row_cxt = AllocSetContextCreate(parent, "clio_fdw modify row",
										ALLOCSET_DEFAULT_SIZES);
	clio_xact_refuse_in_block(&ms->opts, clio_method_name(op), rel);
	return ms;
}

/*
 * clioBeginForeignModify
 */
void
clioBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
					   List *fdw_private, int subplan_index, int eflags)
{
	EState	   *estate = mtstate->ps.state;
	ClioModifyState *ms;
	Oid			userid;

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	userid = clio_result_rel_check_as_user(rinfo, estate);
	if (!OidIsValid(userid))
		userid = GetUserId();
	ms = clio_modify_state(rinfo->ri_RelationDesc, userid, fdw_private,
						   mtstate->operation, estate->es_query_cxt);
	if (mtstate->operation != CMD_INSERT)
	{
		Plan	   *subplan = outerPlanState(mtstate)->plan;

		ms->idAttno = ExecFindJunkAttributeInTlist(subplan->targetlist, CLIO_ROWID_ID);
		if (!AttributeNumberIsValid(ms->idAttno))
			elog(ERROR, "could not find junk column \"%s\"", CLIO_ROWID_ID);
		ms->etagAttno = ExecFindJunkAttributeInTlist(subplan->targetlist, CLIO_ROWID_ETAG);
		ms->rowAttno = ExecFindJunkAttributeInTlist(subplan->targetlist, CLIO_ROWID_ROW);
	}
	rinfo->ri_FdwState = ms;
}

/*
 * clio_write_spelling
 *		A row's values with each column whose write enum is not its read
 *		one (matters' status reads Open, is written open) as the write
 *		spells it: a value the write enum has (in any case) takes its
 *		spelling, one the read gives that the write lacks goes as read, and
 *		any other value is an ERROR before the row's request.
 */
static Datum *
clio_write_spelling(ClioModifyState *ms, Datum *values, bool *nulls, int natts)
{
	Datum	   *out = values;
	int			i;

	for (i = 0; i < ms->nwcols; i++)
	{
		ClioWriteCol *col = &ms->wcols[i];
		int			att = col->attnum - 1;
		char	   *txt;
		const char *spelt;

		if (col->write_enumvals == NULL || nulls[att])
			continue;
		txt = TextDatumGetCString(values[att]);
		spelt = clio_catalog_enum_spelling(txt, col->write_enumvals, false);
		if (spelt == NULL && col->enumvals)
			spelt = clio_catalog_enum_spelling(txt, col->enumvals, false);
		if (spelt == NULL)
		{
			char	   *values_hint = psprintf("Clio takes %s, in any case.",
											   clio_catalog_enum_hint(txt, col->write_enumvals,
																	  col->enumvals));

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("value \"%s\" is not one of the values Clio takes for column \"%s\"",
							txt, col->colname),
					 errdetail_internal("%s", clio_xact_row_detail(&ms->applied)),
					 errhint("%s", ms->applied.accepted == 0 ? values_hint :
							 psprintf("%s %s", values_hint,
									  clio_xact_resume_hint(&ms->applied)))));
		}
		if (strcmp(spelt, txt) == 0)
			continue;
		if (out == values)
		{
			out = palloc(sizeof(Datum) * natts);
			memcpy(out, values, sizeof(Datum) * natts);
		}
		out[att] = CStringGetTextDatum(spelt);
	}
	return out;
}

/*
 * clio_send_write
 *		Send one POST, PATCH or DELETE.  Returns false when Clio answers 404
 *		(the record is gone); otherwise *page holds the record Clio sent
 *		back, when there is one.
 */
static bool
clio_send_write(ClioModifyState *ms, const char *method, const char *id,
				const char *body, const char *if_match, bool with_fields,
				ClioPage **page)
{
	ClioRequest r;
	ClioHttpRequest req;
	ClioHttpResponse resp;
	long		status;
	MemoryContext oldcxt = CurrentMemoryContext;

	*page = NULL;
	clio_xact_before_write(&ms->opts);
	clio_write_request(&r, ms->coll, method, id, with_fields ? ms->fields : NULL);
	memset(&req, 0, sizeof(req));
	req.method = r.method;
	req.url = clio_request_url(&r, ms->opts.base_url);
	req.display = clio_request_text(&r);
	req.body = body;
	req.if_match = if_match;

	PG_TRY();
	{
		status = clio_send(ms->conn, &ms->opts, &req, &resp, &ms->stats,
						   strcmp(method, "POST") != 0 ? CLIO_ALLOW_404 : 0,
						   clio_xact_row_detail(&ms->applied));
	}
	PG_CATCH();
	{
		if (ms->applied.accepted == 0)
			PG_RE_THROW();
		/* rows of the statement stay applied in Clio: say which, and how */
		ReThrowError(clio_xact_applied_error(&ms->applied, oldcxt));
	}
	PG_END_TRY();
	if (status == 404)
		return false;
	clio_xact_after_write();
	if (resp.len > 0 && status != 204)
		*page = clio_json_parse_page(resp.body, resp.len, true, req.display);
	return true;
}

/*
 * clio_fill_returning
 *		Put the record Clio sent back into slot, for RETURNING.
 */
static void
clio_fill_returning(ClioModifyState *ms, ClioPage *page, TupleTableSlot *slot)
{
	TupleDesc	tupdesc = slot->tts_tupleDescriptor;

	if (page == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("Clio's answer has no record to return"),
				 errdetail("Clio accepted the change but sent no record back, so RETURNING cannot be filled; the change stays in Clio.")));
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * tupdesc->natts);
	clio_json_record_values(page, 0, ms->rcols, ms->nrcols, slot->tts_values,
							slot->tts_isnull, RelationGetRelationName(ms->rel));
	ExecStoreVirtualTuple(slot);
}

/*
 * clio_insert_link
 *		The body key an INSERT into coll leaves out of its POST and links
 *		with a PATCH right after the record is created (the catalog's
 *		link_after_create: a calendar entry's matter, since Clio may answer
 *		a create that names the matter with 404), when the INSERT writes
 *		it; else NULL.  A row whose value for it is null is created with a
 *		POST alone.
 */
static const char *
clio_insert_link(const ClioCollection *coll, ClioWriteCol *cols, int ncols)
{
	int			i;

	if (coll->link_after_create == NULL)
		return NULL;
	for (i = 0; i < ncols; i++)
		if (cols[i].key && strcmp(cols[i].key, coll->link_after_create) == 0)
			return coll->link_after_create;
	return NULL;
}

/*
 * clioExecForeignInsert
 *		POST one record; with a link (clio_insert_link) that the row sets,
 *		the POST asks nothing back and the PATCH that links the record
 *		asks for what RETURNING reads.
 */
TupleTableSlot *
clioExecForeignInsert(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	ClioModifyState *ms = (ClioModifyState *) rinfo->ri_FdwState;
	MemoryContext oldcxt;
	ClioPage   *page;
	char	   *body;
	char	   *matter = NULL;
	const char *link = clio_insert_link(ms->coll, ms->wcols, ms->nwcols);

	MemoryContextReset(ms->row_cxt);
	oldcxt = MemoryContextSwitchTo(ms->row_cxt);
	slot_getallattrs(slot);
	if (ms->custom)
		clio_custom_row(ms->rel, ms->userid, ms->wcols, ms->nwcols,
						slot->tts_values, slot->tts_isnull);
	body = clio_json_write_body(ms->wcols, ms->nwcols,
								clio_write_spelling(ms, slot->tts_values,
													slot->tts_isnull,
													slot->tts_tupleDescriptor->natts),
								slot->tts_isnull, link, &matter);
	if (matter && strcmp(matter, "null") == 0)
		matter = NULL;

	(void) clio_send_write(ms, "POST", NULL, body, NULL, matter == NULL, &page);
	if (matter)
	{
		char	   *id = page ? clio_json_record_id(page, 0) : NULL;

		if (id == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("Clio's answer to creating a calendar entry has no id")));
		if (!clio_send_write(ms, "PATCH", id,
							 psprintf("{\"data\":{\"%s\":%s}}", link, matter),
							 NULL, true, &page))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("the calendar entry Clio just created is gone"),
					 errdetail("Clio created calendar entry %s, then answered 404 when it was linked to its matter.",
							   clio_text_quote(id, strlen(id), 60))));
	}
	ms->applied.rows++;
	clio_xact_note_applied(&ms->applied, page ? clio_json_record_id(page, 0) : NULL);
	if (ms->nrcols > 0)
		clio_fill_returning(ms, page, slot);
	MemoryContextSwitchTo(oldcxt);
	return slot;
}

/*
 * clio_junk_text
 *		A junk column of the subplan's row, as text; NULL if null or absent.
 */
static char *
clio_junk_text(TupleTableSlot *planSlot, AttrNumber attno)
{
	Datum		value;
	bool		isnull;

	if (!AttributeNumberIsValid(attno))
		return NULL;
	value = ExecGetJunkAttribute(planSlot, attno, &isnull);
	if (isnull)
		return NULL;
	return clio_datum_text(value,
						   TupleDescAttr(planSlot->tts_tupleDescriptor, attno - 1)->atttypid);
}

/*
 * clio_row_id
 *		The id of the row an UPDATE or DELETE is at.
 */
static char *
clio_row_id(ClioModifyState *ms, TupleTableSlot *planSlot)
{
	char	   *id = clio_junk_text(planSlot, ms->idAttno);

	if (id == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("cannot %s a Clio record without an id",
						ms->operation == CMD_UPDATE ? "update" : "delete")));
	return id;
}

/*
 * clioExecForeignUpdate
 *		PATCH one record with the SET columns, guarded by its etag.
 */
TupleTableSlot *
clioExecForeignUpdate(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	ClioModifyState *ms = (ClioModifyState *) rinfo->ri_FdwState;
	MemoryContext oldcxt;
	ClioPage   *page;
	char	   *id;
	char	   *etag;
	char	   *body;
	bool		found;

	MemoryContextReset(ms->row_cxt);
	oldcxt = MemoryContextSwitchTo(ms->row_cxt);
	id = clio_row_id(ms, planSlot);
	etag = ms->opts.etag_check ? clio_junk_text(planSlot, ms->etagAttno) : NULL;
	slot_getallattrs(slot);
	if (ms->custom)
	{
		clio_custom_row(ms->rel, ms->userid, ms->wcols, ms->nwcols,
						slot->tts_values, slot->tts_isnull);
		if (!clio_custom_value_ids(ms->conn, &ms->opts, ms->coll, id,
								   ms->wcols, ms->nwcols))
		{
			ms->applied.rows++;
			MemoryContextSwitchTo(oldcxt);
			return NULL;		/* gone from Clio meanwhile: no row */
		}
	}
	body = clio_json_write_body(ms->wcols, ms->nwcols,
								clio_write_spelling(ms, slot->tts_values,
													slot->tts_isnull,
													slot->tts_tupleDescriptor->natts),
								slot->tts_isnull, NULL, NULL);
	found = clio_send_write(ms, "PATCH", id, body, etag, true, &page);
	ms->applied.rows++;
	if (found)
		clio_xact_note_applied(&ms->applied, id);
	if (found && ms->nrcols > 0)
		clio_fill_returning(ms, page, slot);
	MemoryContextSwitchTo(oldcxt);
	return found ? slot : NULL; /* gone from Clio meanwhile: no row */
}

/*
 * clioExecForeignDelete
 *		DELETE one record.  A record already gone counts no row.
 */
TupleTableSlot *
clioExecForeignDelete(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	ClioModifyState *ms = (ClioModifyState *) rinfo->ri_FdwState;
	MemoryContext oldcxt;
	ClioPage   *page;
	char	   *id;
	bool		found;

	MemoryContextReset(ms->row_cxt);
	oldcxt = MemoryContextSwitchTo(ms->row_cxt);
	id = clio_row_id(ms, planSlot);
	found = clio_send_write(ms, "DELETE", id, NULL, NULL, false, &page);
	ms->applied.rows++;
	if (found)
		clio_xact_note_applied(&ms->applied, id);
	MemoryContextSwitchTo(oldcxt);

	if (!found)
		return NULL;

	/* RETURNING: the row as the scan read it */
	if (AttributeNumberIsValid(ms->rowAttno))
	{
		bool		isnull;
		Datum		row = ExecGetJunkAttribute(planSlot, ms->rowAttno, &isnull);

		if (!isnull)
		{
			HeapTupleHeader td = DatumGetHeapTupleHeader(row);
			HeapTupleData tuple;

			tuple.t_len = HeapTupleHeaderGetDatumLength(td);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = RelationGetRelid(ms->rel);
			tuple.t_data = td;
			ExecClearTuple(slot);
			heap_deform_tuple(&tuple, slot->tts_tupleDescriptor,
							  slot->tts_values, slot->tts_isnull);
			ExecStoreVirtualTuple(slot);
		}
	}
	return slot;
}

/*
 * clioEndForeignModify
 */
void
clioEndForeignModify(EState *estate, ResultRelInfo *rinfo)
{
}

/*
 * clioExplainForeignModify
 *		VERBOSE: the request each row sends.
 */
void
clioExplainForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
						 List *fdw_private, int subplan_index, ExplainState *es)
{
	const ClioCollection *coll = clio_catalog_find(strVal(list_nth(fdw_private, ClioModTable)));
	char	   *fields = strVal(list_nth(fdw_private, ClioModFields));
	ClioRequest r;

	if (!es->verbose || coll == NULL)
		return;
	if (fields[0] == '\0')
		fields = NULL;
	switch (mtstate->operation)
	{
		case CMD_INSERT:
			{
				int			ncols;
				ClioWriteCol *cols;
				const char *link;

				cols = clio_write_cols(rinfo->ri_RelationDesc, coll,
									   (List *) list_nth(fdw_private, ClioModTargetAttrs),
									   CMD_INSERT, false, &ncols);
				link = clio_insert_link(coll, cols, ncols);
				/* as clioExecForeignInsert sends it for a row that links */
				clio_write_request(&r, coll, "POST", NULL, link ? NULL : fields);
				ExplainPropertyText("Clio Request", clio_request_text(&r), es);
				if (link)
				{
					clio_write_request(&r, coll, "PATCH", "{id}", fields);
					ExplainPropertyText("Clio Then",
										psprintf("%s (when the entry has a %s)",
												 clio_request_text(&r), link),
										es);
				}
			}
			break;
		case CMD_UPDATE:
			clio_write_request(&r, coll, "PATCH", "{id}", fields);
			ExplainPropertyText("Clio Request", clio_request_text(&r), es);
			break;
		default:
			clio_write_request(&r, coll, "DELETE", "{id}", NULL);
			ExplainPropertyText("Clio Request", clio_request_text(&r), es);
			break;
	}
	if (es->analyze && rinfo->ri_FdwState)
	{
		ClioModifyState *ms = (ClioModifyState *) rinfo->ri_FdwState;

		ExplainPropertyInteger("Clio Requests", NULL, ms->stats.requests, es);
	}
}

/* ----------------------------------------------------------------
 *		Direct modify: UPDATE/DELETE ... WHERE id = <value>
 * ----------------------------------------------------------------
 */

/*
 * clioPlanDirectModify
 *		Send a single PATCH or DELETE when the statement's only condition is
 *		id = <value> and the SET values do not depend on the row: there is
 *		nothing to read first.
 */
bool
clioPlanDirectModify(PlannerInfo *root, ModifyTable *plan,
					 Index resultRelation, int subplan_index)
{
	CmdType		operation = plan->operation;
	Plan	   *subplan = outerPlan(plan);
	ForeignScan *fscan;
	ClioScanPlan splan;
	RangeTblEntry *rte;
	Relation	rel;
	ClioOptions opts;
	List	   *targetAttrs = NIL;
	List	   *retAttrs = NIL;
	List	   *exprs = NIL;
	char	   *id_const;
	bool		id_is_expr;
	int			ncols;

	if (operation != CMD_UPDATE && operation != CMD_DELETE)
		return false;
	if (subplan == NULL || !IsA(subplan, ForeignScan))
		return false;
	fscan = (ForeignScan *) subplan;
	if (fscan->scan.scanrelid != resultRelation || fscan->operation != CMD_SELECT)
		return false;
	/* an id look-up by the record GET, and no other condition */
	clio_scan_plan_deserialize(fscan->fdw_private, &splan);
	if (splan.mode != CLIO_SCAN_RECORD ||
		list_length(fscan->scan.plan.qual) != 1)
		return false;
	/* DELETE answers no body: RETURNING needs the scan */
	if (operation == CMD_DELETE && plan->returningLists)
		return false;
	/* local row triggers need the row */
	rte = planner_rt_fetch(resultRelation, root);
	rel = table_open(rte->relid, NoLock);
	if (rel->trigdesc &&
		((operation == CMD_UPDATE && (rel->trigdesc->trig_update_after_row ||
									  rel->trigdesc->trig_update_before_row)) ||
		 (operation == CMD_DELETE && (rel->trigdesc->trig_delete_after_row ||
									  rel->trigdesc->trig_delete_before_row))))
	{
		table_close(rel, NoLock);
		return false;
	}
	clio_table_options(rte->relid, &opts);
	clio_check_method(opts.coll, operation, rel);
	if (!clio_record_by_get(opts.coll))
	{
		table_close(rel, NoLock);
		return false;
	}

	id_is_expr = fscan->fdw_exprs != NIL;
	id_const = id_is_expr || splan.id_const == NULL ? "" : splan.id_const;
	exprs = list_copy(fscan->fdw_exprs);	/* the id, when not constant */

	if (operation == CMD_UPDATE)
	{
		List	   *processed_tlist;
		List	   *update_attrs;
		ListCell   *lc,
				   *lc2;

		/* the SET expressions, which must not read the row */
		get_translated_update_targetlist(root, resultRelation,
										 &processed_tlist, &update_attrs);
		forboth(lc, processed_tlist, lc2, update_attrs)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);
			AttrNumber	attno = lfirst_int(lc2);

			if (attno <= InvalidAttrNumber)
			{
				table_close(rel, NoLock);
				return false;
			}
			if (contain_var_clause((Node *) tle->expr) ||
				contain_volatile_functions((Node *) tle->expr))
			{
				table_close(rel, NoLock);
				return false;
			}
			targetAttrs = lappend_int(targetAttrs, attno);
			exprs = lappend(exprs, tle->expr);
		}
		(void) clio_write_cols(rel, opts.coll, targetAttrs, operation, true, &ncols);

		if (plan->returningLists)
		{
			List	   *returning = (List *) list_nth(plan->returningLists, subplan_index);
			Bitmapset  *attrs = NULL;
			TupleDesc	tupdesc = RelationGetDescr(rel);
			int			i;
			bool		wholerow;

			pull_varattnos((Node *) returning, resultRelation, &attrs);
			wholerow = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);
			for (i = 1; i <= tupdesc->natts; i++)
			{
				if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
					continue;
				if (wholerow ||
					bms_is_member(i - FirstLowInvalidHeapAttributeNumber, attrs))
					retAttrs = lappend_int(retAttrs, i);
			}
		}
	}

	fscan->operation = operation;
	fscan->resultRelation = resultRelation;
	/* the request itself is the id condition: nothing is left to check */
	fscan->scan.plan.qual = NIL;
	fscan->fdw_exprs = exprs;
	fscan->fdw_private = clio_modify_private(opts.coll, targetAttrs, retAttrs,
											 clio_returning_fields(rel, opts.coll, retAttrs),
											 id_const, id_is_expr,
											 plan->canSetTag);
	table_close(rel, NoLock);
	return true;
}

/*
 * clioBeginDirectModify
 */
void
clioBeginDirectModify(ForeignScanState *node, int eflags)
{
	ForeignScan *fscan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	ClioModifyState *ms;

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	ms = clio_modify_state(node->ss.ss_currentRelation, clio_scan_userid(node),
						   fscan->fdw_private,
						   fscan->operation, estate->es_query_cxt);
	ms->id_const = strVal(list_nth(fscan->fdw_private, ClioModIdConst));
	ms->param_exprs = ExecInitExprList(fscan->fdw_exprs, (PlanState *) node);
	/*
	 * Only the statement's own ModifyTable counts its rows in es_processed
	 * (which SPI and the command tag read); a data-modifying CTE's rows are
	 * not the statement's, as for a table.
	 */
	ms->set_processed = intVal(list_nth(fscan->fdw_private, ClioModSetProcessed)) != 0;
	node->fdw_state = ms;
}

/*
 * clioIterateDirectModify
 *		Send the one request, then hand back the row for RETURNING (if any).
 */
TupleTableSlot *
clioIterateDirectModify(ForeignScanState *node)
{
	ClioModifyState *ms = (ClioModifyState *) node->fdw_state;
	ForeignScan *fscan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	ResultRelInfo *resultRelInfo = node->resultRelInfo;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	ExprContext *econtext = node->ss.ps.ps_ExprContext;

	if (!ms->done)
	{
		bool		id_is_expr = intVal(list_nth(fscan->fdw_private, ClioModIdIsExpr)) != 0;
		TupleDesc	tupdesc = RelationGetDescr(ms->rel);
		Datum	   *values = palloc0(sizeof(Datum) * tupdesc->natts);
		bool	   *nulls = palloc(sizeof(bool) * tupdesc->natts);
		ListCell   *lc;
		char	   *id = ms->id_const;
		int			i = 0;
		bool		found;
		ClioPage   *page;
		char	   *body = NULL;

		ms->done = true;
		memset(nulls, true, sizeof(bool) * tupdesc->natts);
		foreach(lc, ms->param_exprs)
		{
			ExprState  *state = (ExprState *) lfirst(lc);
			bool		isnull;
			Datum		value = ExecEvalExpr(state, econtext, &isnull);

			if (id_is_expr && lc == list_head(ms->param_exprs))
			{
				if (isnull)
					return ExecClearTuple(slot);
				id = clio_datum_text(value, exprType((Node *) state->expr));
				continue;
			}
			values[ms->wcols[i].attnum - 1] = value;
			nulls[ms->wcols[i].attnum - 1] = isnull;
			i++;
		}
		found = true;
		if (ms->operation == CMD_UPDATE && ms->custom)
		{
			clio_custom_row(ms->rel, ms->userid, ms->wcols, ms->nwcols,
							values, nulls);
			found = clio_custom_value_ids(ms->conn, &ms->opts, ms->coll, id,
										  ms->wcols, ms->nwcols);
		}
		if (ms->operation == CMD_UPDATE)
			body = clio_json_write_body(ms->wcols, ms->nwcols,
										clio_write_spelling(ms, values, nulls,
															tupdesc->natts),
										nulls, NULL, NULL);
		found = found && clio_send_write(ms, ms->operation == CMD_UPDATE ? "PATCH" : "DELETE",
								id, body, NULL, ms->operation == CMD_UPDATE, &page);
		if (found)
		{
			ms->applied.accepted = 1;
			/* RETURNING that reads no column still returns the row */
			if (ms->nrcols > 0)
				clio_fill_returning(ms, page, slot);
			else
			{
				ExecClearTuple(slot);
				memset(slot->tts_isnull, true, sizeof(bool) * tupdesc->natts);
				ExecStoreVirtualTuple(slot);
			}
			ms->has_row = true;
		}
	}

	if (!resultRelInfo->ri_projectReturning)
	{
		Instrumentation *instr = node->ss.ps.instrument;

		if (ms->set_processed)
			estate->es_processed += ms->applied.accepted;
		if (instr)
			instr->tuplecount += ms->applied.accepted;
		ms->applied.accepted = 0;
		return ExecClearTuple(slot);
	}
	if (!ms->has_row)
		return ExecClearTuple(slot);
	ms->has_row = false;
	/* the row RETURNING reads counts as processed, as without RETURNING */
	if (ms->set_processed)
		estate->es_processed += 1;
	resultRelInfo->ri_projectReturning->pi_exprContext->ecxt_scantuple = slot;
	return slot;
}

/*
 * clioEndDirectModify
 */
void
clioEndDirectModify(ForeignScanState *node)
{
}

/*
 * clioExplainDirectModify
 */
void
clioExplainDirectModify(ForeignScanState *node, ExplainState *es)
{
	ForeignScan *fscan = (ForeignScan *) node->ss.ps.plan;
	List	   *priv = fscan->fdw_private;
	const ClioCollection *coll = clio_catalog_find(strVal(list_nth(priv, ClioModTable)));
	char	   *fields = strVal(list_nth(priv, ClioModFields));
	char	   *id = strVal(list_nth(priv, ClioModIdConst));
	bool		patch = fscan->operation == CMD_UPDATE;
	ClioRequest r;

	if (!es->verbose || coll == NULL)
		return;
	/* as clioIterateDirectModify sends it */
	clio_write_request(&r, coll, patch ? "PATCH" : "DELETE",
					   intVal(list_nth(priv, ClioModIdIsExpr)) ? "$1" : id,
					   patch && fields[0] ? fields : NULL);
	ExplainPropertyText("Clio Request", clio_request_text(&r), es);
}
