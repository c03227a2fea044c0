/*-------------------------------------------------------------------------
 *
 * clio_option.c
 *		  Validation of clio_fdw's options, and their resolution into a
 *		  typed ClioOptions struct
 *
 * Every option is checked when it is set (CREATE/ALTER), so that a bad
 * value fails there and not in the middle of a query.  Secrets are
 * accepted on user mappings only.  Everything that ends up in an HTTP
 * header is refused if it holds a control character.  It also says whose
 * user mapping a scan uses (clio_scan_userid).  It reads the catalogs and
 * options only: it never plans, builds a request or sends one.
 *
 * IDENTIFICATION
 *		  src/clio_option.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "access/reloptions.h"
#include "catalog/pg_foreign_data_wrapper.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "catalog/pg_attribute.h"
#define CLIO_COMPAT_EXECUTOR
#include "clio_compat.h"
#include "clio_option.h"
#include "commands/defrem.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "miscadmin.h"

PG_FUNCTION_INFO_V1(clio_fdw_validator);

typedef enum ClioOptType
{
	CLIO_OPT_STRING,			/* free text */
	CLIO_OPT_HEADER,			/* text sent in an HTTP header */
	CLIO_OPT_SECRET,			/* a header-bound secret */
	CLIO_OPT_URL,				/* an http(s) URL */
	CLIO_OPT_PAGE_SIZE,			/* integer 1..200 */
	CLIO_OPT_DURATION,			/* seconds, or a number with a unit */
	CLIO_OPT_API_VERSION,		/* 4.X.Y */
	CLIO_OPT_BOOL,				/* on/off, true/false */
	CLIO_OPT_RETRIES,			/* integer 0..10 */
	CLIO_OPT_SIZE,				/* bytes, or a number with a unit */
	CLIO_OPT_COST,				/* a non-negative number */
	CLIO_OPT_REGION,			/* us, eu, ca, au */
	CLIO_OPT_RESOURCE,			/* a catalog table name */
	CLIO_OPT_FIELD,				/* a Clio field name */
	CLIO_OPT_CUSTOM_FIELD,		/* a custom field's id: a positive integer */
	CLIO_OPT_RESERVE,			/* integer 0..1000 */
	CLIO_OPT_BATCH,				/* integer 200..10000 */
	CLIO_OPT_COUNT,				/* off, verify, on */
	CLIO_OPT_XACT_WRITES		/* warn, refuse, allow */
} ClioOptType;

typedef struct ClioOpt
{
	const char *name;
	Oid			context;		/* catalog the option belongs to */
	ClioOptType type;
} ClioOpt;

