/*-------------------------------------------------------------------------
 * options.c
 *		Validation of maip_fdw options and their parsed, defaulted form.
 *
 * Every option the wrapper understands is listed once in valid_options,
 * with the catalog it belongs to and a check for its value.  The validator
 * rejects anything else with a hint that names the closest valid option,
 * so a typo such as "endpiont" is caught at CREATE time, not at query time.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <curl/curl.h>
#include <math.h>

#include "access/reloptions.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "catalog/pg_attribute.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/varlena.h"

#include "options.h"

typedef void (*OptionCheck) (DefElem *def);

typedef struct MaipOption
{
	const char *name;
	Oid			catalog;
	OptionCheck check;
	bool		superuser_only;	/* only a superuser may set it */
} MaipOption;

static void check_endpoint(DefElem *def);
static void check_region(DefElem *def);
static void check_env(DefElem *def);
static void check_seconds(DefElem *def);
static void check_retries(DefElem *def);
static void check_bool(DefElem *def);
static void check_nonempty(DefElem *def);
static void check_access_key(DefElem *def);
static void check_table_name(DefElem *def);
static void check_page_size(DefElem *def);
static void check_part(DefElem *def);

static const MaipOption valid_options[] = {
	{"endpoint", ForeignServerRelationId, check_endpoint, false},
	{"region", ForeignServerRelationId, check_region, false},
	{"env", ForeignServerRelationId, check_env, false},
	{"connect_timeout", ForeignServerRelationId, check_seconds, false},
	{"request_timeout", ForeignServerRelationId, check_seconds, false},
	{"max_retries", ForeignServerRelationId, check_retries, false},
	{"ambient_credentials", ForeignServerRelationId, check_bool, true},
	{"ca_file", ForeignServerRelationId, check_nonempty, true},
	{"allow_insecure_http", ForeignServerRelationId, check_bool, true},
	{"consistent_read", ForeignServerRelationId, check_bool, false},
	{"access_key_id", UserMappingRelationId, check_access_key, false},
	{"secret_access_key", UserMappingRelationId, check_nonempty, false},
	{"session_token", UserMappingRelationId, check_nonempty, false},
	{"table", ForeignTableRelationId, check_table_name, false},
	{"page_size", ForeignTableRelationId, check_page_size, false},
	{"consistent_read", ForeignTableRelationId, check_bool, false},
	{"attribute", AttributeRelationId, check_nonempty, false},
	{"item", AttributeRelationId, check_bool, false},
	{"part", AttributeRelationId, check_part, false},
	{NULL, InvalidOid, NULL, false}
};

/* maip_fdw.allowed_endpoints: endpoints a superuser lets non-superusers use. */
char	   *maip_allowed_endpoints = NULL;

/* The parts of an endpoint URL we reason about; false if it does not parse. */
static bool
endpoint_parts(const char *url, char **scheme, char **host, char **port, bool *has_userinfo)
{
	CURLU	   *u = curl_url();
	char	   *s = NULL, *h = NULL, *p = NULL, *user = NULL;
	bool		ok;

	ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK;
	if (ok)
	{
		*scheme = pstrdup(s);
		*host = pstrdup(h);
		*port = (curl_url_get(u, CURLUPART_PORT, &p, 0) == CURLUE_OK) ? pstrdup(p) : NULL;
		*has_userinfo = curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK;
	}
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_free(user);
	curl_url_cleanup(u);
	return ok;
}

static bool
host_matches_aws(const char *host)
{
	const char *suffixes[] = {".amazonaws.com", ".amazonaws.com.cn", ".api.aws"};
	const char *rest;

	if (strncmp(host, "dynamodb.", 9) == 0)
		rest = host + 9;
	else if (strncmp(host, "dynamodb-fips.", 14) == 0)
		rest = host + 14;
	else
		return false;
	for (int i = 0; i < lengthof(suffixes); i++)
	{
		int			rlen = strlen(rest);
		int			slen = strlen(suffixes[i]);

		if (rlen > slen && strcmp(rest + rlen - slen, suffixes[i]) == 0)
		{
			/* the region in between: lowercase letters, digits and dashes only */
			for (const char *p = rest; p < rest + rlen - slen; p++)
				if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p) || *p == '-'))
					return false;
			return true;
		}
	}
	return false;
}

