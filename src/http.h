/*-------------------------------------------------------------------------
 * http.h
 *		One HTTPS POST at a time over a per-backend keep-alive connection.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_HTTP_H
#define MAIP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct curl_slist;

typedef struct MaipHttpRequest
{
	const char *url;
	struct curl_slist *headers;
	const char *body;
	size_t		body_len;
	long		connect_timeout_ms;
	long		request_timeout_ms;
	const char *ca_file;		/* CA bundle replacing the default one, or NULL */
	bool		fresh_connection;	/* never on a reused connection: libcurl
									 * then cannot resend it by itself */
} MaipHttpRequest;

typedef struct MaipHttpResponse
{
	long		status;			/* HTTP status, 0 when no response arrived */
	int			curl_code;		/* CURLcode, 0 (CURLE_OK) when the transfer completed */
	bool		connected;		/* a connection to the endpoint was established */
	char		error[256];		/* libcurl's explanation when curl_code != 0 */
	bool		too_large;		/* the answer exceeded MAIP_HTTP_MAX_RESPONSE */
	int			sends;			/* times the request went out: libcurl resends
								 * by itself when a reused connection was dead */
	const char *body;			/* NUL-terminated; owned by http.c, valid until
								 * maip_http_release() or the next request */
	size_t		body_len;
	char		request_id[128];	/* x-amzn-RequestId, "" if absent */
	char		error_type_header[128];	/* x-amzn-ErrorType, "" if absent */
} MaipHttpResponse;

/* DynamoDB's largest answer is a 1 MB page plus JSON overhead. */
#define MAIP_HTTP_MAX_RESPONSE ((size_t) 16 * 1024 * 1024)

extern void maip_http_post(const MaipHttpRequest *req, MaipHttpResponse *resp);
extern void maip_http_release(void);
extern void maip_http_wipe(void);
extern void maip_http_sleep_ms(long ms);

#endif							/* MAIP_HTTP_H */
