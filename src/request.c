/*-------------------------------------------------------------------------
 * request.c
 *		The DynamoDB client: sign, send, retry, parse, and map failures to
 *		SQLSTATEs.
 *
 * It knows the protocol's envelope: the target header, the error "__type"
 * names, which of them are worth retrying, which operations may be sent
 * again.  Bodies come built from dynamo.c (the operations) and the answer
 * goes back as a cJSON tree allocated in the caller's CurrentMemoryContext.
 *
 * Retries: throttling, HTTP 5xx, dropped connections and unreadable
 * answers are retried up to max_retries times with exponential backoff and
 * full jitter; a failure to connect at all is not (so an unreachable endpoint
 * fails within connect_timeout).  Every error carries the AWS error type,
 * message and request id in DETAIL, and the operation and table in CONTEXT.
 *
 * Not every operation may simply be sent again.  After an ambiguous failure
 * (HTTP 5xx, a timeout, a connection lost once the request was out, an
 * unreadable 200) the first attempt may have taken effect: a second
 * CreateBackup makes a second backup, a second DeleteBackup or restore fails
 * although the first one worked.  operation_kinds[] says which operations
 * are safe to resend; for the others the caller's already_done check looks
 * at the state first, and they go out on fresh connections, so that libcurl
 * never resends them by itself either.  libcurl's own resends of the others
 * are counted as retries.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <curl/curl.h>
#include <math.h>
#include <time.h>

#if PG_VERSION_NUM >= 150000
#include "common/pg_prng.h"
#endif
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "http.h"
#include "convert.h"
#include "request.h"
#include "sigv4.h"
#include "wire.h"

#define DYNAMODB_TARGET_PREFIX "DynamoDB_20120810."
#define BACKOFF_BASE_MS 50
#define BACKOFF_CAP_MS 5000

/* Shorter strings are not redacted from AWS messages: no secret is that short. */
#define MIN_REDACTED_LEN 16

/*
 * What a resend after an ambiguous failure would do.  Operations not listed
 * are treated as not idempotent.  PutItem, UpdateItem and DeleteItem are not
 * idempotent here: with a condition (or an ADD), the second attempt fails or
 * applies twice.
 */
static const struct
{
	const char *operation;
	MaipIdempotence kind;
}			operation_kinds[] =
{
	/* reads */
	{"GetItem", MAIP_IDEMPOTENT},
	{"BatchGetItem", MAIP_IDEMPOTENT},
	{"Query", MAIP_IDEMPOTENT},
	{"Scan", MAIP_IDEMPOTENT},
	{"TransactGetItems", MAIP_IDEMPOTENT},
	{"DescribeTable", MAIP_IDEMPOTENT},
	{"DescribeBackup", MAIP_IDEMPOTENT},
	{"DescribeContinuousBackups", MAIP_IDEMPOTENT},
	{"ListTables", MAIP_IDEMPOTENT},
	{"ListBackups", MAIP_IDEMPOTENT},
	/* writes that DynamoDB deduplicates by their ClientRequestToken */
	{"TransactWriteItems", MAIP_IDEMPOTENT_BY_TOKEN},
	/* changes: look before sending again */
	{"PutItem", MAIP_NOT_IDEMPOTENT},
	{"UpdateItem", MAIP_NOT_IDEMPOTENT},
	{"DeleteItem", MAIP_NOT_IDEMPOTENT},
	{"BatchWriteItem", MAIP_NOT_IDEMPOTENT},
	{"CreateBackup", MAIP_NOT_IDEMPOTENT},
	{"DeleteBackup", MAIP_NOT_IDEMPOTENT},
	{"RestoreTableFromBackup", MAIP_NOT_IDEMPOTENT},
	{"RestoreTableToPointInTime", MAIP_NOT_IDEMPOTENT},
	{"UpdateTable", MAIP_NOT_IDEMPOTENT},	/* capacity, billing, replicas */
	{"UpdateContinuousBackups", MAIP_NOT_IDEMPOTENT},
};

MaipIdempotence
maip_operation_idempotence(const char *operation)
{
	for (int i = 0; i < lengthof(operation_kinds); i++)
		if (strcmp(operation_kinds[i].operation, operation) == 0)
			return operation_kinds[i].kind;
	return MAIP_NOT_IDEMPOTENT;
}

