/*-------------------------------------------------------------------------
 * credentials.c
 *		Resolve the AWS credentials for a (server, user) pair.
 *
 * Order: the user mapping's access_key_id/secret_access_key/session_token;
 * failing that, the AWS convention of the server process (AWS_ACCESS_KEY_ID
 * and friends, then the shared credentials file, profile AWS_PROFILE).
 *
 * The fallback is a privilege: those ambient keys belong to the database
 * server, not to whoever runs a query.  Like postgres_fdw's
 * password_required, only superusers get it, unless a superuser set
 * ambient_credentials 'true' on the server (the validator lets only a
 * superuser set that option).  Secrets never go into error messages, and
 * no key with a control character goes into a header, whatever its source.
 *
 * Assumed roles: when the user mapping or the server names a role_arn, the
 * keys found above (the base credentials) only sign an STS AssumeRole
 * call, and requests are signed with the temporary credentials it returns.
 * The privilege rule is unchanged: the base credentials of a non-superuser
 * are their own mapping's keys unless a superuser set ambient_credentials.
 * Temporary credentials are cached per backend per (server, user), renewed
 * five minutes (plus up to a minute of jitter, so that backends do not all
 * renew at once) before their Expiration and never used after it; any
 * change to a server or user mapping (syscache callbacks) drops the cache,
 * and the secrets in it are zeroed before the memory is given back.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "commands/defrem.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "credentials.h"
#include "sts.h"

#define RENEW_AHEAD_SECONDS 300
#define RENEW_JITTER_SECONDS 60

static char *
nonempty_env(const char *name)
{
	const char *v = getenv(name);

	return (v && v[0]) ? pstrdup(v) : NULL;
}

static char *
trim_whitespace(char *s)
{
	char	   *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/*
 * Read one profile from an AWS shared credentials file (INI format:
 * "[profile]" headers, "key = value" lines, '#' or ';' comments).
 */
static bool
read_shared_credentials(const char *path, const char *profile, MaipCredentials *creds)
{
	FILE	   *f = AllocateFile(path, "r");
	char		line[4096];
	bool		in_profile = false;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f))
	{
		char	   *s = trim_whitespace(line);
		char	   *eq;

		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
		{
			char	   *close = strchr(s, ']');

			if (close)
				*close = '\0';
			in_profile = strcmp(trim_whitespace(s + 1), profile) == 0;
			continue;
		}
		if (!in_profile || (eq = strchr(s, '=')) == NULL)
			continue;
		*eq = '\0';
		s = trim_whitespace(s);
		if (strcmp(s, "aws_access_key_id") == 0)
			creds->access_key_id = pstrdup(trim_whitespace(eq + 1));
		else if (strcmp(s, "aws_secret_access_key") == 0)
			creds->secret_access_key = pstrdup(trim_whitespace(eq + 1));
		else if (strcmp(s, "aws_session_token") == 0)
			creds->session_token = pstrdup(trim_whitespace(eq + 1));
	}
	FreeFile(f);
	return creds->access_key_id && creds->secret_access_key;
}

static bool
ambient_credentials(MaipCredentials *creds)
{
	char	   *path;
	char	   *profile;

	creds->access_key_id = nonempty_env("AWS_ACCESS_KEY_ID");
	creds->secret_access_key = nonempty_env("AWS_SECRET_ACCESS_KEY");
	creds->session_token = nonempty_env("AWS_SESSION_TOKEN");
	if (creds->access_key_id && creds->secret_access_key)
	{
		creds->source = "environment";
		return true;
	}

	memset(creds, 0, sizeof(*creds));
	path = nonempty_env("AWS_SHARED_CREDENTIALS_FILE");
	if (path == NULL)
	{
		const char *home = getenv("HOME");

		if (home == NULL || home[0] == '\0')
			return false;
		path = psprintf("%s/.aws/credentials", home);
	}
	profile = nonempty_env("AWS_PROFILE");
	if (profile == NULL)
		profile = "default";
	if (read_shared_credentials(path, profile, creds))
	{
		creds->source = "shared credentials file";
		return true;
	}
	return false;
}

/*
 * Every key goes into a header or a signature: refuse one with a control
 * character (or any byte that is not printable ASCII) wherever it came
 * from.  The validator already refuses such user mapping options; values
 * from the environment or the credentials file, and mappings stored before
 * that check existed, meet it here.  The message names the setting, never
 * its value.
 */
static void
check_printable(const char *value, const char *setting, const MaipCredentials *creds,
				const char *servername)
{
	if (value == NULL || maip_credential_is_printable(value))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("AWS credentials for server \"%s\" contain a character that is not printable ASCII",
					servername),
			 errdetail("The %s of the %s contains a control character such as CR or LF, or a non-ASCII byte.",
					   setting, creds->source),
			 errhint("Correct the credentials; AWS keys and session tokens are printable ASCII.")));
}

