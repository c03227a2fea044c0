/*-------------------------------------------------------------------------
 *
 * clio_text.c
 *		  Server text at the bottom: a JSON body's pre-scan, and server
 *		  text quoted for a message
 *
 * cJSON keeps a number only as a double and reads \u0000 as the end of a
 * string; it does not check UTF-8.  So before cJSON sees a body,
 * clio_json_prescan checks it and rewrites what cJSON would lose:
 *
 *	- every byte sequence in the body must be UTF-8 (an error otherwise:
 *	  PostgreSQL text never holds anything else);
 *	- a number outside strings becomes a string whose first byte is
 *	  CLIO_NUM_MARK, followed by the number's lexeme as the body spelled it
 *	  (checked against JSON's grammar), so that values convert from their
 *	  exact text and never through a double;
 *	- \u0000 inside a string becomes the byte CLIO_NUL_MARK, which the
 *	  reader refuses when it converts that string (src/clio_json.c);
 *	- nesting deeper than CLIO_JSON_MAX_DEPTH, or a raw NUL byte, is an
 *	  error, before cJSON's own limits come into play;
 *	- the memory cJSON's tree will take is counted (nodes times the size
 *	  the caller gives, plus the strings), and a body whose tree would
 *	  pass the caller's cap is refused before any of it is made.
 *
 * Neither mark is valid UTF-8, so neither can come from the server.
 *
 * clio_text_quote is the one way server text (an id, a value, Clio's own
 * message) goes into a message: valid UTF-8 only, cut on a character
 * boundary.  clio_text_iso_datum reads the dates and timestamps Clio
 * writes without the general date/time parser (backend only).
 *
 * The file knows nothing of cJSON, HTTP or the catalog; it needs nothing
 * of the backend but palloc, and builds with FRONTEND defined into the
 * fuzzers under test/fuzz.
 *
 * IDENTIFICATION
 *		  src/clio_text.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include "clio_text.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"

#ifndef FRONTEND
#include "catalog/pg_type.h"
#include "utils/date.h"
#include "utils/datetime.h"
#endif

/*
 * clio_utf8_char
 *		The length of the valid UTF-8 character at p (of at most "left"
 *		bytes), or 0 if there is none.
 */
static inline int
clio_utf8_char(const unsigned char *p, size_t left)
{
	int			n;

	if (*p < 0x80)
		return 1;
	/* the length its lead byte says (pg_utf_mblen is not in 18's libpgcommon) */
	if ((*p & 0xe0) == 0xc0)
		n = 2;
	else if ((*p & 0xf0) == 0xe0)
		n = 3;
	else if ((*p & 0xf8) == 0xf0)
		n = 4;
	else
		return 0;
	if ((size_t) n > left || !pg_utf8_islegal(p, n))
		return 0;
	return n;
}

/*
 * clio_scan_body
 *		The pre-scan, in three modes: with out NULL it checks the body and
 *		computes the length of what it becomes; with out set, it writes
 *		that (the caller has checked it first); with stop below SIZE_MAX,
 *		it finds the offset in the body of output byte "stop" (for an
 *		error cJSON reports in what it was given).  A string that does
 *		not end is left for cJSON to report.
 */
