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
 * Whatever a server sends, every wait has a bound: a 429 waits at least a
 * second and every wait counts toward max_rate_limit_wait; a rate-limit
 * window is used once and a reset past an hour is not believed; attempts
 * and backoff of one request share (max_retries + 1) x request_timeout.
 * A redirect's Location is kept whole (up to CLIO_LOCATION_MAX) or
 * refused, never cut.  When a response's headers have arrived the socket
 * acknowledges at once (TCP_QUICKACK), so that a server with Nagle's
 * algorithm on, holding the body until the headers are acknowledged, does
 * not wait for a delayed ACK on every request.
 *
 * IDENTIFICATION
 *		  src/clio_http.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

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
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* First pause before retrying a failed request; it doubles each time */
#define CLIO_BACKOFF_BASE_MS 500
#define CLIO_BACKOFF_MAX_MS 30000

/* How long one slice of a transfer may block before interrupts are checked */
#define CLIO_POLL_MS 100

/* A wait for Clio this long or longer is told in a NOTICE (one a wait) */
#define CLIO_WAIT_NOTICE_MS 5000

/* The shortest pause before a 429 is answered by sending again */
#define CLIO_RATE_LIMIT_MIN_PAUSE_MS 1000

/* The longest one rate-limit wait may be (before max_rate_limit_wait) */
#define CLIO_RATE_LIMIT_MAX_PAUSE_S 3600

/*
 * An X-RateLimit-Reset further ahead than this is not believed (Clio's
 * windows last a minute): it is forgotten, and Clio's answers decide.
 */
#define CLIO_RATE_LIMIT_MAX_RESET_S 3600

/* The longest redirect Location accepted (pre-signed URLs run to kBs) */
#define CLIO_LOCATION_MAX 16384

/* Sockets of a connection's cache that get early ACKs (see clio_quickack) */
#define CLIO_MAX_SOCKETS 8

/* Room for a rate-limit header (the longest HTTP-date is 33 bytes) */
#define CLIO_HEADER_VALUE_MAX 64

/* What is wrong with a response's Location header */
typedef enum ClioLocationFault
{
	CLIO_LOCATION_OK = 0,
	CLIO_LOCATION_TOO_LONG,
	CLIO_LOCATION_FOLDED,
	CLIO_LOCATION_TWICE,
	CLIO_LOCATION_CONTROL
} ClioLocationFault;

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

	/* Location of the latest response (malloc'd, reused), and its faults */
	char	   *location;
	size_t		location_cap;
	bool		has_location;
	bool		in_location;	/* the header line before was Location */
	ClioLocationFault location_fault;

	char		errbuf[CURL_ERROR_SIZE];

	/* the connection cache's TCP sockets (for early ACKs) */
	curl_socket_t sockets[CLIO_MAX_SOCKETS];
	int			nsockets;

	/* rate-limit headers of the latest response (-1: not sent) */
	char		h_limit[CLIO_HEADER_VALUE_MAX];
	char		h_remaining[CLIO_HEADER_VALUE_MAX];
	char		h_reset[CLIO_HEADER_VALUE_MAX];
	char		h_retry_after[CLIO_HEADER_VALUE_MAX];
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
static bool clio_header_value(const char *line, size_t len, const char *name,
							  const char **value, size_t *vlen);
static void clio_copy_header(const char *line, size_t len, const char *name,
							 char *dest, size_t destlen);
static bool clio_keep_location(ClioConn *conn, const char *value, size_t len);
static void clio_quickack(ClioConn *conn);
static int	clio_sockopt_cb(void *clientp, curl_socket_t fd, curlsocktype purpose);
static int	clio_closesocket_cb(void *clientp, curl_socket_t fd);
static void clio_location_error(ClioConn *conn, const ClioHttpRequest *req);
static void clio_transport_error(ClioConn *conn, const ClioHttpRequest *req,
								 CURLcode rc, bool sent);