static MaipCredentials *
checked(MaipCredentials *creds, const char *servername)
{
	bool		mapping = strcmp(creds->source, "user mapping") == 0;
	bool		env = strcmp(creds->source, "environment") == 0;

	check_printable(creds->access_key_id,
					mapping ? "access_key_id" : env ? "AWS_ACCESS_KEY_ID" : "aws_access_key_id",
					creds, servername);
	check_printable(creds->secret_access_key,
					mapping ? "secret_access_key" : env ? "AWS_SECRET_ACCESS_KEY" : "aws_secret_access_key",
					creds, servername);
	check_printable(creds->session_token,
					mapping ? "session_token" : env ? "AWS_SESSION_TOKEN" : "aws_session_token",
					creds, servername);
	return creds;
}

/* The base credentials: the mapping's keys, or (where allowed) the ambient ones. */
static MaipCredentials *
base_credentials(ForeignServer *server, const MaipServerOptions *sopts, Oid userid,
				 UserMapping *um)
{
	MaipCredentials *creds = palloc0(sizeof(MaipCredentials));
	ListCell   *lc;

	foreach(lc, um->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (strcmp(def->defname, "access_key_id") == 0)
			creds->access_key_id = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "secret_access_key") == 0)
			creds->secret_access_key = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "session_token") == 0)
			creds->session_token = pstrdup(defGetString(def));
	}

	if (creds->access_key_id || creds->secret_access_key)
	{
		if (!creds->access_key_id || !creds->secret_access_key)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
					 errmsg("user mapping for server \"%s\" sets only one of access_key_id and secret_access_key",
							server->servername),
					 errhint("Set both options in the user mapping.")));
		creds->source = "user mapping";
		return checked(creds, server->servername);
	}

	if (!superuser_arg(userid) && !sopts->ambient_credentials)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("user mapping for server \"%s\" has no AWS credentials",
						server->servername),
				 errdetail("Non-superusers must give access_key_id and secret_access_key in their user mapping."),
				 errhint("Add them with ALTER USER MAPPING, or have a superuser set ambient_credentials 'true' on the server.")));

	if (!ambient_credentials(creds))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("no AWS credentials found for server \"%s\"", server->servername),
				 errdetail("The user mapping gives none, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set for the server process, and no shared credentials file profile was found."),
				 errhint("Add access_key_id and secret_access_key to the user mapping.")));
	return checked(creds, server->servername);
}

/* ---------- assumed roles ---------- */

typedef struct RoleCacheKey
{
	Oid			serverid;
	Oid			userid;
} RoleCacheKey;

typedef struct RoleCacheEntry
{
	RoleCacheKey key;
	char	   *access_key_id;	/* in role_cache_cxt */
	char	   *secret_access_key;
	char	   *session_token;
	const char *source;			/* a string constant */
	time_t		expiration;
	time_t		renew_at;
} RoleCacheEntry;

static HTAB *role_cache = NULL;
static MemoryContext role_cache_cxt = NULL;
static bool role_cache_stale = false;

/* A server or user mapping changed: only a flag here, see table_desc_invalidate. */
static void
role_cache_invalidate(Datum arg, int cacheid, uint32 hashvalue)
{
	role_cache_stale = true;
}

static void
zero_string(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
}

static void
forget_entry(RoleCacheEntry *e)
{
	zero_string(e->secret_access_key);
	zero_string(e->session_token);
	/* renewals must not pile up copies in the cache's context */
	if (e->access_key_id)
		pfree(e->access_key_id);
	if (e->secret_access_key)
		pfree(e->secret_access_key);
	if (e->session_token)
		pfree(e->session_token);
	e->access_key_id = e->secret_access_key = e->session_token = NULL;
}

