/*-------------------------------------------------------------------------
 * names.c
 *		The naming rules, one of each, for every caller.
 *
 * Why one file: an environment name ends up inside table names, a region
 * inside an endpoint's host name, a table name inside request bodies and
 * ARNs.  When options.c, the DBA functions and IMPORT FOREIGN SCHEMA each
 * kept a copy, the copies drifted apart in strictness.  The rules live
 * here as predicates; the messages stay with the caller where they differ
 * (an option's value or a function's argument), the hints come from here.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/xact.h"
#include "utils/timestamp.h"

#include "names.h"

/* ---------- environments and tables ---------- */

/* A name: how long it may be, which characters it may use, the hints. */
typedef struct NameRule
{
	int			min_len;
	int			max_len;
	bool		(*allowed) (char c);
	const char *length_hint;
	const char *chars_hint;
} NameRule;

/* MAIP environments become part of table names, so keep them name-safe. */
static bool
is_env_char(char c)
{
	return isalnum((unsigned char) c) || c == '-' || c == '_';
}

static const NameRule env_rule = {
	1, 32, is_env_char,
	"An environment name has 1 to 32 characters, e.g. dev or prod.",
	"An environment name uses letters, digits, '-' and '_' only."
};

/* DynamoDB's rule for table (and backup) names. */
static bool
is_name_char(char c)
{
	return isalnum((unsigned char) c) || c == '_' || c == '-' || c == '.';
}

static const NameRule table_rule = {
	3, 255, is_name_char,
	"DynamoDB table names have 3 to 255 characters.",
	"DynamoDB table names use only letters, digits, '_', '-' and '.'."
};

/* NULL when s follows the rule, else the hint that fits. */
static const char *
name_problem(const char *s, const NameRule *rule)
{
	int			len = strlen(s);

	if (len < rule->min_len || len > rule->max_len)
		return rule->length_hint;
	for (const char *p = s; *p; p++)
		if (!rule->allowed(*p))
			return rule->chars_hint;
	return NULL;
}

const char *
maip_env_name_problem(const char *env)
{
	return name_problem(env, &env_rule);
}

const char *
maip_table_name_problem(const char *name)
{
	return name_problem(name, &table_rule);
}

void
maip_check_env_name(const char *env)
{
	const char *problem = maip_env_name_problem(env);

	if (problem)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid MAIP environment name \"%s\"", env),
				 errhint("%s", problem)));
}

/* Backups follow the same rule as tables. */
bool
maip_is_dynamodb_name(const char *name)
{
	return maip_table_name_problem(name) == NULL;
}

char *
maip_env_prefix(const char *env)
{
	return psprintf("maip-%s-", env);
}

