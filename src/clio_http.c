/*-------------------------------------------------------------------------
 *
 * clio_http.c
 *		  HTTP transport over libcurl
 *
 * The only file that includes curl.  One easy handle and one multi handle
 * per user mapping, kept for the life of the backend, so that keep-alive
 * connections are reused across requests and queries.
 *
 * Transfers run through the multi interface in short slices so that query
 * cancel, statement_timeout and backend termination are noticed within a
 * fraction of a second: between slices we call CHECK_FOR_INTERRUPTS()
 * under PG_TRY, and detach the transfer before the error propagates.
 * Nothing ever calls ereport or palloc inside a libcurl callback: the
 * callbacks write into malloc'd buffers owned by the connection, record
 * what went wrong, and return a code that stops the transfer; the error is
 * reported after the transfer has been detached.
 *
 * IDENTIFICATION
 *		  src/clio_http.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <curl/curl.h>

#define CLIO_COMPAT_WAIT_EVENTS
#include "clio_compat.h"
#include "clio_fdw.h"
#include "clio_http.h"
#include "common/pg_prng.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "portability/instr_time.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* First pause before retrying a failed request; it doubles each time */
#define CLIO_BACKOFF_BASE_MS 500
#define CLIO_BACKOFF_MAX_MS 30000

/* How long one slice of a transfer may block before interrupts are checked */
#define CLIO_POLL_MS 100

#define CLIO_HEADER_VALUE_MAX 512

struct ClioConn
{
	Oid			umid;			/* hash key: user mapping */
	CURL	   *easy;
	CURLM	   *multi;

	/* response being received (malloc'd, reused) */
	char	   *buf;
	size_t		len;
	size_t		cap;
	size_t		limit;			/* largest body accepted */
	bool		too_large;		/* the body went past limit */
	bool		out_of_memory;	/* realloc failed */

	char	   *token;			/* access token from a refresh (malloc'd) */

	char		location[CLIO_HEADER_VALUE_MAX];
	char		errbuf[CURL_ERROR_SIZE];

	/* rate-limit headers of the latest response (-1: not sent) */
	char		h_limit[32];
	char		h_remaining[32];
	char		h_reset[32];
	char		h_retry_after[32];
	int64		rl_limit;
	int64		rl_remaining;
	int64		rl_reset;		/* unix time the window ends */
};

static HTAB *clio_conns = NULL;
static ClioStats clio_backend_stats;

/*
 * clio_fdw.rate_limit_reserve: requests of each rate-limit window left to
 * other sessions.  When X-RateLimit-Remaining falls below it, the next
 * request waits for the window's reset.  0 (the default) waits only for a
 * spent window; clio_refresh sets it from the server's refresh_reserve.
 */
static int	clio_rate_limit_reserve = 0;

static void clio_http_exit(int code, Datum arg);
static size_t clio_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata);
static size_t clio_header_cb(char *ptr, size_t size, size_t nmemb, void *userdata);
static void clio_copy_header(const char *line, size_t len, const char *name,
							 char *dest, size_t destlen);
static void clio_transport_error(ClioConn *conn, const ClioHttpRequest *req,
								 CURLcode rc, bool sent);
static CURLcode clio_transfer(ClioConn *conn, const ClioOptions *opts,
							  const ClioHttpRequest *req, ClioStats *stats);
static void clio_sleep_ms(long ms, ClioStats *stats);
static void clio_backoff(int attempt, ClioStats *stats);
static int64 clio_header_int(const char *value);
static int64 clio_now(void);
static struct curl_slist *clio_slist_add(struct curl_slist *list, bool *ok,
										 const char *header);

/*
 * clio_http_init
 *		Once per backend, from _PG_init.
 */
void
clio_http_init(void)
{
	CURLcode	rc = curl_global_init(CURL_GLOBAL_ALL);

	if (rc != CURLE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not initialize libcurl"),
				 errdetail_internal("%s", curl_easy_strerror(rc))));
	on_proc_exit(clio_http_exit, (Datum) 0);
	DefineCustomIntVariable("clio_fdw.rate_limit_reserve",
							"Requests of each Clio rate-limit window left to other sessions.",
							"When fewer remain, a request waits for the window to reset.",
							&clio_rate_limit_reserve,
							0, 0, 1000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	clio_backend_stats.rl_limit = -1;
	clio_backend_stats.rl_remaining = -1;
	clio_backend_stats.rl_reset = -1;
}

