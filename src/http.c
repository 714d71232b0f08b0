/*-------------------------------------------------------------------------
 * http.c
 *		The libcurl transport: one easy handle, driven by one multi handle,
 *		kept for the life of the backend so connections are reused.
 *
 * Why a multi handle for a single transfer: curl_multi_poll() lets us
 * wake every 100 ms and look at PostgreSQL's interrupt flags, so query
 * cancel and statement_timeout stop a slow request promptly.  libcurl
 * callbacks never call ereport or palloc (a longjmp through libcurl would
 * corrupt it): the body goes into a malloc'd buffer owned by this file,
 * and interrupts are serviced from our own loop, where a PG_TRY detaches
 * the transfer before the error propagates.  The wait is reported as an
 * Extension wait event, so pg_stat_activity shows what the backend waits on.
 *
 * libcurl resends a request by itself when a reused keep-alive connection
 * turns out to be dead; a debug callback counts how often the request went
 * out so that the caller can count (and classify) those resends too, and a
 * request that must not be resent asks for a fresh connection.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <curl/curl.h>

#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "http.h"

/* Buffers larger than this are given back after the answer has been read. */
#define KEEP_BUFFER_BYTES ((size_t) 1024 * 1024)

typedef struct RecvBuffer
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		overflow;
} RecvBuffer;

static CURLM *multi_handle = NULL;
static CURL *easy_handle = NULL;
static RecvBuffer recv_buf;
static char header_request_id[128];
static char header_error_type[128];
static int	request_sends;		/* times the current request went out */
static bool custom_ca_file;		/* CURLOPT_CAINFO was set on the handle */
#if PG_VERSION_NUM >= 170000
static uint32 wait_event_request = 0;
#endif

static void
ensure_handles(void)
{
	if (easy_handle != NULL)
		return;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		elog(ERROR, "could not initialize libcurl");
	multi_handle = curl_multi_init();
	easy_handle = curl_easy_init();
	if (multi_handle == NULL || easy_handle == NULL)
		elog(ERROR, "could not create libcurl handles");
}

/* libcurl write callback: append to recv_buf with malloc; never ereport here. */
static size_t
write_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	RecvBuffer *buf = (RecvBuffer *) userdata;
	size_t		n = size * nmemb;

	if (buf->len + n + 1 > buf->cap)
	{
		size_t		newcap = Max(buf->cap * 2, buf->len + n + 1);
		char	   *p;

		if (newcap < 65536)
			newcap = 65536;
		if (buf->len + n + 1 > MAIP_HTTP_MAX_RESPONSE)
		{
			buf->overflow = true;
			return 0;			/* makes libcurl abort with CURLE_WRITE_ERROR */
		}
		newcap = Min(newcap, MAIP_HTTP_MAX_RESPONSE);
		if ((p = realloc(buf->data, newcap)) == NULL)
		{
			buf->overflow = true;
			return 0;			/* makes libcurl abort with CURLE_WRITE_ERROR */
		}
		buf->data = p;
		buf->cap = newcap;
	}
	memcpy(buf->data + buf->len, ptr, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
	return n;
}

static void
copy_header_value(const char *line, size_t len, size_t namelen, char *dst, size_t dstlen)
{
	size_t		i = namelen;
	size_t		j = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (i < len && line[i] != '\r' && line[i] != '\n' && j + 1 < dstlen)
		dst[j++] = line[i++];
	dst[j] = '\0';
}

/* libcurl header callback: remember the request id and error type headers. */
static size_t
read_header(char *line, size_t size, size_t nmemb, void *userdata)
{
	size_t		len = size * nmemb;
	static const char rid[] = "x-amzn-requestid:";
	static const char etype[] = "x-amzn-errortype:";

	if (len > sizeof(rid) - 1 && pg_strncasecmp(line, rid, sizeof(rid) - 1) == 0)
		copy_header_value(line, len, sizeof(rid) - 1, header_request_id, sizeof(header_request_id));
	else if (len > sizeof(etype) - 1 && pg_strncasecmp(line, etype, sizeof(etype) - 1) == 0)
		copy_header_value(line, len, sizeof(etype) - 1, header_error_type, sizeof(header_error_type));
	return len;
}

/* libcurl debug callback: count the request headers going out; never ereport here. */
static int
count_sends(CURL *handle, curl_infotype type, char *data, size_t size, void *userp)
{
	if (type == CURLINFO_HEADER_OUT)
		request_sends++;
	return 0;
}

