/*-------------------------------------------------------------------------
 *
 * clio_client.c
 *		  One Clio request, checked: transport plus Clio's error bodies
 *
 * The glue between the transport (clio_http.c, which knows curl but not
 * JSON) and the JSON layer (clio_json.c): send a request and turn an
 * HTTP error status into an ERROR with the SQLSTATE that status stands
 * for, Clio's own message as the detail, and a hint where one helps.
 * Also the OAuth refresh and the short-lived cache of remote counts; the
 * requests it makes itself are built by src/clio_request.c.  It never
 * knows curl, and never decides what a scan or a write sends.
 *
 * IDENTIFICATION
 *		  src/clio_client.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "clio_client.h"
#include "clio_json.h"
#include "clio_request.h"
#include "clio_url.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* The most of Clio's own message an error shows, in characters */
#define CLIO_MESSAGE_MAX_CHARS 1000

/* How long a remote row count is reused */
#define CLIO_COUNT_CACHE_SECONDS 60
#define CLIO_COUNT_CACHE_SIZE 64

typedef struct ClioCountEntry
{
	Oid			umid;
	char	   *url;			/* in TopMemoryContext */
	int64		count;
	TimestampTz at;
} ClioCountEntry;

static ClioCountEntry clio_counts[CLIO_COUNT_CACHE_SIZE];
static int	clio_ncounts = 0;

static void clio_raise_status(const ClioOptions *opts,
							  const ClioHttpRequest *req,
							  const ClioHttpResponse *resp,
							  const char *extra);
static char *clio_clip_message(char *message);

/*
 * clio_send
 *		Send a request and return its status: a 2xx, or 404 when the caller
 *		takes "not found" as an answer (an id lookup finds no row).  Any
 *		other status is an ERROR; "detail", when given, is added to the
 *		error's detail after Clio's own message.
 */
long
clio_send(ClioConn *conn, const ClioOptions *opts, const ClioHttpRequest *req,
		  ClioHttpResponse *resp, ClioStats *stats, int allow,
		  const char *detail)
{
	/* with only a refresh token, get an access token first */
	if (!req->no_auth && opts->api_key == NULL && opts->refresh_token &&
		!clio_http_has_token(conn))
		(void) clio_oauth_refresh(conn, opts);

	clio_http_perform(conn, opts, req, resp, stats);

	/* an expired access token: refresh it once, and send again */
	if (resp->status == 401 && !req->no_auth && opts->refresh_token)
	{
		(void) clio_oauth_refresh(conn, opts);
		clio_http_perform(conn, opts, req, resp, stats);
	}
	if (resp->status >= 200 && resp->status < 300)
		return resp->status;
	if (resp->status == 404 && (allow & CLIO_ALLOW_404))
		return resp->status;
	if (resp->status >= 300 && resp->status < 400 && resp->location &&
		(allow & CLIO_ALLOW_REDIRECT))
		return resp->status;
	clio_raise_status(opts, req, resp, detail);
	return resp->status;		/* not reached */
}

/*
 * clio_oauth_refresh
 *		Get a new access token from Clio's token endpoint (<base_url>/oauth/
 *		token) with the user mapping's refresh token and app credentials,
 *		and make the connection use it.  Returns the token.  Nothing of the
 *		request (it holds secrets) appears in messages.
 */