static const ClioOpt clio_opts[] = {
	/* foreign server */
	{"base_url", ForeignServerRelationId, CLIO_OPT_URL},
	{"region", ForeignServerRelationId, CLIO_OPT_REGION},
	{"ctrl_url", ForeignServerRelationId, CLIO_OPT_URL},
	{"connection_id", ForeignServerRelationId, CLIO_OPT_HEADER},
	{"api_version", ForeignServerRelationId, CLIO_OPT_API_VERSION},
	{"page_size", ForeignServerRelationId, CLIO_OPT_PAGE_SIZE},
	{"connect_timeout", ForeignServerRelationId, CLIO_OPT_DURATION},
	{"request_timeout", ForeignServerRelationId, CLIO_OPT_DURATION},
	{"etag_check", ForeignServerRelationId, CLIO_OPT_BOOL},
	{"transactional_writes", ForeignServerRelationId, CLIO_OPT_XACT_WRITES},
	{"max_retries", ForeignServerRelationId, CLIO_OPT_RETRIES},
	{"max_rate_limit_wait", ForeignServerRelationId, CLIO_OPT_DURATION},
	{"max_response_size", ForeignServerRelationId, CLIO_OPT_SIZE},
	{"use_remote_estimate", ForeignServerRelationId, CLIO_OPT_BOOL},
	{"count_pushdown", ForeignServerRelationId, CLIO_OPT_COUNT},
	{"fdw_startup_cost", ForeignServerRelationId, CLIO_OPT_COST},
	{"fdw_page_cost", ForeignServerRelationId, CLIO_OPT_COST},
	{"fdw_tuple_cost", ForeignServerRelationId, CLIO_OPT_COST},
	/* read by clio_refresh (SQL), not by the scan */
	{"refresh_reserve", ForeignServerRelationId, CLIO_OPT_RESERVE},
	{"refresh_batch", ForeignServerRelationId, CLIO_OPT_BATCH},

	/* user mapping */
	{"api_key", UserMappingRelationId, CLIO_OPT_SECRET},
	{"access_token", UserMappingRelationId, CLIO_OPT_SECRET},
	{"refresh_token", UserMappingRelationId, CLIO_OPT_SECRET},
	{"client_id", UserMappingRelationId, CLIO_OPT_SECRET},
	{"client_secret", UserMappingRelationId, CLIO_OPT_SECRET},
	{"connection_id", UserMappingRelationId, CLIO_OPT_HEADER},

	/* foreign table */
	{"resource", ForeignTableRelationId, CLIO_OPT_RESOURCE},
	{"page_size", ForeignTableRelationId, CLIO_OPT_PAGE_SIZE},
	{"etag_check", ForeignTableRelationId, CLIO_OPT_BOOL},
	{"use_remote_estimate", ForeignTableRelationId, CLIO_OPT_BOOL},
	{"count_pushdown", ForeignTableRelationId, CLIO_OPT_COUNT},

	/* column */
	{"field", AttributeRelationId, CLIO_OPT_FIELD},
	{"custom_field", AttributeRelationId, CLIO_OPT_CUSTOM_FIELD},

	{NULL, InvalidOid, CLIO_OPT_STRING}
};

static const char *context_name(Oid context);
static void check_option(const ClioOpt *opt, DefElem *def);
static void check_header_value(DefElem *def, const char *value);
static void check_url(DefElem *def, const char *value);
static int	parse_duration_ms(DefElem *def, const char *value);
static int	parse_page_size(DefElem *def, const char *value);
static int	parse_retries(DefElem *def, const char *value);
static int	parse_int_range(DefElem *def, const char *value, int min, int max);
static size_t parse_size(DefElem *def, const char *value);
static double parse_cost(DefElem *def, const char *value);
static bool is_loopback_host(const char *host, int len);
static ClioCountMode parse_count_mode(DefElem *def, const char *value);
static int	parse_xact_writes(DefElem *def, const char *value);

/*
 * clio_fdw_validator
 *		Check the options of a clio_fdw object when it is created or altered.
 */
