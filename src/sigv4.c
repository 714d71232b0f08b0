/*
 * sigv4.c - AWS Signature Version 4 signing (see sigv4.h for the contract).
 *
 * Shape of the computation:
 *
 *   canonical request = METHOD \n path \n query \n headers \n \n
 *                       signed-header-names \n payload-hash
 *   string to sign    = "AWS4-HMAC-SHA256" \n amz_date \n scope \n
 *                       hex(sha256(canonical request))
 *   signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region),
 *                       service), "aws4_request")
 *   signature         = hex(HMAC(signing key, string to sign))
 *
 * Every intermediate string is built in a growable heap buffer (Buf) rather
 * than a fixed array, because header values - a session token, or anything a
 * caller chooses to sign - have no useful upper bound.  The finished string is
 * copied into the caller's buffer only if it fits completely; the caller never
 * sees a truncated signature that might look valid.
 *
 * Error handling is "poisoned buffer": once an allocation fails the Buf
 * refuses further appends and remembers the failure, so the builders can
 * append unconditionally and check once at the end.  All heap memory is freed
 * on every path, and key material is wiped with OPENSSL_cleanse before its
 * memory is released.
 *
 * The reference implementation for every rule here is botocore's
 * botocore.auth.SigV4Auth; test/unit/gen_vectors.py produces vectors from it.
 */
#include "sigv4.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SIGV4_ALGORITHM		"AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR	"aws4_request"
#define SHA256_LEN			32

/* ------------------------------------------------------------------------
 * Growable string buffer
 * ------------------------------------------------------------------------ */

typedef struct Buf
{
	char	   *data;			/* always NUL-terminated once allocated */
	size_t		len;			/* bytes used, excluding the NUL */
	size_t		cap;			/* bytes allocated */
	int			failed;			/* an allocation failed; buffer is poisoned */
} Buf;

#define BUF_INIT {NULL, 0, 0, 0}

/* Make room for extra more bytes plus a NUL.  Returns 0 on failure. */
static int
buf_reserve(Buf *b, size_t extra)
{
	size_t		need;
	size_t		newcap;
	char	   *nd;

	if (b->failed)
		return 0;
	/* b->len + extra + 1 must not wrap around */
	if (extra > SIZE_MAX - 1 - b->len)
	{
		b->failed = 1;
		return 0;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 1;
	newcap = b->cap ? b->cap : 256;
	while (newcap < need)
	{
		if (newcap > SIZE_MAX / 2)
		{
			newcap = need;
			break;
		}
		newcap *= 2;
	}
	nd = realloc(b->data, newcap);
	if (nd == NULL)
	{
		b->failed = 1;
		return 0;
	}
	b->data = nd;
	b->cap = newcap;
	/* keep the "always NUL-terminated" promise even before any append */
	b->data[b->len] = '\0';
	return 1;
}

static void
buf_append(Buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_puts(Buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static void
buf_putc(Buf *b, char c)
{
	buf_append(b, &c, 1);
}

static void
buf_free(Buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ------------------------------------------------------------------------
 * Character classes.  Written out by hand rather than via <ctype.h> so the
 * result never depends on the process locale (a backend may run under any
 * lc_ctype) and so bytes >= 0x80 are never passed to is*() as negative chars.
 * ------------------------------------------------------------------------ */

static int
is_unreserved(unsigned char c)
{
	/* RFC 3986 section 2.3; SigV4 leaves exactly these unencoded */
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static int
is_tchar(unsigned char c)
{
	/* RFC 9110 "token": what a header name or method may consist of */
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!is_tchar((unsigned char) *s))
			return 0;
	return 1;
}

/*
 * Whitespace for the header-value "Trimall" step.  botocore uses Python's
 * str.split(), which also splits on a few C0 separators and Unicode spaces;
 * none of those may appear in a valid HTTP field value, so only the ASCII
 * whitespace characters are treated as such here.
 */
static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
		c == '\r';
}

static unsigned char
ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c - 'A' + 'a') : c;
}

static unsigned char
ascii_upper(unsigned char c)
{
	return (c >= 'a' && c <= 'z') ? (unsigned char) (c - 'a' + 'A') : c;
}

static int
ascii_case_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower((unsigned char) *a) != ascii_lower((unsigned char) *b))
			return 0;
	return *a == *b;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* Append s[0..n) percent-encoded: unreserved bytes as-is, others as %XX. */
