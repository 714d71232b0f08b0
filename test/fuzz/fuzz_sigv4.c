/*
 * fuzz_sigv4.c - libFuzzer target for src/sigv4.c.
 *
 * The input is carved into a SigV4Params and fed to all three builders with
 * a large output buffer and with a small one of fuzzer-chosen size.  Every
 * string field is copied into its own exactly-sized heap allocation so that
 * AddressSanitizer catches a read one byte past any of them, and the small
 * output buffer is also exactly sized so a write past outlen is caught.
 *
 * Layout of the input:
 *   byte 0      flags
 *                 bit 0  replace amz_date with a valid fixed date (otherwise
 *                        almost every input would stop at date validation)
 *                 bit 1  query is NULL rather than the fuzzed field
 *                 bit 2  replace region/service with valid fixed values
 *                 bit 3  pass payload NULL when it is empty
 *                 bit 4  replace method with "POST"
 *   byte 1      small outlen (0..255)
 *   byte 2      maximum number of headers (0..31)
 *   then        NUL-separated fields: method, path, query, region, service,
 *               access_key, secret_key, amz_date, then header name/value
 *               pairs; whatever follows the last header is the payload
 *               (which may itself contain NULs).
 *
 * Beyond "does not crash", the target checks the contract in sigv4.h and
 * abort()s when it is broken:
 *   - the three builders agree on whether the params are valid;
 *   - a result fits iff outlen > length, and then equals the large-buffer
 *     result; otherwise -1 and out == "";
 *   - an exactly sized buffer (length + 1) works, one byte less does not;
 *   - results are deterministic and have the documented prefixes;
 *   - sigv4_format_amz_date output is "" or a date the builders accept.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/sigv4.h"

#define NFIXED 8
#define MAX_HEADERS 31

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_sigv4: check failed at line %d: %s\n", \
					__LINE__, #cond); \
			abort(); \
		} \
	} while (0)

typedef int (*sigv4_fn) (const SigV4Params *, char *, size_t);

static char *
dup_range(const uint8_t *s, size_t n)
{
	char	   *d = malloc(n + 1);

	if (d == NULL)
		abort();
	if (n > 0)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/*
 * Runs one builder with a big buffer, a small buffer and exact-fit buffers;
 * returns the big-buffer result (length or -1).  *text gets a malloc'd copy
 * of the result on success.
 */
