/*-------------------------------------------------------------------------
 *
 * clio_custom.h
 *		  Custom fields: their definitions, column names and types, their
 *		  conditions as Clio's filters, their values as Clio writes them
 *
 * IDENTIFICATION
 *		  include/clio_custom.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_CUSTOM_H
#define CLIO_CUSTOM_H

#include "clio_deparse.h"
#include "clio_http.h"
#include "clio_json.h"
#include "clio_option.h"
#include "utils/relcache.h"

/* One custom field of an account, as Clio defines it */
typedef struct ClioCustomField
{
	int64		id;
	char	   *name;			/* as Clio shows it */
	char	   *parent_type;	/* "Matter" or "Contact" */
	char	   *field_type;		/* checkbox, currency, ..., url */
	bool		deleted;
	int			nopts;			/* a picklist's options (deleted ones too) */
	char	  **opt_ids;
	char	  **opt_names;
	bool	   *opt_deleted;
} ClioCustomField;

/* How long a backend trusts the definitions it read (seconds) */
#define CLIO_CUSTOM_TTL_S 300

extern const ClioCustomField *clio_custom_fields(const ClioOptions *opts,
												 int *n);
extern void clio_custom_forget(void);
extern const ClioCustomField *clio_custom_column(Relation rel,
												 AttrNumber attnum,
												 Oid userid, int64 cf_id);
extern bool clio_custom_used(Relation rel, Bitmapset *attrs, bool wholerow);
extern void clio_custom_colmap(Relation rel, Oid userid, ClioColMap *col);
extern const char *clio_custom_parent(const ClioCollection *coll);
extern Oid	clio_custom_type(const char *field_type);
extern char *clio_custom_name(const char *name);
extern void clio_custom_pushdown(PlannerInfo *root, RelOptInfo *baserel,
								 Relation rel, ClioPushdown *pd, bool notice);
extern List *clio_custom_id_params(Relation rel, List *attnums);
extern char *clio_custom_value_text(const ClioCustomField *cf, Datum value,
									Oid typid, int elevel);
extern bool clio_custom_value_ids(ClioConn *conn, const ClioOptions *opts,
								  const ClioCollection *coll, const char *id,
								  ClioWriteCol *cols, int ncols);
extern void clio_custom_row(Relation rel, Oid userid, ClioWriteCol *cols,
							int ncols, Datum *values, bool *nulls);

#endif							/* CLIO_CUSTOM_H */
