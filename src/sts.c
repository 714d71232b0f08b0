/*-------------------------------------------------------------------------
 * sts.c
 *		AWS STS: AssumeRole and GetCallerIdentity, one typed function each.
 *
 * STS speaks the Query protocol: a form-encoded POST ("Action=AssumeRole&
 * Version=2011-06-15&RoleArn=..."), signed with SigV4 for service "sts"
 * in the server's region, and an XML answer.  The request is signed and
 * sent by request.c's maip_signed_post, as DynamoDB's are; retries (HTTP 5xx, throttling, a connection lost
 * after it was established) follow request.c's backoff.  Both operations
 * are reads as far as a resend is concerned: a second AssumeRole just
 * issues other temporary keys.
 *
 * The answer is read without an XML library: the few leaf elements we need
 * are looked up by name inside their parent element, within the answer's
 * bounds, tolerating whitespace and attributes (xmlns), decoding the five
 * predefined entities and numeric character references to printable
 * ASCII.  Anything else (a missing element, markup where a value belongs,
 * an unknown entity, an unparseable Expiration) is refused with a clear
 * error rather than guessed at.  Secrets never go into a message.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <curl/curl.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "request.h"
#include "sts.h"

#define STS_VERSION "2011-06-15"
#define STS_MAX_VALUE 65536	/* longest value we accept: AWS sets no maximum for session tokens (a few KB today) */

/* ---------- role ARNs and other values ---------- */

static bool
is_iam_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		strchr("+=,.@_-", c) != NULL;
}

/*
 * NULL if arn is an IAM role ARN, arn:<partition>:iam::<12 digits>:role/
 * [<path>/]<name>, else what is wrong with it (a hint).
 */
const char *
maip_role_arn_problem(const char *arn)
{
	const char *p = arn;
	const char *name;
	int			n;

	if (strlen(arn) > 2048)
		return "A role ARN has at most 2048 characters.";
	if (strncmp(p, "arn:", 4) != 0)
		return "A role ARN looks like arn:aws:iam::123456789012:role/maip-prod.";
	p += 4;
	for (n = 0; (*p >= 'a' && *p <= 'z') || *p == '-'; p++)
		n++;
	if (n == 0 || strncmp(p, ":iam::", 6) != 0)
		return "A role ARN looks like arn:aws:iam::123456789012:role/maip-prod.";
	p += 6;
	for (n = 0; *p >= '0' && *p <= '9'; p++)
		n++;
	if (n != 12 || strncmp(p, ":role/", 6) != 0)
		return "The account is 12 digits and the resource starts with role/, as in arn:aws:iam::123456789012:role/maip-prod.";
	p += 6;
	name = p;
	for (; *p; p++)
	{
		if (*p == '/')
			name = p + 1;
		else if (!is_iam_name_char(*p))
			return "Role names and paths consist of letters, digits and +=,.@_- (paths separated by /).";
	}
	if (*name == '\0' || strlen(name) > 64)
		return "A role name has 1 to 64 characters.";
	return NULL;
}

/*
 * Where a server's STS requests go: sts_endpoint, or the region's own.
 * Checked here, at use and as the server's owner, like endpoint.
 */
MaipStsTarget *
maip_sts_target(ForeignServer *server, const MaipServerOptions *sopts)
{
	MaipStsTarget *t = palloc0(sizeof(MaipStsTarget));

	t->server_name = pstrdup(server->servername);
	t->sopts = sopts;
	t->url = sopts->sts_endpoint ? sopts->sts_endpoint : maip_default_sts_endpoint(sopts->region);
	maip_check_sts_endpoint_allowed(t->url, server->owner, sopts->allow_insecure_http);
	return t;
}

/* ---------- reading the XML answer ---------- */

/* The inner text of the first element <tag ...>...</tag> in [doc, doc+len). */
static const char *
xml_element(const char *doc, size_t len, const char *tag, size_t *inner_len)
{
	size_t		tlen = strlen(tag);
	const char *end = doc + len;
	const char *p = doc;

	while (p < end)
	{
		const char *lt = memchr(p, '<', end - p);
		const char *gt;
		const char *q;

		if (lt == NULL || (size_t) (end - lt) < tlen + 2)
			return NULL;
		p = lt + 1;
		if (strncmp(p, tag, tlen) != 0 ||
			!(p[tlen] == '>' || p[tlen] == ' ' || p[tlen] == '\t' ||
			  p[tlen] == '\r' || p[tlen] == '\n'))
			continue;
		if ((gt = memchr(p, '>', end - p)) == NULL)
			return NULL;
		if (gt[-1] == '/')		/* <tag/>: empty */
		{
			*inner_len = 0;
			return gt;
		}
		/* the closing tag: no element nests one of its own name in STS */
		for (q = gt + 1; q + tlen + 3 <= end; q++)
			if (q[0] == '<' && q[1] == '/' && strncmp(q + 2, tag, tlen) == 0 &&
				q[2 + tlen] == '>')
			{
				*inner_len = q - (gt + 1);
				return gt + 1;
			}
		return NULL;
	}
	return NULL;
}

