/*-------------------------------------------------------------------------
 * request.h
 *		DynamoDB operations over signed HTTP: the only module that knows
 *		DynamoDB's wire protocol and its error types.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_REQUEST_H
#define MAIP_REQUEST_H

#include "postgres.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"

#include "credentials.h"
#include "json.h"
#include "options.h"
#include "tabledesc.h"

/* What one backend needs to talk to one server as one user. */
typedef struct MaipClient
{
	char	   *server_name;
	char	   *url;
	char	   *host_header;	/* Host as signed: host[:port] */
	char	   *path;
	MaipServerOptions *sopts;
	MaipCredentials *creds;

	/* counters, for EXPLAIN ANALYZE */
	int64		requests;		/* HTTP requests sent, retries included */
	int64		retries;
} MaipClient;


/*
 * Whether an operation may simply be sent again after an ambiguous failure
 * (HTTP 5xx, a timeout, a connection lost after the request went out), when
 * the first attempt may or may not have taken effect.  One table in
 * request.c says it for every operation.
 */
typedef enum MaipIdempotence
{
	MAIP_IDEMPOTENT,			/* reads: send again */
	MAIP_IDEMPOTENT_BY_TOKEN,	/* the body carries a ClientRequestToken */
	MAIP_NOT_IDEMPOTENT			/* look at the state before sending again */
} MaipIdempotence;

extern MaipIdempotence maip_operation_idempotence(const char *operation);

/*
 * After an ambiguous failure of a non-idempotent operation: find out, with
 * idempotent calls, whether the operation took effect.  Returns the answer
 * the operation would have given (same shape), or NULL when it did not take
 * effect, so that sending it again is safe.
 */
typedef cJSON *(*MaipAlreadyDone) (MaipClient *client, void *arg);

/* What one call is about, for messages, and how to check it took effect. */
typedef struct MaipCallInfo
{
	const char *table;			/* the table it concerns, or NULL */
	const char *backup;			/* the backup (ARN) it concerns, or NULL */
	MaipAlreadyDone already_done;	/* NULL: an ambiguous failure of a
									 * non-idempotent operation is reported,
									 * never resent */
	void	   *arg;
} MaipCallInfo;

extern MaipClient *maip_client_create(ForeignServer *server, Oid userid);
extern cJSON *maip_call(MaipClient *client, const char *operation,
						const StringInfo body, const char *table);
extern cJSON *maip_call_with(MaipClient *client, const char *operation,
							 const StringInfo body, const MaipCallInfo *info);
extern cJSON *maip_call_unless(MaipClient *client, const char *operation,
							   const StringInfo body, const MaipCallInfo *info,
							   int sqlstate);
extern char *maip_printable(const char *s);
extern cJSON *maip_call_unless_denied(MaipClient *client, const char *operation,
									  const StringInfo body, const char *table);
extern void maip_backoff_sleep(int attempt);
extern void maip_sleep_ms(long ms);
extern char *maip_redact(char *s, const char *secret);

/* A signed form POST to another AWS service (STS), and what came back. */
typedef struct MaipSignedPost
{
	const char *url;
	const char *host_header;	/* Host as signed: host[:port] */
	const char *path;
	const char *region;
	const char *service;		/* SigV4 service name, e.g. "sts" */
	const MaipCredentials *creds;
	const MaipServerOptions *sopts;	/* timeouts, ca_file */
	StringInfo	body;
} MaipSignedPost;

typedef struct MaipPostResult
{
	long		status;			/* HTTP status, 0 when no response arrived */
	bool		transport_failed;	/* no complete HTTP exchange */
	bool		connected;		/* a connection was established */
	int			curl_code;
	char		error[256];		/* libcurl's explanation */
	bool		too_large;
	char		request_id[128];
	char	   *body;			/* palloc'd, NUL-terminated, or NULL */
	size_t		body_len;
} MaipPostResult;

extern void maip_signed_post(const MaipSignedPost *req, MaipPostResult *out);

#endif							/* MAIP_REQUEST_H */