static void
buf_uri_encode(Buf *b, const char *s, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (is_unreserved(c))
			buf_putc(b, (char) c);
		else
		{
			char		esc[3];

			esc[0] = '%';
			esc[1] = digits[c >> 4];
			esc[2] = digits[c & 0x0f];
			buf_append(b, esc, 3);
		}
	}
}

/*
 * Append s[0..n) percent-decoded.  A '%' not followed by two hex digits is
 * kept literally (it will then be re-encoded as %25), which is what Python's
 * unquote and most servers do with malformed escapes.  The result may
 * contain NUL bytes, so callers must use b->len, not strlen.
 */
static void
buf_uri_decode(Buf *b, const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (s[i] == '%' && i + 2 < n)
		{
			int			hi = hex_value((unsigned char) s[i + 1]);
			int			lo = hex_value((unsigned char) s[i + 2]);

			if (hi >= 0 && lo >= 0)
			{
				buf_putc(b, (char) (hi * 16 + lo));
				i += 2;
				continue;
			}
		}
		buf_putc(b, s[i]);
	}
}

/* ------------------------------------------------------------------------
 * Hashing
 * ------------------------------------------------------------------------ */

static int
sha256_raw(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned int mdlen = 0;

	/* EVP_Digest wants a valid pointer even for an empty message */
	if (data == NULL)
		data = "";
	if (EVP_Digest(data, len, out, &mdlen, EVP_sha256(), NULL) != 1 ||
		mdlen != SHA256_LEN)
		return 0;
	return 1;
}

static int
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_LEN];

	out[0] = '\0';
	if (!sha256_raw(data, len, md))
		return 0;
	hex_encode(md, SHA256_LEN, out);
	return 1;
}

static int
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
			unsigned char out[SHA256_LEN])
{
	unsigned int mdlen = 0;

	/* HMAC() takes the key length as an int */
	if (keylen > INT_MAX)
		return 0;
	if (HMAC(EVP_sha256(), key, (int) keylen, (const unsigned char *) msg,
			 msglen, out, &mdlen) == NULL || mdlen != SHA256_LEN)
		return 0;
	return 1;
}

void
sigv4_hex_sha256(const void *data, size_t len, char out[65])
{
	/* on the (practically impossible) digest failure out is left as "" */
	(void) sha256_hex(data, len, out);
}

/* ------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------ */

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(long y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return (m == 2 && is_leap(y)) ? 29 : mdays[m - 1];
}

/* Parse n decimal digits; -1 if any is not a digit. */
static long
parse_digits(const char *s, int n)
{
	long		v = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * amz_date must be exactly YYYYMMDDTHHMMSSZ and a real calendar date: its
 * first eight characters become the credential scope date and the HMAC key
 * input, so garbage here would produce a signature that can never verify.
 */
static int
valid_amz_date(const char *d)
{
	long		y, mo, da, h, mi, s;
	size_t		i;

	for (i = 0; i < 16; i++)
		if (d[i] == '\0')
			return 0;
	if (d[16] != '\0' || d[8] != 'T' || d[15] != 'Z')
		return 0;
	y = parse_digits(d, 4);
	mo = parse_digits(d + 4, 2);
	da = parse_digits(d + 6, 2);
	h = parse_digits(d + 9, 2);
	mi = parse_digits(d + 11, 2);
	s = parse_digits(d + 13, 2);
	if (y < 0 || mo < 1 || mo > 12 || da < 1 || h < 0 || h > 23 ||
		mi < 0 || mi > 59 || s < 0 || s > 60)
		return 0;
	return da <= days_in_month(y, (int) mo);
}

static void
put_digits(char *out, long v, int n)
{
	while (n-- > 0)
	{
		out[n] = (char) ('0' + v % 10);
		v /= 10;
	}
}

void
sigv4_format_amz_date(time_t t, char out[17])
{
	/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
	const long long min_t = -62167219200LL;
	const long long max_t = 253402300799LL;
	long long	secs;
	long long	days;
	long long	sod;
	long long	era, doe, yoe, doy, mp, y, m, d;

	out[0] = '\0';
	if (t < 0 ? (t < min_t) : (t > max_t))
		return;
	secs = (long long) t;

	/* floor division, so times before 1970 land on the right day */
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0)
	{
		sod += 86400;
		days -= 1;
	}

	/*
	 * Civil date from days since 1970-01-01 (Howard Hinnant's
	 * civil_from_days), used instead of gmtime() because gmtime returns a
	 * pointer to static storage and gmtime_r is not C99.
	 */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y += 1;

	put_digits(out, (long) y, 4);
	put_digits(out + 4, (long) m, 2);
	put_digits(out + 6, (long) d, 2);
	out[8] = 'T';
	put_digits(out + 9, (long) (sod / 3600), 2);
	put_digits(out + 11, (long) (sod / 60 % 60), 2);
	put_digits(out + 13, (long) (sod % 60), 2);
	out[15] = 'Z';
	out[16] = '\0';
}