static void
set_request_options(const MaipHttpRequest *req, char *errbuf)
{
	CURL	   *h = easy_handle;

	/*
	 * CURLOPT_CAINFO NULL would not restore libcurl's default bundle but
	 * disable it: after a server with ca_file, start from the defaults.
	 */
	if (custom_ca_file && req->ca_file == NULL)
	{
		curl_easy_reset(h);
		custom_ca_file = false;
	}
	if (req->ca_file)
	{
		curl_easy_setopt(h, CURLOPT_CAINFO, req->ca_file);
		custom_ca_file = true;
	}

	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, req->headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &recv_buf);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, read_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->request_timeout_ms);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	/* only http(s), and never follow redirects: a redirect would drop our signature anyway */
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, req->fresh_connection ? 1L : 0L);
	/* the debug callback only runs in verbose mode; it prints nothing */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, count_sends);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
}

/* The wait event to report while waiting for the network. */
static uint32
request_wait_event(void)
{
#if PG_VERSION_NUM >= 170000
	if (wait_event_request == 0)
		wait_event_request = WaitEventExtensionNew("MaipDynamoDBRequest");
	return wait_event_request;
#else
	return PG_WAIT_EXTENSION;
#endif
}

/*
 * Drive the transfer, waking at least every 100 ms to service interrupts.
 * If CHECK_FOR_INTERRUPTS throws, the transfer is detached (which aborts it
 * and closes its connection) before the error goes on.
 */
static CURLcode
run_transfer(void)
{
	CURLcode	result = CURLE_OK;
	int			running = 1;
	CURLMsg    *msg;
	int			left;
	uint32		wait_event = request_wait_event();

	curl_multi_add_handle(multi_handle, easy_handle);
	PG_TRY();
	{
		for (;;)
		{
			CURLMcode	mc = curl_multi_perform(multi_handle, &running);

			if (mc != CURLM_OK)
			{
				result = CURLE_RECV_ERROR;
				break;
			}
			if (running == 0)
				break;
			pgstat_report_wait_start(wait_event);
			curl_multi_poll(multi_handle, NULL, 0, 100, NULL);
			pgstat_report_wait_end();
			CHECK_FOR_INTERRUPTS();
		}
	}
	PG_CATCH();
	{
		curl_multi_remove_handle(multi_handle, easy_handle);
		PG_RE_THROW();
	}
	PG_END_TRY();

	while ((msg = curl_multi_info_read(multi_handle, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy_handle)
			result = msg->data.result;
	curl_multi_remove_handle(multi_handle, easy_handle);
	return result;
}

void
maip_http_post(const MaipHttpRequest *req, MaipHttpResponse *resp)
{
	char		errbuf[CURL_ERROR_SIZE];
	CURLcode	rc;
	curl_off_t	pretransfer = 0;

	ensure_handles();
	memset(resp, 0, sizeof(*resp));
	errbuf[0] = '\0';
	recv_buf.len = 0;
	recv_buf.overflow = false;
	if (recv_buf.data)
		recv_buf.data[0] = '\0';
	header_request_id[0] = '\0';
	header_error_type[0] = '\0';
	request_sends = 0;

	set_request_options(req, errbuf);
	rc = run_transfer();

	curl_easy_getinfo(easy_handle, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(easy_handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
	resp->connected = pretransfer > 0 || resp->status != 0;
	resp->curl_code = (int) rc;
	resp->sends = request_sends;
	resp->too_large = recv_buf.overflow;
	if (rc != CURLE_OK)
		strlcpy(resp->error, errbuf[0] ? errbuf : curl_easy_strerror(rc),
				sizeof(resp->error));
	resp->body = recv_buf.data ? recv_buf.data : "";
	resp->body_len = recv_buf.len;
	strlcpy(resp->request_id, header_request_id, sizeof(resp->request_id));
	strlcpy(resp->error_type_header, header_error_type, sizeof(resp->error_type_header));

	/* the header list, body and error buffer are not ours to keep pointers to */
	curl_easy_setopt(easy_handle, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(easy_handle, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(easy_handle, CURLOPT_ERRORBUFFER, NULL);
}

/*
 * The caller has read the answer: give a large receive buffer back, so that
 * one big answer does not stay with the backend for its lifetime.
 */
void
maip_http_release(void)
{
	if (recv_buf.cap > KEEP_BUFFER_BYTES)
	{
		free(recv_buf.data);
		recv_buf.data = NULL;
		recv_buf.cap = 0;
		recv_buf.len = 0;
	}
}

/* Overwrite the last answer (it held temporary credentials: STS's AssumeRole). */
void
maip_http_wipe(void)
{
	if (recv_buf.data)
		explicit_bzero(recv_buf.data, recv_buf.len);
}

/* Sleep that query cancel and statement_timeout can cut short. */
void
maip_http_sleep_ms(long ms)
{
	TimestampTz end = GetCurrentTimestamp() + ms * 1000;

	for (;;)
	{
		long		left = (long) ((end - GetCurrentTimestamp()) / 1000);

		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}
