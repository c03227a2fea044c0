/*-------------------------------------------------------------------------
 *
 * clio_http.h
 *		  The HTTP transport: the only part of clio_fdw that knows libcurl
 *
 * Declares what src/clio_http.c defines.  A ClioConn is one reusable curl
 * handle (with its keep-alive connections) per user mapping, kept for the
 * life of the backend.  Callers describe a request, get back the status and
 * body, and never see a curl type.  No planner or executor header comes in
 * through here.
 *
 * IDENTIFICATION
 *		  include/clio_http.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_HTTP_H
#define CLIO_HTTP_H

#include "clio_option.h"

typedef struct ClioConn ClioConn;

typedef struct ClioHttpRequest
{
	const char *method;			/* GET, POST, PATCH or DELETE */
	const char *url;			/* absolute URL, already encoded */
	const char *display;		/* what errors show: method and path, no secret */
	const char *body;			/* request body, or NULL */
	size_t		body_len;		/* its length; 0: strlen(body) */
	const char *content_type;	/* of the body; NULL: application/json */
	const char *if_match;		/* If-Match header value, or NULL */
	const char *const *headers; /* more "Name: value" headers, NULL-ended */
	bool		no_auth;		/* to a host that must not get the
								 * credentials: no Authorization, no Clio
								 * headers */
} ClioHttpRequest;

typedef struct ClioHttpResponse
{
	long		status;			/* HTTP status */
	const char *body;			/* owned by the connection; valid until its
								 * next request */
	size_t		len;
	char	   *location;		/* Location header, whole (palloc'd), or NULL */
	int64		retry_after;	/* Retry-After in seconds (a date: from now;
								 * rounded up), or -1 */
	int64		rl_reset;		/* X-RateLimit-Reset (unix time), or -1 */
} ClioHttpResponse;

/* What a scan or a statement cost, for EXPLAIN ANALYZE */
typedef struct ClioStats
{
	int64		requests;		/* HTTP requests sent */
	int64		bytes;			/* response bytes received (decoded) */
	int64		retries;		/* requests sent again after a failure */
	int64		rate_limited;	/* 429 answers */
	double		network_ms;		/* time spent waiting on the network */
	double		wait_ms;		/* time spent waiting out limits, backoff */
	/* the latest rate-limit headers (backend counters only; -1: unknown) */
	int64		rl_limit;
	int64		rl_remaining;
	int64		rl_reset;
} ClioStats;

extern void clio_http_init(void);
extern ClioConn *clio_http_connection(const ClioOptions *opts);
extern void clio_http_perform(ClioConn *conn, const ClioOptions *opts,
							  const ClioHttpRequest *req,
							  ClioHttpResponse *resp, ClioStats *stats);
extern const ClioStats *clio_http_backend_stats(void);
extern void clio_http_set_token(ClioConn *conn, const char *token);
extern bool clio_http_has_token(ClioConn *conn);
extern void clio_http_forget_tokens(void);

#endif							/* CLIO_HTTP_H */