/* Decode one entity at s (after '&'); the byte, or -1 if not acceptable. */
static int
xml_entity(const char *s, size_t len, size_t *used)
{
	static const struct
	{
		const char *name;
		char		c;
	}			named[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
	const char *semi = memchr(s, ';', Min(len, 12));
	long		v;
	char	   *endp;
	char		num[12];

	if (semi == NULL)
		return -1;
	*used = semi - s + 1;
	for (int i = 0; i < lengthof(named); i++)
		if ((size_t) (semi - s + 1) == strlen(named[i].name) &&
			strncmp(s, named[i].name, *used) == 0)
			return named[i].c;
	if (s[0] != '#' || semi - s < 2)
		return -1;
	memcpy(num, s + 1, semi - s - 1);
	num[semi - s - 1] = '\0';
	v = (num[0] == 'x') ? strtol(num + 1, &endp, 16) : strtol(num, &endp, 10);
	if (*endp != '\0' || v < 0x20 || v > 0x7e)
		return -1;
	return (int) v;
}

/*
 * The text of leaf element <tag> in doc, whitespace trimmed, entities
 * decoded; NULL if it is absent, holds markup, or anything but printable
 * ASCII (what every value STS sends us is).
 */
char *
maip_xml_value(const char *doc, size_t len, const char *tag)
{
	size_t		ilen;
	const char *s = xml_element(doc, len, tag, &ilen);
	const char *e;
	StringInfoData out;

	if (s == NULL)
		return NULL;
	e = s + ilen;
	while (s < e && isspace((unsigned char) *s))
		s++;
	while (e > s && isspace((unsigned char) e[-1]))
		e--;
	if (e - s > STS_MAX_VALUE)
		return NULL;
	initStringInfo(&out);
	while (s < e)
	{
		int			c = (unsigned char) *s;
		size_t		used = 1;

		if (c == '&')
		{
			c = xml_entity(s + 1, e - s - 1, &used);
			used++;
		}
		else if (c < 0x20 || c > 0x7e || c == '<')
			c = -1;
		if (c < 0)
		{
			pfree(out.data);
			return NULL;
		}
		appendStringInfoChar(&out, (char) c);
		s += used;
	}
	return out.data;
}

/* The inner part of element <tag>, as a bounded region, or false. */
static bool
xml_section(const char *doc, size_t len, const char *tag, const char **inner, size_t *inner_len)
{
	*inner = xml_element(doc, len, tag, inner_len);
	return *inner != NULL;
}

/* "2026-11-30T03:11:31Z", with optional fraction, or +00:00: time_t or -1. */
static time_t
parse_iso8601_utc(const char *s)
{
	int			y, mo, d, h, mi, sec, n = 0;
	struct tm	tm;
	const char *rest;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return (time_t) -1;
	rest = s + n;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	if (strcmp(rest, "Z") != 0 && strcmp(rest, "+00:00") != 0)
		return (time_t) -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return (time_t) -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return timegm(&tm);
}

/* ---------- the signed Query request ---------- */

typedef struct StsCall
{
	const MaipStsTarget *target;
	const MaipCredentials *creds;
	const char *action;
	const char *about;			/* e.g. the role ARN, for CONTEXT */
} StsCall;

static void
sts_error_context(void *arg)
{
	StsCall    *call = (StsCall *) arg;

	if (call->about)
		errcontext("AWS STS %s of \"%s\" with credentials from the %s",
				   call->action, call->about, call->creds->source);
	else
		errcontext("AWS STS %s with credentials from the %s",
				   call->action, call->creds->source);
}

static void
form_append(StringInfo body, const char *name, const char *value)
{
	if (value == NULL)
		return;
	appendStringInfo(body, "&%s=", name);
	for (const unsigned char *p = (const unsigned char *) value; *p; p++)
	{
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			appendStringInfoChar(body, (char) *p);
		else
			appendStringInfo(body, "%%%02X", *p);
	}
}

/* host[:port] as signed, and the path, of the STS URL. */
static void
url_host_path(const char *url, char **host_header, char **path)
{
	CURLU	   *u = curl_url();
	char	   *host = NULL, *port = NULL, *p = NULL;
	bool		ok;

	/* no ereport while the CURLU handle is held */
	ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK;
	if (ok)
	{
		*host_header = (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
			? psprintf("%s:%s", host, port) : pstrdup(host);
		*path = (curl_url_get(u, CURLUPART_PATH, &p, 0) == CURLUE_OK && p[0]) ? pstrdup(p) : "/";
	}
	curl_free(host);
	curl_free(port);
	curl_free(p);
	curl_url_cleanup(u);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid sts_endpoint \"%s\"", url)));
}