static CURLcode clio_transfer(ClioConn *conn, const ClioOptions *opts,
							  const ClioHttpRequest *req, ClioStats *stats,
							  long timeout_ms);
static void clio_sleep_ms(long ms, ClioStats *stats);
static void clio_wait_notice(long ms, int64 reset, const char *why);
static long clio_backoff_ms(int attempt);
static int64 clio_elapsed_ms(instr_time start);
static int64 clio_header_int(const char *value);
static int64 clio_retry_after_ms(const char *value, int64 now);
static int64 clio_http_date(const char *value);
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
			free(conn->location);
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
		conn->location = NULL;
		conn->location_cap = 0;
		conn->has_location = false;
		conn->nsockets = 0;
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
 * clio_header_value
 *		If line is header "name", point *value at its trimmed value.
 */
static bool
clio_header_value(const char *line, size_t len, const char *name,
				  const char **value, size_t *vlen)
{
	size_t		nlen = strlen(name);

	if (len <= nlen || line[nlen] != ':' || pg_strncasecmp(line, name, nlen) != 0)
		return false;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
					   line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	*value = line;
	*vlen = len;
	return true;
}

/*
 * clio_copy_header
 *		If line is header "name", copy its trimmed value into dest: a
 *		short value (a number, a date).  A longer one is kept as "?", which
 *		reads as no value: never cut into another number.
 */
static void
clio_copy_header(const char *line, size_t len, const char *name,
				 char *dest, size_t destlen)
{
	const char *value;
	size_t		vlen;

	if (!clio_header_value(line, len, name, &value, &vlen))
		return;
	if (vlen >= destlen)
	{
		/* too long to be a number of seconds or a date: unreadable */
		dest[0] = '?';
		dest[1] = '\0';
		return;
	}
	memcpy(dest, value, vlen);
	dest[vlen] = '\0';
}

/*
 * clio_keep_location
 *		Keep a Location header's value whole (in a malloc'd buffer), or
 *		note why it cannot be used: longer than CLIO_LOCATION_MAX, a second
 *		Location, or a control character (a NUL would cut it short).
 *		Runs inside libcurl; false only when out of memory.
 */
static bool
clio_keep_location(ClioConn *conn, const char *value, size_t len)
{
	size_t		i;

	if (conn->has_location)
	{
		conn->location_fault = CLIO_LOCATION_TWICE;
		return true;
	}
	conn->has_location = true;
	if (len > CLIO_LOCATION_MAX)
	{
		conn->location_fault = CLIO_LOCATION_TOO_LONG;
		return true;
	}
	for (i = 0; i < len; i++)
	{
		if ((unsigned char) value[i] < 0x20 || value[i] == 0x7f)
		{
			conn->location_fault = CLIO_LOCATION_CONTROL;
			return true;
		}
	}
	if (len + 1 > conn->location_cap)
	{
		size_t		newcap = Max(len + 1, 1024);
		char	   *newbuf = realloc(conn->location, newcap);

		if (newbuf == NULL)
		{
			conn->out_of_memory = true;
			return false;
		}
		conn->location = newbuf;
		conn->location_cap = newcap;
	}
	memcpy(conn->location, value, len);
	conn->location[len] = '\0';
	return true;
}

/*
 * clio_reset_response
 *		Forget the headers kept of a response: before a request, and when
 *		another response's status line comes (after a 100 Continue).
 */
static void
clio_reset_response(ClioConn *conn)
{
	if (conn->location)
		conn->location[0] = '\0';
	conn->has_location = false;
	conn->in_location = false;
	conn->location_fault = CLIO_LOCATION_OK;
	conn->h_limit[0] = conn->h_remaining[0] = conn->h_reset[0] = '\0';
	conn->h_retry_after[0] = '\0';
}

/*
 * clio_header_cb
 *		Keep the response headers clio_fdw acts on.  Runs inside libcurl:
 *		records, never reports.
 */