Datum
clio_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);
		const ClioOpt *opt;
		const ClioOpt *elsewhere = NULL;

		for (opt = clio_opts; opt->name; opt++)
		{
			if (strcmp(opt->name, def->defname) != 0)
				continue;
			if (opt->context == catalog)
				break;
			elsewhere = opt;
		}

		if (opt->name == NULL)
		{
			const char *names[lengthof(clio_opts)];
			int			n = 0;
			const char *closest;

			if (elsewhere && elsewhere->type == CLIO_OPT_SECRET)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
						 errmsg("option \"%s\" is accepted on a user mapping only",
								def->defname),
						 errhint("Secrets belong in a user mapping, e.g. CREATE USER MAPPING FOR CURRENT_USER SERVER clio OPTIONS (%s '...').",
								 def->defname)));
			if (elsewhere)
			{
				StringInfoData where;
				const ClioOpt *o;

				initStringInfo(&where);
				for (o = clio_opts; o->name; o++)
				{
					if (strcmp(o->name, def->defname) != 0)
						continue;
					if (where.len > 0)
						appendStringInfoString(&where, " or ");
					appendStringInfoString(&where, context_name(o->context));
				}
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
						 errmsg("option \"%s\" is not accepted on %s",
								def->defname, context_name(catalog)),
						 errhint("It belongs on %s.", where.data)));
			}

			for (opt = clio_opts; opt->name; opt++)
				if (opt->context == catalog)
					names[n++] = opt->name;
			closest = clio_closest(def->defname, names, n);
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 n == 0 ?
					 errhint("There are no valid options in this context.") :
					 closest ?
					 errhint("Perhaps you meant the option \"%s\".", closest) :
					 errhint("Valid options on %s are described in the clio_fdw README.",
							 context_name(catalog))));
		}

		check_option(opt, def);
	}

	/* combinations */
	{
		bool		base_url = false,
					region = false,
					api_key = false,
					access_token = false,
					refresh = false,
					client_id = false,
					client_secret = false,
					field = false,
					custom_field = false;

		foreach(cell, options)
		{
			DefElem    *def = (DefElem *) lfirst(cell);

			base_url |= strcmp(def->defname, "base_url") == 0;
			region |= strcmp(def->defname, "region") == 0;
			api_key |= strcmp(def->defname, "api_key") == 0;
			access_token |= strcmp(def->defname, "access_token") == 0;
			refresh |= strcmp(def->defname, "refresh_token") == 0;
			client_id |= strcmp(def->defname, "client_id") == 0;
			client_secret |= strcmp(def->defname, "client_secret") == 0;
			field |= strcmp(def->defname, "field") == 0;
			custom_field |= strcmp(def->defname, "custom_field") == 0;
		}
		if (field && custom_field)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("options \"field\" and \"custom_field\" cannot both be set"),
					 errhint("A column reads either a field of the record or one of its custom fields.")));
		if (base_url && region)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("options \"base_url\" and \"region\" cannot both be set"),
					 errhint("\"region\" stands for the base_url of a Clio region; keep one of them.")));
		if (api_key && access_token)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("options \"api_key\" and \"access_token\" cannot both be set"),
					 errhint("api_key is a Maton API key, access_token a Clio OAuth token; a user mapping uses one.")));
		if (refresh && !(client_id && client_secret))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
					 errmsg("option \"refresh_token\" needs \"client_id\" and \"client_secret\""),
					 errhint("They are your Clio app's credentials, used to get a new access token.")));
	}

	PG_RETURN_VOID();
}

static const char *
context_name(Oid context)
{
	switch (context)
	{
		case ForeignDataWrapperRelationId:
			return "a foreign-data wrapper";
		case ForeignServerRelationId:
			return "a foreign server";
		case UserMappingRelationId:
			return "a user mapping";
		case ForeignTableRelationId:
			return "a foreign table";
		case AttributeRelationId:
			return "a foreign table column";
	}
	return "this object";
}

/*
 * check_option
 *		Check one option's value by its type; ERROR if it is not valid.
 */