/* How a single attempt ended. */
typedef enum AttemptOutcome
{
	ATTEMPT_OK,
	ATTEMPT_RETRYABLE,
	ATTEMPT_FATAL
} AttemptOutcome;

/* What we learned from a failed attempt, for the final error report. */
typedef struct AttemptFailure
{
	long		status;
	int			curl_code;
	bool		connected;
	char	   *aws_type;		/* e.g. "ResourceNotFoundException", or NULL */
	char	   *aws_message;
	char	   *request_id;
	char	   *transport_error;	/* libcurl's message, or NULL */
	bool		bad_body;		/* an answer arrived but was not JSON */
	bool		too_large;		/* the answer exceeded MAIP_HTTP_MAX_RESPONSE */
	bool		maybe_applied;	/* a non-idempotent request may have taken effect */
	size_t		body_len;
} AttemptFailure;

typedef struct DynamoCallContext
{
	const char *operation;
	const MaipCallInfo *info;
} DynamoCallContext;

static void
call_error_context(void *arg)
{
	DynamoCallContext *ctx = (DynamoCallContext *) arg;

	if (ctx->info->table)
		errcontext("DynamoDB %s on table \"%s\"", ctx->operation, ctx->info->table);
	else if (ctx->info->backup)
		errcontext("DynamoDB %s on backup \"%s\"", ctx->operation, ctx->info->backup);
	else
		errcontext("DynamoDB %s", ctx->operation);
}

/*
 * A copy of text from AWS fit for a message: control characters (C0, DEL
 * and the UTF-8 encoded C1 range) become '?', so that names and messages
 * from the wire cannot drive a terminal or forge log lines.
 */
char *
maip_printable(const char *s)
{
	char	   *out;
	char	   *o;

	if (s == NULL)
		return NULL;
	out = o = palloc(strlen(s) + 1);
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
	{
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
		{
			*o++ = '?';
			p++;
		}
		else if (*p < 0x20 || *p == 0x7F)
			*o++ = '?';
		else
			*o++ = (char) *p;
	}
	*o = '\0';
	return out;
}

MaipClient *
maip_client_create(ForeignServer *server, Oid userid)
{
	MaipClient *c = palloc0(sizeof(MaipClient));
	CURLU	   *u;
	char	   *host = NULL;
	char	   *port = NULL;
	char	   *path = NULL;
	bool		ok;

	/* DynamoDB speaks UTF-8 only; other encodings would corrupt names and values */
	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("maip_fdw needs a database with encoding UTF8, not %s",
						GetDatabaseEncodingName()),
				 errhint("Create the database with ENCODING 'UTF8'.")));

	c->server_name = pstrdup(server->servername);
	c->sopts = maip_get_server_options(server);
	c->creds = maip_get_credentials(server, c->sopts, userid);
	c->url = c->sopts->endpoint;
	maip_check_endpoint_allowed(c->url, server->owner, c->sopts->allow_insecure_http);

	/* no ereport while the CURLU handle is held */
	u = curl_url();
	ok = u != NULL && curl_url_set(u, CURLUPART_URL, c->url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK;
	if (ok)
	{
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
			c->host_header = psprintf("%s:%s", host, port);
		else
			c->host_header = pstrdup(host);
		if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && path[0])
			c->path = pstrdup(path);
		else
			c->path = "/";
	}
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid endpoint \"%s\" for server \"%s\"", c->url, c->server_name)));
	return c;
}

/*
 * The headers of one SigV4-signed POST: Host, Content-Type, X-Amz-Date,
 * the X-Amz-Target when given, the session token, Authorization (and no
 * "Expect: 100-continue" round trip for large bodies).  Shared by the
 * DynamoDB calls here and STS's (maip_signed_post).
 */