/* ------------------------------------------------------------------------
 * Parameter validation
 * ------------------------------------------------------------------------ */

static int
params_valid(const SigV4Params *p)
{
	int			i;

	if (p == NULL)
		return 0;
	if (p->method == NULL || p->path == NULL || p->region == NULL ||
		p->service == NULL || p->access_key == NULL ||
		p->secret_key == NULL || p->amz_date == NULL)
		return 0;
	/* these end up in the credential scope; empty ones can never verify */
	if (p->region[0] == '\0' || p->service[0] == '\0')
		return 0;
	/* a method with a newline in it could forge canonical-request lines */
	if (!is_token(p->method))
		return 0;
	if (p->nheaders < 0 || (p->nheaders > 0 && p->headers == NULL))
		return 0;
	for (i = 0; i < p->nheaders; i++)
	{
		if (p->headers[i].name == NULL || p->headers[i].value == NULL)
			return 0;
		/* ':' or whitespace in a name would break "name:value" lines */
		if (!is_token(p->headers[i].name))
			return 0;
	}
	if (p->payload == NULL && p->payload_len > 0)
		return 0;
	return valid_amz_date(p->amz_date);
}

/* ------------------------------------------------------------------------
 * Canonical request pieces
 * ------------------------------------------------------------------------ */

typedef struct Segment
{
	const char *s;
	size_t		n;
} Segment;

/*
 * Path: botocore's remove_dot_segments (RFC 3986 5.2.4, plus AWS's removal
 * of empty segments), then percent-encoding of everything but unreserved
 * characters and '/'.  The input is not decoded first: non-S3 services
 * expect the path to be encoded twice.
 */
static int
append_canonical_path(Buf *b, const char *path)
{
	size_t		len = strlen(path);
	size_t		nseg_max = 1;
	size_t		nseg = 0;
	Segment    *segs;
	size_t		i;
	size_t		start;

	if (len == 0)
	{
		buf_putc(b, '/');
		return 1;
	}
	for (i = 0; i < len; i++)
		if (path[i] == '/')
			nseg_max++;
	segs = malloc(nseg_max * sizeof(Segment));
	if (segs == NULL)
		return 0;

	start = 0;
	for (i = 0; i <= len; i++)
	{
		if (i == len || path[i] == '/')
		{
			const char *s = path + start;
			size_t		n = i - start;

			if (n == 0 || (n == 1 && s[0] == '.'))
				;				/* empty or "." segment: drop */
			else if (n == 2 && s[0] == '.' && s[1] == '.')
			{
				if (nseg > 0)
					nseg--;
			}
			else
			{
				segs[nseg].s = s;
				segs[nseg].n = n;
				nseg++;
			}
			start = i + 1;
		}
	}

	if (path[0] == '/')
		buf_putc(b, '/');
	for (i = 0; i < nseg; i++)
	{
		if (i > 0)
			buf_putc(b, '/');
		buf_uri_encode(b, segs[i].s, segs[i].n);
	}
	if (path[len - 1] == '/' && nseg > 0)
		buf_putc(b, '/');
	free(segs);
	return 1;
}

typedef struct QueryParam
{
	char	   *name;			/* encoded */
	char	   *value;			/* encoded */
} QueryParam;

