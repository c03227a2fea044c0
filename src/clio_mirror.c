/*-------------------------------------------------------------------------
 *
 * clio_mirror.c
 *		  The C part of local mirrors: how many records a collection has
 *
 * Mirrors themselves (clio_mirror, clio_refresh, clio_mirrors,
 * clio_mirror_drop) are SQL in the extension script; they query the
 * foreign table as the caller.  The one thing SQL cannot ask without
 * reading every record is Clio's own count of a collection (meta.records),
 * which the first copy uses to report its progress.  It is a read of the
 * foreign table and asks what a SELECT of it asks: the SELECT privilege on
 * the table, and the caller's user mapping.
 *
 * IDENTIFICATION
 *		  src/clio_mirror.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/objectaddress.h"
#include "clio_client.h"
#include "clio_option.h"
#include "clio_request.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(clio_mirror_count);

/*
 * clio_mirror_count(source regclass) returns bigint
 *		The number of records of a clio_fdw foreign table's collection, as
 *		Clio counts them (one request for one id, with the caller's user
 *		mapping), or NULL when Clio does not say.  42501 without SELECT on
 *		the table, before any request.
 */
Datum
clio_mirror_count(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Relation	rel;
	ClioOptions opts;
	ClioRequest req;
	int64		count;
	ForeignServer *server;
	AclResult	aclresult;

	rel = table_open(relid, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a foreign table",
						RelationGetRelationName(rel))));
	server = GetForeignServer(GetForeignTable(relid)->serverid);
	if (strcmp(GetForeignDataWrapper(server->fdwid)->fdwname, "clio_fdw") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a clio_fdw foreign table",
						RelationGetRelationName(rel))));
	aclresult = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, get_relkind_objtype(rel->rd_rel->relkind),
					   RelationGetRelationName(rel));
	clio_exec_options(rel, GetUserId(), &opts);
	table_close(rel, AccessShareLock);

	clio_count_request(&req, opts.coll, NIL);
	count = clio_remote_count(&opts, &req);
	if (count < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT64(count);
}
