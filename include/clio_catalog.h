/*-------------------------------------------------------------------------
 *
 * clio_catalog.h
 *		  The resource catalog: Clio's collections as tables
 *
 * The data itself is generated from Clio's OpenAPI description into
 * src/clio_catalog_data.c by tools/gen_catalog.py; src/clio_catalog.c
 * holds the small hand-written API over it.  Import, option validation,
 * request building and the sandbox's documentation all read this one
 * catalog.
 *
 * IDENTIFICATION
 *		  include/clio_catalog.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_CATALOG_H
#define CLIO_CATALOG_H

/* How a column maps onto a record's JSON */
typedef enum ClioColumnKind
{
	CLIO_COL_SCALAR,			/* a plain field: "name": value */
	CLIO_COL_NESTED,			/* an association, as jsonb: "matter": {...} */
	CLIO_COL_NESTED_ID,			/* the id of an association: matter.id */
	CLIO_COL_NESTED_TYPE,		/* the type of a polymorphic association */
	CLIO_COL_NESTED_ARRAY,		/* an array of nested records, as jsonb */
	CLIO_COL_SEARCH				/* not a field: the text of Clio's "query"
								 * search, given back as the search was */
} ClioColumnKind;

typedef struct ClioColumn
{
	const char *name;			/* SQL column name */
	const char *field;			/* Clio field name */
	Oid			typid;			/* SQL type IMPORT FOREIGN SCHEMA gives it */
	ClioColumnKind kind;
	const char *subfields;		/* CLIO_COL_NESTED: "id,display_number,..." */
	const char *write_nested;	/* scalar X_id written as "X": {"id": v} */
	bool		insertable;		/* may be given to POST */
	bool		updatable;		/* may be given to PATCH */
	const char *enumvals;		/* "A|B|C" as records spell them, or NULL */
	bool		never_null;		/* Clio always sets it (id, created_at, ...) */
	const char *write_enumvals; /* "a|b|c" as a create or change takes
								 * them, where not as records spell them
								 * (a value is mapped to it), or NULL */
	const char *target;			/* CLIO_COL_NESTED: the schema of the
								 * record it holds ("Contact"), or NULL */
} ClioColumn;

/* The type of a list filter's value */
typedef enum ClioParamType
{
	CLIO_PARAM_STRING,
	CLIO_PARAM_INT,
	CLIO_PARAM_BOOL,
	CLIO_PARAM_DATE,
	CLIO_PARAM_TIMESTAMP
} ClioParamType;

typedef struct ClioFilter
{
	const char *name;			/* query parameter, e.g. "matter_id", "ids[]" */
	ClioParamType type;
	bool		array;			/* repeatable: name ends in [] */
	bool		comma_list;		/* accepts "a,b" */
	bool		null_keyword;	/* accepts the keyword null */
	bool		required;		/* the list endpoint needs it */
	const char *enumvals;		/* "a|b|c" as the filter spells them, or NULL */
	const char *array_of;		/* an array filter taking this column's
								 * values (statuses[] for status), or NULL */
	const char *needs;			/* a filter Clio takes only with this one
								 * (assignee_id needs assignee_type), or
								 * NULL */
} ClioFilter;

/* What a range filter stands for, as a comparison on a column */
typedef enum ClioRangeKind
{
	CLIO_RANGE_SINCE,			/* column >= value (date-time) */
	CLIO_RANGE_FROM,			/* column >= value */
	CLIO_RANGE_TO,				/* column <= value */
	CLIO_RANGE_AFTER,			/* column > value */
	CLIO_RANGE_BEFORE,			/* column < value */
	CLIO_RANGE_OPDATE			/* repeatable "<op><date>" */
} ClioRangeKind;

typedef struct ClioRange
{
	const char *filter;
	const char *column;
	ClioRangeKind kind;
} ClioRange;

typedef struct ClioCollection
{
	const char *table;			/* table name, e.g. "matter_notes" */
	const char *path;			/* collection in the URL, e.g. "notes" */
	const char *schema;			/* Clio's schema name, e.g. "Note" */
	const char *fixed_params;	/* always sent, e.g. "type=Matter", or NULL */
	bool		record_get;		/* GET /<path>/<id>.json exists */
	bool		can_post;
	bool		can_patch;
	bool		can_delete;
	const char *link_after_create;	/* body key a create leaves out and a
									 * PATCH then sets (a calendar entry's
									 * matter), or NULL */
	const char *billing_status; /* the filter that stands for billing
								 * flags (activities' status), or NULL */
	int			rows;			/* default row estimate */
	const ClioColumn *columns;
	int			ncolumns;
	const ClioFilter *filters;
	int			nfilters;
	const ClioRange *ranges;
	int			nranges;
	const char *const *orders;
	int			norders;
	const char *comment;		/* the table's comment (IMPORT) */
	const char *const *column_comments; /* one per column, in order */
} ClioCollection;

/*
 * Clio pages through at most this many records in any order but id(asc)
 * (offset paging stops there).
 */
#define CLIO_OFFSET_CAP 10000

/* in src/clio_catalog_data.c (generated) */
extern const char *const clio_catalog_api_version;
extern const char *const clio_catalog_api_versions[];
extern const ClioCollection clio_collections[];
extern const int clio_ncollections;

/* in src/clio_catalog.c */
extern const ClioCollection *clio_catalog_find(const char *table);
extern const char *clio_catalog_closest(const char *table);
extern const ClioColumn *clio_catalog_column(const ClioCollection *coll,
											 const char *name);
extern const ClioColumn *clio_catalog_column_by_field(const ClioCollection *coll,
													  const char *field,
													  ClioColumnKind kind);
extern const ClioFilter *clio_catalog_filter(const ClioCollection *coll,
											 const char *name);
extern const ClioFilter *clio_catalog_array_filter(const ClioCollection *coll,
												   const char *column);
extern bool clio_catalog_has_order(const ClioCollection *coll,
								   const char *order);
extern bool clio_catalog_id_is_text(const ClioCollection *coll);
extern bool clio_record_by_get(const ClioCollection *coll);
extern bool clio_catalog_nests(const ClioCollection *coll, const char *field,
							   const ClioCollection *target);
extern const char *clio_catalog_enum_spelling(const char *value,
											   const char *enumvals,
											   bool exact);
extern char *clio_catalog_enum_hint(const char *value, const char *enumvals,
									const char *also);
extern const char *clio_closest(const char *word,
								const char *const *candidates,
								int ncandidates);

#endif							/* CLIO_CATALOG_H */
