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
	const char *ca_file;		/* extra CA bundle, or NULL */
} MaipHttpRequest;

typedef struct MaipHttpResponse
{
	long		status;			/* HTTP status, 0 when no response arrived */
	int			curl_code;		/* CURLcode, 0 (CURLE_OK) when the transfer completed */
	bool		connected;		/* a connection to the endpoint was established */
	char		error[256];		/* libcurl's explanation when curl_code != 0 */
	const char *body;			/* NUL-terminated; owned by http.c, valid until the next request */
	size_t		body_len;
	char		request_id[128];	/* x-amzn-RequestId, "" if absent */
	char		error_type_header[128];	/* x-amzn-ErrorType, "" if absent */
} MaipHttpResponse;

extern void maip_http_post(const MaipHttpRequest *req, MaipHttpResponse *resp);
extern void maip_http_sleep_ms(long ms);

#endif							/* MAIP_HTTP_H */