static struct curl_slist *
signed_headers(const char *host_header, const char *path, const char *content_type,
			   const char *target, const char *region, const char *service,
			   const MaipCredentials *creds, const StringInfo body)
{
	char		amz_date[17];
	char		authorization[2048];
	SigV4Header hdrs[5];
	int			n = 0;
	SigV4Params p;
	struct curl_slist *list = NULL;
	char	   *lines[7];
	int			nlines = 0;

	sigv4_format_amz_date(time(NULL), amz_date);
	hdrs[n++] = (SigV4Header) {"host", host_header};
	hdrs[n++] = (SigV4Header) {"content-type", content_type};
	hdrs[n++] = (SigV4Header) {"x-amz-date", amz_date};
	if (target)
		hdrs[n++] = (SigV4Header) {"x-amz-target", target};
	if (creds->session_token)
		hdrs[n++] = (SigV4Header) {"x-amz-security-token", creds->session_token};

	memset(&p, 0, sizeof(p));
	p.method = "POST";
	p.path = path;
	p.query = "";
	p.headers = hdrs;
	p.nheaders = n;
	p.payload = body->data;
	p.payload_len = body->len;
	p.region = region;
	p.service = service;
	p.access_key = creds->access_key_id;
	p.secret_key = creds->secret_access_key;
	p.amz_date = amz_date;
	if (sigv4_authorization(&p, authorization, sizeof(authorization)) < 0)
		elog(ERROR, "could not compute the SigV4 signature");

	for (int i = 0; i < n; i++)
		lines[nlines++] = psprintf("%s: %s", hdrs[i].name, hdrs[i].value);
	lines[nlines++] = psprintf("Authorization: %s", authorization);
	lines[nlines++] = pstrdup("Expect:");
	for (int i = 0; i < nlines; i++)
	{
		struct curl_slist *next = curl_slist_append(list, lines[i]);

		if (next == NULL)
		{
			curl_slist_free_all(list);
			elog(ERROR, "out of memory building HTTP headers");
		}
		list = next;
	}
	for (int i = 0; i < nlines; i++)
		pfree(lines[i]);
	return list;
}

static struct curl_slist *
build_signed_headers(MaipClient *c, const char *operation, const StringInfo body)
{
	char	   *target = psprintf(DYNAMODB_TARGET_PREFIX "%s", operation);
	struct curl_slist *list = signed_headers(c->host_header, c->path, "application/x-amz-json-1.0",
											 target, c->sopts->region, "dynamodb", c->creds, body);

	pfree(target);
	return list;
}

/*
 * One SigV4-signed POST of a form body to another AWS service (STS: the
 * Query protocol, XML answers), through the same HTTP client and its
 * options; no retries here (the caller's protocol decides them).  *out
 * gets the outcome and a palloc'd copy of the body.
 */
void
maip_signed_post(const MaipSignedPost *req, MaipPostResult *out)
{
	struct curl_slist *headers = signed_headers(req->host_header, req->path,
												"application/x-www-form-urlencoded; charset=utf-8",
												NULL, req->region, req->service, req->creds,
												req->body);
	MaipHttpRequest hreq;
	MaipHttpResponse resp;

	memset(&hreq, 0, sizeof(hreq));
	hreq.url = req->url;
	hreq.headers = headers;
	hreq.body = req->body->data;
	hreq.body_len = req->body->len;
	hreq.connect_timeout_ms = req->sopts->connect_timeout_ms;
	hreq.request_timeout_ms = req->sopts->request_timeout_ms;
	hreq.ca_file = req->sopts->ca_file;
	PG_TRY();
	{
		maip_http_post(&hreq, &resp);
	}
	PG_FINALLY();
	{
		curl_slist_free_all(headers);
	}
	PG_END_TRY();

	memset(out, 0, sizeof(*out));
	out->status = resp.status;
	out->transport_failed = resp.curl_code != CURLE_OK;
	out->connected = resp.connected;
	out->curl_code = resp.curl_code;
	strlcpy(out->error, resp.error, sizeof(out->error));
	out->too_large = resp.too_large;
	strlcpy(out->request_id, resp.request_id, sizeof(out->request_id));
	/* the body belongs to http.c until released: copy it first */
	if (!out->transport_failed && resp.body && !resp.too_large)
	{
		out->body_len = resp.body_len;
		out->body = pnstrdup(resp.body, resp.body_len);
	}
	/* an STS answer may hold temporary credentials: not left in the buffer */
	maip_http_wipe();
	maip_http_release();
}

/*
 * The AWS error type and message of a failed attempt.  The parsing itself
 * is in wire.c (no PostgreSQL there, so it is unit-tested and fuzzed on its
 * own); here its fixed-size results become palloc'd strings.
 */