/* An AWS DynamoDB endpoint: https, a dynamodb host of AWS, default port, no user info. */
static bool
endpoint_is_aws(const char *url)
{
	char	   *scheme, *host, *port;
	bool		userinfo;

	return endpoint_parts(url, &scheme, &host, &port, &userinfo) &&
		pg_strcasecmp(scheme, "https") == 0 && !userinfo &&
		(port == NULL || strcmp(port, "443") == 0) && host_matches_aws(host);
}

static bool
endpoint_in_allow_list(const char *url)
{
	char	   *list;
	char	   *tok;
	char	   *save;
	int			ulen = strlen(url);

	while (ulen > 0 && url[ulen - 1] == '/')
		ulen--;
	if (maip_allowed_endpoints == NULL || maip_allowed_endpoints[0] == '\0')
		return false;
	list = pstrdup(maip_allowed_endpoints);
	for (tok = strtok_r(list, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
	{
		int			tlen = strlen(tok);

		while (tlen > 0 && tok[tlen - 1] == '/')
			tlen--;
		if (tlen == ulen && strncmp(tok, url, ulen) == 0)
			return true;
	}
	return false;
}

bool
maip_endpoint_is_loopback(const char *url)
{
	char	   *scheme, *host, *port;
	bool		userinfo;

	if (!endpoint_parts(url, &scheme, &host, &port, &userinfo))
		return false;
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "localhost") == 0 ||
		strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0;
}

/*
 * May a server owned by `owner` send requests (signed with its users'
 * keys) to this endpoint?  A non-superuser could otherwise point the
 * database server at internal services (SSRF): only AWS endpoints and
 * those a superuser listed in maip_fdw.allowed_endpoints are theirs.
 */
void
maip_check_endpoint_allowed(const char *url, Oid owner, bool allow_insecure_http)
{
	char	   *scheme, *host, *port;
	bool		userinfo;

	if (!endpoint_parts(url, &scheme, &host, &port, &userinfo))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid endpoint \"%s\"", url)));
	if (!superuser_arg(owner) && !endpoint_is_aws(url) && !endpoint_in_allow_list(url))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("endpoint \"%s\" is not allowed for a server owned by a non-superuser", url),
				 errdetail("Non-superusers may use AWS DynamoDB endpoints (https://dynamodb.<region>.amazonaws.com) and those listed in maip_fdw.allowed_endpoints."),
				 errhint("Ask a superuser to add the endpoint to maip_fdw.allowed_endpoints, or to own the server.")));
	if (pg_strcasecmp(scheme, "http") == 0 && !maip_endpoint_is_loopback(url) && !allow_insecure_http)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("plain http endpoint \"%s\" is not on the loopback interface", url),
				 errdetail("Requests to it would carry signatures and data unencrypted."),
				 errhint("Use https, or have a superuser set allow_insecure_http 'true' on the server.")));
}

static const char *
catalog_object_name(Oid catalog)
{
	switch (catalog)
	{
		case ForeignServerRelationId:
			return "server";
		case UserMappingRelationId:
			return "user mapping";
		case ForeignTableRelationId:
			return "foreign table";
		case AttributeRelationId:
			return "column";
		default:
			return "object";
	}
}

/*
 * The valid option for this catalog closest to an unknown name, or NULL
 * when nothing is close enough to be a plausible typo.
 */
static const char *
closest_option(const char *name, Oid catalog)
{
	const char *best = NULL;
	int			best_dist = INT_MAX;
	int			len = strlen(name);

	for (const MaipOption *opt = valid_options; opt->name; opt++)
	{
		int			dist;

		if (opt->catalog != catalog)
			continue;
		dist = varstr_levenshtein(name, len, opt->name, strlen(opt->name),
								  1, 1, 1, false);
		if (dist < best_dist)
		{
			best_dist = dist;
			best = opt->name;
		}
	}
	/* a name sharing less than half its letters with ours is no typo */
	if (best && best_dist > Max(len, (int) strlen(best)) / 2)
		return NULL;
	return best;
}

static void
report_unknown_option(DefElem *def, Oid catalog)
{
	const char *closest = closest_option(def->defname, catalog);
	StringInfoData valid;

	initStringInfo(&valid);
	for (const MaipOption *opt = valid_options; opt->name; opt++)
	{
		if (opt->catalog != catalog)
			continue;
		if (valid.len > 0)
			appendStringInfoString(&valid, ", ");
		appendStringInfoString(&valid, opt->name);
	}

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("invalid option \"%s\" for a maip_fdw %s",
					def->defname, catalog_object_name(catalog)),
			 closest ? errhint("Perhaps you meant the option \"%s\".", closest)
			 : errhint("Valid options here are: %s.", valid.data)));
}