/*
 * clio_http_exit
 *		Close every cached connection when the backend exits.
 */
static void
clio_http_exit(int code, Datum arg)
{
	if (clio_conns != NULL)
	{
		HASH_SEQ_STATUS scan;
		ClioConn   *conn;

		hash_seq_init(&scan, clio_conns);
		while ((conn = hash_seq_search(&scan)) != NULL)
		{
			if (conn->multi)
				curl_multi_cleanup(conn->multi);
			if (conn->easy)
				curl_easy_cleanup(conn->easy);
			free(conn->buf);
			if (conn->token)
			{
				explicit_bzero(conn->token, strlen(conn->token));
				free(conn->token);
			}
		}
	}
	curl_global_cleanup();
}

/*
 * clio_http_connection
 *		The cached connection for opts' user mapping, made on first use.
 */
ClioConn *
clio_http_connection(const ClioOptions *opts)
{
	ClioConn   *conn;
	bool		found;

	if (clio_conns == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(ClioConn);
		clio_conns = hash_create("clio_fdw connections", 8, &ctl,
								 HASH_ELEM | HASH_BLOBS);
	}

	conn = hash_search(clio_conns, &opts->umid, HASH_ENTER, &found);
	if (!found)
	{
		conn->easy = NULL;
		conn->multi = NULL;
		conn->buf = NULL;
		conn->len = conn->cap = 0;
		conn->rl_limit = conn->rl_remaining = conn->rl_reset = -1;
		conn->token = NULL;
	}
	if (conn->easy == NULL)
	{
		conn->easy = curl_easy_init();
		if (conn->easy == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
					 errmsg("could not create a libcurl handle")));
	}
	if (conn->multi == NULL)
	{
		conn->multi = curl_multi_init();
		if (conn->multi == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
					 errmsg("could not create a libcurl handle")));
	}
	return conn;
}

/*
 * clio_write_cb
 *		Append received body bytes to the connection's buffer.  Runs inside
 *		libcurl: no palloc, no ereport.  Returning less than asked stops the
 *		transfer; the reason is left in conn for the caller.
 */
static size_t
clio_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	ClioConn   *conn = (ClioConn *) userdata;
	size_t		n = size * nmemb;

	if (conn->len + n > conn->limit)
	{
		conn->too_large = true;
		return 0;
	}
	if (conn->len + n + 1 > conn->cap)
	{
		size_t		newcap = Max(conn->cap * 2, 65536);
		char	   *newbuf;

		while (newcap < conn->len + n + 1)
			newcap *= 2;
		newbuf = realloc(conn->buf, newcap);
		if (newbuf == NULL)
		{
			conn->out_of_memory = true;
			return 0;
		}
		conn->buf = newbuf;
		conn->cap = newcap;
	}
	memcpy(conn->buf + conn->len, ptr, n);
	conn->len += n;
	conn->buf[conn->len] = '\0';
	return n;
}

/*
 * clio_copy_header
 *		If line is header "name", copy its trimmed value into dest.
 */
static void
clio_copy_header(const char *line, size_t len, const char *name,
				 char *dest, size_t destlen)
{
	size_t		nlen = strlen(name);
	size_t		i;

	if (len <= nlen || line[nlen] != ':' || pg_strncasecmp(line, name, nlen) != 0)
		return;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
					   line[len - 1] == ' '))
		len--;
	if (len >= destlen)
		len = destlen - 1;
	for (i = 0; i < len; i++)
		dest[i] = line[i];
	dest[len] = '\0';
}

/*
 * clio_header_cb
 *		Keep the response headers clio_fdw acts on.  Runs inside libcurl.
 */