static void
read_aws_error(const MaipHttpResponse *resp, AttemptFailure *f)
{
	WireError	e;

	wire_parse_error(resp->body, resp->body_len, resp->error_type_header, &e);
	if (e.has_type)
		f->aws_type = pstrdup(e.type);
	if (e.has_message)
		f->aws_message = pstrdup(e.message);

	/*
	 * A 5xx with a body that is not JSON (a load balancer's "Service
	 * Unavailable" page) is a server failure, not an unreadable answer.
	 */
	if (e.body == WIRE_BODY_OTHER)
		f->bad_body = resp->status < 500;
}

static bool
is_throttling(const char *type)
{
	return type &&
		(strcmp(type, "ProvisionedThroughputExceededException") == 0 ||
		 strcmp(type, "ThrottlingException") == 0 ||
		 strcmp(type, "RequestLimitExceeded") == 0 ||
		 strcmp(type, "LimitExceededException") == 0 ||
		 strcmp(type, "TooManyRequestsException") == 0);
}

static bool
is_transport_retryable(int curl_code, bool connected)
{
	if (!connected)
		return false;			/* never reached the server: fail fast */
	switch (curl_code)
	{
		case CURLE_GOT_NOTHING:
		case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR:
		case CURLE_PARTIAL_FILE:
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
			return true;
		default:
			return false;
	}
}

static AttemptOutcome
classify_attempt(const MaipHttpResponse *resp, cJSON **result, AttemptFailure *f)
{
	memset(f, 0, sizeof(*f));
	f->status = resp->status;
	f->curl_code = resp->curl_code;
	f->connected = resp->connected;
	f->body_len = resp->body_len;
	if (resp->request_id[0])
		f->request_id = pstrdup(resp->request_id);

	if (resp->too_large)
	{
		f->too_large = true;
		return ATTEMPT_FATAL;
	}
	if (resp->curl_code != CURLE_OK)
	{
		f->transport_error = pstrdup(resp->error);
		return is_transport_retryable(resp->curl_code, resp->connected)
			? ATTEMPT_RETRYABLE : ATTEMPT_FATAL;
	}
	if (resp->status == 200)
	{
		*result = maip_json_parse(resp->body, resp->body_len);
		if (cJSON_IsObject(*result))
			return ATTEMPT_OK;
		/* a truncated or garbled answer: never hand partial data upwards */
		f->bad_body = true;
		return ATTEMPT_RETRYABLE;
	}
	read_aws_error(resp, f);
	if (resp->status >= 500 || is_throttling(f->aws_type))
		return ATTEMPT_RETRYABLE;
	if (f->aws_type == NULL && f->aws_message == NULL)
		f->bad_body = true;
	return ATTEMPT_FATAL;
}

static int
error_sqlstate(const AttemptFailure *f)
{
	const char *t = f->aws_type;

	if (f->transport_error && !f->connected)
		return ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION;
	if (f->transport_error)
		return ERRCODE_CONNECTION_FAILURE;
	if (t == NULL)
		return (f->status == 401) ? ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION
			: (f->status == 403) ? ERRCODE_INSUFFICIENT_PRIVILEGE
			: ERRCODE_FDW_ERROR;
	if (strcmp(t, "ResourceNotFoundException") == 0 || strcmp(t, "TableNotFoundException") == 0)
		return ERRCODE_FDW_TABLE_NOT_FOUND;
	if (strcmp(t, "UnrecognizedClientException") == 0 ||
		strcmp(t, "InvalidClientTokenId") == 0 ||
		strcmp(t, "SignatureDoesNotMatch") == 0 ||
		strcmp(t, "IncompleteSignature") == 0 ||
		strcmp(t, "IncompleteSignatureException") == 0 ||
		strcmp(t, "MissingAuthenticationToken") == 0 ||
		strcmp(t, "MissingAuthenticationTokenException") == 0 ||
		strcmp(t, "InvalidSignatureException") == 0 ||
		strcmp(t, "ExpiredToken") == 0 ||
		strcmp(t, "ExpiredTokenException") == 0)
		return ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
	if (strcmp(t, "AccessDeniedException") == 0 || strcmp(t, "AccessDenied") == 0)
		return ERRCODE_INSUFFICIENT_PRIVILEGE;
	if (strcmp(t, "ValidationException") == 0 || strcmp(t, "SerializationException") == 0)
		return ERRCODE_INVALID_PARAMETER_VALUE;
	if (is_throttling(t))
		return ERRCODE_INSUFFICIENT_RESOURCES;
	if (strcmp(t, "ResourceInUseException") == 0)
		return ERRCODE_OBJECT_IN_USE;
	if (strcmp(t, "ConditionalCheckFailedException") == 0)
		return ERRCODE_CHECK_VIOLATION;
	if (strcmp(t, "BackupNotFoundException") == 0)
		return ERRCODE_UNDEFINED_OBJECT;
	if (strcmp(t, "TableAlreadyExistsException") == 0)
		return ERRCODE_DUPLICATE_TABLE;
	return ERRCODE_FDW_ERROR;
}

