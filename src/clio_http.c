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

#include "clio_http.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "portability/instr_time.h"
#include "storage/ipc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/wait_event.h"

/* Largest response body accepted */
#define CLIO_MAX_RESPONSE_BYTES ((size_t) 256 * 1024 * 1024)

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

	char		location[CLIO_HEADER_VALUE_MAX];
	char		errbuf[CURL_ERROR_SIZE];
};

static HTAB *clio_conns = NULL;
static ClioStats clio_backend_stats;

static void clio_http_exit(int code, Datum arg);
static size_t clio_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata);
static size_t clio_header_cb(char *ptr, size_t size, size_t nmemb, void *userdata);
static void clio_copy_header(const char *line, size_t len, const char *name,
							 char *dest, size_t destlen);
static void clio_transport_error(ClioConn *conn, const ClioHttpRequest *req,
								 CURLcode rc);

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
	return n;
}

/*
 * clio_http_perform
 *		Send one request and wait for the whole response.
 *
 * Transport failures (connect, TLS, timeout, a body too large) are
 * reported here as errors; an HTTP error status is returned to the caller,
 * which knows how to read Clio's error body.  resp->body stays valid until
 * the next request on the same connection.
 */
void
clio_http_perform(ClioConn *conn, const ClioOptions *opts,
				  const ClioHttpRequest *req, ClioHttpResponse *resp,
				  ClioStats *stats)
{
	CURL	   *easy = conn->easy;
	struct curl_slist *volatile headers = NULL;
	volatile bool attached = false;
	CURLcode	rc = CURLE_OK;
	instr_time	start,
				elapsed;
	StringInfoData hdr;

	/* Headers: every value was checked for control characters */
	initStringInfo(&hdr);
	if (opts->api_key)
	{
		appendStringInfo(&hdr, "Authorization: Bearer %s", opts->api_key);
		headers = curl_slist_append(headers, hdr.data);
		/* do not leave the key lying in palloc'd memory longer than needed */
		memset(hdr.data, 0, hdr.len);
		resetStringInfo(&hdr);
	}
	headers = curl_slist_append(headers, "Accept: application/json");
	appendStringInfo(&hdr, "X-API-VERSION: %s", opts->api_version);
	headers = curl_slist_append(headers, hdr.data);
	if (opts->connection_id)
	{
		resetStringInfo(&hdr);
		appendStringInfo(&hdr, "Maton-Connection: %s", opts->connection_id);
		headers = curl_slist_append(headers, hdr.data);
	}
	if (req->if_match)
	{
		resetStringInfo(&hdr);
		appendStringInfo(&hdr, "If-Match: %s", req->if_match);
		headers = curl_slist_append(headers, hdr.data);
	}
	if (req->body)
	{
		headers = curl_slist_append(headers, "Content-Type: application/json");
		headers = curl_slist_append(headers, "Expect:");
	}
	pfree(hdr.data);
	if (headers == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
				 errmsg("out of memory building an HTTP request")));

	/* Reset the handle so that nothing from an earlier request leaks in */
	curl_easy_reset(easy);
	conn->len = 0;
	conn->limit = CLIO_MAX_RESPONSE_BYTES;
	conn->too_large = false;
	conn->out_of_memory = false;
	conn->location[0] = '\0';
	conn->errbuf[0] = '\0';

	curl_easy_setopt(easy, CURLOPT_URL, req->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "clio_fdw/" CLIO_FDW_VERSION);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long) opts->connect_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long) opts->request_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, clio_write_cb);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, conn);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, clio_header_cb);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, conn);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, conn->errbuf);
	curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST,
					 strcmp(req->method, "GET") == 0 ? NULL : req->method);
	if (req->body)
	{
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long) strlen(req->body));
	}
	else if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);

	INSTR_TIME_SET_CURRENT(start);
	pgstat_report_wait_start(PG_WAIT_EXTENSION);
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
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
		curl_slist_free_all(headers);
		PG_RE_THROW();
	}
	PG_END_TRY();
	pgstat_report_wait_end();

	curl_multi_remove_handle(conn->multi, easy);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	clio_backend_stats.requests++;
	clio_backend_stats.network_ms += INSTR_TIME_GET_MILLISEC(elapsed);
	if (stats)
	{
		stats->requests++;
		stats->network_ms += INSTR_TIME_GET_MILLISEC(elapsed);
	}

	if (rc != CURLE_OK)
		clio_transport_error(conn, req, rc);

	clio_backend_stats.bytes += conn->len;
	if (stats)
		stats->bytes += conn->len;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->body = conn->buf ? conn->buf : "";
	resp->len = conn->len;
	resp->location = conn->location[0] ? pstrdup(conn->location) : NULL;
}

/*
 * clio_transport_error
 *		Report a request that got no complete HTTP response.
 */
static void
clio_transport_error(ClioConn *conn, const ClioHttpRequest *req, CURLcode rc)
{
	const char *detail = conn->errbuf[0] ? conn->errbuf : curl_easy_strerror(rc);

	if (conn->too_large)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("Clio response is too large"),
				 errdetail("The response went past %zu bytes.", conn->limit),
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
 * clio_http_backend_stats
 *		This backend's counters since it started.
 */
const ClioStats *
clio_http_backend_stats(void)
{
	return &clio_backend_stats;
}