static ClioPrescan
clio_scan_body(const unsigned char *p, size_t len, char *out,
			   size_t *outlen, size_t *at, size_t stop, size_t *nodes,
			   size_t *strbytes)
{
	size_t		i = 0;
	size_t		o = 0;
	int			depth = 0;

	*nodes = 0;
	*strbytes = 0;

	/* in the third mode, stop at output byte "stop": where was it read? */
#define CLIO_STOP() \
	do { \
		if (o >= stop) \
		{ \
			*at = i - Min(i, o - stop); \
			return CLIO_PRESCAN_OK; \
		} \
	} while (0)

#define CLIO_EMIT(c) do { if (out) out[o] = (char) (c); o++; } while (0)
#define CLIO_EMITN(src, n) do { if (out) memcpy(out + o, (src), (n)); o += (n); } while (0)

	while (i < len)
	{
		unsigned char c = p[i];

		CLIO_STOP();
		if (c == '"')
		{
			size_t		start = i;

			CLIO_EMIT('"');
			i++;
			for (;;)
			{
				size_t		run = i;
				int			n;

				CLIO_STOP();
				/* plain ASCII: copied as a run */
				while (i < len && p[i] >= 0x20 && p[i] < 0x80 &&
					   p[i] != '"' && p[i] != '\\')
					i++;
				if (o + (i - run) > stop)
				{
					*at = run + (stop - o);
					return CLIO_PRESCAN_OK;
				}
				CLIO_EMITN(p + run, i - run);
				if (i >= len)
					break;		/* cJSON's to report */
				c = p[i];
				if (c == '"')
				{
					size_t		j;

					CLIO_EMIT('"');
					i++;
					/* what cJSON will allocate: the text, a node unless a key */
					*strbytes += MAXALIGN(i - start - 1);
					for (j = i; j < len && (p[j] == ' ' || p[j] == '\t' ||
											p[j] == '\n' || p[j] == '\r'); j++)
						;
					if (j >= len || p[j] != ':')
						(*nodes)++;
					break;
				}
				if (c == '\\')
				{
					if (i + 1 >= len)
					{
						CLIO_EMIT('\\');
						i++;
						break;	/* cJSON's to report */
					}
					if (p[i + 1] == 'u' && len - i >= 6 &&
						memcmp(p + i + 2, "0000", 4) == 0)
					{
						CLIO_EMIT(CLIO_NUL_MARK);
						i += 6;
					}
					else if (p[i + 1] >= 0x80 || p[i + 1] < 0x20)
					{
						/* no escape: cJSON refuses it; the byte is checked */
						CLIO_EMIT('\\');
						i++;
					}
					else
					{
						CLIO_EMITN(p + i, 2);
						i += 2;
					}
					continue;
				}
				if (c == '\0')
				{
					*at = i;
					return CLIO_PRESCAN_NUL_BYTE;
				}
				/* a control character (cJSON takes it) or a multibyte one */
				n = clio_utf8_char(p + i, len - i);
				if (n == 0)
				{
					*at = i;
					return CLIO_PRESCAN_UTF8;
				}
				CLIO_EMITN(p + i, n);
				i += n;
			}
		}
		else if (c == '-' || (c >= '0' && c <= '9'))
		{
			size_t		start = i;

			/* JSON's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
			if (c == '-')
				i++;
			if (i < len && p[i] == '0')
				i++;
			else if (i < len && p[i] >= '1' && p[i] <= '9')
				while (i < len && p[i] >= '0' && p[i] <= '9')
					i++;
			else
				goto bad_number;
			if (i < len && p[i] == '.')
			{
				i++;
				if (i >= len || p[i] < '0' || p[i] > '9')
					goto bad_number;
				while (i < len && p[i] >= '0' && p[i] <= '9')
					i++;
			}
			if (i < len && (p[i] == 'e' || p[i] == 'E'))
			{
				i++;
				if (i < len && (p[i] == '+' || p[i] == '-'))
					i++;
				if (i >= len || p[i] < '0' || p[i] > '9')
					goto bad_number;
				while (i < len && p[i] >= '0' && p[i] <= '9')
					i++;
			}
			/* what follows a number is punctuation or white space */
			if (i < len &&
				((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'z') ||
				 (p[i] >= 'A' && p[i] <= 'Z') || p[i] == '.' || p[i] == '+' ||
				 p[i] == '-' || p[i] == '_'))
				goto bad_number;
			CLIO_EMIT('"');
			CLIO_EMIT(CLIO_NUM_MARK);
			CLIO_EMITN(p + start, i - start);
			CLIO_EMIT('"');
			(*nodes)++;
			*strbytes += MAXALIGN(i - start + 2);
			continue;
	bad_number:
			*at = start;
			return CLIO_PRESCAN_NUMBER;
		}
		else
		{
			int			n = 1;

			if (c == '[' || c == '{')
			{
				(*nodes)++;
				if (++depth > CLIO_JSON_MAX_DEPTH)
				{
					*at = i;
					return CLIO_PRESCAN_DEPTH;
				}
			}
			else if (c == 't' || c == 'f' || c == 'n')
				(*nodes)++;		/* true, false, null: one letter each */
			else if (c == ']' || c == '}')
				depth--;
			else if (c == '\0')
			{
				*at = i;
				return CLIO_PRESCAN_NUL_BYTE;
			}
			else if (c >= 0x80 && (n = clio_utf8_char(p + i, len - i)) == 0)
			{
				*at = i;
				return CLIO_PRESCAN_UTF8;
			}
			/* anything else is cJSON's to accept or refuse */
			CLIO_EMITN(p + i, n);
			i += n;
		}
	}
#undef CLIO_EMIT
#undef CLIO_EMITN
#undef CLIO_STOP
	*outlen = o;
	*at = len;
	return CLIO_PRESCAN_OK;
}