static void
check_option(const ClioOpt *opt, DefElem *def)
{
	const char *value = defGetString(def);

	switch (opt->type)
	{
		case CLIO_OPT_STRING:
			break;
		case CLIO_OPT_HEADER:
		case CLIO_OPT_SECRET:
			if (value[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("option \"%s\" must not be empty", def->defname)));
			check_header_value(def, value);
			break;
		case CLIO_OPT_URL:
			check_url(def, value);
			break;
		case CLIO_OPT_PAGE_SIZE:
			(void) parse_page_size(def, value);
			break;
		case CLIO_OPT_DURATION:
			(void) parse_duration_ms(def, value);
			break;
		case CLIO_OPT_BOOL:
			{
				bool		b;

				if (!parse_bool(value, &b))
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
							 errmsg("invalid value for option \"%s\": \"%s\"",
									def->defname, value),
							 errhint("Give true or false (on/off, yes/no).")));
				break;
			}
		case CLIO_OPT_RETRIES:
			(void) parse_retries(def, value);
			break;
		case CLIO_OPT_RESERVE:
			(void) parse_int_range(def, value, 0, 1000);
			break;
		case CLIO_OPT_BATCH:
			(void) parse_int_range(def, value, 200, 10000);
			break;
		case CLIO_OPT_SIZE:
			(void) parse_size(def, value);
			break;
		case CLIO_OPT_COST:
			(void) parse_cost(def, value);
			break;
		case CLIO_OPT_COUNT:
			(void) parse_count_mode(def, value);
			break;
		case CLIO_OPT_XACT_WRITES:
			(void) parse_xact_writes(def, value);
			break;
		case CLIO_OPT_REGION:
			if (clio_region_url(value) == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\"",
								def->defname, value),
						 errhint("Clio's regions are us, eu, ca and au.")));
			break;
		case CLIO_OPT_API_VERSION:
			{
				int			major,
							minor,
							patch,
							used = 0;

				check_header_value(def, value);
				if (sscanf(value, "%d.%d.%d%n", &major, &minor, &patch, &used) != 3 ||
					value[used] != '\0' || major != 4 || minor < 0 || patch < 0)
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
							 errmsg("invalid value for option \"%s\": \"%s\"",
									def->defname, value),
							 errhint("Clio API versions have the form 4.X.Y; this build of clio_fdw was made for %s.",
									 clio_catalog_api_version)));
				break;
			}
		case CLIO_OPT_RESOURCE:
			if (clio_catalog_find(value) == NULL)
			{
				const char *closest = clio_catalog_closest(value);

				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("unknown Clio resource \"%s\"", value),
						 closest ?
						 errhint("Perhaps you meant \"%s\".", closest) :
						 errhint("IMPORT FOREIGN SCHEMA clio creates a table for every resource clio_fdw knows.")));
			}
			break;
		case CLIO_OPT_CUSTOM_FIELD:
			{
				int64		id;
				char	   *end;

				errno = 0;
				id = strtoi64(value, &end, 10);
				if (errno != 0 || end == value || *end != '\0' || id <= 0)
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
							 errmsg("invalid value for option \"%s\": \"%s\"",
									def->defname, value),
							 errhint("Give the custom field's id in Clio, a positive integer (see the table custom_fields).")));
				break;
			}
		case CLIO_OPT_FIELD:
			{
				const char *p;
				int			dots = 0;

				if (value[0] == '\0')
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
							 errmsg("option \"%s\" must not be empty", def->defname)));
				for (p = value; *p; p++)
				{
					if (*p == '.')
						dots++;
					if (!(isalnum((unsigned char) *p) || *p == '_' || *p == '.') ||
						dots > 1 || (*p == '.' && (p == value || p[1] == '\0')))
						ereport(ERROR,
								(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
								 errmsg("invalid Clio field name \"%s\"", value),
								 errhint("A field name is made of letters, digits and underscores; \"association.field\" reads one field of an association.")));
				}
				break;
			}
	}
}

/*
 * check_header_value
 *		Refuse a value that could add or end an HTTP header line.
 */
static void
check_header_value(DefElem *def, const char *value)
{
	const unsigned char *p;

	for (p = (const unsigned char *) value; *p; p++)
	{
		if (*p < 0x20 || *p == 0x7f)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("option \"%s\" contains a control character",
							def->defname),
					 errdetail("The value becomes part of each HTTP request, where a line break or other control character would change the request.")));
	}
}

/*
 * is_loopback_host
 *		Whether a URL's host names this machine.
 */
