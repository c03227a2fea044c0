/*-------------------------------------------------------------------------
 *
 * clio_import.h
 *		  IMPORT FOREIGN SCHEMA: the tables, their custom field columns and
 *		  their comments
 *
 * IDENTIFICATION
 *		  include/clio_import.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_IMPORT_H
#define CLIO_IMPORT_H

#include "nodes/parsenodes.h"

extern void clio_import_begin(void);
extern void clio_import_hook(bool around);
extern List *clio_import_commands(ImportForeignSchemaStmt *stmt,
								  Oid serverOid);
extern void clio_import_finish(const char *schema);

#endif							/* CLIO_IMPORT_H */