static size_t
clio_header_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	ClioConn   *conn = (ClioConn *) userdata;
	size_t		n = size * nmemb;
	const char *value;
	size_t		vlen;

	if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0)
	{
		/* the status line of a response: its own headers follow */
		clio_reset_response(conn);
		return n;
	}
	if (n > 0 && (ptr[0] == ' ' || ptr[0] == '\t'))
	{
		/*
		 * An obsolete line folding: the line continues the header before.
		 * A Location so continued would be followed cut at its first line.
		 */
		if (conn->in_location)
			conn->location_fault = CLIO_LOCATION_FOLDED;
		return n;
	}
	conn->in_location = false;
	if (n <= 2 && (ptr[0] == '\r' || ptr[0] == '\n'))
	{
		/* the end of the headers: the body's first segment may wait on us */
		clio_quickack(conn);
		return n;
	}
	if (clio_header_value(ptr, n, "location", &value, &vlen))
	{
		conn->in_location = true;
		if (!clio_keep_location(conn, value, vlen))
			return 0;
		return n;
	}
	clio_copy_header(ptr, n, "x-ratelimit-limit", conn->h_limit, sizeof(conn->h_limit));
	clio_copy_header(ptr, n, "x-ratelimit-remaining", conn->h_remaining,
					 sizeof(conn->h_remaining));
	clio_copy_header(ptr, n, "x-ratelimit-reset", conn->h_reset, sizeof(conn->h_reset));
	clio_copy_header(ptr, n, "retry-after", conn->h_retry_after,
					 sizeof(conn->h_retry_after));
	return n;
}

/*
 * clio_quickack
 *		Acknowledge what has arrived at once, on every socket of the
 *		connection's cache (one or two: which one this transfer uses,
 *		libcurl tells only after it).
 *
 * A server that writes a response's headers and body apart with Nagle's
 * algorithm on holds the body until the headers are acknowledged, and on
 * a reused connection Linux delays that ACK by 40 ms: every request would
 * wait 40 ms.  TCP_QUICKACK sends the pending ACK now.  It changes nothing
 * else and reports nothing (this runs inside libcurl); where the system
 * has no TCP_QUICKACK, nothing is done.
 */
static void
clio_quickack(ClioConn *conn)
{
#ifdef TCP_QUICKACK
	int			i;
	int			one = 1;

	for (i = 0; i < conn->nsockets; i++)
		(void) setsockopt(conn->sockets[i], IPPROTO_TCP, TCP_QUICKACK,
						  &one, sizeof(one));
#endif
}

/*
 * clio_sockopt_cb
 *		A socket libcurl made for a connection: remember it for
 *		clio_quickack.  Runs inside libcurl.
 */
static int
clio_sockopt_cb(void *clientp, curl_socket_t fd, curlsocktype purpose)
{
	ClioConn   *conn = (ClioConn *) clientp;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKOPT_OK;
	if (conn->nsockets == CLIO_MAX_SOCKETS)
	{
		/* full (a socket closed behind our back?): forget the oldest */
		memmove(conn->sockets, conn->sockets + 1,
				sizeof(curl_socket_t) * (CLIO_MAX_SOCKETS - 1));
		conn->nsockets--;
	}
	conn->sockets[conn->nsockets++] = fd;
	return CURL_SOCKOPT_OK;
}

/*
 * clio_closesocket_cb
 *		libcurl closes a socket (it calls this for every socket made while
 *		clio_sockopt_cb was set, even after the handle is reset).
 */
