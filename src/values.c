/*-------------------------------------------------------------------------
 * values.c
 *		Which values DynamoDB can take in a condition, and what a condition
 *		becomes when its value cannot be sent.
 *
 * DynamoDB refuses some values PostgreSQL compares happily: empty strings
 * and binaries as key values, and numbers it cannot store (NaN, Infinity,
 * magnitudes above 9.99..E+125 or below 1E-130, more than 38 significant
 * digits).  Sending one is an error; keeping the condition local costs a
 * bigger read.  But no stored item holds such a value, so most conditions
 * can be decided instead: "sk > ''" holds for every key, "sk < 1E+200"
 * for every number, "pk = ''" for none, and "n > 1.000...0001" (40
 * digits) is "n > 1" for every number DynamoDB can hold.  The planner
 * decides for constants; the executor, for parameters and stable
 * expressions, once their values are known (maip_value_use).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "values.h"

#define MAX_DIGITS 38			/* significant digits DynamoDB keeps */
#define MAX_EXPONENT 125		/* largest: 9.99..9E+125 (38 nines) */
#define MIN_EXPONENT (-130)		/* smallest magnitude: 1E-130 */

/* "d.dddE<exp>" for digits (most significant first) times 10^exp. */
static char *
scientific(bool negative, const char *digits, int ndigits, int exponent)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (negative)
		appendStringInfoChar(&buf, '-');
	appendStringInfoChar(&buf, digits[0]);
	if (ndigits > 1)
	{
		appendStringInfoChar(&buf, '.');
		appendBinaryStringInfo(&buf, digits + 1, ndigits - 1);
	}
	appendStringInfo(&buf, "E%d", exponent);
	return buf.data;
}

/*
 * The two numbers of 38 significant digits around one with more (digits,
 * most significant first, times 10^exponent, its sign given apart): the
 * leading 38 digits, and one unit more in the last of them.  False when
 * the one above would pass DynamoDB's largest exponent.
 */
static bool
neighbours_38(bool negative, const char *digits, int exponent, char **lo, char **hi)
{
	char	   *up = palloc(MAX_DIGITS + 1);
	int			upexp = exponent;
	int			i;

	memcpy(up, digits, MAX_DIGITS);
	for (i = MAX_DIGITS - 1; i >= 0 && up[i] == '9'; i--)
		up[i] = '0';
	if (i >= 0)
		up[i]++;
	else
	{
		up[0] = '1';			/* 99..9 + 1 = 10..0 */
		upexp++;
		if (upexp > MAX_EXPONENT)
			return false;
	}
	*lo = scientific(false, digits, MAX_DIGITS, exponent);
	*hi = scientific(false, up, MAX_DIGITS, upexp);
	if (negative)
	{
		char	   *t = *lo;

		*lo = psprintf("-%s", *hi);
		*hi = psprintf("-%s", t);
	}
	return true;
}

/*
 * A number as numeric_out prints it ("-12.3400", "NaN", "Infinity"),
 * classified against DynamoDB's range and precision.  For MAIP_FIT_BETWEEN
 * *floor_n and *ceil_n are the adjacent storable numbers below and above.
 */
static MaipValueFit
number_fit(const char *s, char **floor_n, char **ceil_n)
{
	bool		negative = false;
	char	   *digits;
	int			ndigits = 0;
	int			point = -1;		/* digits before the decimal point */
	int			first;
	int			last;
	int			nsig;
	int			exponent;
	char	   *lo;
	char	   *hi;

	if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0)
		return MAIP_FIT_ABOVE;	/* PostgreSQL sorts NaN above every number */
	if (strcmp(s, "-Infinity") == 0)
		return MAIP_FIT_BELOW;
	if (*s == '-')
	{
		negative = true;
		s++;
	}
	digits = palloc(strlen(s) + 2);
	for (; *s; s++)
	{
		if (*s == '.')
			point = ndigits;
		else if (isdigit((unsigned char) *s))
			digits[ndigits++] = *s;
		else
			return MAIP_FIT_OK; /* not numeric_out's form: leave it to DynamoDB */
	}
	if (point < 0)
		point = ndigits;
	for (first = 0; first < ndigits && digits[first] == '0'; first++)
		;
	if (first == ndigits)
		return MAIP_FIT_OK;		/* zero */
	for (last = ndigits - 1; digits[last] == '0'; last--)
		;
	nsig = last - first + 1;
	exponent = point - first - 1;	/* of the most significant digit */

	if (exponent > MAX_EXPONENT)
		return negative ? MAIP_FIT_BELOW : MAIP_FIT_ABOVE;
	if (exponent < MIN_EXPONENT)
	{
		/* between zero and the smallest storable magnitude */
		lo = negative ? "-1E-130" : "0";
		hi = negative ? "0" : "1E-130";
	}
	else if (nsig > MAX_DIGITS)
	{
		if (!neighbours_38(negative, digits + first, exponent, &lo, &hi))
			return negative ? MAIP_FIT_BELOW : MAIP_FIT_ABOVE;
	}
	else
		return MAIP_FIT_OK;
	if (floor_n)
		*floor_n = lo;
	if (ceil_n)
		*ceil_n = hi;
	return MAIP_FIT_BETWEEN;
}

