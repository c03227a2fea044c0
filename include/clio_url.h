/*-------------------------------------------------------------------------
 *
 * clio_url.h
 *		  Percent-encoding, and reading Clio's next-page links
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

/* in src/clio_url.c */
extern void clio_append_encoded(StringInfo buf, const char *s);
extern char *clio_percent_encode(const char *s);
extern char *clio_percent_decode(const char *s, int len);
extern bool clio_next_params(const char *next, char **page_token,
							 char **offset);

#endif							/* CLIO_URL_H */