static int
clio_closesocket_cb(void *clientp, curl_socket_t fd)
{
	ClioConn   *conn = (ClioConn *) clientp;
	int			i;

	for (i = 0; i < conn->nsockets; i++)
	{
		if (conn->sockets[i] == fd)
		{
			conn->sockets[i] = conn->sockets[--conn->nsockets];
			break;
		}
	}
	return close(fd);
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
				 const ClioHttpRequest *req, struct curl_slist *headers,
				 long timeout_ms)
{
	CURL	   *easy = conn->easy;
	const char *failed = NULL;
	CURLcode	failed_rc = CURLE_OK;

	curl_easy_reset(easy);
	conn->len = 0;
	conn->limit = opts->max_response_size;
	conn->too_large = false;
	conn->out_of_memory = false;
	conn->errbuf[0] = '\0';
	clio_reset_response(conn);

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
	clio_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	clio_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	/* our own writes go out at once (libcurl's default, made explicit) */
	clio_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
	clio_setopt(easy, CURLOPT_SOCKOPTFUNCTION, clio_sockopt_cb);
	clio_setopt(easy, CURLOPT_SOCKOPTDATA, conn);
	clio_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, clio_closesocket_cb);
	clio_setopt(easy, CURLOPT_CLOSESOCKETDATA, conn);
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
 *		the rate limit.  A reset further ahead than any window Clio has is
 *		not believed: it is forgotten rather than kept for later requests.
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
			conn->rl_reset = (v - clio_now() > CLIO_RATE_LIMIT_MAX_RESET_S) ? -1 : v;
		clio_backend_stats.rl_limit = conn->rl_limit;
		clio_backend_stats.rl_remaining = conn->rl_remaining;
		clio_backend_stats.rl_reset = conn->rl_reset;
	}
}

/*
 * clio_transfer
 *		One attempt at a request, of at most timeout_ms: send it and
 *		receive the whole response into the connection's buffer.  Returns
 *		curl's result; the status and headers are left in the handle and
 *		the connection.
 */
static CURLcode
clio_transfer(ClioConn *conn, const ClioOptions *opts,
			  const ClioHttpRequest *req, ClioStats *stats, long timeout_ms)
{
	struct curl_slist *headers = clio_request_headers(conn, opts, req);
	instr_time	start,
				elapsed;
	CURLcode	rc;

	clio_set_options(conn, opts, req, headers, timeout_ms);
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

/*
 * clio_retry_after_ms
 *		A Retry-After value as milliseconds from now, or -1 when there is
 *		none or it cannot be read.  Seconds (a fraction, which RFC 9110 does
 *		not allow but servers send, is rounded up to the next second), or
 *		an HTTP-date (a date already past: 0).  Never more than about 30
 *		years, so that callers can add it up.
 */
static int64
clio_retry_after_ms(const char *value, int64 now)
{
	const char *p = value;
	int64		secs = 0;
	int64		date;

	if (*p == '\0')
		return -1;
	if (isdigit((unsigned char) *p))
	{
		bool		fraction = false;

		for (; isdigit((unsigned char) *p); p++)
		{
			if (secs < INT64CONST(1000000000))
				secs = secs * 10 + (*p - '0');
		}
		if (*p == '.')
		{
			p++;
			if (!isdigit((unsigned char) *p))
				return -1;
			for (; isdigit((unsigned char) *p); p++)
				fraction |= (*p != '0');
		}
		if (*p != '\0')
			return -1;
		return (Min(secs, INT64CONST(1000000000)) + (fraction ? 1 : 0)) * 1000;
	}
	date = clio_http_date(value);
	if (date < 0)
		return -1;
	return date <= now ? 0 : Min(date - now, INT64CONST(1000000000)) * 1000;
}

/*
 * clio_http_date
 *		An HTTP-date (RFC 9110, 5.6.7) as unix time, or -1: the IMF-fixdate
 *		"Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete forms a
 *		recipient must still read, RFC 850's "Sunday, 06-Nov-94 08:49:37
 *		GMT" and asctime's "Sun Nov  6 08:49:37 1994".  The day's name is
 *		skipped, not checked: the date says which day it is.
 */
static int64
clio_http_date(const char *value)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	const char *p = value;
	char		mon[4];
	int			day,
				year,
				hh,
				mi,
				ss,
				n = 0,
				month;
	int			y2,
				m2,
				d2;
	int			jd;

	while (isalpha((unsigned char) *p))
		p++;
	if (p == value)
		return -1;
	if (*p == ',')
	{
		p++;
		if (sscanf(p, " %2d %3s %4d %2d:%2d:%2d GMT%n",
				   &day, mon, &year, &hh, &mi, &ss, &n) == 6 && n > 0 &&
			p[n] == '\0' && year >= 1000)
			 /* IMF-fixdate */ ;
		else if (n = 0,
				 sscanf(p, " %2d-%3s-%2d %2d:%2d:%2d GMT%n",
						&day, mon, &year, &hh, &mi, &ss, &n) == 6 && n > 0 &&
				 p[n] == '\0')
		{
			/*
			 * RFC 850's two-digit year: the one of this century, unless that
			 * is more than 50 years ahead (then the century before).
			 */
			int			this_year;

			j2date((int) (clio_now() / SECS_PER_DAY) + UNIX_EPOCH_JDATE,
				   &this_year, &m2, &d2);
			year += this_year - this_year % 100;
			if (year > this_year + 50)
				year -= 100;
		}
		else
			return -1;
	}
	else if (sscanf(p, " %3s %2d %2d:%2d:%2d %4d%n",
					mon, &day, &hh, &mi, &ss, &year, &n) != 6 || n == 0 ||
			 p[n] != '\0')
		return -1;

	for (month = 0; month < 12; month++)
		if (strcmp(mon, months[month]) == 0)
			break;
	if (month == 12 || day < 1 || day > 31 || year < 1970 || year > 9999 ||
		hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60)
		return -1;
	/* a day the month does not have (31 Feb) is not a date */
	jd = date2j(year, month + 1, day);
	j2date(jd, &y2, &m2, &d2);
	if (y2 != year || m2 != month + 1 || d2 != day)
		return -1;
	return (int64) (jd - UNIX_EPOCH_JDATE) * SECS_PER_DAY +
		hh * SECS_PER_HOUR + mi * SECS_PER_MINUTE + ss;
}