char *
clio_oauth_refresh(ClioConn *conn, const ClioOptions *opts)
{
	ClioRequest r;
	ClioHttpRequest req;
	ClioHttpResponse resp;
	StringInfoData body;
	char	   *token;
	char	   *type;
	char	   *message;

	if (opts->refresh_token == NULL || opts->client_id == NULL ||
		opts->client_secret == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("cannot refresh the Clio access token"),
				 errhint("The user mapping needs refresh_token, client_id and client_secret.")));

	initStringInfo(&body);
	appendStringInfo(&body, "grant_type=refresh_token&refresh_token=%s&client_id=%s&client_secret=%s",
					 clio_percent_encode(opts->refresh_token),
					 clio_percent_encode(opts->client_id),
					 clio_percent_encode(opts->client_secret));
	clio_request_at(&r, "POST", "/oauth/token", NULL);
	memset(&req, 0, sizeof(req));
	req.method = r.method;
	req.url = clio_request_url(&r, opts->base_url);
	req.display = clio_request_text(&r);
	req.body = body.data;
	req.content_type = "application/x-www-form-urlencoded";
	req.no_auth = true;
	PG_TRY();
	{
		clio_http_perform(conn, opts, &req, &resp, NULL);
	}
	PG_FINALLY();
	{
		explicit_bzero(body.data, body.len);
	}
	PG_END_TRY();

	if (resp.status < 200 || resp.status >= 300)
	{
		clio_json_error_body(resp.body, resp.len, &type, &message);
		type = clio_clip_message(type);
		message = clio_clip_message(message);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("Clio refused to refresh the access token (HTTP %ld)", resp.status),
				 message ? errdetail("Clio says: %s", message) :
				 type ? errdetail("Clio says: %s", type) : 0,
				 errhint("The refresh token may be revoked, or client_id and client_secret wrong: authorize the app again and update the user mapping.")));
	}
	token = clio_json_string_field(resp.body, resp.len, "access_token");
	if (token == NULL || token[0] == '\0' || strpbrk(token, "\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("Clio's token response has no usable access_token")));
	clio_http_set_token(conn, token);
	return token;
}

/*
 * clio_clip_message
 *		Clio's message as an error shows it: its first
 *		CLIO_MESSAGE_MAX_CHARS characters (cut between two characters of the
 *		database encoding, which the message is in), and how much was left
 *		out.  A server could otherwise put megabytes into an error.
 */
static char *
clio_clip_message(char *message)
{
	int			len;
	int			cut;

	if (message == NULL)
		return NULL;
	len = strlen(message);
	cut = pg_mbcharcliplen(message, len, CLIO_MESSAGE_MAX_CHARS);
	if (cut >= len)
		return message;
	return psprintf("%.*s... (%d more characters not shown)", cut, message,
					pg_mbstrlen_with_len(message + cut, len - cut));
}

/*
 * clio_raise_status
 *		Report an HTTP error status.  Clio's text is data: it is passed as
 *		an argument, never as a format.
 */
static void
clio_raise_status(const ClioOptions *opts, const ClioHttpRequest *req,
				  const ClioHttpResponse *resp, const char *extra)
{
	char	   *type;
	char	   *message;
	long		status = resp->status;
	int			sqlstate;
	const char *what;
	const char *hint = NULL;

	clio_json_error_body(resp->body, resp->len, &type, &message);
	type = clio_clip_message(type);
	message = clio_clip_message(message);

	switch (status)
	{
		case 400:
			sqlstate = ERRCODE_INVALID_PARAMETER_VALUE;
			what = "Clio rejected the request";
			if (message && strstr(message, "onnection") != NULL)
				hint = "The Maton gateway needs an active Clio connection: check the server option connection_id, or create a connection at https://ctrl.maton.ai.";
			break;
		case 401:
			sqlstate = ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
			what = "Clio refused the credentials";
			hint = "Check the api_key of your user mapping for this server (and, through Maton, that the Clio connection is active).";
			break;
		case 403:
			sqlstate = ERRCODE_INSUFFICIENT_PRIVILEGE;
			what = "Clio denied access";
			hint = "The OAuth scopes of the connection, or the Clio user's role, do not allow this request.";
			break;
		case 404:
			sqlstate = ERRCODE_FDW_TABLE_NOT_FOUND;
			what = "Clio has no such resource";
			break;
		case 405:
			sqlstate = ERRCODE_FEATURE_NOT_SUPPORTED;
			what = "Clio does not allow this method here";
			break;
		case 409:
			sqlstate = ERRCODE_OBJECT_IN_USE;
			what = "Clio reported a conflict";
			break;
		case 410:
			sqlstate = ERRCODE_FEATURE_NOT_SUPPORTED;
			what = "Clio no longer serves this API version";
			hint = "Set the server option api_version to a version Clio supports, or remove it to use the default.";
			break;
		case 412:
			sqlstate = ERRCODE_T_R_SERIALIZATION_FAILURE;
			what = "the Clio record changed since it was read";
			hint = "Run the statement again.";
			break;
		case 422:
			sqlstate = ERRCODE_CHECK_VIOLATION;
			what = "Clio rejected the data";
			break;
		case 429:
			sqlstate = ERRCODE_CONFIGURATION_LIMIT_EXCEEDED;
			what = "Clio's rate limit was exceeded";
			if (resp->retry_after >= 0)
				hint = psprintf("Clio asks to wait %lld more seconds; the server option max_rate_limit_wait (%d ms) sets how long a request may wait.",
								(long long) resp->retry_after,
								opts->max_rate_limit_wait_ms);
			else
				hint = psprintf("The server option max_rate_limit_wait (%d ms) sets how long a request may wait.",
								opts->max_rate_limit_wait_ms);
			break;
		case 500:
			sqlstate = ERRCODE_FDW_ERROR;
			what = "Clio reported an internal error";
			if (strncmp(opts->base_url, CLIO_DEFAULT_BASE_URL,
						strlen(CLIO_DEFAULT_BASE_URL)) == 0)
				hint = "Through the Maton gateway this usually means the connection's OAuth refresh token expired: create a new connection.";
			break;
		case 502:
		case 503:
		case 504:
			sqlstate = ERRCODE_CONNECTION_FAILURE;
			what = "Clio is unavailable";
			break;
		default:
			sqlstate = ERRCODE_FDW_ERROR;
			what = "unexpected HTTP status from Clio";
			break;
	}

	if (message == NULL)
		message = type;
	if (status >= 500 && strcmp(req->method, "GET") != 0)
		extra = psprintf("%s%sClio may or may not have made the change; it was not sent again.",
						 extra ? extra : "", extra ? " " : "");
	/* Clio's message, as a sentence, before what we add */
	if (message && extra)
	{
		size_t		len = strlen(message);

		while (len > 0 && isspace((unsigned char) message[len - 1]))
			len--;
		message = psprintf("%.*s%s", (int) len, message,
						   len > 0 && strchr(".!?", message[len - 1]) ? "" : ".");
	}
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s (HTTP %ld)", what, status),
			 message && extra ? errdetail("Clio says: %s %s", message, extra) :
			 message ? errdetail("Clio says: %s", message) :
			 extra ? errdetail("%s", extra) : 0,
			 hint ? errhint("%s", hint) : 0,
			 errcontext("Clio request: %s", req->display)));
}