void
maip_validate_option_list(List *options, Oid catalog)
{
	ListCell   *lc;
	const char *endpoint = NULL;
	bool		insecure = false;

	foreach(lc, options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		const MaipOption *opt;

		for (opt = valid_options; opt->name; opt++)
			if (opt->catalog == catalog && strcmp(opt->name, def->defname) == 0)
				break;
		if (opt->name == NULL)
			report_unknown_option(def, catalog);

		if (opt->superuser_only && !superuser())
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("only a superuser may set the maip_fdw option \"%s\"",
							opt->name)));
		opt->check(def);
		if (strcmp(opt->name, "endpoint") == 0)
			endpoint = defGetString(def);
		else if (strcmp(opt->name, "allow_insecure_http") == 0)
			insecure = defGetBoolean(def);
	}
	/* checked as the user who sets it; checked again at use, as the server's owner */
	if (catalog == ForeignServerRelationId && endpoint)
		maip_check_endpoint_allowed(endpoint, GetUserId(), insecure);
}

/* ---------- value checks ---------- */

static void
invalid_value(DefElem *def, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for maip_fdw option \"%s\": \"%s\"",
					def->defname, defGetString(def)),
			 hint ? errhint("%s", hint) : 0));
}

static void
check_nonempty(DefElem *def)
{
	if (defGetString(def)[0] == '\0')
		invalid_value(def, "The value must not be empty.");
}

static void
check_bool(DefElem *def)
{
	bool		b;

	if (!parse_bool(defGetString(def), &b))
		invalid_value(def, "Use true or false.");
}

static void
check_endpoint(DefElem *def)
{
	const char *url = defGetString(def);
	CURLU	   *u = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	bool		ok;

	ok = u != NULL &&
		curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		(pg_strcasecmp(scheme, "http") == 0 || pg_strcasecmp(scheme, "https") == 0) &&
		host[0] != '\0';
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	if (!ok)
		invalid_value(def, "The endpoint must be an http:// or https:// URL, e.g. https://dynamodb.us-east-1.amazonaws.com.");
}

/* AWS region names: lowercase letters, digits and dashes, like eu-west-1. */
static void
check_region(DefElem *def)
{
	const char *s = defGetString(def);
	int			len = strlen(s);

	if (len < 2 || len > 32 || s[0] == '-' || s[len - 1] == '-')
		invalid_value(def, "A region looks like us-east-1.");
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p) || *p == '-'))
			invalid_value(def, "A region looks like us-east-1.");
}

/* MAIP environments become part of table names, so keep them name-safe. */
static void
check_env(DefElem *def)
{
	const char *s = defGetString(def);
	int			len = strlen(s);

	if (len < 1 || len > 32)
		invalid_value(def, "An environment name has 1 to 32 characters, e.g. dev or prod.");
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char) *p) || *p == '-' || *p == '_'))
			invalid_value(def, "An environment name uses letters, digits, '-' and '_' only.");
}

static void
check_seconds(DefElem *def)
{
	const char *s = defGetString(def);
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v > 0) || v > 3600)
		invalid_value(def, "Give a number of seconds greater than 0 and at most 3600, e.g. 0.5 or 10.");
}

static void
check_retries(DefElem *def)
{
	const char *s = defGetString(def);
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 0 || v > 20)
		invalid_value(def, "Give a whole number from 0 to 20.");
}

static void
check_access_key(DefElem *def)
{
	const char *s = defGetString(def);
	int			len = strlen(s);

	if (len < 1 || len > 128)
		invalid_value(def, "An access key id has 1 to 128 characters.");
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char) *p))
			invalid_value(def, "An access key id consists of letters and digits.");
}

/* DynamoDB table names: 3 to 255 of [A-Za-z0-9_.-]. */
static void
check_table_name(DefElem *def)
{
	const char *s = defGetString(def);
	int			len = strlen(s);

	if (len < 3 || len > 255)
		invalid_value(def, "DynamoDB table names have 3 to 255 characters.");
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char) *p) || *p == '_' || *p == '-' || *p == '.'))
			invalid_value(def, "DynamoDB table names use only letters, digits, '_', '-' and '.'.");
}

static void
check_page_size(DefElem *def)
{
	const char *s = defGetString(def);
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 1 || v > 1000000)
		invalid_value(def, "Give a number of items from 1 to 1000000.");
}

