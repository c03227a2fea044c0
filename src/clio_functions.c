/*-------------------------------------------------------------------------
 *
 * clio_functions.c
 *		  SQL functions: Maton connections, who am I, document download and
 *		  upload, and this backend's request counters
 *
 * Each function takes the name of a clio_fdw server and acts with the
 * caller's user mapping for it (or the server's PUBLIC one, as PostgreSQL
 * allows), after checking that the caller has USAGE on the server: a role
 * refused USAGE sends nothing, whatever mapping is left.  The Maton
 * connection functions refuse a Clio OAuth user mapping: its token goes to
 * base_url only, never to ctrl_url.  Requests are built by
 * src/clio_request.c and sent by src/clio_client.c; nothing here touches
 * curl or cJSON.
 *
 * IDENTIFICATION
 *		  src/clio_functions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#define CLIO_COMPAT_ACL
#include "clio_compat.h"
#include "clio_client.h"
#include "clio_column.h"
#include "clio_option.h"
#include "clio_request.h"
#include "clio_text.h"
#include "clio_url.h"
#include "clio_json.h"
#include "clio_json_body.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(clio_fdw_stats);
PG_FUNCTION_INFO_V1(clio_connections);
PG_FUNCTION_INFO_V1(clio_create_connection);
PG_FUNCTION_INFO_V1(clio_delete_connection);
PG_FUNCTION_INFO_V1(clio_who_am_i);
PG_FUNCTION_INFO_V1(clio_document_download);
PG_FUNCTION_INFO_V1(clio_document_upload);

/* Redirects a download follows at most */
#define CLIO_MAX_REDIRECTS 5

static void clio_fn_options(Name server, ClioOptions *opts);
static void clio_fn_maton_options(Name server, ClioOptions *opts,
								  const char *function);
static ClioColMap *clio_fn_colmaps(TupleDesc tupdesc);
static void clio_fn_rows(FunctionCallInfo fcinfo, ClioPage *page);
static ClioPage *clio_fn_request(ClioOptions *opts, const ClioRequest *r,
								 const char *root, const char *body,
								 const char *key, bool single, int allow,
								 long *status);
static char *clio_resolve_location(const char *base, const char *location);
static bool clio_storage_url_ok(const ClioOptions *opts, const char *url);

#define clio_fn_materialize(fcinfo) InitMaterializedSRF(fcinfo, 0)

/*
 * clio_fn_options
 *		The named server's options and the caller's credentials for it:
 *		42501 unless the caller has USAGE on the server, checked before
 *		anything is read from the user mapping or sent.
 */
static void
clio_fn_options(Name server, ClioOptions *opts)
{
	ForeignServer *srv = GetForeignServerByName(NameStr(*server), false);
	ForeignDataWrapper *fdw = GetForeignDataWrapper(srv->fdwid);
	AclResult	aclresult;

	if (strcmp(fdw->fdwname, "clio_fdw") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("server \"%s\" is not a clio_fdw server",
						NameStr(*server))));
	aclresult = clio_server_aclcheck(srv->serverid, GetUserId(), ACL_USAGE);
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, srv->servername);
	clio_server_exec_options(srv, GetUserId(), opts);
}

/*
 * clio_fn_maton_options
 *		As clio_fn_options, for the functions that call Maton's control API
 *		(ctrl_url): the user mapping must hold a Maton api_key.  A Clio OAuth
 *		token (access_token, refresh_token) is refused before any request,
 *		so that it never leaves for another host than base_url's.
 */
static void
clio_fn_maton_options(Name server, ClioOptions *opts, const char *function)
{
	UserMapping *user;
	ListCell   *lc;

	clio_fn_options(server, opts);
	user = GetUserMapping(GetUserId(), opts->serverid);
	foreach(lc, user->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "access_token") == 0 ||
			strcmp(def->defname, "refresh_token") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
					 errmsg("%s needs a Maton api_key, and the user mapping for server \"%s\" holds a Clio OAuth token",
							function, NameStr(*server)),
					 errdetail("A Clio OAuth token is sent only to the server's base_url, never to Maton's control API (ctrl_url)."),
					 errhint("Call %s with a server whose user mapping has OPTIONS (api_key '...') for your Maton account.",
							 function)));
	}
}

/*
 * clio_fn_colmaps
 *		Fill a function's result columns from JSON fields of the same name.
 */
static ClioColMap *
clio_fn_colmaps(TupleDesc tupdesc)
{
	ClioColMap *cols = palloc0(sizeof(ClioColMap) * tupdesc->natts);
	int			i;

	for (i = 0; i < tupdesc->natts; i++)
	{
		ClioColMap *col = &cols[i];

		clio_colmap_attr(col, TupleDescAttr(tupdesc, i));
		col->field = col->colname;
	}
	return cols;
}