/*
 * clio_remote_count
 *		meta.records of a filtered list: the number of records it has, from
 *		a request for one record.  Kept for a minute per user mapping and
 *		URL, so that planning a statement again costs no request.  -1 when
 *		Clio does not say.
 */
int64
clio_remote_count(const ClioOptions *opts, const ClioRequest *r)
{
	char	   *url = clio_request_url(r, opts->base_url);
	char	   *display = clio_request_text(r);
	TimestampTz now = GetCurrentTimestamp();
	ClioHttpRequest req;
	ClioHttpResponse resp;
	ClioPage   *page;
	MemoryContext cxt;
	MemoryContext oldcxt;
	int64		count;
	int			i;
	int			slot;

	for (i = 0; i < clio_ncounts; i++)
	{
		if (clio_counts[i].umid == opts->umid && strcmp(clio_counts[i].url, url) == 0 &&
			!TimestampDifferenceExceeds(clio_counts[i].at, now,
										CLIO_COUNT_CACHE_SECONDS * 1000))
			return clio_counts[i].count;
	}

	memset(&req, 0, sizeof(req));
	req.method = r->method;
	req.url = url;
	req.display = display;
	(void) clio_send(clio_http_connection(opts), opts, &req, &resp, NULL, 0, NULL);

	cxt = AllocSetContextCreate(CurrentMemoryContext, "clio_fdw count",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	page = clio_json_parse_page(resp.body, resp.len, false, display);
	count = clio_json_page_total(page);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(cxt);

	/* remember it: the oldest entry makes room */
	slot = clio_ncounts < CLIO_COUNT_CACHE_SIZE ? clio_ncounts++ : 0;
	for (i = 0; i < clio_ncounts; i++)
		if (clio_counts[i].at < clio_counts[slot].at)
			slot = i;
	if (clio_counts[slot].url)
		pfree(clio_counts[slot].url);
	clio_counts[slot].umid = opts->umid;
	clio_counts[slot].url = MemoryContextStrdup(TopMemoryContext, url);
	clio_counts[slot].count = count;
	clio_counts[slot].at = now;
	return count;
}