static int64
clio_now(void)
{
	return (int64) time(NULL);
}

/*
 * clio_wait_notice
 *		Tell a person who waits for Clio for a while how long, why, and
 *		when the window resets (reset: unix time, or 0 when Clio did not
 *		say).  Outside libcurl, as every report.
 */
static void
clio_wait_notice(long ms, int64 reset, const char *why)
{
	if (ms < CLIO_WAIT_NOTICE_MS)
		return;
	if (reset > 0)
		ereport(NOTICE,
				(errcode(ERRCODE_WARNING),
				 errmsg("waiting %ld seconds for Clio's rate limit", (ms + 999) / 1000),
				 errdetail("%s The window resets at %s.", why,
						   timestamptz_to_str(time_t_to_timestamptz((pg_time_t) reset)))));
	else
		ereport(NOTICE,
				(errcode(ERRCODE_WARNING),
				 errmsg("waiting %ld seconds for Clio's rate limit", (ms + 999) / 1000),
				 errdetail("%s", why)));
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
 * clio_backoff_ms
 *		The pause before retry number attempt+1: exponential, with jitter
 *		(half to all of the doubled base), capped.
 */
static long
clio_backoff_ms(int attempt)
{
	long		backoff = Min((long) CLIO_BACKOFF_BASE_MS << Min(attempt, 16),
							  CLIO_BACKOFF_MAX_MS);

	return backoff / 2 + (long) (pg_prng_double(&pg_global_prng_state) * backoff / 2);
}

/*
 * clio_elapsed_ms
 *		Milliseconds since start.
 */
static int64
clio_elapsed_ms(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return (int64) INSTR_TIME_GET_MILLISEC(now);
}

/*
 * clio_wait_for_window
 *		Before a request: a window the last response said was spent (or
 *		down to clio_fdw.rate_limit_reserve) is waited out rather than
 *		provoke a 429 or take the last requests.  What the window said is
 *		used once: whether it is waited out or passes max_rate_limit_wait
 *		(an ERROR), the next request asks Clio again, so that one answer
 *		never holds back the statements after this one.
 */
static void
clio_wait_for_window(ClioConn *conn, const ClioOptions *opts,
					 const ClioHttpRequest *req, ClioStats *stats,
					 int64 *waited_ms)
{
	int64		remaining = conn->rl_remaining;
	int64		wait_s;
	long		ms;

	if (remaining < 0 || conn->rl_reset <= 0 ||
		(remaining > 0 && remaining >= clio_rate_limit_reserve))
		return;
	conn->rl_remaining = -1;
	wait_s = conn->rl_reset - clio_now();
	if (wait_s <= 0)
		return;
	wait_s = Min(wait_s, CLIO_RATE_LIMIT_MAX_RESET_S);
	ms = (long) wait_s * 1000;

	if (remaining > 0)
		ereport(NOTICE,
				(errcode(ERRCODE_WARNING),
				 errmsg("waiting for Clio's rate-limit window to reset"),
				 errdetail("%lld requests remain in the window and clio_fdw.rate_limit_reserve keeps %d for other sessions; the window resets in %lld seconds.",
						   (long long) remaining,
						   clio_rate_limit_reserve,
						   (long long) wait_s)));

	if (*waited_ms + ms > opts->max_rate_limit_wait_ms)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("Clio's rate limit is spent for %ld more seconds",
						(long) wait_s),
				 errdetail("Waiting for the window to reset would pass max_rate_limit_wait (%d ms).",
						   opts->max_rate_limit_wait_ms),
				 errhint("Raise the server option max_rate_limit_wait, or try again after the reset."),
				 errcontext("Clio request: %s", req->display)));
	if (remaining == 0)
		clio_wait_notice(ms, conn->rl_reset,
						 "Clio's rate-limit window is spent (X-RateLimit-Remaining: 0).");
	clio_sleep_ms(ms, stats);
	*waited_ms += ms;
}