/*
 * clio_json_prescan
 *		The body as cJSON should read it (see the file's comment), palloc'd
 *		with a NUL after its *outlen bytes; or what is wrong, with the
 *		offending byte's offset in *at -- or, for CLIO_PRESCAN_TOO_BIG, the
 *		bytes the tree would take (nodes of node_size bytes and the
 *		strings), which passed "cap".
 */
ClioPrescan
clio_json_prescan(const char *body, size_t len, size_t node_size, size_t cap,
				  char **out, size_t *outlen, size_t *at)
{
	ClioPrescan r;
	size_t		n = 0;
	size_t		nodes;
	size_t		strbytes;

	*out = NULL;
	*outlen = 0;
	*at = 0;
	r = clio_scan_body((const unsigned char *) body, len, NULL, &n, at, SIZE_MAX,
					   &nodes, &strbytes);
	if (r != CLIO_PRESCAN_OK)
		return r;
	/* what the tree would take, known before any of it is made */
	if (nodes > (cap - Min(cap, strbytes)) / Max(node_size, 1))
	{
		*at = (nodes > (SIZE_MAX - strbytes) / Max(node_size, 1)) ? SIZE_MAX :
			nodes * node_size + strbytes;
		return CLIO_PRESCAN_TOO_BIG;
	}
	*out = palloc_extended(n + 1, MCXT_ALLOC_HUGE);
	(void) clio_scan_body((const unsigned char *) body, len, *out, outlen, at,
						  SIZE_MAX, &nodes, &strbytes);
	(*out)[n] = '\0';
	*at = 0;
	return CLIO_PRESCAN_OK;
}

/*
 * clio_json_prescan_offset
 *		The offset in the body of byte "offset" of what clio_json_prescan
 *		made of it.
 */
size_t
clio_json_prescan_offset(const char *body, size_t len, size_t offset)
{
	size_t		n;
	size_t		at = len;
	size_t		nodes;
	size_t		strbytes;

	(void) clio_scan_body((const unsigned char *) body, len, NULL, &n, &at,
						  offset, &nodes, &strbytes);
	return Min(at, len);
}

/*
 * clio_lexeme_int64
 *		A JSON number's lexeme as an int64 when it is a plain integer in
 *		range (no fraction, no exponent); false otherwise.
 */
