/*-------------------------------------------------------------------------
 *
 * clio_text.h
 *		  Server text at the bottom: a JSON body's pre-scan (UTF-8, number
 *		  lexemes, \u0000, depth) and server text quoted for a message
 *
 * Usable in the backend and in frontend programs (the fuzzers).
 *
 * IDENTIFICATION
 *		  include/clio_text.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_TEXT_H
#define CLIO_TEXT_H

/*
 * After clio_json_prescan, a JSON string whose first byte is
 * CLIO_NUM_MARK was a number (the rest is its lexeme, exactly as the body
 * wrote it), and CLIO_NUL_MARK inside a string stands for \u0000.  Valid
 * UTF-8 never holds either byte, and the pre-scan lets only valid UTF-8
 * through, so neither can come from the server.
 */
#define CLIO_NUM_MARK	((char) 0xFF)
#define CLIO_NUL_MARK	((char) 0xFE)

/* Deepest nesting of arrays and objects a body may have */
#define CLIO_JSON_MAX_DEPTH 512

/* What the pre-scan found wrong */
typedef enum ClioPrescan
{
	CLIO_PRESCAN_OK,
	CLIO_PRESCAN_NUL_BYTE,		/* a raw NUL byte */
	CLIO_PRESCAN_UTF8,			/* a byte sequence that is not UTF-8 */
	CLIO_PRESCAN_NUMBER,		/* a number that is not JSON's */
	CLIO_PRESCAN_DEPTH,			/* nested deeper than CLIO_JSON_MAX_DEPTH */
	CLIO_PRESCAN_TOO_BIG		/* its tree would pass the cap */
} ClioPrescan;

/* in src/clio_text.c */
extern ClioPrescan clio_json_prescan(const char *body, size_t len,
									 size_t node_size, size_t cap,
									 char **out, size_t *outlen,
									 size_t *at);
extern size_t clio_json_prescan_offset(const char *body, size_t len,
									   size_t offset);
extern bool clio_lexeme_int64(const char *s, int64 *result);
extern char *clio_text_quote(const char *s, size_t len, size_t cap);

#ifndef FRONTEND
#include "postgres_ext.h"
extern bool clio_text_iso_datum(Oid typid, const char *s, Datum *value);
#endif

#endif							/* CLIO_TEXT_H */
