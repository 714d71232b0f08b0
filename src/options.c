/*-------------------------------------------------------------------------
 * options.c
 *		Validation of maip_fdw options and their parsed, defaulted form.
 *
 * Every option the wrapper understands is listed once in valid_options,
 * with the catalog it belongs to and a check for its value.  The validator
 * rejects anything else with a hint that names the closest valid option,
 * so a typo such as "endpiont" is caught at CREATE time, not at query time.
 *
 * Naming rules (env, table, region) are names.c's; the messages are ours.
 *
 * The same file decides where a server may send signed requests: which
 * hosts are DynamoDB's own (names.c's strict region grammar and the AWS
 * partitions' DNS suffixes), which are loopback (by address, not by name),
 * and who may set the superuser-only server options.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <curl/curl.h>
#include <math.h>

#include "access/genam.h"
#include "access/reloptions.h"
#include "access/table.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#include "names.h"
#include "options.h"
#include "sts.h"

/* the wrapper's validator (maip_fdw.c): identifies maip_fdw wrappers */
extern PGDLLEXPORT Datum maip_fdw_validator(PG_FUNCTION_ARGS);

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
static void check_secret(DefElem *def);
static void check_table_name(DefElem *def);
static void check_page_size(DefElem *def);
static void check_segments(DefElem *def);
static void check_whole_number(DefElem *def, long lo, long hi, const char *hint);
static void check_read_rate(DefElem *def);
static void check_part(DefElem *def);
static void check_role_arn(DefElem *def);
static void check_session_name(DefElem *def);
static void check_external_id(DefElem *def);
static void check_duration(DefElem *def);

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
	{"read_rate_limit", ForeignServerRelationId, check_read_rate, false},
	/* assumed roles: the server's default, a user mapping's own */
	{"role_arn", ForeignServerRelationId, check_role_arn, false},
	{"external_id", ForeignServerRelationId, check_external_id, false},
	{"role_session_name", ForeignServerRelationId, check_session_name, false},
	{"duration", ForeignServerRelationId, check_duration, false},
	{"sts_endpoint", ForeignServerRelationId, check_endpoint, false},
	{"role_arn", UserMappingRelationId, check_role_arn, false},
	{"external_id", UserMappingRelationId, check_external_id, false},
	{"role_session_name", UserMappingRelationId, check_session_name, false},
	{"duration", UserMappingRelationId, check_duration, false},
	{"access_key_id", UserMappingRelationId, check_access_key, false},
	{"secret_access_key", UserMappingRelationId, check_secret, false},
	{"session_token", UserMappingRelationId, check_secret, false},
	{"table", ForeignTableRelationId, check_table_name, false},
	{"page_size", ForeignTableRelationId, check_page_size, false},
	{"segments", ForeignTableRelationId, check_segments, false},
	{"read_rate_limit", ForeignTableRelationId, check_read_rate, false},
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

/*
 * The DNS suffixes of AWS partitions (from the AWS SDKs' partitions.json),
 * by the prefix of their region names; the first match wins, so the
 * catch-all "aws" partition (which also serves GovCloud) comes last.
 */
typedef struct AwsPartition
{
	const char *region_prefix;
	const char *dns_suffix;		/* dynamodb.<region>.<dns_suffix> */
	const char *dualstack_suffix;	/* IPv4+IPv6 endpoints, or NULL */
} AwsPartition;