static char *
error_detail(const AttemptFailure *f)
{
	StringInfoData d;

	initStringInfo(&d);
	if (f->transport_error)
		appendStringInfo(&d, "libcurl error %d: %s.", f->curl_code, f->transport_error);
	else if (f->aws_type || f->aws_message)
	{
		const char *msg = f->aws_message ? maip_printable(f->aws_message) : "(no message)";
		size_t		len = strlen(msg);

		/* AWS messages often end in a period already: don't print two */
		appendStringInfo(&d, "AWS error %s: %s%s",
						 f->aws_type ? maip_printable(f->aws_type) : "(no type)", msg,
						 (len > 0 && msg[len - 1] == '.') ? "" : ".");
	}
	else
		appendStringInfo(&d, "HTTP status %ld with a %zu-byte body that is not a DynamoDB answer.",
						 f->status, f->body_len);
	if (f->status && (f->transport_error || f->aws_type))
		appendStringInfo(&d, " HTTP status %ld.", f->status);
	if (f->request_id)
		appendStringInfo(&d, " Request id %s.", f->request_id);
	return d.data;
}

static bool
is_alnum_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * Replace the secret in s where it stands as a whole token (some front ends
 * echo the canonical request, and so a session token).  A secret shorter
 * than any real one is left alone: with a test secret "x", redacting every
 * "x" only garbles the message.
 */
char *
maip_redact(char *s, const char *secret)
{
	StringInfoData out;
	const char *p = s;
	const char *hit;
	size_t		len;

	if (s == NULL || secret == NULL || (len = strlen(secret)) < MIN_REDACTED_LEN ||
		strstr(s, secret) == NULL)
		return s;
	initStringInfo(&out);
	while ((hit = strstr(p, secret)) != NULL)
	{
		bool		whole = (hit == s || !is_alnum_byte(hit[-1])) && !is_alnum_byte(hit[len]);

		appendBinaryStringInfo(&out, p, hit - p);
		if (whole)
			appendStringInfoString(&out, "[redacted]");
		else
			appendBinaryStringInfo(&out, hit, len);
		p = hit + len;
	}
	appendStringInfoString(&out, p);
	return out.data;
}

/*
 * The failures without a class of their own (report_failure): answers too
 * large or unreadable, and every other AWS error, with the attempts made
 * and, for a change that may have happened, a HINT to check first.
 */
static void
report_other_failure(const char *operation, const char *what, const AttemptFailure *f,
					 int sqlstate, const char *detail, int attempts)
{
	const char *maybe = f->maybe_applied
		? "The request may have taken effect; check before running it again." : NULL;

	if (f->too_large)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB %s on %s returned an answer larger than %d MB",
						operation, what, (int) (MAIP_HTTP_MAX_RESPONSE / (1024 * 1024))),
				 errdetail("No DynamoDB answer is that large; check the server's endpoint option.")));
	if (f->bad_body)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB %s on %s returned an unreadable answer after %d attempts",
						operation, what, attempts),
				 errdetail_internal("%s", detail),
				 maybe ? errhint("%s", maybe) : 0));
	if (attempts > 1)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("DynamoDB %s on %s failed after %d attempts", operation, what, attempts),
				 errdetail_internal("%s", detail),
				 maybe ? errhint("%s", maybe) : 0));
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("DynamoDB %s on %s failed", operation, what),
			 errdetail_internal("%s", detail),
			 maybe ? errhint("%s", maybe) : 0));
}

/* The access key id for a hint: only a superuser may see the server's own. */
static const char *
access_key_for_hint(const MaipCredentials *creds)
{
	if (strcmp(creds->source, "user mapping") == 0 ||
		strcmp(creds->source, "assumed role via user mapping") == 0 || superuser())
		return creds->access_key_id;
	return NULL;
}

