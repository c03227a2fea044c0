/*-------------------------------------------------------------------------
 *
 * clio_url.c
 *		  Percent-encoding, and reading Clio's next-page links
 *
 * Pure string functions, with no backend dependency beyond palloc and
 * StringInfo: the same file builds into the extension and, with FRONTEND
 * defined, into the fuzzers under test/fuzz.
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
