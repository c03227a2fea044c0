/*-------------------------------------------------------------------------
 *
 * clio_url.c
 *		  Percent-encoding, reading Clio's next-page links, and telling a
 *		  walk through them that loops
 *
 * Pure string functions, with no backend dependency beyond palloc and
 * StringInfo: the same file builds into the extension and, with FRONTEND
 * defined, into the fuzzers under test/fuzz.  Only clio_paging_check, the
 * error a looping walk raises, is backend-only.
 *
 * IDENTIFICATION
 *		  src/clio_url.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include "clio_url.h"

/*
 * clio_append_encoded
 *		Percent-encode everything but RFC 3986's unreserved characters.
 */
void
clio_append_encoded(StringInfo buf, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *) s; *p; p++)
	{
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			(*p >= '0' && *p <= '9') ||
			*p == '-' || *p == '.' || *p == '_' || *p == '~')
			appendStringInfoChar(buf, (char) *p);
		else
		{
			appendStringInfoChar(buf, '%');
			appendStringInfoChar(buf, hex[*p >> 4]);
			appendStringInfoChar(buf, hex[*p & 0x0f]);
		}
	}
}

/*
 * clio_percent_encode
 *		A palloc'd encoded copy of s.
 */
char *
clio_percent_encode(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	clio_append_encoded(&buf, s);
	return buf.data;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * clio_percent_decode
 *		Decode %XX and '+' in the first len bytes of s.  A %00 or a broken
 *		escape is kept literally.
 */
char *
clio_percent_decode(const char *s, int len)
{
	char	   *out = palloc(len + 1);
	int			i,
				o = 0;

	for (i = 0; i < len; i++)
	{
		if (s[i] == '%' && i + 2 < len &&
			hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0 &&
			(hexval(s[i + 1]) << 4 | hexval(s[i + 2])) != 0)
		{
			out[o++] = (char) (hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		}
		else if (s[i] == '+')
			out[o++] = ' ';
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/*
 * clio_next_params
 *		Take the paging parameters (page_token, offset) out of a
 *		meta.paging.next URL.  Only these are used: the next request is
 *		built on base_url again, so the host in the URL (Clio writes its
 *		own, even behind the gateway) is never contacted and never receives
 *		the credentials.  Returns false when the URL carries neither.
 */
bool
clio_next_params(const char *next, char **page_token, char **offset)
{
	const char *q = strchr(next, '?');
	const char *end;

	*page_token = NULL;
	*offset = NULL;
	if (q == NULL)
		return false;
	q++;
	end = strchr(q, '#');
	if (end == NULL)
		end = q + strlen(q);

	while (q < end)
	{
		const char *amp = memchr(q, '&', end - q);
		const char *pend = amp ? amp : end;
		const char *eq = memchr(q, '=', pend - q);

		if (eq != NULL)
		{
			char	   *name = clio_percent_decode(q, eq - q);

			/* a parameter given twice: the last one counts */
			if (strcmp(name, "page_token") == 0)
			{
				if (*page_token)
					pfree(*page_token);
				*page_token = clio_percent_decode(eq + 1, pend - eq - 1);
			}
			else if (strcmp(name, "offset") == 0)
			{
				if (*offset)
					pfree(*offset);
				*offset = clio_percent_decode(eq + 1, pend - eq - 1);
			}
			pfree(name);
		}
		q = amp ? amp + 1 : end;
	}
	return *page_token != NULL || *offset != NULL;
}

/*
 * clio_cursor_hash
 *		FNV-1a over a next link's page_token and offset, each with a tag so
 *		that a token and an offset of the same text differ.
 */
static uint64
clio_cursor_hash(const char *token, const char *offset)
{
	uint64		h = UINT64CONST(0xcbf29ce484222325);
	const char *parts[2];
	int			i;

	parts[0] = token;
	parts[1] = offset;
	for (i = 0; i < 2; i++)
	{
		const unsigned char *p = (const unsigned char *) parts[i];

		h = (h ^ (uint64) (p ? 't' + i : 0)) * UINT64CONST(0x100000001b3);
		for (; p && *p; p++)
			h = (h ^ *p) * UINT64CONST(0x100000001b3);
		h = (h ^ 0xff) * UINT64CONST(0x100000001b3);
	}
	return h;
}

/*
 * clio_paging_start
 *		A new walk through a list asked for page_size records a page.
 */
void
clio_paging_start(ClioPaging *pg, int page_size)
{
	memset(pg, 0, sizeof(*pg));
	pg->total = -1;
	pg->page_size = page_size > 0 ? page_size : 1;
}

/*
 * clio_paging_step
 *		Count a page of nrecords records (total: its meta.records, or -1)
 *		whose next link names token and offset (both NULL on the last page),
 *		and say whether the walk loops.  On CLIO_PAGING_REPEAT, *since is
 *		how many pages before this one the same cursor was named.
 *
 *		Memory is fixed: the latest CLIO_PAGING_RECENT cursors catch short
 *		loops at their first repeat; the mark, moved to the cursor of each
 *		page whose number is a power of two, catches a longer loop once a
 *		mark falls inside it and the loop fits before the next power of two
 *		(within about three times the loop's length and the pages before
 *		it).  A walk of ever new cursors ends at twice the pages (and
 *		records) Clio counted, plus some slack for records created while it
 *		runs; without a count, only the two checks above and the empty run
 *		hold.
 */
ClioPagingVerdict
clio_paging_step(ClioPaging *pg, int nrecords, int64 total,
				 const char *token, const char *offset, int64 *since)
{
	uint64		h;
	int			i;

	*since = 0;
	pg->pages++;
	pg->records += Max(nrecords, 0);
	if (pg->pages == 1)
		pg->total = total;
	if (token == NULL && offset == NULL)
		return CLIO_PAGING_OK;	/* the last page */
	/* a first page that links on with fewer records than asked for tells
	 * the server's own page size (a gateway may page smaller) */
	if (pg->pages == 1 && nrecords > 0 && nrecords < pg->page_size)
		pg->page_size = nrecords;

	pg->empty_run = nrecords > 0 ? 0 : pg->empty_run + 1;
	if (pg->empty_run >= CLIO_PAGING_EMPTY_RUN)
		return CLIO_PAGING_EMPTY;

	h = clio_cursor_hash(token, offset);
	for (i = 0; i < pg->nrecent; i++)
	{
		if (pg->recent[i] == h)
		{
			*since = pg->pages - pg->recent_at[i];
			return CLIO_PAGING_REPEAT;
		}
	}
	if (pg->mark_at > 0 && pg->mark == h)
	{
		*since = pg->pages - pg->mark_at;
		return CLIO_PAGING_REPEAT;
	}
	i = (int) ((pg->pages - 1) % CLIO_PAGING_RECENT);
	pg->recent[i] = h;
	pg->recent_at[i] = pg->pages;
	pg->nrecent = Min(pg->nrecent + 1, CLIO_PAGING_RECENT);
	if ((pg->pages & (pg->pages - 1)) == 0)
	{
		pg->mark = h;
		pg->mark_at = pg->pages;
	}

	if (pg->total >= 0 &&
		(pg->pages > 2 * (pg->total / pg->page_size + 1) + 10 ||
		 pg->records > 2 * pg->total + 10 * (int64) pg->page_size))
		return CLIO_PAGING_TOO_LONG;
	return CLIO_PAGING_OK;
}

#ifndef FRONTEND
/*
 * clio_paging_check
 *		clio_paging_step, and the error of a walk that loops: it names the
 *		table and what was read, and is never retried (the same request
 *		would loop again).
 */
void
clio_paging_check(ClioPaging *pg, int nrecords, int64 total,
				  const char *token, const char *offset,
				  const char *table, const char *request)
{
	int64		since;
	char	   *detail;

	switch (clio_paging_step(pg, nrecords, total, token, offset, &since))
	{
		case CLIO_PAGING_OK:
			return;
		case CLIO_PAGING_REPEAT:
			detail = psprintf("The link after page " INT64_FORMAT " names the same page (page_token or offset) as the link after page " INT64_FORMAT "; " INT64_FORMAT " pages and " INT64_FORMAT " records were read.",
							  pg->pages, pg->pages - since, pg->pages, pg->records);
			break;
		case CLIO_PAGING_EMPTY:
			detail = psprintf("%d empty pages in a row each linked to a next page; " INT64_FORMAT " pages and " INT64_FORMAT " records were read.",
							  pg->empty_run, pg->pages, pg->records);
			break;
		default:
			detail = psprintf(INT64_FORMAT " pages and " INT64_FORMAT " records were read, far more than the " INT64_FORMAT " records Clio counted on the first page (meta.records).",
							  pg->pages, pg->records, pg->total);
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("Clio's paging of \"%s\" loops", table),
			 errdetail("%s", detail),
			 errcontext("Clio request: %s", request)));
}
#endif