/*
 * How a value of DynamoDB type 'type' (S, N, B or T) fits what DynamoDB
 * stores.  Integers always fit; numeric values are checked digit by digit.
 */
MaipValueFit
maip_value_fit(Datum value, Oid typid, char type, char **floor_n, char **ceil_n)
{
	Oid			base = getBaseType(typid);

	switch (type)
	{
		case 'S':
		case 'B':
			return VARSIZE_ANY_EXHDR(DatumGetPointer(value)) == 0 ? MAIP_FIT_EMPTY : MAIP_FIT_OK;
		case 'N':
			if (base == INT2OID || base == INT4OID || base == INT8OID)
				return MAIP_FIT_OK;
			if (base == NUMERICOID)
				return number_fit(DatumGetCString(DirectFunctionCall1(numeric_out, value)),
								  floor_n, ceil_n);
			return MAIP_FIT_OK;
		default:
			return MAIP_FIT_OK;
	}
}

/*
 * What to do with a value in its role (see values.h).  For a number that
 * lies between two storable ones, a sort-key bound is rounded to the
 * neighbour that keeps the condition's answer for every storable number:
 * "> v" and "<= v" use the one below (*send_n), ">= v" and "< v" the one
 * above.
 */
MaipValueUse
maip_value_use(Datum value, Oid typid, char type, char role, char **send_n)
{
	char	   *floor_n = NULL;
	char	   *ceil_n = NULL;
	MaipValueFit fit = maip_value_fit(value, typid, type, &floor_n, &ceil_n);

	*send_n = NULL;
	if (fit == MAIP_FIT_OK)
		return MAIP_USE_SEND;
	switch (role)
	{
		case MAIP_ROLE_GT:
		case MAIP_ROLE_GE:
			if (fit == MAIP_FIT_EMPTY || fit == MAIP_FIT_BELOW)
				return MAIP_USE_DROP;
			if (fit == MAIP_FIT_ABOVE)
				return MAIP_USE_NO_MATCH;
			*send_n = role == MAIP_ROLE_GT ? floor_n : ceil_n;
			return MAIP_USE_SEND;
		case MAIP_ROLE_LT:
		case MAIP_ROLE_LE:
			if (fit == MAIP_FIT_ABOVE)
				return MAIP_USE_DROP;
			if (fit == MAIP_FIT_EMPTY || fit == MAIP_FIT_BELOW)
				return MAIP_USE_NO_MATCH;
			*send_n = role == MAIP_ROLE_LE ? floor_n : ceil_n;
			return MAIP_USE_SEND;
		case MAIP_ROLE_PREFIX:
		case MAIP_ROLE_LIKE:
			/* every key begins with the empty string */
			return fit == MAIP_FIT_EMPTY ? MAIP_USE_DROP : MAIP_USE_SEND;
		case MAIP_ROLE_FILTER:
			/* filters take empty values; other terms with parameters are rechecked */
			return fit == MAIP_FIT_EMPTY ? MAIP_USE_SEND : MAIP_USE_DROP;
		default:
			/* key equality: no key holds such a value */
			return MAIP_USE_NO_MATCH;
	}
}

/* Can this constant go into a FilterExpression as it is? */
bool
maip_const_sendable(Datum value, Oid typid, char type)
{
	MaipValueFit fit = maip_value_fit(value, typid, type, NULL, NULL);

	return fit == MAIP_FIT_OK || fit == MAIP_FIT_EMPTY;
}

/*
 * The literal prefix of a LIKE pattern (backslash escapes, as PostgreSQL
 * has rewritten any ESCAPE clause by then), and whether the pattern is
 * exactly that prefix followed by one '%' (then begins_with is exact).
 */
char *
maip_like_prefix(const char *pattern, bool *exact)
{
	StringInfoData buf;
	const char *p = pattern;

	initStringInfo(&buf);
	*exact = false;
	while (*p && *p != '%' && *p != '_')
	{
		if (*p == '\\')
		{
			if (p[1] == '\0')
				return buf.data;	/* PostgreSQL will refuse the pattern itself */
			p++;
		}
		appendStringInfoChar(&buf, *p++);
	}
	*exact = p[0] == '%' && p[1] == '\0';
	return buf.data;
}