/*
 * clio_fn_rows
 *		Return a page's records as the rows of a set-returning function.
 */
static void
clio_fn_rows(FunctionCallInfo fcinfo, ClioPage *page)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	ClioColMap *cols;
	int			i;

	clio_fn_materialize(fcinfo);
	tupdesc = rsinfo->setDesc;
	cols = clio_fn_colmaps(tupdesc);
	for (i = 0; i < clio_json_page_length(page); i++)
	{
		Datum	   *values = palloc(sizeof(Datum) * tupdesc->natts);
		bool	   *nulls = palloc(sizeof(bool) * tupdesc->natts);

		memset(nulls, true, sizeof(bool) * tupdesc->natts);
		clio_json_record_values(page, i, cols, tupdesc->natts, values, nulls,
								"function result");
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
	}
}

/*
 * clio_fn_request
 *		Send one request (to root: base_url or ctrl_url), check its status,
 *		and parse its records (under "key") when it has a body.
 */
static ClioPage *
clio_fn_request(ClioOptions *opts, const ClioRequest *r, const char *root,
				const char *body, const char *key, bool single, int allow,
				long *status)
{
	ClioHttpRequest req;
	ClioHttpResponse resp;
	char	   *display = clio_request_text(r);
	long		st;

	memset(&req, 0, sizeof(req));
	req.method = r->method;
	req.url = clio_request_url(r, root);
	req.display = display;
	req.body = body;
	st = clio_send(clio_http_connection(opts), opts, &req, &resp, NULL, allow, NULL);
	if (status)
		*status = st;
	if (key == NULL || st == 204 || st == 404 || resp.len == 0)
		return NULL;
	return clio_json_parse_list(resp.body, resp.len, key, single, display);
}

/* ----------------------------------------------------------------
 *		Maton connections
 * ----------------------------------------------------------------
 */

/*
 * clio_connections(server name, status text DEFAULT NULL)
 *		The Clio connections of the caller's Maton account, or one of them
 *		(by id), as rows.
 */
Datum
clio_connections(PG_FUNCTION_ARGS)
{
	ClioOptions opts;
	ClioRequest r;
	ClioPage   *page;

	clio_fn_maton_options(PG_GETARG_NAME(0), &opts, "clio_connections");
	if (!PG_ARGISNULL(2))
	{
		/* one connection by id */
		char	   *id = text_to_cstring(PG_GETARG_TEXT_PP(2));
		long		status;

		clio_request_at(&r, "GET", "/connections", id);
		page = clio_fn_request(&opts, &r, opts.ctrl_url, NULL, "connection",
							   true, CLIO_ALLOW_404, &status);
		if (page == NULL)
		{
			clio_fn_materialize(fcinfo);
			return (Datum) 0;
		}
		clio_fn_rows(fcinfo, page);
		return (Datum) 0;
	}

	clio_request_at(&r, "GET", "/connections", NULL);
	clio_request_param(&r, "app", "clio");
	if (!PG_ARGISNULL(1))
		clio_request_param(&r, "status", text_to_cstring(PG_GETARG_TEXT_PP(1)));
	page = clio_fn_request(&opts, &r, opts.ctrl_url, NULL, "connections",
						   false, 0, NULL);
	clio_fn_rows(fcinfo, page);
	return (Datum) 0;
}

/*
 * clio_create_connection(server name)
 *		Start a new Clio connection; its url is to be opened in a browser to
 *		authorize it.
 */
Datum
clio_create_connection(PG_FUNCTION_ARGS)
{
	ClioOptions opts;
	ClioRequest r;
	ClioPage   *page;

	clio_fn_maton_options(PG_GETARG_NAME(0), &opts, "clio_create_connection");
	clio_request_at(&r, "POST", "/connections", NULL);
	page = clio_fn_request(&opts, &r, opts.ctrl_url, "{\"app\":\"clio\"}",
						   "connection", true, 0, NULL);
	if (page == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("Maton answered the new connection with no body")));
	clio_fn_rows(fcinfo, page);
	return (Datum) 0;
}

/*
 * clio_delete_connection(server name, connection_id text)
 *		Delete a connection; false if there was none of that id.
 */
Datum
clio_delete_connection(PG_FUNCTION_ARGS)
{
	ClioOptions opts;
	char	   *id = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ClioRequest r;
	long		status;

	clio_fn_maton_options(PG_GETARG_NAME(0), &opts, "clio_delete_connection");
	clio_request_at(&r, "DELETE", "/connections", id);
	(void) clio_fn_request(&opts, &r, opts.ctrl_url, NULL, NULL,
						   false, CLIO_ALLOW_404, &status);
	PG_RETURN_BOOL(status != 404);
}