static const AwsPartition aws_partitions[] = {
	{"cn-", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
	{"us-iso-", "c2s.ic.gov", NULL},
	{"us-isob-", "sc2s.sgov.gov", NULL},
	{"eu-isoe-", "cloud.adc-e.uk", NULL},
	{"us-isof-", "csp.hci.ic.gov", NULL},
	{"eusc-", "amazonaws.eu", NULL},
	{"", "amazonaws.com", "api.aws"},
};

static const AwsPartition *
region_partition(const char *region)
{
	const AwsPartition *part = aws_partitions;

	while (strncmp(region, part->region_prefix, strlen(part->region_prefix)) != 0)
		part++;
	return part;
}

/* The regional endpoint STS has for a region. */
char *
maip_default_sts_endpoint(const char *region)
{
	return psprintf("https://sts.%s.%s", region, region_partition(region)->dns_suffix);
}

/* The regional endpoint DynamoDB has for a region (valid or not). */
char *
maip_default_endpoint(const char *region)
{
	return psprintf("https://dynamodb.%s.%s", region, region_partition(region)->dns_suffix);
}

/*
 * Is the host one of DynamoDB's own endpoints?  dynamodb[-fips].<region>.
 * followed by the DNS suffix of that region's partition, or its dual-stack
 * suffix: dynamodb.eu-west-1.amazonaws.com, dynamodb-fips.us-gov-west-1.
 * amazonaws.com, dynamodb.us-east-1.api.aws, dynamodb.cn-north-1.
 * amazonaws.com.cn.  Nothing else under amazonaws.com qualifies: S3 bucket
 * hosts, API gateways and load balancers there belong to other accounts.
 */
static bool
host_matches_aws(const char *host, const char *service)
{
	const char *rest;
	const char *dot;
	char	   *region;
	const AwsPartition *part;
	bool		ok;
	size_t		slen = strlen(service);

	if (strncmp(host, service, slen) != 0)
		return false;
	if (strncmp(host + slen, ".", 1) == 0)
		rest = host + slen + 1;
	else if (strncmp(host + slen, "-fips.", 6) == 0)
		rest = host + slen + 6;
	else
		return false;
	/* STS's global endpoint, sts.amazonaws.com */
	if (strcmp(service, "sts") == 0 && strcmp(rest, "amazonaws.com") == 0)
		return true;
	if ((dot = strchr(rest, '.')) == NULL)
		return false;
	region = pnstrdup(rest, dot - rest);
	ok = maip_region_is_valid(region);
	if (ok)
	{
		part = region_partition(region);
		ok = strcmp(dot + 1, part->dns_suffix) == 0 ||
			(part->dualstack_suffix && strcmp(dot + 1, part->dualstack_suffix) == 0);
	}
	pfree(region);
	return ok;
}

/* An AWS endpoint of the service: https, its host at AWS, default port, no user info. */
static bool
endpoint_is_aws(const char *url, const char *service)
{
	char	   *scheme, *host, *port;
	bool		userinfo;

	return endpoint_parts(url, &scheme, &host, &port, &userinfo) &&
		pg_strcasecmp(scheme, "https") == 0 && !userinfo &&
		(port == NULL || strcmp(port, "443") == 0) && host_matches_aws(host, service);
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

/*
 * Does the endpoint's host name the loopback interface?  The host is parsed
 * as an address (127.0.0.0/8, ::1, or ::ffff:127.x.y.z), never compared as
 * text: "127.attacker.example" is a DNS name anyone can point anywhere.
 * libcurl has already normalised numeric IPv4 forms such as 127.1 or
 * 2130706433 to dotted quads, the form it connects to.  "localhost" counts
 * too: libcurl resolves it to the loopback addresses itself.
 */
bool
maip_endpoint_is_loopback(const char *url)
{
	char	   *scheme, *host, *port;
	bool		userinfo;
	struct in_addr a4;
	struct in6_addr a6;
	size_t		len;

	if (!endpoint_parts(url, &scheme, &host, &port, &userinfo))
		return false;
	if (pg_strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	/* IPv6 hosts come in brackets */
	len = strlen(host);
	if (len < 3 || host[0] != '[' || host[len - 1] != ']')
		return false;
	host[len - 1] = '\0';
	if (inet_pton(AF_INET6, host + 1, &a6) != 1)
		return false;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return true;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

/*
 * May a server owned by `owner` send requests (signed with its users'
 * keys) to this endpoint?  A non-superuser could otherwise point the
 * database server at internal services (SSRF): only AWS endpoints and
 * those a superuser listed in maip_fdw.allowed_endpoints are theirs.
 */
static void
check_service_endpoint_allowed(const char *url, Oid owner, bool allow_insecure_http,
							   const char *service, const char *option, const char *example)
{
	char	   *scheme, *host, *port;
	bool		userinfo;

	if (!endpoint_parts(url, &scheme, &host, &port, &userinfo))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid %s \"%s\"", option, url)));
	if (!superuser_arg(owner) && !endpoint_is_aws(url, service) && !endpoint_in_allow_list(url))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s \"%s\" is not allowed for a server owned by a non-superuser", option, url),
				 errdetail("Non-superusers may use AWS %s endpoints (%s) and those listed in maip_fdw.allowed_endpoints.",
						   strcmp(service, "sts") == 0 ? "STS" : "DynamoDB", example),
				 errhint("Ask a superuser to add the endpoint to maip_fdw.allowed_endpoints, or to own the server.")));
	if (pg_strcasecmp(scheme, "http") == 0 && !maip_endpoint_is_loopback(url) && !allow_insecure_http)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("plain http endpoint \"%s\" is not on the loopback interface", url),
				 errdetail("Requests to it would carry signatures and data unencrypted."),
				 errhint("Use https, or have a superuser set allow_insecure_http 'true' on the server.")));
}