static int
query_param_cmp(const void *a, const void *b)
{
	const QueryParam *x = a;
	const QueryParam *y = b;
	int			c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Decode then re-encode s[0..n); returns a malloc'd string or NULL. */
static char *
normalise_component(const char *s, size_t n)
{
	Buf			dec = BUF_INIT;
	Buf			enc = BUF_INIT;

	buf_reserve(&dec, n);
	buf_uri_decode(&dec, s, n);
	if (dec.failed)
	{
		buf_free(&dec);
		return NULL;
	}
	buf_reserve(&enc, dec.len);	/* also allocates for an empty result */
	buf_uri_encode(&enc, dec.data, dec.len);
	buf_free(&dec);
	if (enc.failed)
	{
		buf_free(&enc);
		return NULL;
	}
	return enc.data;
}

/*
 * Query: decoding before encoding makes the result the same whether the
 * caller passes the query as it goes on the wire ("a=b%20c") or unencoded
 * ("a=b c"), and it is what the server does before it re-canonicalises.
 */
static int
append_canonical_query(Buf *b, const char *query)
{
	size_t		len;
	size_t		nmax = 1;
	size_t		np = 0;
	QueryParam *params;
	size_t		i;
	size_t		start;
	int			ok = 1;

	if (query == NULL || query[0] == '\0')
		return 1;
	len = strlen(query);
	for (i = 0; i < len; i++)
		if (query[i] == '&')
			nmax++;
	params = calloc(nmax, sizeof(QueryParam));
	if (params == NULL)
		return 0;

	start = 0;
	for (i = 0; i <= len && ok; i++)
	{
		if (i == len || query[i] == '&')
		{
			const char *s = query + start;
			size_t		n = i - start;
			const char *eq = n > 0 ? memchr(s, '=', n) : NULL;
			size_t		nlen = eq ? (size_t) (eq - s) : n;

			start = i + 1;
			if (n == 0)
				continue;		/* "a=1&&b=2" or a trailing '&' */
			params[np].name = normalise_component(s, nlen);
			params[np].value = eq ? normalise_component(eq + 1, n - nlen - 1)
				: normalise_component("", 0);
			np++;
			if (params[np - 1].name == NULL || params[np - 1].value == NULL)
				ok = 0;
		}
	}

	if (ok)
	{
		qsort(params, np, sizeof(QueryParam), query_param_cmp);
		for (i = 0; i < np; i++)
		{
			if (i > 0)
				buf_putc(b, '&');
			buf_puts(b, params[i].name);
			buf_putc(b, '=');
			buf_puts(b, params[i].value);
		}
	}
	for (i = 0; i < np; i++)
	{
		free(params[i].name);
		free(params[i].value);
	}
	free(params);
	return ok;
}

typedef struct HeaderEntry
{
	char	   *lname;			/* lower-cased name */
	const char *value;
	size_t		order;			/* position in the caller's array */
} HeaderEntry;

static int
header_entry_cmp(const void *a, const void *b)
{
	const HeaderEntry *x = a;
	const HeaderEntry *y = b;
	int			c = strcmp(x->lname, y->lname);

	/*
	 * qsort is not stable; falling back on the original position keeps the
	 * values of a repeated header in the order the caller gave them, which
	 * the ','-joined canonical value depends on.
	 */
	if (c != 0)
		return c;
	return (x->order > y->order) - (x->order < y->order);
}

/* Trimall: strip leading/trailing whitespace, collapse inner runs to ' '. */
static void
buf_trimall(Buf *b, const char *v)
{
	int			started = 0;
	int			pending_space = 0;
	const char *run = NULL;		/* start of a pending run of non-space */

	for (; *v; v++)
	{
		if (is_ws((unsigned char) *v))
		{
			if (run)
			{
				buf_append(b, run, (size_t) (v - run));
				run = NULL;
			}
			if (started)
				pending_space = 1;
		}
		else
		{
			if (pending_space)
			{
				buf_putc(b, ' ');
				pending_space = 0;
			}
			if (!run)
				run = v;
			started = 1;
		}
	}
	if (run)
		buf_append(b, run, (size_t) (v - run));
}

/*
 * Appends one "name:value\n" line per distinct header name to cr (the blank
 * line that closes the block is the caller's), and writes "a;b;c" to sh.
 */
static int
append_canonical_headers(Buf *cr, Buf *sh, const SigV4Params *p)
{
	size_t		n = (size_t) p->nheaders;
	HeaderEntry *ents;
	size_t		i;
	size_t		j;
	int			ok = 1;

	/* make sure sh owns a buffer even when there are no headers */
	buf_reserve(sh, 0);
	if (n == 0)
	{
		/* botocore still emits the (empty) header line in this case */
		buf_putc(cr, '\n');
		return !sh->failed;
	}
	ents = calloc(n, sizeof(HeaderEntry));
	if (ents == NULL)
		return 0;
	for (i = 0; i < n && ok; i++)
	{
		const char *name = p->headers[i].name;
		size_t		nlen = strlen(name);

		ents[i].lname = malloc(nlen + 1);
		if (ents[i].lname == NULL)
		{
			ok = 0;
			break;
		}
		for (j = 0; j <= nlen; j++)
			ents[i].lname[j] = (char) ascii_lower((unsigned char) name[j]);
		ents[i].value = p->headers[i].value;
		ents[i].order = i;
	}

	if (ok)
	{
		qsort(ents, n, sizeof(HeaderEntry), header_entry_cmp);
		for (i = 0; i < n; i++)
		{
			int			first = (i == 0 || strcmp(ents[i].lname, ents[i - 1].lname) != 0);

			if (first)
			{
				if (i > 0)
				{
					buf_putc(cr, '\n');
					buf_putc(sh, ';');
				}
				buf_puts(cr, ents[i].lname);
				buf_putc(cr, ':');
				buf_puts(sh, ents[i].lname);
			}
			else
				buf_putc(cr, ',');	/* repeated header: combine values */
			buf_trimall(cr, ents[i].value);
		}
		buf_putc(cr, '\n');	/* end of the last header line */
	}
	for (i = 0; i < n; i++)
		free(ents[i].lname);
	free(ents);
	return ok;
}

/*
 * Builds the canonical request into cr and the SignedHeaders list into sh.
 * Returns 1 on success, 0 on invalid params or allocation failure; the
 * caller frees both buffers either way.
 */
static int
build_canonical_request(const SigV4Params *p, Buf *cr, Buf *sh)
{
	const char *s;
	const char *content_sha = NULL;
	char		payload_hash[65];
	int			i;

	if (!params_valid(p))
		return 0;

	for (s = p->method; *s; s++)
		buf_putc(cr, (char) ascii_upper((unsigned char) *s));
	buf_putc(cr, '\n');
	if (!append_canonical_path(cr, p->path))
		return 0;
	buf_putc(cr, '\n');
	if (!append_canonical_query(cr, p->query))
		return 0;
	buf_putc(cr, '\n');
	if (!append_canonical_headers(cr, sh, p))
		return 0;
	buf_putc(cr, '\n');
	buf_append(cr, sh->data, sh->len);
	buf_putc(cr, '\n');

	/*
	 * An explicit x-amz-content-sha256 header is what the server will use as
	 * the payload hash (this is how UNSIGNED-PAYLOAD works), so it takes the
	 * place of hashing the body.  The first occurrence, verbatim, as botocore
	 * does.
	 */
	for (i = 0; i < p->nheaders; i++)
	{
		if (ascii_case_equal(p->headers[i].name, "x-amz-content-sha256"))
		{
			content_sha = p->headers[i].value;
			break;
		}
	}
	if (content_sha != NULL)
		buf_puts(cr, content_sha);
	else
	{
		if (!sha256_hex(p->payload, p->payload_len, payload_hash))
			return 0;
		buf_puts(cr, payload_hash);
	}
	return !cr->failed && !sh->failed;
}

/* Appends "YYYYMMDD/region/service/aws4_request". */
static void
append_scope(Buf *b, const SigV4Params *p)
{
	buf_append(b, p->amz_date, 8);
	buf_putc(b, '/');
	buf_puts(b, p->region);
	buf_putc(b, '/');
	buf_puts(b, p->service);
	buf_putc(b, '/');
	buf_puts(b, SIGV4_TERMINATOR);
}

static int
build_string_to_sign(const SigV4Params *p, Buf *sts, Buf *sh)
{
	Buf			cr = BUF_INIT;
	char		cr_hash[65];
	int			ok;

	ok = build_canonical_request(p, &cr, sh) &&
		sha256_hex(cr.data, cr.len, cr_hash);
	buf_free(&cr);
	if (!ok)
		return 0;

	buf_puts(sts, SIGV4_ALGORITHM);
	buf_putc(sts, '\n');
	buf_puts(sts, p->amz_date);
	buf_putc(sts, '\n');
	append_scope(sts, p);
	buf_putc(sts, '\n');
	buf_puts(sts, cr_hash);
	return !sts->failed;
}

/* Derives the signing key and writes hex(HMAC(key, sts)) to sig. */
static int
compute_signature(const SigV4Params *p, const Buf *sts, char sig[65])
{
	size_t		sklen = strlen(p->secret_key);
	unsigned char *k0;
	unsigned char k1[SHA256_LEN];
	unsigned char k2[SHA256_LEN];
	int			ok;

	if (sklen > SIZE_MAX - 4)
		return 0;
	k0 = malloc(sklen + 4);
	if (k0 == NULL)
		return 0;
	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, p->secret_key, sklen);

	/*
	 * kDate -> kRegion -> kService -> kSigning, alternating between the two
	 * stack buffers; && stops at the first failure.
	 */
	ok = hmac_sha256(k0, sklen + 4, p->amz_date, 8, k1) &&
		hmac_sha256(k1, SHA256_LEN, p->region, strlen(p->region), k2) &&
		hmac_sha256(k2, SHA256_LEN, p->service, strlen(p->service), k1) &&
		hmac_sha256(k1, SHA256_LEN, SIGV4_TERMINATOR,
					strlen(SIGV4_TERMINATOR), k2) &&
		hmac_sha256(k2, SHA256_LEN, sts->data, sts->len, k1);
	if (ok)
		hex_encode(k1, SHA256_LEN, sig);

	/* the secret and everything derived from it stay out of freed memory */
	OPENSSL_cleanse(k0, sklen + 4);
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	free(k0);
	return ok;
}