/* ----------------------------------------------------------------
 *		Who am I
 * ----------------------------------------------------------------
 */

/*
 * clio_who_am_i(server name)
 *		The Clio user the caller's credentials act as: one row.
 */
Datum
clio_who_am_i(PG_FUNCTION_ARGS)
{
	ClioOptions opts;
	ClioPage   *page;
	ClioRequest r;

	clio_fn_options(PG_GETARG_NAME(0), &opts);
	clio_request_api(&r, "GET", "users/who_am_i", NULL, NULL);
	clio_request_param(&r, "fields",
					   "id,name,first_name,last_name,email,enabled,subscription_type,time_zone,roles");
	page = clio_fn_request(&opts, &r, opts.base_url, NULL, "data", true, 0, NULL);
	clio_fn_rows(fcinfo, page);
	return (Datum) 0;
}

/* ----------------------------------------------------------------
 *		Documents
 * ----------------------------------------------------------------
 */

/*
 * clio_resolve_location
 *		A redirect's target as an absolute URL (palloc'd, whatever its
 *		length; the transport refuses a Location it could not keep whole).
 */
static char *
clio_resolve_location(const char *base, const char *location)
{
	const char *p;

	if (strstr(location, "://") != NULL)
		return pstrdup(location);
	p = strstr(base, "://");
	if (p == NULL || location[0] != '/')
		return NULL;
	/* //host/path: another host, by base's scheme */
	if (location[1] == '/')
		return psprintf("%.*s:%s", (int) (p - base), base, location);
	/* scheme://host[:port] of base, then the absolute path */
	p = strchr(p + 3, '/');
	if (p == NULL)
		return psprintf("%s%s", base, location);
	return psprintf("%.*s%s", (int) (p - base), base, location);
}

/*
 * clio_storage_url_ok
 *		Whether a file-storage URL Clio hands out (a download's redirect,
 *		an upload's put_url) may be fetched: https; plain http only to this
 *		machine, and only when base_url is itself plain http (which the
 *		validator allows only to this machine: a test setup).  So a Clio
 *		reached over https cannot point the backend at a local service.
 */
static bool
clio_storage_url_ok(const ClioOptions *opts, const char *url)
{
	if (pg_strncasecmp(url, "https://", 8) == 0)
		return true;
	return pg_strncasecmp(opts->base_url, "http://", 7) == 0 &&
		clio_url_acceptable(url);
}

/*
 * clio_document_download(server name, document_id bigint)
 *		The document's bytes.  Clio answers with a redirect to its file
 *		storage; that request carries no Clio credential.
 */
Datum
clio_document_download(PG_FUNCTION_ARGS)
{
	ClioOptions opts;
	int64		id = PG_GETARG_INT64(1);
	ClioConn   *conn;
	ClioRequest r;
	ClioHttpRequest req;
	ClioHttpResponse resp;
	const char *url;
	long		status;
	int			hops;
	bytea	   *result;

	clio_fn_options(PG_GETARG_NAME(0), &opts);
	conn = clio_http_connection(&opts);

	clio_request_api(&r, "GET", "documents", psprintf(INT64_FORMAT, id), "download");
	memset(&req, 0, sizeof(req));
	req.method = r.method;
	req.url = clio_request_url(&r, opts.base_url);
	req.display = clio_request_text(&r);
	status = clio_send(conn, &opts, &req, &resp, NULL, CLIO_ALLOW_REDIRECT, NULL);
	url = req.url;

	for (hops = 0; status >= 300 && status < 400; hops++)
	{
		char	   *target = clio_resolve_location(url, resp.location);

		if (hops >= CLIO_MAX_REDIRECTS || target == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not follow Clio's redirect for document " INT64_FORMAT, id)));
		if (!clio_storage_url_ok(&opts, target))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("Clio redirected the download of document " INT64_FORMAT " to a URL that is not https",
							id),
					 errdetail("A download follows https only (plain http only to this machine, and only when base_url is plain http too).")));
		/* the storage host gets no credential and no Clio header */
		clio_request_given(&r, "GET", target,
						   psprintf("(file storage) for document " INT64_FORMAT, id));
		memset(&req, 0, sizeof(req));
		req.method = r.method;
		req.url = clio_request_url(&r, NULL);
		req.display = clio_request_text(&r);
		req.no_auth = true;
		status = clio_send(conn, &opts, &req, &resp, NULL, CLIO_ALLOW_REDIRECT, NULL);
		url = target;
	}

	result = (bytea *) palloc(VARHDRSZ + resp.len);
	SET_VARSIZE(result, VARHDRSZ + resp.len);
	memcpy(VARDATA(result), resp.body, resp.len);
	PG_RETURN_BYTEA_P(result);
}