void
maip_check_endpoint_allowed(const char *url, Oid owner, bool allow_insecure_http)
{
	check_service_endpoint_allowed(url, owner, allow_insecure_http, "dynamodb", "endpoint",
								   "https://dynamodb.<region>.amazonaws.com");
}

/*
 * The same rule for sts_endpoint: STS gets the server's users' keys (or the
 * server's own, for superusers) and hands back new ones, so a non-superuser
 * may point it only at AWS STS or at an allow-listed endpoint.
 */
void
maip_check_sts_endpoint_allowed(const char *url, Oid owner, bool allow_insecure_http)
{
	check_service_endpoint_allowed(url, owner, allow_insecure_http, "sts", "sts_endpoint",
								   "https://sts.<region>.amazonaws.com");
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

/* Is this wrapper's validator this library's maip_fdw_validator? */
static bool
fdw_is_maip(Oid fdwid)
{
	ForeignDataWrapper *fdw = GetForeignDataWrapper(fdwid);
	HeapTuple	tup;
	Form_pg_proc proc;
	Datum		src;
	bool		isnull;
	bool		same_name;
	FmgrInfo	finfo;

	if (!OidIsValid(fdw->fdwvalidator))
		return false;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fdw->fdwvalidator));
	if (!HeapTupleIsValid(tup))
		return false;
	proc = (Form_pg_proc) GETSTRUCT(tup);
	src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
	same_name = proc->prolang == ClanguageId && !isnull &&
		strcmp(TextDatumGetCString(src), "maip_fdw_validator") == 0;
	ReleaseSysCache(tup);
	/* only then look the address up (that may load the function's library) */
	if (!same_name)
		return false;
	fmgr_info(fdw->fdwvalidator, &finfo);
	return finfo.fn_addr == maip_fdw_validator;
}

/* How many of these options does the server lack, or hold with another value? */
static int
options_missing_from(List *wanted, List *have)
{
	int			missing = 0;
	ListCell   *lc;

	foreach(lc, wanted)
	{
		DefElem    *w = lfirst_node(DefElem, lc);
		ListCell   *lc2;
		bool		found = false;

		foreach(lc2, have)
		{
			DefElem    *h = lfirst_node(DefElem, lc2);

			if (strcmp(w->defname, h->defname) == 0 &&
				strcmp(defGetString(w), defGetString(h)) == 0)
				found = true;
		}
		if (!found)
			missing++;
	}
	return missing;
}

/*
 * A non-superuser's server option list holds superuser-only options: is
 * that what a superuser gave this user?
 *
 * The validator sees only the resulting list, not which server is being
 * created or altered, nor which options the statement changes.  Refusing
 * every list with such an option (what postgres_fdw does for
 * password_required) would lock a server's non-superuser owner out of
 * every ALTER SERVER once a superuser set one.  Instead the list passes if
 * one maip_fdw server that this user owns (or is a member of the owning
 * role of) already holds all of these options with the same values: then
 * the statement keeps what a superuser set, or drops some of it, and adds
 * or changes nothing superuser-only.  The price: such an owner may also
 * create another server with the same superuser-only values, which gives
 * nothing the server they own does not (they may change its endpoint,
 * region and grant its usage anyway).
 *
 * Returns an option to name in the error, or NULL if the list passes.
 */