static int
sts_error_sqlstate(const char *code, long status)
{
	if (code == NULL)
		return status == 403 ? ERRCODE_INSUFFICIENT_PRIVILEGE : ERRCODE_FDW_ERROR;
	if (strcmp(code, "AccessDenied") == 0 || strcmp(code, "AccessDeniedException") == 0)
		return ERRCODE_INSUFFICIENT_PRIVILEGE;
	if (strcmp(code, "InvalidClientTokenId") == 0 || strcmp(code, "SignatureDoesNotMatch") == 0 ||
		strcmp(code, "IncompleteSignature") == 0 || strcmp(code, "MissingAuthenticationToken") == 0 ||
		strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
		strcmp(code, "InvalidAccessKeyId") == 0 || strcmp(code, "RegionDisabledException") == 0)
		return ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
	if (strcmp(code, "ValidationError") == 0 || strcmp(code, "MalformedPolicyDocument") == 0 ||
		strcmp(code, "PackedPolicyTooLarge") == 0 || strcmp(code, "InvalidParameterValue") == 0)
		return ERRCODE_INVALID_PARAMETER_VALUE;
	if (strcmp(code, "Throttling") == 0)
		return ERRCODE_INSUFFICIENT_RESOURCES;
	return ERRCODE_FDW_ERROR;
}

static void
report_sts_failure(const StsCall *call, const MaipPostResult *resp, const char *body,
				   size_t body_len, int attempts)
{
	const char *server = call->target->server_name;

	if (resp->transport_failed)
		ereport(ERROR,
				(errcode(resp->connected ? ERRCODE_CONNECTION_FAILURE
						 : ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not reach AWS STS endpoint \"%s\" of server \"%s\"",
						call->target->url, server),
				 errdetail("libcurl error %d: %s. %d attempt(s).", resp->curl_code,
						   resp->error, attempts),
				 errhint("Check the server's sts_endpoint and region options.")));
	else
	{
		char	   *code = body ? maip_xml_value(body, body_len, "Code") : NULL;
		char	   *message = body ? maip_xml_value(body, body_len, "Message") : NULL;
		char	   *request_id = body ? maip_xml_value(body, body_len, "RequestId") : NULL;
		int			sqlstate = sts_error_sqlstate(code, resp->status);
		StringInfoData d;

		message = maip_redact(maip_redact(message, call->creds->secret_access_key),
							  call->creds->session_token);
		initStringInfo(&d);
		if (code || message)
			appendStringInfo(&d, "AWS error %s: %s", code ? maip_printable(code) : "(no code)",
							 message ? maip_printable(message) : "(no message)");
		else
			appendStringInfo(&d, "HTTP status %ld with a %zu-byte body that is not an STS answer",
							 resp->status, body_len);
		if (d.data[d.len - 1] != '.')
			appendStringInfoChar(&d, '.');
		if (code || message)
			appendStringInfo(&d, " HTTP status %ld.", resp->status);
		if (request_id || resp->request_id[0])
			appendStringInfo(&d, " Request id %s.",
							 request_id ? maip_printable(request_id) : resp->request_id);
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("AWS STS %s for server \"%s\" failed", call->action, server),
				 errdetail_internal("%s", d.data),
				 sqlstate == ERRCODE_INSUFFICIENT_PRIVILEGE && strcmp(call->action, "AssumeRole") == 0
				 ? errhint("Check that the role's trust policy allows the identity of the %s credentials (and its external_id condition, if any), and that this identity may call sts:AssumeRole.",
						   call->creds->source)
				 : sqlstate == ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION
				 ? errhint("Check the credentials taken from the %s.", call->creds->source)
				 : 0));
	}
}

/*
 * POST the form to STS; the answer's body (palloc'd, NUL-terminated) when
 * it is an HTTP 200, else an error.  Retries as request.c does.
 */
