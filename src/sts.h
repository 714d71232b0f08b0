/*-------------------------------------------------------------------------
 * sts.h
 *		AWS STS (Security Token Service): one typed function per operation.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_STS_H
#define MAIP_STS_H

#include "postgres.h"

#include <time.h>

#include "foreign/foreign.h"

#include "credentials.h"
#include "options.h"

/* Where and how to reach STS: from the server's options. */
typedef struct MaipStsTarget
{
	const char *server_name;	/* for messages */
	const char *url;			/* sts_endpoint, or the regional endpoint */
	const MaipServerOptions *sopts;
} MaipStsTarget;

/* What AssumeRole asks for (NULL / 0: not sent, STS's default). */
typedef struct MaipAssumeRoleParams
{
	const char *role_arn;
	const char *role_session_name;
	const char *external_id;
	int			duration_seconds;
} MaipAssumeRoleParams;

/* Temporary credentials; palloc'd in the caller's memory context. */
typedef struct MaipStsCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;
	time_t		expiration;
} MaipStsCredentials;

typedef struct MaipCallerIdentity
{
	char	   *account;
	char	   *arn;
	char	   *user_id;
} MaipCallerIdentity;

extern const char *maip_role_arn_problem(const char *arn);
extern MaipStsTarget *maip_sts_target(ForeignServer *server, const MaipServerOptions *sopts);

extern MaipStsCredentials *maip_sts_assume_role(const MaipStsTarget *target,
												const MaipCredentials *base,
												const MaipAssumeRoleParams *params);
extern MaipCallerIdentity *maip_sts_get_caller_identity(const MaipStsTarget *target,
														const MaipCredentials *creds);

/* The XML reading, exposed for its bounds: value of <tag> inside doc, or NULL. */
extern char *maip_xml_value(const char *doc, size_t len, const char *tag);

#endif							/* MAIP_STS_H */