static DefElem *
superuser_option_not_granted(List *su_options)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *candidates = NIL;
	List	   *holders = NIL;	/* option lists of their maip_fdw servers */
	int			best_missing = INT_MAX;
	ListCell   *lc,
			   *lc2;

	rel = table_open(ForeignServerRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_foreign_server srv = (Form_pg_foreign_server) GETSTRUCT(tup);

		if (has_privs_of_role(GetUserId(), srv->srvowner))
			candidates = lappend_oid(candidates, srv->oid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	foreach(lc, candidates)
	{
		ForeignServer *server = GetForeignServer(lfirst_oid(lc));
		int			missing;

		if (!fdw_is_maip(server->fdwid))
			continue;
		missing = options_missing_from(su_options, server->options);
		best_missing = Min(best_missing, missing);
		holders = lappend(holders, server->options);
	}
	if (best_missing == 0)
		return NULL;

	/*
	 * Name an option no server of theirs holds; if each is held somewhere
	 * but not all together, the last one (ALTER SERVER ... ADD appends).
	 */
	foreach(lc, su_options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		bool		held = false;

		foreach(lc2, holders)
			if (options_missing_from(list_make1(def), (List *) lfirst(lc2)) == 0)
				held = true;
		if (!held)
			return def;
	}
	return llast_node(DefElem, su_options);
}

void
maip_validate_option_list(List *options, Oid catalog)
{
	ListCell   *lc;
	const char *endpoint = NULL;
	const char *sts_endpoint = NULL;
	bool		insecure = false;
	List	   *su_options = NIL;

	foreach(lc, options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		const MaipOption *opt;

		for (opt = valid_options; opt->name; opt++)
			if (opt->catalog == catalog && strcmp(opt->name, def->defname) == 0)
				break;
		if (opt->name == NULL)
			report_unknown_option(def, catalog);

		opt->check(def);
		if (opt->superuser_only)
			su_options = lappend(su_options, def);
		if (strcmp(opt->name, "endpoint") == 0)
			endpoint = defGetString(def);
		else if (strcmp(opt->name, "sts_endpoint") == 0)
			sts_endpoint = defGetString(def);
		else if (strcmp(opt->name, "allow_insecure_http") == 0)
			insecure = defGetBoolean(def);
	}
	if (su_options != NIL && !superuser())
	{
		DefElem    *def = superuser_option_not_granted(su_options);

		if (def)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("only a superuser may set the maip_fdw option \"%s\"",
							def->defname)));
	}
	/* checked as the user who sets it; checked again at use, as the server's owner */
	if (catalog == ForeignServerRelationId && endpoint)
		maip_check_endpoint_allowed(endpoint, GetUserId(), insecure);
	if (catalog == ForeignServerRelationId && sts_endpoint)
		maip_check_sts_endpoint_allowed(sts_endpoint, GetUserId(), insecure);
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

/* See maip_region_is_valid (names.c): the region also names the default endpoint. */
static void
check_region(DefElem *def)
{
	if (!maip_region_is_valid(defGetString(def)))
		invalid_value(def, "A region looks like us-east-1.");
}

/* MAIP environments become part of table names: names.c's rule. */
static void
check_env(DefElem *def)
{
	const char *problem = maip_env_name_problem(defGetString(def));

	if (problem)
		invalid_value(def, problem);
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
	check_whole_number(def, 0, 20, "Give a whole number from 0 to 20.");
}

/*
 * Is every byte printable ASCII?  AWS keys and session tokens are (base64
 * and the like); a CR or LF in one would end the X-Amz-Security-Token
 * header and start another.  Shared with credentials.c for the keys of
 * the server process's environment and credentials file.
 */
bool
maip_credential_is_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

/* Like invalid_value, but the value is a secret: never echo it. */
static void
invalid_secret(DefElem *def, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for maip_fdw option \"%s\"", def->defname),
			 errhint("%s", hint)));
}