char *
maip_short_table_name(const char *table, const char *prefix)
{
	char	   *name = pstrdup(table + strlen(prefix));

	for (char *p = name; *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	return name;
}

/* A MAIP short name: lower-case letters, digits, '_' and '-', starting with a letter. */
static bool
is_short_name(const char *name)
{
	if (!(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	if (strncmp(name, "maip-", 5) == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

char *
maip_resolve_table_name(const char *env, const char *name)
{
	char	   *table;

	if (is_short_name(name))
	{
		table = psprintf("%s%s", maip_env_prefix(env), name);
		for (char *p = table + strlen(table) - strlen(name); *p; p++)
			if (*p == '_')
				*p = '-';
	}
	else
		table = pstrdup(name);
	if (!maip_is_dynamodb_name(table))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 strcmp(table, name) == 0
				 ? errmsg("invalid DynamoDB table name \"%s\"", table)
				 : errmsg("invalid DynamoDB table name \"%s\" (from \"%s\")", table, name),
				 errhint("DynamoDB table names have 3 to 255 characters: letters, digits, '_', '-' and '.'.")));
	return table;
}

/* ---------- backups ---------- */

void
maip_check_backup_name(const char *name)
{
	if (!maip_is_dynamodb_name(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid backup name \"%s\"", name),
				 errhint("Backup names have 3 to 255 characters: letters, digits, '_', '-' and '.'.")));
}

char *
maip_default_backup_name(const char *table)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	char	   *name;

	if (timestamp2tm(GetCurrentTransactionStartTimestamp(), &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	name = psprintf("%s-%04d%02d%02d", table, tm.tm_year, tm.tm_mon, tm.tm_mday);
	if (!maip_is_dynamodb_name(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the default backup name, \"%s-YYYYMMDD\", would be longer than 255 characters",
						table),
				 errhint("Give a backup name.")));
	return name;
}

/* Cut s at the first n - 1 occurrences of sep: fields[n - 1] is the rest. */
static bool
split_fields(char *s, char sep, char **fields, int n)
{
	for (int i = 0; i < n - 1; i++)
	{
		char	   *end = strchr(s, sep);

		if (end == NULL)
			return false;
		*end = '\0';
		fields[i] = s;
		s = end + 1;
	}
	fields[n - 1] = s;
	return true;
}

static bool
all_of(const char *s, const char *chars)
{
	return strspn(s, chars) == strlen(s);
}

/* table/<table>/backup/<id> */
static bool
is_backup_resource(char *resource)
{
	char	   *table = resource + 6;
	char	   *slash;

	if (strncmp(resource, "table/", 6) != 0)
		return false;
	slash = strchr(table, '/');
	if (slash == NULL || strncmp(slash, "/backup/", 8) != 0)
		return false;
	*slash = '\0';
	return maip_is_dynamodb_name(table) && slash[8] != '\0' &&
		all_of(slash + 8, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
}

/* arn:<partition>:dynamodb:<region>:<12-digit account>:table/<table>/backup/<id> */
static bool
is_backup_arn(const char *arn)
{
	char	   *fields[6];
	size_t		len = strlen(arn);

	if (len < 37 || len > 1024 || !split_fields(pstrdup(arn), ':', fields, 6))
		return false;
	return strcmp(fields[0], "arn") == 0 &&
		strncmp(fields[1], "aws", 3) == 0 &&
		all_of(fields[1], "abcdefghijklmnopqrstuvwxyz-") &&
		strcmp(fields[2], "dynamodb") == 0 &&
		maip_region_is_valid(fields[3]) &&
		strlen(fields[4]) == 12 && all_of(fields[4], "0123456789") &&
		is_backup_resource(fields[5]);
}

void
maip_check_backup_arn(const char *arn)
{
	if (!is_backup_arn(arn))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid DynamoDB backup ARN \"%s\"", arn),
				 errhint("A backup ARN looks like arn:aws:dynamodb:us-east-1:123456789012:table/maip-dev-orders/backup/01700000000000-abcdef12; list_backups() shows them.")));
}

char *
maip_backup_arn_table(const char *arn)
{
	const char *t = strstr(arn, ":table/");
	const char *end = t ? strstr(t + 7, "/backup/") : NULL;

	return end ? pnstrdup(t + 7, end - (t + 7)) : NULL;
}

/* ---------- regions ---------- */

/* Length of the run of lowercase ASCII letters at p. */
static int
lower_run(const char *p)
{
	int			n = 0;

	while (p[n] >= 'a' && p[n] <= 'z')
		n++;
	return n;
}

/*
 * Is this an AWS region name?  <area>[-<qualifier>]-<direction>-<number>:
 * area two letters (or eusc-<two letters>), qualifier gov or iso[a-z],
 * direction a word, number one or two digits: us-east-1, us-gov-west-1,
 * cn-northwest-1, us-isob-east-1, eusc-de-east-1.  Strict on purpose: the
 * region becomes a DNS label of the default endpoint, and a looser rule
 * let "s3" turn dynamodb.<region>.amazonaws.com into an S3 bucket host.
 */
bool
maip_region_is_valid(const char *region)
{
	const char *p = region;
	int			n;

	if (region == NULL || strlen(region) > 32)
		return false;
	if (strncmp(p, "eusc-", 5) == 0)
		p += 5;
	if (lower_run(p) != 2 || p[2] != '-')
		return false;
	p += 3;
	n = lower_run(p);
	if (p[n] == '-' && lower_run(p + n + 1) > 0 &&
		((n == 3 && strncmp(p, "gov", 3) == 0) ||
		 ((n == 3 || n == 4) && strncmp(p, "iso", 3) == 0)))
	{
		/* the qualifier, when a direction word follows it */
		p += n + 1;
		n = lower_run(p);
	}
	if (n < 1 || n > 16 || p[n] != '-')
		return false;
	p += n + 1;
	n = 0;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	return (n == 1 || n == 2) && p[n] == '\0';
}

void
maip_check_region(const char *region)
{
	if (!maip_region_is_valid(region))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AWS region \"%s\"", region),
				 errhint("A region looks like us-west-2 or eu-central-1.")));
}
