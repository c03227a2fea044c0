/*-------------------------------------------------------------------------
 *
 * clio_url.h
 *		  Percent-encoding, reading Clio's next-page links, and telling a
 *		  walk through them that loops
 *
 * Usable in the backend and in frontend programs (the fuzzers).
 *
 * IDENTIFICATION
 *		  include/clio_url.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_URL_H
#define CLIO_URL_H

#include "lib/stringinfo.h"

/* Hashes of the latest cursors a walk remembers (a loop of up to this many) */
#define CLIO_PAGING_RECENT 8
/* Empty pages in a row, each with a link onwards, that end a walk */
#define CLIO_PAGING_EMPTY_RUN 3

/*
 * One walk through a list's pages (a scan, or ANALYZE reading a table
 * whole): fixed-size, whatever the number of pages.  A cursor is what the
 * next link names (page_token and offset); Clio never names one twice in a
 * list.  The latest cursors are remembered as hashes, and so is the cursor
 * of the last page whose number is a power of two (Brent's cycle finding):
 * a loop of any length is caught within about three times its length.  A
 * walk that never repeats a cursor is held to Clio's own count of the
 * list (meta.records of the first page).
 */
typedef struct ClioPaging
{
	int64		pages;			/* pages read */
	int64		records;		/* records they held */
	int64		total;			/* meta.records of the first page, or -1 */
	int			page_size;		/* records asked for per page */
	int			empty_run;		/* empty pages in a row that linked on */
	int			nrecent;		/* cursors remembered in recent[] */
	uint64		recent[CLIO_PAGING_RECENT]; /* their hashes, a ring */
	int64		recent_at[CLIO_PAGING_RECENT];	/* the page each came from */
	uint64		mark;			/* the cursor from page mark_at */
	int64		mark_at;		/* a power of two, or 0 */
} ClioPaging;

typedef enum ClioPagingVerdict
{
	CLIO_PAGING_OK,
	CLIO_PAGING_REPEAT,			/* a cursor already seen in this walk */
	CLIO_PAGING_EMPTY,			/* CLIO_PAGING_EMPTY_RUN empty pages */
	CLIO_PAGING_TOO_LONG		/* far more than Clio counted */
} ClioPagingVerdict;

/* in src/clio_url.c */
extern void clio_append_encoded(StringInfo buf, const char *s);
extern char *clio_percent_encode(const char *s);
extern char *clio_percent_decode(const char *s, int len);
extern bool clio_next_params(const char *next, char **page_token,
							 char **offset);
extern void clio_paging_start(ClioPaging *pg, int page_size);
extern ClioPagingVerdict clio_paging_step(ClioPaging *pg, int nrecords,
										  int64 total, const char *token,
										  const char *offset, int64 *since);
#ifndef FRONTEND
extern void clio_paging_check(ClioPaging *pg, int nrecords, int64 total,
							  const char *token, const char *offset,
							  const char *table, const char *request);
#endif

#endif							/* CLIO_URL_H */
