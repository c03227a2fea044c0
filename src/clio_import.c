/*-------------------------------------------------------------------------
 *
 * clio_import.c
 *		  IMPORT FOREIGN SCHEMA: a foreign table per Clio collection, with a
 *		  column per custom field, and the comments that explain them
 *
 * The tables come from the catalog; matters and contacts also get one
 * column per custom field of the account that is not deleted (read through
 * src/clio_custom.c), unless the import option custom_fields is false.
 * PostgreSQL runs only the CREATE FOREIGN TABLE commands an FDW returns, so
 * the comments (COMMENT ON the table and every column: the spec's
 * descriptions, a custom field's name and type) are kept here and
 * made by clio_import_finish, which the utility hook calls once the import
 * has created the tables (or, when the import itself loaded the library and
 * no hook was around it, a transaction callback just before commit).
 *
 * IDENTIFICATION
 *		  src/clio_import.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "clio_catalog.h"
#include "clio_custom.h"
#include "clio_import.h"
#include "clio_option.h"
#include "commands/comment.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/* A comment the import makes once its tables exist */
typedef struct ClioPendingComment
{
	char	   *table;
	char	   *column;			/* NULL: the table's comment */
	char	   *text;
} ClioPendingComment;

static MemoryContext clio_import_cxt = NULL;
static List *clio_import_comments = NIL;	/* of ClioPendingComment */
static char *clio_import_schema = NULL; /* where, for the commit's turn */
static bool clio_import_hooked = false; /* the utility hook will finish */
static bool clio_import_callback = false;	/* registered */

static void clio_import_xact(XactEvent event, void *arg);

static void clio_import_context(void *arg);

/*
 * clio_import_begin
 *		Forget the comments of an import that did not finish.
 */
void
clio_import_begin(void)
{
	if (clio_import_cxt == NULL)
		clio_import_cxt = AllocSetContextCreate(TopMemoryContext,
												"clio_fdw import",
												ALLOCSET_SMALL_SIZES);
	MemoryContextReset(clio_import_cxt);
	clio_import_comments = NIL;
	clio_import_schema = NULL;
}

/*
 * clio_import_hook
 *		The utility hook says whether it is around an IMPORT FOREIGN SCHEMA
 *		(and will call clio_import_finish).  It is not when the import is
 *		what loads this library, the first thing a session does with it: the
 *		comments are then made just before the transaction commits.
 */
void
clio_import_hook(bool around)
{
	/* an earlier import of this transaction, left for its commit */
	if (around && clio_import_schema != NULL)
		clio_import_finish(clio_import_schema);
	clio_import_hooked = around;
}

/*
 * clio_import_xact
 *		The comments of an import that no hook finished: at commit, before
 *		anything is final; dropped on abort.
 */
static void
clio_import_xact(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_PRE_COMMIT && clio_import_schema != NULL)
		clio_import_finish(clio_import_schema);
	else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		clio_import_begin();
}

/*
 * clio_import_comment
 *		Note a comment to make on a table (column NULL) or one of its
 *		columns.
 */
static void
clio_import_comment(const char *table, const char *column, const char *text)
{
	MemoryContext old;
	ClioPendingComment *c;

	if (clio_import_cxt == NULL)
		clio_import_begin();
	old = MemoryContextSwitchTo(clio_import_cxt);
	c = palloc(sizeof(ClioPendingComment));
	c->table = pstrdup(table);
	c->column = column ? pstrdup(column) : NULL;
	c->text = pstrdup(text);
	clio_import_comments = lappend(clio_import_comments, c);
	MemoryContextSwitchTo(old);
}

/*
 * clio_import_finish
 *		Make the comments noted by the import that has just run, on the
 *		tables it created in schema.
 */
void
clio_import_finish(const char *schema)
{
	Oid			nsp = get_namespace_oid(schema, true);
	ListCell   *lc;

	clio_import_schema = NULL;

	CommandCounterIncrement();
	foreach(lc, clio_import_comments)
	{
		ClioPendingComment *c = (ClioPendingComment *) lfirst(lc);
		CommentStmt stmt;
		Oid			relid = OidIsValid(nsp) ? get_relname_relid(c->table, nsp) : InvalidOid;

		if (!OidIsValid(relid))
			continue;			/* left out by LIMIT TO or EXCEPT */
		memset(&stmt, 0, sizeof(stmt));
		stmt.type = T_CommentStmt;
		stmt.comment = c->text;
		if (c->column)
		{
			if (get_attnum(relid, c->column) == InvalidAttrNumber)
				continue;
			stmt.objtype = OBJECT_COLUMN;
			stmt.object = (Node *) list_make3(makeString(pstrdup(schema)),
											  makeString(c->table),
											  makeString(c->column));
		}
		else
		{
			stmt.objtype = OBJECT_FOREIGN_TABLE;
			stmt.object = (Node *) list_make2(makeString(pstrdup(schema)),
											  makeString(c->table));
		}
		CommentObject(&stmt);
	}
	clio_import_begin();
}

/*
 * clio_import_context
 *		Error context of reading the custom fields for an import.
 */
static void
clio_import_context(void *arg)
{
	errcontext("reading the account's custom fields for IMPORT FOREIGN SCHEMA (OPTIONS (custom_fields 'false') imports without them)");
}

/*
 * clio_import_custom
 *		The custom field columns of one table, appended to buf (each line
 *		after a comma); names that clash with a column of the table or an
 *		earlier custom field get _cf, _cf2, ...
 */