/*
 * clio_retry
 *		Whether retry number attempt+1 fits in what is left of the
 *		request's time (budget_ms of attempts and backoff; rate-limit waits
 *		have their own bound): if so, count it and wait its backoff.
 */
static bool
clio_retry(int attempt, instr_time start, int64 waited_ms, int64 budget_ms,
		   ClioStats *stats)
{
	long		backoff = clio_backoff_ms(attempt);

	if (clio_elapsed_ms(start) - waited_ms + backoff >= budget_ms)
		return false;
	clio_backend_stats.retries++;
	if (stats)
		stats->retries++;
	clio_sleep_ms(backoff, stats);
	return true;
}

/*
 * clio_http_perform
 *		Send one request and wait for the whole response, with Clio's rate
 *		limit respected and transient failures retried.
 *
 * Before a request, a window whose budget the last response said was
 * spent is waited out (clio_wait_for_window).  A 429 is waited out
 * (Retry-After, else the window's reset; at least a second, whatever
 * Retry-After says, so that a "Retry-After: 0" cannot make a loop) and the
 * same request sent again, up to max_rate_limit_wait in all.  A GET that
 * fails in transport or with a 5xx is retried with exponential backoff and
 * jitter, up to max_retries; a POST, PATCH or DELETE only when it cannot
 * have reached Clio (nothing was sent).  Each attempt has request_timeout;
 * attempts and backoff together have (max_retries + 1) x request_timeout,
 * so that backoff never makes a request outlast that.  Transport failures
 * that remain are reported here, and so is a redirect whose Location
 * cannot be used whole; an HTTP error status is returned to the caller,
 * which reads Clio's error body.  resp->body stays valid until the next
 * request on the same connection.
 */