bool
clio_lexeme_int64(const char *s, int64 *result)
{
	bool		neg = (*s == '-');
	uint64		v = 0;
	uint64		limit = neg ? (uint64) PG_INT64_MAX + 1 : (uint64) PG_INT64_MAX;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
	{
		uint64		d = (uint64) (*s - '0');

		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (*s != '\0')
		return false;
	*result = neg ? (int64) (0 - v) : (int64) v;
	return true;
}

/*
 * clio_text_quote
 *		Server text (len bytes at s, which need not be UTF-8) as palloc'd
 *		text that can go into a message: valid UTF-8 characters as they are
 *		(in a database whose encoding is not UTF-8, non-ASCII ones as
 *		\uXXXX), a backslash as \\, and control characters and bytes that
 *		are not UTF-8 as \xNN.  At most cap bytes, cut on a character
 *		boundary, with "..." after a cut.
 */
char *
clio_text_quote(const char *s, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *) s;
	StringInfoData buf;
	size_t		i = 0;
	bool		utf8 = true;

#ifndef FRONTEND
	utf8 = (GetDatabaseEncoding() == PG_UTF8 ||
			GetDatabaseEncoding() == PG_SQL_ASCII);
#endif
	initStringInfo(&buf);
	while (i < len)
	{
		char		piece[16];
		int			plen;
		int			n = 1;
		unsigned char c = p[i];

		if (c == '\\')
		{
			memcpy(piece, "\\\\", 2);
			plen = 2;
		}
		else if (c >= 0x20 && c < 0x7F)
		{
			piece[0] = (char) c;
			plen = 1;
		}
		else if (c >= 0x80 && (n = clio_utf8_char(p + i, len - i)) > 0)
		{
			if (utf8)
			{
				memcpy(piece, p + i, n);
				plen = n;
			}
			else
				plen = snprintf(piece, sizeof(piece), "\\u%04X",
								(unsigned int) utf8_to_unicode(p + i));
		}
		else
		{
			n = 1;
			plen = snprintf(piece, sizeof(piece), "\\x%02X", c);
		}
		if ((size_t) buf.len + plen > cap)
		{
			appendStringInfoString(&buf, "...");
			break;
		}
		appendBinaryStringInfo(&buf, piece, plen);
		i += n;
	}
	return buf.data;
}

#ifndef FRONTEND

/*
 * clio_digits
 *		The value of n decimal digits at s, or -1.
 */
static int
clio_digits(const char *s, int n)
{
	int			v = 0;

	while (n-- > 0)
	{
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/*
 * clio_iso_day
 *		"YYYY-MM-DD" at s as days since 2000-01-01, or false.
 */
static bool
clio_iso_day(const char *s, int *days)
{
	int			y = clio_digits(s, 4);
	int			m = clio_digits(s + 5, 2);
	int			d = clio_digits(s + 8, 2);

	if (y < 1 || m < 1 || m > 12 || d < 1 || s[4] != '-' || s[7] != '-')
		return false;
	if (d > day_tab[isleap(y)][m - 1])
		return false;
	*days = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	return true;
}

/*
 * clio_text_iso_datum
 *		The date of "YYYY-MM-DD", or the timestamptz of
 *		"YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)": the forms Clio
 *		writes, read without the general date/time parser.  False for
 *		anything else, which the type's input function then reads.
 */
bool
clio_text_iso_datum(Oid typid, const char *s, Datum *value)
{
	size_t		len = strlen(s);
	int			days;
	int			h,
				mi,
				sec;
	int64		usec = 0;
	int			offset;
	const char *p;
	Timestamp	ts;

	if (len < 10 || !clio_iso_day(s, &days))
		return false;
	if (typid == DATEOID)
	{
		if (len != 10)
			return false;
		*value = DateADTGetDatum((DateADT) days);
		return true;
	}
	if (len < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	h = clio_digits(s + 11, 2);
	mi = clio_digits(s + 14, 2);
	sec = clio_digits(s + 17, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return false;
	p = s + 19;
	if (*p == '.')
	{
		int			n = 0;
		int64		scale = USECS_PER_SEC;

		p++;
		while (p[n] >= '0' && p[n] <= '9')
		{
			if (n == 6)
				return false;	/* rounding: the input function's job */
			scale /= 10;
			usec += (p[n] - '0') * scale;
			n++;
		}
		if (n == 0)
			return false;
		p += n;
	}
	if (p[0] == 'Z' && p[1] == '\0')
		offset = 0;
	else if ((p[0] == '+' || p[0] == '-') && p[3] == ':' && p[6] == '\0')
	{
		int			oh = clio_digits(p + 1, 2);
		int			om = clio_digits(p + 4, 2);

		if (oh < 0 || oh > 15 || om < 0 || om > 59)
			return false;
		offset = (oh * 60 + om) * 60 * (p[0] == '-' ? -1 : 1);
	}
	else
		return false;
	ts = ((int64) days * SECS_PER_DAY + h * 3600 + mi * 60 + sec - offset) *
		USECS_PER_SEC + usec;
	if (!IS_VALID_TIMESTAMP(ts))
		return false;
	*value = TimestampTzGetDatum((TimestampTz) ts);
	return true;
}

#endif							/* !FRONTEND */
