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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "commands/defrem.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/builtins.h"

#include "credentials.h"

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

MaipCredentials *
maip_get_credentials(ForeignServer *server, const MaipServerOptions *sopts, Oid userid)
{
	UserMapping *um = GetUserMapping(userid, server->serverid);
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