static void
report_failure(MaipClient *c, const char *operation, const MaipCallInfo *info,
			   AttemptFailure *f, int attempts)
{
	int			sqlstate;
	char	   *detail;
	const char *table = info->table;
	const char *key = access_key_for_hint(c->creds);

	const char *what;

	/* what the operation is about: a table, a backup, or the server */
	if (table)
		what = psprintf("\"%s\"", table);
	else if (info->backup)
		what = psprintf("backup \"%s\"", info->backup);
	else
		what = psprintf("server \"%s\"", c->server_name);

	f->aws_message = maip_redact(f->aws_message, c->creds->session_token);
	f->aws_message = maip_redact(f->aws_message, c->creds->secret_access_key);
	sqlstate = error_sqlstate(f);
	detail = error_detail(f);

	switch (sqlstate)
	{
		case ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("could not connect to DynamoDB endpoint \"%s\" of server \"%s\"",
							c->url, c->server_name),
					 errdetail_internal("%s", detail),
					 errhint("Check the server's endpoint option and that the endpoint is reachable; connect_timeout is %d ms.",
							 c->sopts->connect_timeout_ms)));
			break;
		case ERRCODE_FDW_TABLE_NOT_FOUND:
			ereport(ERROR,
					(errcode(sqlstate),
					 table ? errmsg("DynamoDB table \"%s\" does not exist", table)
					 : errmsg("DynamoDB resource not found"),
					 errdetail_internal("%s", detail),
					 errhint("Check the table name and the server's region (%s) and endpoint.",
							 c->sopts->region)));
			break;
		case ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("DynamoDB rejected the AWS credentials of server \"%s\"", c->server_name),
					 errdetail_internal("%s", detail),
					 errhint("Check access_key_id, secret_access_key and session_token (credentials taken from the %s).",
							 c->creds->source)));
			break;
		case ERRCODE_INSUFFICIENT_PRIVILEGE:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("AWS denied DynamoDB %s on %s", operation, what),
					 errdetail_internal("%s", detail),
					 key ? errhint("Grant the IAM identity of access key %s the dynamodb:%s permission.",
								   key, operation)
					 : errhint("Grant the IAM identity of the server's %s credentials the dynamodb:%s permission.",
							   c->creds->source, operation)));
			break;
		case ERRCODE_INSUFFICIENT_RESOURCES:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("DynamoDB %s on %s was still throttled after %d attempts",
							operation, what, attempts),
					 errdetail_internal("%s", detail),
					 errhint("Retry later, raise the table's capacity, or raise the server's max_retries.")));
			break;
		case ERRCODE_CONNECTION_FAILURE:
			ereport(ERROR,
					(errcode(sqlstate),
					 errmsg("DynamoDB %s on %s failed after %d attempts: the connection failed",
							operation, what, attempts),
					 errdetail_internal("%s", detail),
					 f->maybe_applied ? errhint("The request may have taken effect; check before running it again.") : 0));
			break;
		default:
			report_other_failure(operation, what, f, sqlstate, detail, attempts);
	}
}

/*
 * Exponential backoff with "full jitter" (AWS's recommendation for many
 * clients retrying against one table): a random wait up to a ceiling that
 * doubles per attempt.  The one policy for every wait between attempts:
 * retries here, BatchGetItem's unprocessed keys, DBA functions polling.
 */
static long
backoff_ms(int attempt)
{
	double		ceiling = Min((double) BACKOFF_CAP_MS, BACKOFF_BASE_MS * pow(2.0, attempt - 1));
	double		r;

#if PG_VERSION_NUM >= 150000
	r = pg_prng_double(&pg_global_prng_state);
#else
	r = (double) random() / ((double) MAX_RANDOM_VALUE + 1);
#endif
	return (long) (r * ceiling);
}

/*
 * Could this failed attempt have taken effect?  Throttling and other 4xx
 * refusals did not; a 5xx, a lost answer or an unreadable 200 may have.
 */
static bool
is_ambiguous(AttemptOutcome outcome, const AttemptFailure *f)
{
	return outcome == ATTEMPT_RETRYABLE && !is_throttling(f->aws_type);
}

cJSON *
maip_call(MaipClient *c, const char *operation, const StringInfo body, const char *table)
{
	MaipCallInfo info = {0};

	info.table = table;
	return maip_call_with(c, operation, body, &info);
}