static char *
sts_post(const StsCall *call, const StringInfo body, size_t *len)
{
	const MaipStsTarget *t = call->target;
	char	   *host_header;
	char	   *path;
	ErrorContextCallback errcb;
	char	   *answer = NULL;

	url_host_path(t->url, &host_header, &path);
	errcb.callback = sts_error_context;
	errcb.arg = (void *) call;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	for (int attempt = 1;; attempt++)
	{
		MaipSignedPost req;
		MaipPostResult resp;
		bool		retry;
		char	   *code;

		req.url = t->url;
		req.host_header = host_header;
		req.path = path;
		req.region = t->sopts->region;
		req.service = "sts";
		req.creds = call->creds;
		req.sopts = t->sopts;
		req.body = body;
		maip_signed_post(&req, &resp);
		if (!resp.transport_failed && resp.status == 200 && resp.body)
		{
			answer = resp.body;
			*len = resp.body_len;
			break;
		}
		if (resp.too_large)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_REPLY_HANDLE),
					 errmsg("AWS STS %s for server \"%s\" returned an answer too large",
							call->action, t->server_name)));
		code = resp.body ? maip_xml_value(resp.body, resp.body_len, "Code") : NULL;
		retry = (resp.transport_failed && resp.connected) ||
			(!resp.transport_failed && resp.status >= 500) ||
			(code && (strcmp(code, "Throttling") == 0 || strcmp(code, "ThrottlingException") == 0));
		if (retry && attempt <= t->sopts->max_retries)
		{
			maip_backoff_sleep(attempt);
			continue;
		}
		report_sts_failure(call, &resp, resp.body, resp.body_len, attempt);
	}
	error_context_stack = errcb.previous;
	return answer;
}

static void
unreadable(const StsCall *call, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_REPLY_HANDLE),
			 errmsg("AWS STS %s for server \"%s\" returned an unreadable answer",
					call->action, call->target->server_name),
			 errdetail("%s", what)));
}

/* ---------- the operations ---------- */

MaipStsCredentials *
maip_sts_assume_role(const MaipStsTarget *target, const MaipCredentials *base,
					 const MaipAssumeRoleParams *params)
{
	StsCall		call = {target, base, "AssumeRole", params->role_arn};
	StringInfoData body;
	size_t		len;
	char	   *doc;
	const char *result, *creds;
	size_t		result_len, creds_len;
	MaipStsCredentials *out = palloc0(sizeof(MaipStsCredentials));
	char	   *expiration;

	initStringInfo(&body);
	appendStringInfoString(&body, "Action=AssumeRole&Version=" STS_VERSION);
	form_append(&body, "RoleArn", params->role_arn);
	form_append(&body, "RoleSessionName", params->role_session_name);
	form_append(&body, "ExternalId", params->external_id);
	if (params->duration_seconds > 0)
		appendStringInfo(&body, "&DurationSeconds=%d", params->duration_seconds);

	doc = sts_post(&call, &body, &len);
	if (!xml_section(doc, len, "AssumeRoleResult", &result, &result_len) ||
		!xml_section(result, result_len, "Credentials", &creds, &creds_len))
		unreadable(&call, "The answer has no AssumeRoleResult/Credentials element.");
	out->access_key_id = maip_xml_value(creds, creds_len, "AccessKeyId");
	out->secret_access_key = maip_xml_value(creds, creds_len, "SecretAccessKey");
	out->session_token = maip_xml_value(creds, creds_len, "SessionToken");
	expiration = maip_xml_value(creds, creds_len, "Expiration");
	if (!out->access_key_id || !out->secret_access_key || !out->session_token ||
		!out->access_key_id[0] || !out->secret_access_key[0] || !out->session_token[0])
		unreadable(&call, "AccessKeyId, SecretAccessKey or SessionToken is missing, empty or not printable ASCII.");
	if (expiration == NULL || (out->expiration = parse_iso8601_utc(expiration)) == (time_t) -1)
		unreadable(&call, "Expiration is missing or not an ISO 8601 UTC time.");
	/* the answer's copy of the secrets is not kept around */
	explicit_bzero(doc, len);
	return out;
}

MaipCallerIdentity *
maip_sts_get_caller_identity(const MaipStsTarget *target, const MaipCredentials *creds)
{
	StsCall		call = {target, creds, "GetCallerIdentity", NULL};
	StringInfoData body;
	size_t		len;
	char	   *doc;
	const char *result;
	size_t		result_len;
	MaipCallerIdentity *out = palloc0(sizeof(MaipCallerIdentity));

	initStringInfo(&body);
	appendStringInfoString(&body, "Action=GetCallerIdentity&Version=" STS_VERSION);
	doc = sts_post(&call, &body, &len);
	if (!xml_section(doc, len, "GetCallerIdentityResult", &result, &result_len))
		unreadable(&call, "The answer has no GetCallerIdentityResult element.");
	out->account = maip_xml_value(result, result_len, "Account");
	out->arn = maip_xml_value(result, result_len, "Arn");
	out->user_id = maip_xml_value(result, result_len, "UserId");
	if (out->arn == NULL || out->account == NULL)
		unreadable(&call, "Account or Arn is missing or not printable ASCII.");
	return out;
}