static size_t
clio_header_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	ClioConn   *conn = (ClioConn *) userdata;
	size_t		n = size * nmemb;

	clio_copy_header(ptr, n, "location", conn->location, sizeof(conn->location));
	clio_copy_header(ptr, n, "x-ratelimit-limit", conn->h_limit, sizeof(conn->h_limit));
	clio_copy_header(ptr, n, "x-ratelimit-remaining", conn->h_remaining,
					 sizeof(conn->h_remaining));
	clio_copy_header(ptr, n, "x-ratelimit-reset", conn->h_reset, sizeof(conn->h_reset));
	clio_copy_header(ptr, n, "retry-after", conn->h_retry_after,
					 sizeof(conn->h_retry_after));
	return n;
}

/*
 * clio_slist_add
 *		curl_slist_append, noting a failure (the list is kept as it was).
 */
static struct curl_slist *
clio_slist_add(struct curl_slist *list, bool *ok, const char *header)
{
	struct curl_slist *result = curl_slist_append(list, header);

	if (result == NULL)
	{
		*ok = false;
		return list;
	}
	return result;
}

/*
 * clio_request_headers
 *		The request's header list (every value was checked for control
 *		characters when it became an option).  The caller frees it.
 */
static struct curl_slist *
clio_request_headers(ClioConn *conn, const ClioOptions *opts,
					 const ClioHttpRequest *req)
{
	struct curl_slist *headers = NULL;
	StringInfoData hdr;
	bool		appended_ok = true;

	initStringInfo(&hdr);
	if (!req->no_auth && (conn->token || opts->api_key))
	{
		appendStringInfo(&hdr, "Authorization: Bearer %s",
						 conn->token ? conn->token : opts->api_key);
		headers = clio_slist_add(headers, &appended_ok, hdr.data);
		/* do not leave the key lying in palloc'd memory longer than needed */
		explicit_bzero(hdr.data, hdr.len);
		resetStringInfo(&hdr);
	}
	if (!req->no_auth)
	{
		headers = clio_slist_add(headers, &appended_ok, "Accept: application/json");
		appendStringInfo(&hdr, "X-API-VERSION: %s", opts->api_version);
		headers = clio_slist_add(headers, &appended_ok, hdr.data);
		if (opts->connection_id)
		{
			resetStringInfo(&hdr);
			appendStringInfo(&hdr, "Maton-Connection: %s", opts->connection_id);
			headers = clio_slist_add(headers, &appended_ok, hdr.data);
		}
	}
	if (req->headers)
	{
		const char *const *h;

		for (h = req->headers; *h; h++)
			headers = clio_slist_add(headers, &appended_ok, *h);
	}
	if (req->if_match)
	{
		resetStringInfo(&hdr);
		appendStringInfo(&hdr, "If-Match: %s", req->if_match);
		headers = clio_slist_add(headers, &appended_ok, hdr.data);
	}
	if (req->body)
	{
		resetStringInfo(&hdr);
		appendStringInfo(&hdr, "Content-Type: %s",
						 req->content_type ? req->content_type : "application/json");
		headers = clio_slist_add(headers, &appended_ok, hdr.data);
		headers = clio_slist_add(headers, &appended_ok, "Expect:");
	}
	pfree(hdr.data);
	if (!appended_ok)
	{
		curl_slist_free_all(headers);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
				 errmsg("out of memory building an HTTP request")));
	}
	return headers;
}

/*
 * clio_setopt
 *		curl_easy_setopt, keeping the first option libcurl refused (and
 *		why) in *failed / *failed_rc.  A refused option is never ignored:
 *		clio_set_options reports it, so that, say, a libcurl that cannot
 *		restrict protocols or verify TLS sends nothing at all.
 */
#define clio_setopt(easy, opt, val) \
	do { \
		CURLcode	clio_setopt_rc_ = curl_easy_setopt((easy), (opt), (val)); \
		if (clio_setopt_rc_ != CURLE_OK && failed == NULL) \
		{ \
			failed = #opt; \
			failed_rc = clio_setopt_rc_; \
		} \
	} while (0)

/*
 * clio_set_options
 *		Reset the handle (nothing of an earlier request leaks in) and set
 *		it up for req.  On an option libcurl refuses, frees headers and
 *		raises an ERROR.
 */
