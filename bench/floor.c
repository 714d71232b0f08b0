/*
 * bench/floor.c - the parse-only floor for the maip_fdw benchmark.
 *
 * The least work any DynamoDB client must do on the same endpoint: one
 * keep-alive libcurl handle, each answer parsed with cJSON and walked (count
 * the items and their attributes), nothing converted, nothing signed (the
 * benchmark endpoint, dynalite, checks only that an Authorization header is
 * there).  bench/run.sh builds and times it beside the FDW.
 *
 *   floor scan URL TABLE          paginated Scan; prints "items N pages P"
 *   floor get  URL TABLE KEYFILE  one GetItem per "pk<TAB>sk" line; prints
 *                                 "lookups N p50_ms X p99_ms Y total_s Z"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <cJSON.h>

typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	Buf		   *b = arg;
	size_t		n = size * nmemb;

	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 1 << 20;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			return 0;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

static CURL *curl;
static struct curl_slist *headers;
static Buf	body;

static void
setup(const char *url, const char *target)
{
	char		h[256];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
	headers = curl_slist_append(headers, "Content-Type: application/x-amz-json-1.0");
	snprintf(h, sizeof(h), "X-Amz-Target: DynamoDB_20120810.%s", target);
	headers = curl_slist_append(headers, h);
	headers = curl_slist_append(headers, "X-Amz-Date: 20260101T000000Z");
	headers = curl_slist_append(headers,
								"Authorization: AWS4-HMAC-SHA256 Credential=AKIAMAIPBENCH0000000/20260101/us-east-1/dynamodb/aws4_request, "
								"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000");
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
}

/* POST one request; the parsed answer, or exit on any failure */
static cJSON *
post(const char *req)
{
	long		status = 0;
	cJSON	   *doc;

	body.len = 0;
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req);
	if (curl_easy_perform(curl) != CURLE_OK)
	{
		fprintf(stderr, "floor: request failed\n");
		exit(1);
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
	{
		fprintf(stderr, "floor: HTTP %ld: %.300s\n", status, body.data ? body.data : "");
		exit(1);
	}
	doc = cJSON_ParseWithLength(body.data, body.len);
	if (!doc)
	{
		fprintf(stderr, "floor: unparsable answer\n");
		exit(1);
	}
	return doc;
}

/* walk an item so that the parse is not the only thing touched */
static long
walk_item(const cJSON *it)
{
	long		n = 0;
	const cJSON *a;

	cJSON_ArrayForEach(a, it)
		n += a->child != NULL;
	return n;
}

static int
do_scan(const char *table)
{
	long		items = 0,
				pages = 0,
				attrs = 0;
	char	   *lek = NULL;

	for (;;)
	{
		cJSON	   *req = cJSON_CreateObject();
		cJSON	   *doc,
				   *its,
				   *it,
				   *next;
		char	   *s;

		cJSON_AddStringToObject(req, "TableName", table);
		if (lek)
			cJSON_AddItemToObject(req, "ExclusiveStartKey", cJSON_Parse(lek));
		s = cJSON_PrintUnformatted(req);
		cJSON_Delete(req);
		doc = post(s);
		free(s);
		pages++;
		its = cJSON_GetObjectItemCaseSensitive(doc, "Items");
		cJSON_ArrayForEach(it, its)
		{
			items++;
			attrs += walk_item(it);
		}
		free(lek);
		lek = NULL;
		next = cJSON_GetObjectItemCaseSensitive(doc, "LastEvaluatedKey");
		if (next)
			lek = cJSON_PrintUnformatted(next);
		cJSON_Delete(doc);
		if (!lek)
			break;
	}
	printf("items %ld pages %ld attrs %ld\n", items, pages, attrs);
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static int
do_get(const char *table, const char *keyfile)
{
	FILE	   *f = fopen(keyfile, "r");
	char		pk[128];
	long		sk;
	double	   *lat = NULL;
	size_t		n = 0,
				cap = 0,
				found = 0;
	double		t0,
				total;

	if (!f)
	{
		perror(keyfile);
		return 1;
	}
	t0 = now_ms();
	while (fscanf(f, "%127s %ld", pk, &sk) == 2)
	{
		char		req[512];
		double		t;
		cJSON	   *doc;

		snprintf(req, sizeof(req),
				 "{\"TableName\":\"%s\",\"Key\":{\"pk\":{\"S\":\"%s\"},\"sk\":{\"N\":\"%ld\"}}}",
				 table, pk, sk);
		t = now_ms();
		doc = post(req);
		found += walk_item(cJSON_GetObjectItemCaseSensitive(doc, "Item")) > 0;
		cJSON_Delete(doc);
		if (n == cap)
		{
			cap = cap ? cap * 2 : 1024;
			lat = realloc(lat, cap * sizeof(double));
		}
		lat[n++] = now_ms() - t;
	}
	total = now_ms() - t0;
	fclose(f);
	if (n == 0)
		return 1;
	qsort(lat, n, sizeof(double), cmp_double);
	printf("lookups %zu found %zu p50_ms %.3f p99_ms %.3f total_s %.3f\n",
		   n, found, lat[n / 2], lat[(size_t) (n * 0.99)], total / 1e3);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "scan") == 0)
	{
		setup(argv[2], "Scan");
		return do_scan(argv[3]);
	}
	if (argc == 5 && strcmp(argv[1], "get") == 0)
	{
		setup(argv[2], "GetItem");
		return do_get(argv[3], argv[4]);
	}
	fprintf(stderr, "usage: floor scan URL TABLE | floor get URL TABLE KEYFILE\n");
	return 2;
}