static int
exercise(sigv4_fn fn, const SigV4Params *p, size_t biglen, size_t smalllen,
		 char **text)
{
	char	   *big = malloc(biglen);
	char	   *small = malloc(smalllen ? smalllen : 1);
	int			r;
	int			rs;

	if (big == NULL || small == NULL)
		abort();
	*text = NULL;

	r = fn(p, big, biglen);
	CHECK(r == -1 || r >= 0);
	CHECK(big[0] == '\0' || r >= 0);
	if (r >= 0)
	{
		CHECK((size_t) r < biglen);
		CHECK(strlen(big) == (size_t) r);
	}

	/* small buffer: fits iff smalllen > r */
	small[0] = 'Z';
	rs = fn(p, small, smalllen);
	if (r >= 0 && (size_t) r < smalllen)
	{
		CHECK(rs == r);
		CHECK(memcmp(small, big, (size_t) r + 1) == 0);
	}
	else
	{
		CHECK(rs == -1);
		if (smalllen > 0)
			CHECK(small[0] == '\0');
		else
			CHECK(small[0] == 'Z');	/* outlen 0: nothing written */
	}

	if (r >= 0)
	{
		/* exact fit and one short, each in an exactly sized allocation */
		char	   *exact = malloc((size_t) r + 1);
		char	   *shortb = malloc(r > 0 ? (size_t) r : 1);

		if (exact == NULL || shortb == NULL)
			abort();
		CHECK(fn(p, exact, (size_t) r + 1) == r);
		CHECK(memcmp(exact, big, (size_t) r + 1) == 0);	/* deterministic */
		CHECK(fn(p, shortb, (size_t) r) == -1);
		if (r > 0)
			CHECK(shortb[0] == '\0');
		free(exact);
		free(shortb);
		*text = dup_range((const uint8_t *) big, (size_t) r);
	}
	free(big);
	free(small);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		flags;
	size_t		smalllen;
	int			max_headers;
	char	   *fixed[NFIXED];
	int			nfixed = 0;
	SigV4Header headers[MAX_HEADERS];
	int			nh = 0;
	char	   *payload = NULL;
	size_t		payload_len = 0;
	size_t		pos;
	SigV4Params p;
	size_t		biglen;
	char	   *creq;
	char	   *sts;
	char	   *auth;
	int			r1, r2, r3;
	int			i;

	if (size < 3)
		return 0;
	flags = data[0];
	smalllen = data[1];
	max_headers = data[2] % (MAX_HEADERS + 1);
	pos = 3;

	/* fixed fields */
	while (nfixed < NFIXED)
	{
		const uint8_t *nul = pos < size ? memchr(data + pos, 0, size - pos) : NULL;
		size_t		end = nul ? (size_t) (nul - data) : size;

		fixed[nfixed++] = dup_range(data + pos, end - pos);
		pos = nul ? end + 1 : size;
	}
	/* header pairs */
	while (nh < max_headers && pos < size)
	{
		const uint8_t *nul1 = memchr(data + pos, 0, size - pos);
		const uint8_t *nul2;
		size_t		e1,
					e2;

		if (nul1 == NULL)
			break;
		e1 = (size_t) (nul1 - data);
		nul2 = e1 + 1 < size ? memchr(data + e1 + 1, 0, size - e1 - 1) : NULL;
		if (nul2 == NULL)
			break;
		e2 = (size_t) (nul2 - data);
		headers[nh].name = dup_range(data + pos, e1 - pos);
		headers[nh].value = dup_range(data + e1 + 1, e2 - e1 - 1);
		nh++;
		pos = e2 + 1;
	}
	/* payload: the rest, in its own exactly sized allocation */
	payload_len = size - pos;
	if (payload_len > 0 || !(flags & 8))
	{
		payload = malloc(payload_len ? payload_len : 1);
		if (payload == NULL)
			abort();
		if (payload_len > 0)
			memcpy(payload, data + pos, payload_len);
	}

	memset(&p, 0, sizeof(p));
	p.method = (flags & 16) ? "POST" : fixed[0];
	p.path = fixed[1];
	p.query = (flags & 2) ? NULL : fixed[2];
	p.region = (flags & 4) ? "us-east-1" : fixed[3];
	p.service = (flags & 4) ? "dynamodb" : fixed[4];
	p.access_key = fixed[5];
	p.secret_key = fixed[6];
	p.amz_date = (flags & 1) ? "20261125T101112Z" : fixed[7];
	p.headers = nh > 0 ? headers : NULL;
	p.nheaders = nh;
	p.payload = payload;
	p.payload_len = payload_len;

	/*
	 * Big enough for any result: encoding at most triples a byte (and header
	 * names appear twice), plus the
	 * fixed text (hashes, algorithm name, scope).
	 */
	biglen = 8 * size + 4096;
	r1 = exercise(sigv4_canonical_request, &p, biglen, smalllen, &creq);
	r2 = exercise(sigv4_string_to_sign, &p, biglen, smalllen, &sts);
	r3 = exercise(sigv4_authorization, &p, biglen, smalllen, &auth);

	/* validity is a property of the params, not of the function */
	CHECK((r1 >= 0) == (r2 >= 0));
	CHECK((r2 >= 0) == (r3 >= 0));
	if (r1 >= 0)
	{
		char		hex[65];

		CHECK(strncmp(sts, "AWS4-HMAC-SHA256\n", 17) == 0);
		CHECK(strncmp(auth, "AWS4-HMAC-SHA256 Credential=", 28) == 0);
		/* the string to sign ends with the hash of the canonical request */
		sigv4_hex_sha256(creq, (size_t) r1, hex);
		CHECK(r2 >= 64 && strcmp(sts + r2 - 64, hex) == 0);
		/* the signature is 64 lower-case hex digits at the end */
		CHECK(r3 >= 64);
		for (i = r3 - 64; i < r3; i++)
			CHECK((auth[i] >= '0' && auth[i] <= '9') || (auth[i] >= 'a' && auth[i] <= 'f'));
	}
	free(creq);
	free(sts);
	free(auth);

	/* date formatting: "" or something the builders accept as amz_date */
	if (size >= 11)
	{
		int64_t		t = 0;
		char		date[17];

		memcpy(&t, data + 3, sizeof(t));
		/* fold into a range that exercises both the valid and "" paths */
		t %= (int64_t) 400000000000LL;
		if ((int64_t) (time_t) t == t)
		{
			char		out[512];
			SigV4Params q;
			SigV4Header hh[1];

			sigv4_format_amz_date((time_t) t, date);
			CHECK(date[0] == '\0' || strlen(date) == 16);
			hh[0].name = "host";
			hh[0].value = "example.com";
			memset(&q, 0, sizeof(q));
			q.method = "GET";
			q.path = "/";
			q.headers = hh;
			q.nheaders = 1;
			q.region = "r";
			q.service = "s";
			q.access_key = "a";
			q.secret_key = "k";
			q.amz_date = date;
			CHECK((sigv4_authorization(&q, out, sizeof(out)) >= 0) == (date[0] != '\0'));
		}
	}

	for (i = 0; i < nfixed; i++)
		free(fixed[i]);
	for (i = 0; i < nh; i++)
	{
		free((char *) headers[i].name);
		free((char *) headers[i].value);
	}
	free(payload);
	return 0;
}