static void
check_access_key(DefElem *def)
{
	const char *s = defGetString(def);
	int			len = strlen(s);

	/* not a secret, but a control character has no place in a message */
	if (!maip_credential_is_printable(s))
		invalid_secret(def, "An access key id consists of letters and digits.");
	if (len < 1 || len > 128)
		invalid_value(def, "An access key id has 1 to 128 characters.");
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char) *p))
			invalid_value(def, "An access key id consists of letters and digits.");
}

/* secret_access_key, session_token: checked without showing the value */
static void
check_secret(DefElem *def)
{
	const char *s = defGetString(def);

	if (s[0] == '\0')
		invalid_secret(def, "The value must not be empty.");
	if (!maip_credential_is_printable(s))
		invalid_secret(def, "AWS credentials are printable ASCII: no control characters such as CR or LF.");
}

/* An IAM role ARN: sts.c's grammar. */
static void
check_role_arn(DefElem *def)
{
	const char *problem = maip_role_arn_problem(defGetString(def));

	if (problem)
		invalid_value(def, problem);
}

/* [\w+=,.@-]{min,max}: role session names and external ids (plus : and /) */
static bool
sts_token_ok(const char *s, int min, int max, const char *extra)
{
	int			len = strlen(s);

	if (len < min || len > max)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char) *p) && strchr("_+=,.@-", *p) == NULL &&
			strchr(extra, *p) == NULL)
			return false;
	return true;
}

static void
check_session_name(DefElem *def)
{
	if (!sts_token_ok(defGetString(def), 2, 64, ""))
		invalid_value(def, "A role session name has 2 to 64 letters, digits or +=,.@_- characters.");
}

/* The external id is shared with the role's owner: never echoed. */
static void
check_external_id(DefElem *def)
{
	if (!sts_token_ok(defGetString(def), 2, 1224, ":/"))
		invalid_secret(def, "An external id has 2 to 1224 letters, digits or +=,.@:/_- characters.");
}

static void
check_duration(DefElem *def)
{
	check_whole_number(def, 900, 43200, "Give the session's length in seconds, from 900 to 43200.");
}

/* DynamoDB table names: names.c's rule. */
static void
check_table_name(DefElem *def)
{
	const char *problem = maip_table_name_problem(defGetString(def));

	if (problem)
		invalid_value(def, problem);
}

/* A whole number from lo to hi, or an error with hint. */
static void
check_whole_number(DefElem *def, long lo, long hi, const char *hint)
{
	const char *s = defGetString(def);
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
		invalid_value(def, hint);
}

static void
check_page_size(DefElem *def)
{
	check_whole_number(def, 1, 1000000, "Give a number of items from 1 to 1000000.");
}

/* DynamoDB takes 1 to 1,000,000 parallel-scan segments. */
static void
check_segments(DefElem *def)
{
	check_whole_number(def, 1, 1000000, "Give a number of segments from 1 to 1000000.");
}

/* Read capacity units per second: a whole number, 1 or more. */
static void
check_read_rate(DefElem *def)
{
	check_whole_number(def, 1, 100000000,
					   "Give read capacity units per second, from 1 to 100000000.");
}

/* A composite key has a handful of parts, never hundreds. */
static void
check_part(DefElem *def)
{
	check_whole_number(def, 1, 32,
					   "Give the 1-based position of the part, e.g. part '2' for timestamp in attribute 'customerId#timestamp'.");
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
		else if (strcmp(def->defname, "sts_endpoint") == 0)
			opts->sts_endpoint = pstrdup(v);
	}
	if (opts->region == NULL)
		opts->region = pstrdup(default_region());
	if (opts->endpoint == NULL)
		opts->endpoint = maip_default_endpoint(opts->region);
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
		else if (strcmp(def->defname, "read_rate_limit") == 0)
			opts->read_rate_limit = atoi(defGetString(def));
	}
	foreach(lc, ft->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (strcmp(def->defname, "table") == 0)
			opts->table = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "page_size") == 0)
			opts->page_size = atoi(defGetString(def));
		else if (strcmp(def->defname, "segments") == 0)
			opts->segments = atoi(defGetString(def));
		else if (strcmp(def->defname, "read_rate_limit") == 0)
			opts->read_rate_limit = atoi(defGetString(def));
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
