/*-------------------------------------------------------------------------
 * credentials.h
 *		Which AWS keys a PostgreSQL user signs requests with.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_CREDENTIALS_H
#define MAIP_CREDENTIALS_H

#include "postgres.h"
#include "foreign/foreign.h"

#include "options.h"

typedef struct MaipCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;	/* NULL when not using temporary credentials */
	const char *source;			/* "user mapping", "environment", "shared credentials file" */
} MaipCredentials;

extern MaipCredentials *maip_get_credentials(ForeignServer *server,
											 const MaipServerOptions *sopts,
											 Oid userid);

#endif							/* MAIP_CREDENTIALS_H */