cJSON *
maip_call_with(MaipClient *c, const char *operation, const StringInfo body,
			   const MaipCallInfo *info)
{
	DynamoCallContext ctx = {operation, info};
	ErrorContextCallback errcb;
	cJSON	   *result = NULL;
	bool		check_first = maip_operation_idempotence(operation) == MAIP_NOT_IDEMPOTENT;
	bool		was_ambiguous = false;

	errcb.callback = call_error_context;
	errcb.arg = &ctx;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	for (int attempt = 1;; attempt++)
	{
		struct curl_slist *headers = build_signed_headers(c, operation, body);
		MaipHttpRequest req;
		MaipHttpResponse resp;
		AttemptFailure failure;
		AttemptOutcome outcome;

		req.url = c->url;
		req.headers = headers;
		req.body = body->data;
		req.body_len = body->len;
		req.connect_timeout_ms = c->sopts->connect_timeout_ms;
		req.request_timeout_ms = c->sopts->request_timeout_ms;
		req.ca_file = c->sopts->ca_file;
		req.fresh_connection = check_first;

		PG_TRY();
		{
			maip_http_post(&req, &resp);
		}
		PG_FINALLY();
		{
			curl_slist_free_all(headers);
		}
		PG_END_TRY();

		/* libcurl's own resends on a dead keep-alive connection count too */
		c->requests += Max(resp.sends, 1);
		c->retries += Max(resp.sends - 1, 0);

		outcome = classify_attempt(&resp, &result, &failure);
		maip_http_release();
		if (outcome == ATTEMPT_OK)
			break;

		/*
		 * A change that may have happened: look before resending, and
		 * before reporting a refusal of a resend ("already exists", "not
		 * found") that the first attempt may have caused.
		 */
		if (check_first &&
			(is_ambiguous(outcome, &failure) || resp.sends > 1 ||
			 (was_ambiguous && outcome == ATTEMPT_FATAL)))
		{
			was_ambiguous = true;
			if (info->already_done == NULL)
			{
				failure.maybe_applied = true;
				report_failure(c, operation, info, &failure, attempt);
			}
			result = info->already_done(c, info->arg);
			if (result != NULL)
				break;
		}
		if (outcome == ATTEMPT_RETRYABLE && attempt <= c->sopts->max_retries)
		{
			c->retries++;
			maip_http_sleep_ms(backoff_ms(attempt));
			continue;
		}
		report_failure(c, operation, info, &failure, attempt);
	}

	error_context_stack = errcb.previous;
	return result;
}

/*
 * A DynamoDB call whose failure with one SQLSTATE is an answer too, e.g.
 * "no such backup" when checking whether a delete happened: the answer, or
 * NULL on that error.  Every other error propagates.
 */
cJSON *
maip_call_unless(MaipClient *client, const char *operation,
				 const StringInfo body, const MaipCallInfo *info, int sqlstate)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	cJSON	   *volatile answer = NULL;

	PG_TRY();
	{
		answer = maip_call_with(client, operation, body, info);
	}
	PG_CATCH();
	{
		ErrorData  *err;

		MemoryContextSwitchTo(oldcxt);
		err = CopyErrorData();
		if (err->sqlerrcode != sqlstate)
			PG_RE_THROW();
		FlushErrorState();
		FreeErrorData(err);
		answer = NULL;
	}
	PG_END_TRY();
	return answer;
}

/*
 * A DynamoDB call whose refusal by IAM (insufficient_privilege) only costs
 * information, e.g. DescribeTable for the planner's estimates: the answer,
 * or NULL when access is denied.  Every other error propagates.
 */
cJSON *
maip_call_unless_denied(MaipClient *client, const char *operation,
						const StringInfo body, const char *table)
{
	MaipCallInfo info = {0};

	info.table = table;
	return maip_call_unless(client, operation, body, &info, ERRCODE_INSUFFICIENT_PRIVILEGE);
}

/* Sleep ms milliseconds (a paced read); query cancel ends the sleep. */
void
maip_sleep_ms(long ms)
{
	maip_http_sleep_ms(ms);
}

/*
 * Sleep before another attempt (attempt 1, 2, ...): full jitter over an
 * exponential ceiling, the same policy as the retry loop above; query
 * cancel ends the sleep.
 */
void
maip_backoff_sleep(int attempt)
{
	maip_http_sleep_ms(backoff_ms(attempt));
}