/* A composite key has a handful of parts, never hundreds. */
static void
check_part(DefElem *def)
{
	const char *s = defGetString(def);
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 1 || v > 32)
		invalid_value(def, "Give the 1-based position of the part, e.g. part '2' for timestamp in attribute 'customerId#timestamp'.");
}

/* ---------- parsed forms ---------- */

static int
seconds_to_ms(const char *s)
{
	return (int) ceil(strtod(s, NULL) * 1000.0);
}

static const char *
default_region(void)
{
	const char *r = getenv("AWS_REGION");

	if (r == NULL || r[0] == '\0')
		r = getenv("AWS_DEFAULT_REGION");
	if (r == NULL || r[0] == '\0')
		r = "us-east-1";
	return r;
}

MaipServerOptions *
maip_get_server_options(ForeignServer *server)
{
	MaipServerOptions *opts = palloc0(sizeof(MaipServerOptions));
	ListCell   *lc;

	opts->connect_timeout_ms = 5000;
	opts->request_timeout_ms = 60000;
	opts->max_retries = 6;
	opts->env = "dev";

	foreach(lc, server->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		const char *v = defGetString(def);

		if (strcmp(def->defname, "endpoint") == 0)
			opts->endpoint = pstrdup(v);
		else if (strcmp(def->defname, "region") == 0)
			opts->region = pstrdup(v);
		else if (strcmp(def->defname, "env") == 0)
			opts->env = pstrdup(v);
		else if (strcmp(def->defname, "connect_timeout") == 0)
			opts->connect_timeout_ms = seconds_to_ms(v);
		else if (strcmp(def->defname, "request_timeout") == 0)
			opts->request_timeout_ms = seconds_to_ms(v);
		else if (strcmp(def->defname, "max_retries") == 0)
			opts->max_retries = atoi(v);
		else if (strcmp(def->defname, "ambient_credentials") == 0)
			opts->ambient_credentials = defGetBoolean(def);
		else if (strcmp(def->defname, "ca_file") == 0)
			opts->ca_file = pstrdup(v);
		else if (strcmp(def->defname, "allow_insecure_http") == 0)
			opts->allow_insecure_http = defGetBoolean(def);
	}
	if (opts->region == NULL)
		opts->region = pstrdup(default_region());
	if (opts->endpoint == NULL)
		opts->endpoint = psprintf("https://dynamodb.%s.amazonaws.com", opts->region);
	return opts;
}

MaipTableOptions *
maip_get_table_options(Oid foreigntableid)
{
	ForeignTable *ft = GetForeignTable(foreigntableid);
	ForeignServer *server = GetForeignServer(ft->serverid);
	MaipTableOptions *opts = palloc0(sizeof(MaipTableOptions));
	ListCell   *lc;

	foreach(lc, server->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (strcmp(def->defname, "consistent_read") == 0)
			opts->consistent_read = defGetBoolean(def);
	}
	foreach(lc, ft->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (strcmp(def->defname, "table") == 0)
			opts->table = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "page_size") == 0)
			opts->page_size = atoi(defGetString(def));
		else if (strcmp(def->defname, "consistent_read") == 0)
			opts->consistent_read = defGetBoolean(def);
	}
	if (opts->table == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("foreign table \"%s\" has no \"table\" option",
						get_rel_name(foreigntableid)),
				 errhint("Name the DynamoDB table: ALTER FOREIGN TABLE %s OPTIONS (ADD table 'maip-dev-orders').",
						 get_rel_name(foreigntableid))));
	return opts;
}

MaipColumnOptions *
maip_get_column_options(Oid relid, AttrNumber attnum, const char *colname)
{
	MaipColumnOptions *opts = palloc0(sizeof(MaipColumnOptions));
	ListCell   *lc;

	foreach(lc, GetForeignColumnOptions(relid, attnum))
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (strcmp(def->defname, "attribute") == 0)
			opts->attribute = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "item") == 0)
			opts->is_item = defGetBoolean(def);
		else if (strcmp(def->defname, "part") == 0)
			opts->part = atoi(defGetString(def));
	}
	if (opts->attribute == NULL)
		opts->attribute = pstrdup(colname);
	opts->nparts = 1;
	for (const char *p = opts->attribute; *p; p++)
		if (*p == '#')
			opts->nparts++;
	if (opts->part > opts->nparts)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("column \"%s\" asks for part %d of attribute \"%s\", which has %d '#'-separated parts",
						colname, opts->part, opts->attribute, opts->nparts)));
	return opts;
}