void
clio_http_perform(ClioConn *conn, const ClioOptions *opts,
				  const ClioHttpRequest *req, ClioHttpResponse *resp,
				  ClioStats *stats)
{
	bool		idempotent = strcmp(req->method, "GET") == 0;
	int64		waited_ms = 0;
	int64		budget_ms = (int64) opts->request_timeout_ms * (opts->max_retries + 1);
	instr_time	start;
	int			attempt = 0;
	long		status = 0;
	int64		retry_ms;

	INSTR_TIME_SET_CURRENT(start);
	for (;;)
	{
		CURLcode	rc;
		int64		left_ms;

		clio_wait_for_window(conn, opts, req, stats, &waited_ms);

		left_ms = budget_ms - (clio_elapsed_ms(start) - waited_ms);
		rc = clio_transfer(conn, opts, req, stats,
						   (long) Max(Min(left_ms, opts->request_timeout_ms), 1));
		status = 0;
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
				attempt < opts->max_retries &&
				clio_retry(attempt++, start, waited_ms, budget_ms, stats))
				continue;
			clio_transport_error(conn, req, rc, !idempotent && may_have_reached);
		}

		if (status == 429)
		{
			int64		now = clio_now();

			clio_backend_stats.rate_limited++;
			if (stats)
				stats->rate_limited++;
			retry_ms = clio_retry_after_ms(conn->h_retry_after, now);
			if (retry_ms < 0 && conn->rl_reset > 0)
				retry_ms = (conn->rl_reset - now) * 1000;
			if (retry_ms < 0)
				retry_ms = 1000;
			retry_ms = Max(retry_ms, CLIO_RATE_LIMIT_MIN_PAUSE_MS);
			retry_ms = Min(retry_ms, (int64) CLIO_RATE_LIMIT_MAX_PAUSE_S * 1000);

			/*
			 * The 429 is waited out here, by its own Retry-After: the spent
			 * window it names is not kept for the requests after this one,
			 * whether the wait ends, is cancelled or passes the limit.
			 */
			conn->rl_remaining = -1;
			if (waited_ms + retry_ms > opts->max_rate_limit_wait_ms)
			{
				/* give up: the caller reports the 429 with Clio's message */
				break;
			}
			clio_wait_notice((long) retry_ms, 0,
							 "Clio answered 429 Too Many Requests, and its Retry-After asks for the wait.");
			clio_sleep_ms((long) retry_ms, stats);
			waited_ms += retry_ms;
			continue;
		}

		if (status >= 500 && idempotent && attempt < opts->max_retries &&
			clio_retry(attempt++, start, waited_ms, budget_ms, stats))
			continue;
		break;
	}

	if (status >= 300 && status < 400 && conn->location_fault != CLIO_LOCATION_OK)
		clio_location_error(conn, req);

	resp->status = status;
	resp->body = conn->buf ? conn->buf : "";
	resp->len = conn->len;
	resp->location = conn->has_location && conn->location && conn->location[0] ?
		pstrdup(conn->location) : NULL;
	retry_ms = clio_retry_after_ms(conn->h_retry_after, clio_now());
	resp->retry_after = retry_ms < 0 ? -1 : (retry_ms + 999) / 1000;
	resp->rl_reset = conn->rl_reset;
}

/*
 * clio_location_error
 *		Report a redirect whose Location cannot be followed as it was sent:
 *		following what was kept of it would fetch another URL.
 */
static void
clio_location_error(ClioConn *conn, const ClioHttpRequest *req)
{
	if (conn->location_fault == CLIO_LOCATION_TOO_LONG)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("Clio's redirect location is too long"),
				 errdetail("The Location header has more than %d bytes.",
						   CLIO_LOCATION_MAX),
				 errcontext("Clio request: %s", req->display)));
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("Clio's redirect location is malformed"),
			 errdetail("%s",
					   conn->location_fault == CLIO_LOCATION_FOLDED ?
					   "The Location header is folded over more than one line." :
					   conn->location_fault == CLIO_LOCATION_TWICE ?
					   "The response has more than one Location header." :
					   "The Location header holds a control character."),
			 errcontext("Clio request: %s", req->display)));
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