/*
 * Copies the finished string to the caller if it fits entirely.  out is
 * set to "" first so a failure never leaves stale or partial text behind.
 */
static int
emit(const Buf *b, int ok, char *out, size_t outlen)
{
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (!ok || b->failed || b->data == NULL || out == NULL)
		return -1;
	if (b->len > (size_t) INT_MAX || b->len >= outlen)
		return -1;
	memcpy(out, b->data, b->len + 1);
	return (int) b->len;
}

/* ------------------------------------------------------------------------
 * Public entry points
 * ------------------------------------------------------------------------ */

int
sigv4_canonical_request(const SigV4Params *p, char *out, size_t outlen)
{
	Buf			cr = BUF_INIT;
	Buf			sh = BUF_INIT;
	int			ok;
	int			ret;

	ok = build_canonical_request(p, &cr, &sh);
	ret = emit(&cr, ok, out, outlen);
	buf_free(&cr);
	buf_free(&sh);
	return ret;
}

int
sigv4_string_to_sign(const SigV4Params *p, char *out, size_t outlen)
{
	Buf			sts = BUF_INIT;
	Buf			sh = BUF_INIT;
	int			ok;
	int			ret;

	ok = build_string_to_sign(p, &sts, &sh);
	ret = emit(&sts, ok, out, outlen);
	buf_free(&sts);
	buf_free(&sh);
	return ret;
}

int
sigv4_authorization(const SigV4Params *p, char *out, size_t outlen)
{
	Buf			sts = BUF_INIT;
	Buf			sh = BUF_INIT;
	Buf			auth = BUF_INIT;
	char		sig[65];
	int			ok;
	int			ret;

	ok = build_string_to_sign(p, &sts, &sh) &&
		compute_signature(p, &sts, sig);
	if (ok)
	{
		buf_puts(&auth, SIGV4_ALGORITHM " Credential=");
		buf_puts(&auth, p->access_key);
		buf_putc(&auth, '/');
		append_scope(&auth, p);
		buf_puts(&auth, ", SignedHeaders=");
		buf_append(&auth, sh.data, sh.len);
		buf_puts(&auth, ", Signature=");
		buf_puts(&auth, sig);
	}
	ret = emit(&auth, ok, out, outlen);
	buf_free(&sts);
	buf_free(&sh);
	buf_free(&auth);
	return ret;
}