static void
clio_set_options(ClioConn *conn, const ClioOptions *opts,
				 const ClioHttpRequest *req, struct curl_slist *headers)
{
	CURL	   *easy = conn->easy;
	const char *failed = NULL;
	CURLcode	failed_rc = CURLE_OK;

	curl_easy_reset(easy);
	conn->len = 0;
	conn->limit = opts->max_response_size;
	conn->too_large = false;
	conn->out_of_memory = false;
	conn->location[0] = '\0';
	conn->errbuf[0] = '\0';
	conn->h_limit[0] = conn->h_remaining[0] = conn->h_reset[0] = '\0';
	conn->h_retry_after[0] = '\0';

	clio_setopt(easy, CURLOPT_URL, req->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	clio_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	clio_setopt(easy, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	clio_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	clio_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	clio_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
	clio_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	clio_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
	clio_setopt(easy, CURLOPT_USERAGENT, "clio_fdw/" CLIO_FDW_VERSION);
	clio_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long) opts->connect_timeout_ms);
	clio_setopt(easy, CURLOPT_TIMEOUT_MS, (long) opts->request_timeout_ms);
	clio_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	clio_setopt(easy, CURLOPT_HTTPHEADER, headers);
	clio_setopt(easy, CURLOPT_WRITEFUNCTION, clio_write_cb);
	clio_setopt(easy, CURLOPT_WRITEDATA, conn);
	clio_setopt(easy, CURLOPT_HEADERFUNCTION, clio_header_cb);
	clio_setopt(easy, CURLOPT_HEADERDATA, conn);
	clio_setopt(easy, CURLOPT_ERRORBUFFER, conn->errbuf);
	clio_setopt(easy, CURLOPT_CUSTOMREQUEST,
				strcmp(req->method, "GET") == 0 ? NULL : req->method);

	/*
	 * libcurl sends a request again by itself when a reused connection
	 * turns out closed; that must not happen to a POST, PATCH or DELETE
	 * that may have reached Clio.  Those go on a connection of their own.
	 */
	if (strcmp(req->method, "GET") != 0)
		clio_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
	if (req->body)
	{
		clio_setopt(easy, CURLOPT_POSTFIELDS, req->body);
		clio_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
					(curl_off_t) (req->body_len ? req->body_len : strlen(req->body)));
	}
	else if (strcmp(req->method, "GET") == 0)
		clio_setopt(easy, CURLOPT_HTTPGET, 1L);

	if (failed != NULL)
	{
		(void) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);	/* clearing: cannot fail */
		curl_slist_free_all(headers);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not set up an HTTP request"),
				 errdetail_internal("libcurl refused %s: %s", failed,
									curl_easy_strerror(failed_rc)),
				 errcontext("Clio request: %s", req->display)));
	}
}

/*
 * clio_run_transfer
 *		Run the transfer set up on the handle through the multi interface,
 *		in slices short enough to notice interrupts; detach it and free
 *		headers however it ends.  Returns curl's result.
 */
static CURLcode
clio_run_transfer(ClioConn *conn, struct curl_slist *headers)
{
	CURL	   *easy = conn->easy;
	struct curl_slist *volatile vheaders = headers;
	volatile bool attached = false;
	CURLcode	rc = CURLE_OK;

	pgstat_report_wait_start(clio_wait_event(0));
	PG_TRY();
	{
		int			running = 1;
		CURLMsg    *msg;
		int			nmsgs;

		if (curl_multi_add_handle(conn->multi, easy) != CURLM_OK)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not start an HTTP request")));
		attached = true;

		while (running)
		{
			CURLMcode	mc = curl_multi_perform(conn->multi, &running);

			if (mc != CURLM_OK)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("HTTP transfer failed"),
						 errdetail_internal("%s", curl_multi_strerror(mc))));
			if (!running)
				break;
			CHECK_FOR_INTERRUPTS();
			mc = curl_multi_poll(conn->multi, NULL, 0, CLIO_POLL_MS, NULL);
			if (mc != CURLM_OK)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("HTTP transfer failed"),
						 errdetail_internal("%s", curl_multi_strerror(mc))));
			CHECK_FOR_INTERRUPTS();
		}

		while ((msg = curl_multi_info_read(conn->multi, &nmsgs)) != NULL)
		{
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy)
				rc = msg->data.result;
		}
	}
	PG_CATCH();
	{
		pgstat_report_wait_end();
		if (attached)
			curl_multi_remove_handle(conn->multi, easy);
		(void) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);	/* clearing: cannot fail */
		curl_slist_free_all(vheaders);
		PG_RE_THROW();
	}
	PG_END_TRY();
	pgstat_report_wait_end();

	curl_multi_remove_handle(conn->multi, easy);
	(void) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);	/* clearing: cannot fail */
	curl_slist_free_all(vheaders);
	return rc;
}