static bool
is_loopback_host(const char *host, int len)
{
	return (len == 9 && pg_strncasecmp(host, "localhost", 9) == 0) ||
		(len == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
		(len == 5 && strncmp(host, "[::1]", 5) == 0);
}

/*
 * clio_url_acceptable
 *		Whether a URL Clio hands out (a redirect, an upload target) may be
 *		used: https, or http to this machine.
 */
bool
clio_url_acceptable(const char *url)
{
	const char *host;
	const char *end;

	if (pg_strncasecmp(url, "https://", 8) == 0)
		return true;
	if (pg_strncasecmp(url, "http://", 7) != 0)
		return false;
	host = url + 7;
	if (*host == '[')
	{
		end = strchr(host, ']');
		if (end == NULL)
			return false;
		end++;
	}
	else
		end = host + strcspn(host, ":/?#@");
	return is_loopback_host(host, end - host);
}

/*
 * check_url
 *		base_url must be an absolute http(s) URL without credentials, query
 *		or fragment; plain http only to this machine.
 */
static void
check_url(DefElem *def, const char *value)
{
	const char *p;
	const char *host;
	const char *host_end;
	bool		https;

	check_header_value(def, value);

	if (pg_strncasecmp(value, "https://", 8) == 0)
	{
		https = true;
		host = value + 8;
	}
	else if (pg_strncasecmp(value, "http://", 7) == 0)
	{
		https = false;
		host = value + 7;
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
				 errhint("Give an https URL, e.g. %s.", CLIO_DEFAULT_BASE_URL)));

	if (*host == '[')
	{
		host_end = strchr(host, ']');
		if (host_end == NULL)
			host_end = host + strlen(host);
		else
			host_end++;
	}
	else
		host_end = host + strcspn(host, ":/?#@");
	if (host_end == host)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": the URL has no host",
						def->defname)));

	for (p = host; *p; p++)
	{
		if (*p == '@')
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("option \"%s\" must not contain credentials",
							def->defname),
					 errhint("Put the key in a user mapping: OPTIONS (api_key '...').")));
		if (*p == '?' || *p == '#' || *p == ' ')
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"",
							def->defname, value),
					 errhint("Give the URL without a query string or fragment.")));
	}

	if (!https && !is_loopback_host(host, host_end - host))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"%s\" must use https", def->defname),
				 errdetail("Plain http is accepted only for this machine (localhost, 127.0.0.1 or [::1])."),
				 errhint("Use an https:// URL.")));
}

/*
 * parse_page_size
 *		An integer from 1 to the API's maximum page size.
 */
static int
parse_page_size(DefElem *def, const char *value)
{
	int			result;

	if (!parse_int(value, &result, 0, NULL) ||
		result < 1 || result > CLIO_MAX_PAGE_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
				 errhint("Valid values are integers from 1 to %d (Clio's largest page).",
						 CLIO_MAX_PAGE_SIZE)));
	return result;
}

/*
 * parse_retries
 *		An integer from 0 to 10.
 */
static int
parse_retries(DefElem *def, const char *value)
{
	int			result;

	if (!parse_int(value, &result, 0, NULL) || result < 0 || result > 10)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
				 errhint("Valid values are integers from 0 to 10.")));
	return result;
}

/*
 * parse_int_range
 *		An integer from min to max.
 */
static int
parse_int_range(DefElem *def, const char *value, int min, int max)
{
	int			result;

	if (!parse_int(value, &result, 0, NULL) || result < min || result > max)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
				 errhint("Valid values are integers from %d to %d.", min, max)));
	return result;
}

/*
 * parse_size
 *		A size in bytes, or with a unit ("10MB"): 1kB to 1GB.
 */
static size_t
parse_size(DefElem *def, const char *value)
{
	int			result;

	if (!parse_int(value, &result, GUC_UNIT_BYTE, NULL) ||
		result < 1024 || result > 1024 * 1024 * 1024)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
				 errhint("Give a size from 1kB to 1GB, e.g. '100MB'.")));
	return (size_t) result;
}

/*
 * parse_cost
 *		A planner cost: a number, zero or more.
 */
static double
parse_cost(DefElem *def, const char *value)
{
	double		result;

	if (!parse_real(value, &result, 0, NULL) || result < 0 || isnan(result) ||
		isinf(result))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
				 errhint("Give a number, zero or more.")));
	return result;
}

/*
 * parse_duration_ms
 *		A duration: a number of seconds ("30", "2.5") or a number with a
 *		unit ("500ms", "30s", "2min").  Returns milliseconds, at least 1.
 */
static int
parse_duration_ms(DefElem *def, const char *value)
{
	double		seconds;
	int			ms;
	const char *hintmsg = NULL;

	if (parse_real(value, &seconds, 0, NULL))
	{
		if (seconds <= 0 || seconds > INT_MAX / 1000.0 || isnan(seconds))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
					 errhint("Give a positive duration, e.g. '30' (seconds), '500ms' or '2min'.")));
		ms = (int) rint(seconds * 1000.0);
	}
	else if (!parse_int(value, &ms, GUC_UNIT_MS, &hintmsg) || ms <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
				 errhint("Give a positive duration, e.g. '30' (seconds), '500ms' or '2min'.")));
	return Max(ms, 1);
}