/*
 * clio_document_upload(server name, parent_type text, parent_id bigint,
 *						filename text, content bytea)
 *		Create a document in a matter's or contact's folder, Clio's way:
 *		create it (and its first version), PUT the bytes to the storage URL
 *		Clio gives, then mark the version fully uploaded.  Returns the new
 *		document's id.
 */
Datum
clio_document_upload(PG_FUNCTION_ARGS)
{
	ClioOptions opts;
	char	   *parent_type = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int64		parent_id = PG_GETARG_INT64(2);
	char	   *filename = text_to_cstring(PG_GETARG_TEXT_PP(3));
	bytea	   *content = PG_GETARG_BYTEA_PP(4);
	ClioConn   *conn;
	ClioPage   *page;
	ClioRequest r;
	ClioHttpRequest req;
	ClioHttpResponse resp;
	List	   *put_headers;
	const char **headers;
	char	   *uuid;
	char	   *put_url;
	char	   *docid;
	char	   *body;
	ListCell   *lc;
	int			i;

	if (strcmp(parent_type, "Matter") != 0 && strcmp(parent_type, "Contact") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid parent type \"%s\"", parent_type),
				 errhint("A document goes in a 'Matter' or a 'Contact'.")));
	clio_fn_options(PG_GETARG_NAME(0), &opts);
	conn = clio_http_connection(&opts);

	/* 1: the document and its version */
	body = clio_json_document_body(filename, parent_type, parent_id);
	clio_request_api(&r, "POST", "documents", NULL, NULL);
	clio_request_param(&r, "fields",
					   "id,latest_document_version{uuid,put_url,put_headers}");
	page = clio_fn_request(&opts, &r, opts.base_url, body, "data", true, 0, NULL);
	if (page == NULL || (docid = clio_json_record_id(page, 0)) == NULL ||
		!clio_json_upload_target(page, &uuid, &put_url, &put_headers))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("Clio's answer to creating a document has no upload target")));
	if (!clio_storage_url_ok(&opts, put_url))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("Clio's upload URL for document %s is not https",
						clio_text_quote(docid, strlen(docid), 60)),
				 errdetail("An upload goes to https only (plain http only to this machine, and only when base_url is plain http too).")));

	/* 2: the bytes, to file storage, with Clio's headers and no credential */
	/* Clio's headers as they are; its Content-Type is the body's */
	headers = palloc0(sizeof(char *) * (list_length(put_headers) + 1));
	i = 0;
	memset(&req, 0, sizeof(req));
	req.content_type = "application/octet-stream";
	foreach(lc, put_headers)
	{
		const char *h = (const char *) lfirst(lc);

		if (pg_strncasecmp(h, "Content-Type:", 13) == 0)
		{
			h += 13;
			while (*h == ' ')
				h++;
			req.content_type = h;
		}
		else
			headers[i++] = h;
	}
	clio_request_given(&r, "PUT", put_url,
					   psprintf("(file storage) for document %s", docid));
	req.method = r.method;
	req.url = clio_request_url(&r, NULL);
	req.display = clio_request_text(&r);
	req.body = VARSIZE_ANY_EXHDR(content) > 0 ? VARDATA_ANY(content) : "";
	req.body_len = VARSIZE_ANY_EXHDR(content);
	req.headers = headers;
	req.no_auth = true;
	(void) clio_send(conn, &opts, &req, &resp, NULL, 0,
					 psprintf("Document %s exists in Clio without its content.", docid));

	/* 3: the version is complete */
	clio_request_api(&r, "PATCH", "documents", docid, NULL);
	(void) clio_fn_request(&opts, &r, opts.base_url,
						   clio_json_fully_uploaded_body(uuid), NULL, true, 0, NULL);

	PG_RETURN_INT64(pg_strtoint64(docid));
}

/*
 * clio_fdw_stats
 *		This backend's Clio counters since it started, and the latest
 *		rate-limit headers Clio sent.
 */
Datum
clio_fdw_stats(PG_FUNCTION_ARGS)
{
	const ClioStats *s = clio_http_backend_stats();
	TupleDesc	tupdesc;
	Datum		values[9];
	bool		nulls[9];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(s->requests);
	values[1] = Int64GetDatum(s->bytes);
	values[2] = Int64GetDatum(s->retries);
	values[3] = Int64GetDatum(s->rate_limited);
	values[4] = Float8GetDatum(s->network_ms);
	values[5] = Float8GetDatum(s->wait_ms);
	values[6] = Int64GetDatum(s->rl_limit);
	nulls[6] = s->rl_limit < 0;
	values[7] = Int64GetDatum(s->rl_remaining);
	nulls[7] = s->rl_remaining < 0;
	values[8] = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) s->rl_reset));
	nulls[8] = s->rl_reset < 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
