/*-------------------------------------------------------------------------
 *
 * clio_client.h
 *		  One Clio request, checked: HTTP status to SQLSTATE
 *
 * Declares what src/clio_client.c defines.
 *
 * IDENTIFICATION
 *		  include/clio_client.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_CLIENT_H
#define CLIO_CLIENT_H

#include "clio_http.h"
#include "clio_request.h"

/* in src/clio_client.c */
/* what clio_send returns rather than raising */
#define CLIO_ALLOW_404		0x01	/* "not found" is an answer */
#define CLIO_ALLOW_REDIRECT 0x02	/* 3xx with a Location */

extern long clio_send(ClioConn *conn, const ClioOptions *opts,
					  const ClioHttpRequest *req, ClioHttpResponse *resp,
					  ClioStats *stats, int allow, const char *detail);
extern char *clio_oauth_refresh(ClioConn *conn, const ClioOptions *opts);
extern int64 clio_remote_count(const ClioOptions *opts, const ClioRequest *r);

#endif							/* CLIO_CLIENT_H */