/*
 * parse_xact_writes
 *		transactional_writes: what a write inside a transaction block does.
 */
static int
parse_xact_writes(DefElem *def, const char *value)
{
	if (strcmp(value, "warn") == 0)
		return CLIO_XACT_WRITES_WARN;
	if (strcmp(value, "refuse") == 0)
		return CLIO_XACT_WRITES_REFUSE;
	if (strcmp(value, "allow") == 0)
		return CLIO_XACT_WRITES_ALLOW;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"",
					def->defname, value),
			 errhint("Valid values are warn (the default: a warning once per transaction), refuse (an error) and allow (no warning).")));
	return CLIO_XACT_WRITES_WARN;	/* not reached */
}

/*
 * clio_region_url
 *		The base URL of a Clio region, or NULL.
 */
const char *
clio_region_url(const char *region)
{
	if (strcmp(region, "us") == 0)
		return "https://app.clio.com";
	if (strcmp(region, "eu") == 0)
		return "https://eu.app.clio.com";
	if (strcmp(region, "ca") == 0)
		return "https://ca.app.clio.com";
	if (strcmp(region, "au") == 0)
		return "https://au.app.clio.com";
	return NULL;
}

/*
 * clio_server_options
 *		Fill the server part of opts, with defaults for what is not set.
 */
void
clio_server_options(ForeignServer *server, ClioOptions *opts)
{
	ListCell   *lc;

	opts->serverid = server->serverid;
	opts->base_url = CLIO_DEFAULT_BASE_URL;
	opts->ctrl_url = CLIO_DEFAULT_CTRL_URL;
	opts->connection_id = NULL;
	opts->api_version = (char *) clio_catalog_api_version;
	opts->page_size = CLIO_DEFAULT_PAGE_SIZE;
	opts->connect_timeout_ms = CLIO_DEFAULT_CONNECT_TIMEOUT_MS;
	opts->request_timeout_ms = CLIO_DEFAULT_REQUEST_TIMEOUT_MS;
	opts->etag_check = true;
	opts->transactional_writes = CLIO_XACT_WRITES_WARN;
	opts->max_retries = CLIO_DEFAULT_MAX_RETRIES;
	opts->max_rate_limit_wait_ms = CLIO_DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
	opts->max_response_size = CLIO_DEFAULT_MAX_RESPONSE_SIZE;
	opts->use_remote_estimate = false;
	opts->count_mode = CLIO_COUNT_VERIFY;
	opts->startup_cost = CLIO_DEFAULT_STARTUP_COST;
	opts->page_cost = CLIO_DEFAULT_PAGE_COST;
	opts->tuple_cost = CLIO_DEFAULT_TUPLE_COST;

	foreach(lc, server->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "base_url") == 0)
		{
			char	   *url = pstrdup(defGetString(def));
			int			len = strlen(url);

			while (len > 0 && url[len - 1] == '/')
				url[--len] = '\0';
			opts->base_url = url;
		}
		else if (strcmp(def->defname, "region") == 0)
			opts->base_url = (char *) clio_region_url(defGetString(def));
		else if (strcmp(def->defname, "ctrl_url") == 0)
		{
			char	   *url = pstrdup(defGetString(def));
			int			len = strlen(url);

			while (len > 0 && url[len - 1] == '/')
				url[--len] = '\0';
			opts->ctrl_url = url;
		}
		else if (strcmp(def->defname, "connection_id") == 0)
			opts->connection_id = defGetString(def);
		else if (strcmp(def->defname, "api_version") == 0)
			opts->api_version = defGetString(def);
		else if (strcmp(def->defname, "page_size") == 0)
			opts->page_size = parse_page_size(def, defGetString(def));
		else if (strcmp(def->defname, "connect_timeout") == 0)
			opts->connect_timeout_ms = parse_duration_ms(def, defGetString(def));
		else if (strcmp(def->defname, "request_timeout") == 0)
			opts->request_timeout_ms = parse_duration_ms(def, defGetString(def));
		else if (strcmp(def->defname, "etag_check") == 0)
			opts->etag_check = defGetBoolean(def);
		else if (strcmp(def->defname, "transactional_writes") == 0)
			opts->transactional_writes = parse_xact_writes(def, defGetString(def));
		else if (strcmp(def->defname, "max_retries") == 0)
			opts->max_retries = parse_retries(def, defGetString(def));
		else if (strcmp(def->defname, "max_rate_limit_wait") == 0)
			opts->max_rate_limit_wait_ms = parse_duration_ms(def, defGetString(def));
		else if (strcmp(def->defname, "max_response_size") == 0)
			opts->max_response_size = parse_size(def, defGetString(def));
		else if (strcmp(def->defname, "use_remote_estimate") == 0)
			opts->use_remote_estimate = defGetBoolean(def);
		else if (strcmp(def->defname, "count_pushdown") == 0)
			opts->count_mode = parse_count_mode(def, defGetString(def));
		else if (strcmp(def->defname, "fdw_startup_cost") == 0)
			opts->startup_cost = parse_cost(def, defGetString(def));
		else if (strcmp(def->defname, "fdw_page_cost") == 0)
			opts->page_cost = parse_cost(def, defGetString(def));
		else if (strcmp(def->defname, "fdw_tuple_cost") == 0)
			opts->tuple_cost = parse_cost(def, defGetString(def));
	}
}