static void
clio_import_custom(StringInfo buf, const ClioCollection *coll,
				   const ClioCustomField *fields, int nfields)
{
	const char *parent = clio_custom_parent(coll);
	List	   *used = NIL;
	int			i;

	for (i = 0; i < coll->ncolumns; i++)
		used = lappend(used, (char *) coll->columns[i].name);
	for (i = 0; i < nfields; i++)
	{
		const ClioCustomField *cf = &fields[i];
		char	   *base;
		char	   *name;
		int			k = 1;
		ListCell   *lc;
		bool		taken;

		if (cf->deleted || parent == NULL ||
			pg_strcasecmp(cf->parent_type, parent) != 0)
			continue;
		base = clio_custom_name(cf->name);
		if (base == NULL)
			base = psprintf("custom_field_%lld", (long long) cf->id);
		name = base;
		for (;;)
		{
			taken = false;
			foreach(lc, used)
			{
				if (strcmp((char *) lfirst(lc), name) == 0)
					taken = true;
			}
			if (!taken)
				break;
			name = k == 1 ? psprintf("%s_cf", base) : psprintf("%s_cf%d", base, k);
			k++;
		}
		used = lappend(used, name);
		appendStringInfo(buf, ",\n  %s %s OPTIONS (custom_field '%lld')",
						 quote_identifier(name),
						 format_type_be(clio_custom_type(cf->field_type)),
						 (long long) cf->id);
		clio_import_comment(coll->table, name,
							psprintf("Clio custom field \"%s\" (%s)",
									 cf->name, cf->field_type));
	}
}

/*
 * clio_import_commands
 *		One CREATE FOREIGN TABLE per Clio collection of the catalog that
 *		the statement imports.
 */
List *
clio_import_commands(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	List	   *commands = NIL;
	ListCell   *lc;
	bool		custom = true;
	const ClioCustomField *fields = NULL;
	int			nfields = 0;
	bool		fetched = false;
	int			i;

	clio_import_begin();
	if (!clio_import_hooked)
	{
		/* finished at commit (see clio_import_hook) */
		if (!clio_import_callback)
			RegisterXactCallback(clio_import_xact, NULL);
		clio_import_callback = true;
		clio_import_schema = MemoryContextStrdup(clio_import_cxt, stmt->local_schema);
	}
	if (strcmp(stmt->remote_schema, "clio") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("Clio has no schema \"%s\"", stmt->remote_schema),
				 errhint("Import the schema \"clio\": IMPORT FOREIGN SCHEMA clio FROM SERVER %s INTO ...",
						 quote_identifier(server->servername))));

	foreach(lc, stmt->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "custom_fields") == 0)
		{
			if (!parse_bool(defGetString(def), &custom))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\"",
								def->defname, defGetString(def)),
						 errhint("Give true or false (on/off, yes/no).")));
			continue;
		}
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("invalid option \"%s\"", def->defname),
				 errhint("IMPORT FOREIGN SCHEMA clio takes one option, custom_fields (true or false).")));
	}

	/* Names in LIMIT TO / EXCEPT must be tables clio_fdw knows */
	foreach(lc, stmt->table_list)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);

		if (clio_catalog_find(rv->relname) == NULL)
		{
			const char *closest = clio_catalog_closest(rv->relname);

			ereport(ERROR,
					(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
					 errmsg("Clio has no resource \"%s\"", rv->relname),
					 closest ? errhint("Perhaps you meant \"%s\".", closest) : 0));
		}
	}

	for (i = 0; i < clio_ncollections; i++)
	{
		const ClioCollection *coll = &clio_collections[i];
		StringInfoData buf;
		bool		listed = false;
		int			c;

		foreach(lc, stmt->table_list)
		{
			if (strcmp(((RangeVar *) lfirst(lc))->relname, coll->table) == 0)
				listed = true;
		}
		if ((stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO && !listed) ||
			(stmt->list_type == FDW_IMPORT_SCHEMA_EXCEPT && listed))
			continue;

		initStringInfo(&buf);
		appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (\n",
						 quote_identifier(coll->table));
		for (c = 0; c < coll->ncolumns; c++)
		{
			const ClioColumn *col = &coll->columns[c];

			appendStringInfo(&buf, "%s  %s %s", c > 0 ? ",\n" : "",
							 quote_identifier(col->name),
							 format_type_be(col->typid));
			if (coll->column_comments && coll->column_comments[c])
				clio_import_comment(coll->table, col->name,
									coll->column_comments[c]);
		}
		if (coll->comment)
			clio_import_comment(coll->table, NULL, coll->comment);
		if (custom && clio_custom_parent(coll) != NULL)
		{
			if (!fetched)
			{
				ClioOptions opts;
				ErrorContextCallback errcb;

				errcb.callback = clio_import_context;
				errcb.arg = NULL;
				errcb.previous = error_context_stack;
				error_context_stack = &errcb;
				clio_custom_forget();
				clio_server_exec_options(server, GetUserId(), &opts);
				fields = clio_custom_fields(&opts, &nfields);
				error_context_stack = errcb.previous;
				fetched = true;
			}
			clio_import_custom(&buf, coll, fields, nfields);
		}
		appendStringInfo(&buf, "\n) SERVER %s OPTIONS (resource %s)",
						 quote_identifier(server->servername),
						 quote_literal_cstr(coll->table));
		commands = lappend(commands, buf.data);
	}
	return commands;
}