static void
role_cache_reset(void)
{
	HASHCTL		ctl;

	if (role_cache_cxt == NULL)
	{
		role_cache_cxt = AllocSetContextCreate(CacheMemoryContext, "maip_fdw assumed roles",
											   ALLOCSET_SMALL_SIZES);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID, role_cache_invalidate, (Datum) 0);
		CacheRegisterSyscacheCallback(USERMAPPINGOID, role_cache_invalidate, (Datum) 0);
	}
	else
	{
		HASH_SEQ_STATUS seq;
		RoleCacheEntry *e;

		if (role_cache)
		{
			hash_seq_init(&seq, role_cache);
			while ((e = hash_seq_search(&seq)) != NULL)
				forget_entry(e);
		}
		MemoryContextReset(role_cache_cxt);
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(RoleCacheKey);
	ctl.entrysize = sizeof(RoleCacheEntry);
	ctl.hcxt = role_cache_cxt;
	role_cache = hash_create("maip_fdw assumed roles", 16, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	role_cache_stale = false;
}

/* The option's value in the user mapping, else in the server, else NULL. */
static const char *
role_option(const UserMapping *um, const ForeignServer *server, const char *name)
{
	ListCell   *lc;

	foreach(lc, um->options)
		if (strcmp(lfirst_node(DefElem, lc)->defname, name) == 0)
			return defGetString(lfirst_node(DefElem, lc));
	foreach(lc, server->options)
		if (strcmp(lfirst_node(DefElem, lc)->defname, name) == 0)
			return defGetString(lfirst_node(DefElem, lc));
	return NULL;
}

/*
 * "maip_fdw-<user>": CloudTrail then shows which PostgreSQL user assumed
 * the role.  Characters STS does not allow in a session name become '_'.
 */
static char *
default_session_name(Oid userid)
{
	char	   *name = psprintf("maip_fdw-%s", GetUserNameFromId(userid, false));

	for (char *p = name; *p; p++)
		if (!isalnum((unsigned char) *p) && strchr("_+=,.@-", *p) == NULL)
			*p = '_';
	if (strlen(name) > 64)
		name[64] = '\0';
	return name;
}

static const char *
assumed_source(const char *base_source)
{
	if (strcmp(base_source, "user mapping") == 0)
		return "assumed role via user mapping";
	if (strcmp(base_source, "environment") == 0)
		return "assumed role via environment";
	return "assumed role via shared credentials file";
}

static MaipCredentials *
assumed_role_credentials(ForeignServer *server, const MaipServerOptions *sopts, Oid userid,
						 UserMapping *um, const char *role_arn)
{
	RoleCacheKey key;
	RoleCacheEntry *e;
	bool		found;
	time_t		now = time(NULL);
	MaipCredentials *base;
	MaipAssumeRoleParams params;
	MaipStsCredentials *temp;
	MaipCredentials *creds;
	const char *duration;

	if (role_cache == NULL || role_cache_stale)
		role_cache_reset();
	memset(&key, 0, sizeof(key));
	key.serverid = server->serverid;
	key.userid = userid;
	e = hash_search(role_cache, &key, HASH_FIND, NULL);
	if (e && e->access_key_id && now < e->renew_at && now < e->expiration)
	{
		creds = palloc0(sizeof(MaipCredentials));
		creds->access_key_id = pstrdup(e->access_key_id);
		creds->secret_access_key = pstrdup(e->secret_access_key);
		creds->session_token = pstrdup(e->session_token);
		creds->source = e->source;
		return creds;
	}

	/* the privilege rule for the base credentials is base_credentials' */
	base = base_credentials(server, sopts, userid, um);
	params.role_arn = role_arn;
	params.external_id = role_option(um, server, "external_id");
	params.role_session_name = role_option(um, server, "role_session_name");
	if (params.role_session_name == NULL)
		params.role_session_name = default_session_name(userid);
	duration = role_option(um, server, "duration");
	params.duration_seconds = duration ? atoi(duration) : 0;
	temp = maip_sts_assume_role(maip_sts_target(server, sopts), base, &params);

	creds = palloc0(sizeof(MaipCredentials));
	creds->access_key_id = temp->access_key_id;
	creds->secret_access_key = temp->secret_access_key;
	creds->session_token = temp->session_token;
	creds->source = assumed_source(base->source);
	checked(creds, server->servername);
	if (temp->expiration <= now)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS STS returned credentials for role \"%s\" that have already expired",
						role_arn),
				 errhint("Check the clock of the database server.")));

	/* a sinval message may have arrived during the call: start afresh then */
	if (role_cache_stale)
		role_cache_reset();
	e = hash_search(role_cache, &key, HASH_ENTER, &found);
	if (found)
		forget_entry(e);
	e->access_key_id = MemoryContextStrdup(role_cache_cxt, creds->access_key_id);
	e->secret_access_key = MemoryContextStrdup(role_cache_cxt, creds->secret_access_key);
	e->session_token = MemoryContextStrdup(role_cache_cxt, creds->session_token);
	e->source = creds->source;
	e->expiration = temp->expiration;
	e->renew_at = temp->expiration - RENEW_AHEAD_SECONDS -
		(time_t) pg_prng_uint64_range(&pg_global_prng_state, 0, RENEW_JITTER_SECONDS);

	/* so that a log at DEBUG1 shows each (re)newal, and the cache at work */
	ereport(DEBUG1,
			(errmsg_internal("maip_fdw: assumed role \"%s\" for server \"%s\" with credentials from the %s",
							 role_arn, server->servername, base->source),
			 errdetail_internal("Valid for %ld s; renewed from %ld s before expiry.",
								(long) (e->expiration - now), (long) (e->expiration - e->renew_at))));
	return creds;
}

MaipCredentials *
maip_get_credentials(ForeignServer *server, const MaipServerOptions *sopts, Oid userid)
{
	UserMapping *um = GetUserMapping(userid, server->serverid);
	const char *role_arn = role_option(um, server, "role_arn");

	if (role_arn)
		return assumed_role_credentials(server, sopts, userid, um, role_arn);
	return base_credentials(server, sopts, userid, um);
}