/*
 * parse_count_mode
 *		count_pushdown: off, verify (the default) or on.
 */
static ClioCountMode
parse_count_mode(DefElem *def, const char *value)
{
	if (pg_strcasecmp(value, "off") == 0)
		return CLIO_COUNT_OFF;
	if (pg_strcasecmp(value, "verify") == 0)
		return CLIO_COUNT_VERIFY;
	if (pg_strcasecmp(value, "on") == 0)
		return CLIO_COUNT_ON;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"",
					def->defname, value),
			 errhint("Valid values are off, verify and on.")));
	return CLIO_COUNT_OFF;		/* not reached */
}

/*
 * clio_table_options
 *		Fill the server and table parts of opts for a foreign table.  The
 *		resource defaults to the table's own name, as postgres_fdw's
 *		table_name does.
 */
void
clio_table_options(Oid foreigntableid, ClioOptions *opts)
{
	ForeignTable *table = GetForeignTable(foreigntableid);
	ForeignServer *server = GetForeignServer(table->serverid);
	const char *resource = NULL;
	ListCell   *lc;

	clio_server_options(server, opts);

	foreach(lc, table->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "resource") == 0)
			resource = defGetString(def);
		else if (strcmp(def->defname, "page_size") == 0)
			opts->page_size = parse_page_size(def, defGetString(def));
		else if (strcmp(def->defname, "etag_check") == 0)
			opts->etag_check = defGetBoolean(def);
		else if (strcmp(def->defname, "use_remote_estimate") == 0)
			opts->use_remote_estimate = defGetBoolean(def);
		else if (strcmp(def->defname, "count_pushdown") == 0)
			opts->count_mode = parse_count_mode(def, defGetString(def));
	}

	if (resource == NULL)
		resource = get_rel_name(foreigntableid);
	opts->coll = clio_catalog_find(resource);
	if (opts->coll == NULL)
	{
		const char *closest = clio_catalog_closest(resource);

		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("foreign table \"%s\" names no Clio resource",
						get_rel_name(foreigntableid)),
				 errdetail("Without a \"resource\" option the table's name, \"%s\", is taken as the resource, and Clio has none of that name.",
						   resource),
				 closest ?
				 errhint("Perhaps you meant OPTIONS (resource '%s').", closest) :
				 errhint("Set the table option \"resource\" to a Clio collection such as 'matters'.")));
	}
}

