/*-------------------------------------------------------------------------
 * admin_identity.c
 *		whoami(server): which AWS identity, from which credential source,
 *		a session's requests to a server are signed as (STS
 *		GetCallerIdentity, sts.c).  The first thing a DBA checks.
 *
 * Same rules as the other DBA functions (admin_common.c): the server may be
 * omitted when there is one, USAGE on it is needed, and the credentials are
 * the calling user's, resolved exactly as a query resolves them
 * (credentials.c: user mapping, ambient where allowed, assumed role).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "admin.h"
#include "credentials.h"
#include "sts.h"

PG_FUNCTION_INFO_V1(maip_admin_whoami);

/* whoami(server) -> (account, arn, user_id, source) */
Datum
maip_admin_whoami(PG_FUNCTION_ARGS)
{
	AdminCall	call = admin_call(fcinfo, 0);
	MaipCredentials *creds = maip_get_credentials(call.server, call.sopts, GetUserId());
	MaipCallerIdentity *id = maip_sts_get_caller_identity(maip_sts_target(call.server, call.sopts),
														  creds);
	RowSink		sink = admin_begin_rows(fcinfo);
	Row			row;

	row_init(&row, &sink);
	row_text(&row, 0, id->account);
	row_text(&row, 1, id->arn);
	row_text(&row, 2, id->user_id);
	row_text(&row, 3, creds->source);
	row_emit(&sink, &row);
	return (Datum) 0;
}
