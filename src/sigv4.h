/*
 * sigv4.h - AWS Signature Version 4 request signing for maip_fdw.
 *
 * This module turns the pieces of an HTTP request (method, path, query,
 * headers, body) plus a credential and a timestamp into the three SigV4
 * artefacts: the canonical request, the string to sign and the value of the
 * Authorization header.  DynamoDB only ever sees "POST /" with a JSON body,
 * but the module implements the general (non-S3) SigV4 rules so that it can
 * be checked against botocore's SigV4Auth on arbitrary requests.
 *
 * It is deliberately plain C99 on top of OpenSSL's libcrypto and has no
 * PostgreSQL dependency: that keeps it unit-testable and fuzzable on its own
 * (test/unit/sigv4_test.c, test/fuzz/fuzz_sigv4.c), and lets the FDW call it
 * from backend code without worrying about palloc contexts or ereport
 * longjmps escaping half-way through - every allocation here is a
 * malloc/free pair that is released before the function returns.
 *
 * Canonicalisation rules implemented (the ones botocore applies to every
 * service except S3):
 *   - method: upper-cased;
 *   - path: dot segments removed and empty segments ("//") collapsed, then
 *     every byte except RFC 3986 unreserved characters and '/' is
 *     percent-encoded.  The path is NOT decoded first, so an already encoded
 *     path ends up double encoded, exactly as SigV4 requires for non-S3
 *     services.  The S3 exception (no normalisation, single encoding) is not
 *     implemented;
 *   - query: split on '&' (empty pieces dropped) and at the first '=', each
 *     name and value percent-decoded and re-encoded with RFC 3986 rules, then
 *     sorted by encoded name and then encoded value.  '+' is a literal plus,
 *     not a space;
 *   - headers: names lower-cased and sorted; values trimmed with inner runs of
 *     whitespace collapsed to one space; repeated names combined with ','
 *     in the order given;
 *   - payload hash: hex SHA-256 of the body, unless an x-amz-content-sha256
 *     header is among the headers, in which case its value is used verbatim
 *     (that is how UNSIGNED-PAYLOAD is requested, and what botocore does).
 *
 * The functions are thread-safe and keep no global state.
 */
#ifndef MAIP_SIGV4_H
#define MAIP_SIGV4_H

#include <stddef.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct SigV4Header
{
	const char *name;
	const char *value;
} SigV4Header;

typedef struct SigV4Params
{
	const char *method;			/* "POST" */
	const char *path;			/* URI path as sent, e.g. "/" */
	const char *query;			/* raw query without '?'; "" or NULL for none */
	const SigV4Header *headers; /* ALL headers to sign, including host,
								 * x-amz-date and x-amz-security-token */
	int			nheaders;
	const char *payload;		/* request body; may be NULL when payload_len
								 * is 0 */
	size_t		payload_len;
	const char *region;			/* "us-east-1" */
	const char *service;		/* "dynamodb" */
	const char *access_key;
	const char *secret_key;
	const char *amz_date;		/* "YYYYMMDDTHHMMSSZ" */
} SigV4Params;

/*
 * Each of the three builders returns the length written (excluding the NUL),
 * or -1 if out is too small or the params are invalid (NULL fields, empty
 * method/region/service, a header name that is not an HTTP token, bad
 * amz_date).  They never write past outlen, always NUL-terminate when
 * outlen > 0 (an empty string on failure; partial results are never left
 * behind), and return -1 on allocation failure.
 */
int			sigv4_canonical_request(const SigV4Params *p, char *out, size_t outlen);
int			sigv4_string_to_sign(const SigV4Params *p, char *out, size_t outlen);

/*
 * "AWS4-HMAC-SHA256 Credential=AK/20261125/us-east-1/dynamodb/aws4_request,
 *  SignedHeaders=a;b;c, Signature=hex"
 */
int			sigv4_authorization(const SigV4Params *p, char *out, size_t outlen);

/* Lower-case hex SHA-256 of data (data may be NULL when len is 0). */
void		sigv4_hex_sha256(const void *data, size_t len, char out[65]);

/*
 * t as "YYYYMMDDTHHMMSSZ" in UTC.  Computed arithmetically (no gmtime), so it
 * is thread-safe and independent of TZ.  Times outside years 0000..9999
 * cannot be expressed in this format and produce "".
 */
void		sigv4_format_amz_date(time_t t, char out[17]);

#ifdef __cplusplus
}
#endif

#endif							/* MAIP_SIGV4_H */