/*
 * clio_count_transfer
 *		Add a finished attempt to the counters (the backend's and, when
 *		given, the scan's or statement's), and keep what its headers say of
 *		the rate limit.
 */
static void
clio_count_transfer(ClioConn *conn, ClioStats *stats, double ms, CURLcode rc)
{
	clio_backend_stats.requests++;
	clio_backend_stats.network_ms += ms;
	clio_backend_stats.bytes += conn->len;
	if (stats)
	{
		stats->requests++;
		stats->network_ms += ms;
		stats->bytes += conn->len;
	}

	if (rc == CURLE_OK)
	{
		int64		v;

		if ((v = clio_header_int(conn->h_limit)) >= 0)
			conn->rl_limit = v;
		if ((v = clio_header_int(conn->h_remaining)) >= 0)
			conn->rl_remaining = v;
		if ((v = clio_header_int(conn->h_reset)) >= 0)
			conn->rl_reset = v;
		clio_backend_stats.rl_limit = conn->rl_limit;
		clio_backend_stats.rl_remaining = conn->rl_remaining;
		clio_backend_stats.rl_reset = conn->rl_reset;
	}
}

/*
 * clio_transfer
 *		One attempt at a request: send it and receive the whole response
 *		into the connection's buffer.  Returns curl's result; the status and
 *		headers are left in the handle and the connection.
 */
static CURLcode
clio_transfer(ClioConn *conn, const ClioOptions *opts,
			  const ClioHttpRequest *req, ClioStats *stats)
{
	struct curl_slist *headers = clio_request_headers(conn, opts, req);
	instr_time	start,
				elapsed;
	CURLcode	rc;

	clio_set_options(conn, opts, req, headers);
	INSTR_TIME_SET_CURRENT(start);
	rc = clio_run_transfer(conn, headers);
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	clio_count_transfer(conn, stats, INSTR_TIME_GET_MILLISEC(elapsed), rc);
	return rc;
}

/*
 * clio_header_int
 *		A header's value as a non-negative integer, or -1.
 */
static int64
clio_header_int(const char *value)
{
	char	   *end;
	long long	v;

	if (value[0] == '\0')
		return -1;
	errno = 0;
	v = strtoll(value, &end, 10);
	if (errno != 0 || end == value || v < 0)
		return -1;
	return (int64) v;
}

static int64
clio_now(void)
{
	return (int64) time(NULL);
}

/*
 * clio_sleep_ms
 *		Wait, waking at once for query cancel, statement_timeout or
 *		termination (their handlers set our latch).
 */
static void
clio_sleep_ms(long ms, ClioStats *stats)
{
	instr_time	start,
				now;

	INSTR_TIME_SET_CURRENT(start);
	for (;;)
	{
		long		left;

		CHECK_FOR_INTERRUPTS();
		INSTR_TIME_SET_CURRENT(now);
		INSTR_TIME_SUBTRACT(now, start);
		left = ms - (long) INSTR_TIME_GET_MILLISEC(now);
		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(left, 1000), clio_wait_event(1));
		ResetLatch(MyLatch);
	}
	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	clio_backend_stats.wait_ms += INSTR_TIME_GET_MILLISEC(now);
	if (stats)
		stats->wait_ms += INSTR_TIME_GET_MILLISEC(now);
}

/*
 * clio_backoff
 *		Wait before retry number attempt+1: exponential, with jitter (half
 *		to all of the doubled base), capped.
 */