/*
 * clio_user_options
 *		Fill the credential part of opts from a user mapping.
 */
void
clio_user_options(UserMapping *user, ClioOptions *opts)
{
	ListCell   *lc;

	opts->umid = user->umid;
	opts->api_key = NULL;
	opts->refresh_token = NULL;
	opts->client_id = NULL;
	opts->client_secret = NULL;

	foreach(lc, user->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "api_key") == 0 ||
			strcmp(def->defname, "access_token") == 0)
			opts->api_key = defGetString(def);
		else if (strcmp(def->defname, "refresh_token") == 0)
			opts->refresh_token = defGetString(def);
		else if (strcmp(def->defname, "client_id") == 0)
			opts->client_id = defGetString(def);
		else if (strcmp(def->defname, "client_secret") == 0)
			opts->client_secret = defGetString(def);
		else if (strcmp(def->defname, "connection_id") == 0)
			opts->connection_id = defGetString(def);	/* wins over the server's */
	}
}

/*
 * clio_exec_options
 *		Everything a scan or a write needs to send requests for a foreign
 *		table on behalf of a user: the table's and server's options, and the
 *		credentials of that user's mapping.
 */
void
clio_exec_options(Relation rel, Oid userid, ClioOptions *opts)
{
	clio_table_options(RelationGetRelid(rel), opts);
	clio_server_exec_options(NULL, userid, opts);
}

/*
 * clio_server_exec_options
 *		The credentials of a user's mapping, onto options already holding a
 *		server's (server == NULL) or a server's own options (server given:
 *		for functions that work on a server rather than a table).
 */
void
clio_server_exec_options(ForeignServer *server, Oid userid, ClioOptions *opts)
{
	UserMapping *user;

	if (server != NULL)
	{
		memset(opts, 0, sizeof(*opts));
		clio_server_options(server, opts);
	}
	user = GetUserMapping(userid, opts->serverid);
	clio_user_options(user, opts);
	if (opts->api_key == NULL && opts->refresh_token == NULL)
	{
		ForeignServer *s = GetForeignServer(opts->serverid);

		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("user mapping for \"%s\" on server \"%s\" has no api_key",
						GetUserNameFromId(userid, false), s->servername),
				 errhint("ALTER USER MAPPING FOR CURRENT_USER SERVER %s OPTIONS (ADD api_key '...'), or access_token for a Clio OAuth token.",
						 quote_identifier(s->servername))));
	}
}

/*
 * clio_column_option
 *		The value of a column's option, or NULL.
 */
static char *
clio_column_option(Oid relid, AttrNumber attnum, const char *name)
{
	ListCell   *lc;

	foreach(lc, GetForeignColumnOptions(relid, attnum))
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, name) == 0)
			return defGetString(def);
	}
	return NULL;
}

/*
 * clio_column_field
 *		The Clio field a column reads: its "field" option, else its name.
 */
char *
clio_column_field(Oid relid, AttrNumber attnum)
{
	char	   *field = clio_column_option(relid, attnum, "field");

	return field ? field : get_attname(relid, attnum, false);
}

/*
 * clio_column_custom_field
 *		The custom field a column reads (its "custom_field" option), or 0.
 */
int64
clio_column_custom_field(Oid relid, AttrNumber attnum)
{
	char	   *id = clio_column_option(relid, attnum, "custom_field");

	return id ? strtoi64(id, NULL, 10) : 0;
}

/*
 * clio_scan_userid
 *		The user whose mapping a scan (or a direct modify) uses: the view
 *		owner's for a view, else the current user.
 */
Oid
clio_scan_userid(ForeignScanState *node)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	Index		rti = plan->scan.scanrelid;
	Oid			userid;

	/* an aggregate's scan has no relation of its own: its one table's */
	if (rti == 0)
		rti = bms_next_member(clio_scan_base_relids(plan), -1);
	userid = clio_scan_check_as_user(plan, rti, node->ss.ps.state);
	return OidIsValid(userid) ? userid : GetUserId();
}