static void
clio_backoff(int attempt, ClioStats *stats)
{
	long		backoff = Min((long) CLIO_BACKOFF_BASE_MS << Min(attempt, 16),
							  CLIO_BACKOFF_MAX_MS);

	backoff = backoff / 2 + (long) (pg_prng_double(&pg_global_prng_state) * backoff / 2);
	clio_backend_stats.retries++;
	if (stats)
		stats->retries++;
	clio_sleep_ms(backoff, stats);
}

/*
 * clio_http_perform
 *		Send one request and wait for the whole response, with Clio's rate
 *		limit respected and transient failures retried.
 *
 * Before a request, a window whose budget the last response said was
 * spent is waited out.  A 429 is waited out (Retry-After, else the
 * window's reset) and the same request sent again, up to
 * max_rate_limit_wait in all.  A GET that fails in transport or with a 5xx
 * is retried with exponential backoff and jitter, up to max_retries; a
 * POST, PATCH or DELETE only when it cannot have reached Clio (nothing was
 * sent).  Transport failures that remain are reported here; an HTTP error
 * status is returned to the caller, which reads Clio's error body.
 * resp->body stays valid until the next request on the same connection.
 */
void
clio_http_perform(ClioConn *conn, const ClioOptions *opts,
				  const ClioHttpRequest *req, ClioHttpResponse *resp,
				  ClioStats *stats)
{
	bool		idempotent = strcmp(req->method, "GET") == 0;
	long		waited_ms = 0;
	int			attempt = 0;

	for (;;)
	{
		CURLcode	rc;
		long		status = 0;

		/*
		 * A spent window, or one down to the reserve: wait for its reset
		 * rather than provoke a 429 or take the last requests.
		 */
		if (conn->rl_remaining >= 0 && conn->rl_reset > 0 &&
			(conn->rl_remaining == 0 ||
			 conn->rl_remaining < clio_rate_limit_reserve))
		{
			int64		wait_s = conn->rl_reset - clio_now();

			if (wait_s > 0)
			{
				long		ms = (long) Min(wait_s, 3600) * 1000;

				if (conn->rl_remaining > 0)
					ereport(NOTICE,
							(errcode(ERRCODE_WARNING),
							 errmsg("waiting for Clio's rate-limit window to reset"),
							 errdetail("%lld requests remain in the window and clio_fdw.rate_limit_reserve keeps %d for other sessions; the window resets in %lld seconds.",
									   (long long) conn->rl_remaining,
									   clio_rate_limit_reserve,
									   (long long) wait_s)));

				if (waited_ms + ms > opts->max_rate_limit_wait_ms)
					ereport(ERROR,
							(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
							 errmsg("Clio's rate limit is spent for %ld more seconds",
									(long) wait_s),
							 errdetail("Waiting for the window to reset would pass max_rate_limit_wait (%d ms).",
									   opts->max_rate_limit_wait_ms),
							 errhint("Raise the server option max_rate_limit_wait, or try again after the reset."),
							 errcontext("Clio request: %s", req->display)));
				clio_sleep_ms(ms, stats);
				waited_ms += ms;
			}
			conn->rl_remaining = -1;
		}

		rc = clio_transfer(conn, opts, req, stats);
		if (rc == CURLE_OK)
			curl_easy_getinfo(conn->easy, CURLINFO_RESPONSE_CODE, &status);

		if (rc != CURLE_OK)
		{
			curl_off_t	sent = 0;
			bool		may_have_reached;

			curl_easy_getinfo(conn->easy, CURLINFO_REQUEST_SIZE, &sent);
			may_have_reached = (sent > 0);
			if (!conn->too_large && !conn->out_of_memory &&
				(idempotent || !may_have_reached) &&
				attempt < opts->max_retries)
			{
				clio_backoff(attempt++, stats);
				continue;
			}
			clio_transport_error(conn, req, rc, !idempotent && may_have_reached);
		}

		if (status == 429)
		{
			int64		retry_s = clio_header_int(conn->h_retry_after);
			long		ms;

			clio_backend_stats.rate_limited++;
			if (stats)
				stats->rate_limited++;
			if (retry_s < 0 && conn->rl_reset > 0)
				retry_s = Max(conn->rl_reset - clio_now(), 1);
			if (retry_s < 0)
				retry_s = 1;
			ms = (long) Min(retry_s, 3600) * 1000;
			if (waited_ms + ms > opts->max_rate_limit_wait_ms)
			{
				/* give up: the caller reports the 429 with Clio's message */
				break;
			}
			clio_sleep_ms(ms, stats);
			waited_ms += ms;
			conn->rl_remaining = -1;
			continue;
		}

		if (status >= 500 && idempotent && attempt < opts->max_retries)
		{
			clio_backoff(attempt++, stats);
			continue;
		}
		break;
	}

	curl_easy_getinfo(conn->easy, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->body = conn->buf ? conn->buf : "";
	resp->len = conn->len;
	resp->location = conn->location[0] ? pstrdup(conn->location) : NULL;
	resp->retry_after = clio_header_int(conn->h_retry_after);
	resp->rl_reset = conn->rl_reset;
}

/*
 * clio_transport_error
 *		Report a request that got no complete HTTP response.
 */
static void
clio_transport_error(ClioConn *conn, const ClioHttpRequest *req, CURLcode rc,
					 bool sent)
{
	const char *detail = conn->errbuf[0] ? conn->errbuf : curl_easy_strerror(rc);

	if (sent && !conn->too_large && !conn->out_of_memory)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("the outcome of a Clio %s is unknown", req->method),
				 errdetail("The request was sent, but no answer came back (%s). Clio may or may not have made the change; it was not sent again.",
						   detail),
				 errhint("Check the record in Clio before running the statement again."),
				 errcontext("Clio request: %s", req->display)));

	if (conn->too_large)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("Clio response is too large"),
				 errdetail("The response went past %zu bytes.", conn->limit),
				 errhint("The server option max_response_size sets the limit."),
				 errcontext("Clio request: %s", req->display)));
	if (conn->out_of_memory)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory receiving a Clio response"),
				 errcontext("Clio request: %s", req->display)));

	switch (rc)
	{
		case CURLE_OPERATION_TIMEDOUT:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("Clio request timed out"),
					 errdetail_internal("%s", detail),
					 errhint("The server options connect_timeout and request_timeout set the limits."),
					 errcontext("Clio request: %s", req->display)));
			break;
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
		case CURLE_COULDNT_CONNECT:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not connect to Clio"),
					 errdetail_internal("%s", detail),
					 errhint("Check the server option base_url and the network."),
					 errcontext("Clio request: %s", req->display)));
			break;
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("TLS handshake with Clio failed"),
					 errdetail_internal("%s", detail),
					 errcontext("Clio request: %s", req->display)));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("Clio request failed"),
					 errdetail_internal("%s", detail),
					 errcontext("Clio request: %s", req->display)));
	}
}

/*
 * clio_http_set_token
 *		Use token (an access token from a refresh) instead of the user
 *		mapping's, for the life of the backend or until the mapping changes.
 */
void
clio_http_set_token(ClioConn *conn, const char *token)
{
	char	   *copy = strdup(token);

	if (copy == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (conn->token)
	{
		explicit_bzero(conn->token, strlen(conn->token));
		free(conn->token);
	}
	conn->token = copy;
}

bool
clio_http_has_token(ClioConn *conn)
{
	return conn->token != NULL;
}

/*
 * clio_http_forget_tokens
 *		A user mapping changed: drop every refreshed token, so that the
 *		mapping's own credentials are used again.
 */
void
clio_http_forget_tokens(void)
{
	HASH_SEQ_STATUS scan;
	ClioConn   *conn;

	if (clio_conns == NULL)
		return;
	hash_seq_init(&scan, clio_conns);
	while ((conn = hash_seq_search(&scan)) != NULL)
	{
		if (conn->token)
		{
			explicit_bzero(conn->token, strlen(conn->token));
			free(conn->token);
			conn->token = NULL;
		}
	}
}

/*
 * clio_http_backend_stats
 *		This backend's counters since it started.
 */
const ClioStats *
clio_http_backend_stats(void)
{
	return &clio_backend_stats;
}
