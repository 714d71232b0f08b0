/*-------------------------------------------------------------------------
 * convert.c
 *		DynamoDB AttributeValues -> PostgreSQL values.
 *
 * An AttributeValue arrives as a one-member JSON object, {"S": "..."},
 * {"N": "12.5"}, {"M": {...}}, ...  Numbers are strings on the wire, so N
 * keeps every one of its up to 38 digits when it goes through numeric_in.
 *
 * The rules, by the column's type:
 *   text            any value; S as is, N as its digits, B as base64, BOOL
 *                   as true/false, M, L and sets as plain JSON
 *   numeric, int*, float*      N or S, through the type's input function
 *   boolean         BOOL, or S/N through boolin
 *   bytea           B (base64-decoded), or S through byteain
 *   json, jsonb     any value as plain JSON (M -> object, L and sets ->
 *                   array, numbers stay numbers)
 *   arrays          SS, NS, BS and L element by element; S through array_in
 *   anything else   S, N and BOOL through the type's input function
 * NULL is SQL NULL.  Anything else is an error naming both types; the
 * caller's error context adds the column, attribute and item key.
 *
 * Strings from the wire are checked before they become values: bytes that
 * are not UTF-8 are an error (22021), as is U+0000 (22P05) where the value
 * is PostgreSQL text - text cannot hold it.  The answer parser keeps a
 * \u0000 escape as WIRE_NUL_MARKER (see wire.h) instead of letting cJSON
 * cut the string there; in JSON output (json, jsonb, the plain JSON of M,
 * L and sets) it is written back as \u0000, so a json column keeps it and
 * jsonb refuses it exactly as PostgreSQL's jsonb input does.
 *
 * maip_check_answer and maip_check_table_description check a whole parsed
 * answer once (wire.c's tree checks) and report the first problem with
 * the item's key; the converters can then rely on the shape.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "convert.h"
#include "wire.h"

static Datum convert_tagged(const MaipConverter *cv, const char *tag,
							const cJSON *value, bool *isnull);
static void append_plain_json(StringInfo buf, const char *tag, const cJSON *value, int depth);
static void av_to_plain_json(StringInfo buf, const cJSON *av, int depth);
static void item_to_plain_json(StringInfo buf, const cJSON *item, int depth);

/* ---------- strings from the wire ---------- */

/* Where s[0..len) stops being UTF-8 (WIRE_NUL_MARKER allowed); len if never. */
static size_t
utf8_prefix(const char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		int			n = ((unsigned char) s[i] < 0x80) ? 1 : pg_utf_mblen((const unsigned char *) s + i);

		if (n == 1 && (unsigned char) s[i] < 0x80)
			i++;
		else if (len - i >= 2 && memcmp(s + i, WIRE_NUL_MARKER, 2) == 0)
			i += 2;
		else if ((size_t) n <= len - i && wire_is_utf8(s + i, n, false))
			i += n;
		else
			return i;
	}
	return len;
}

static void append_display_text(StringInfo buf, const char *s);

/*
 * s, a string of an answer that maip_check_answer passed (so already
 * UTF-8), about to become a PostgreSQL value: an error if it holds U+0000
 * (the marker wire_parse_json leaves for \u0000), unless nul_ok (JSON
 * output, which writes it back as \u0000).
 */
static void
check_no_nul(const char *s)
{
	if (strstr(s, WIRE_NUL_MARKER) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("DynamoDB string contains the character U+0000, which PostgreSQL text cannot hold"),
				 errhint("A json column reads the attribute with the character as \\u0000.")));
}

/* A string from the answer as a JSON string, U+0000 as \u0000. */
static void
append_json_text(StringInfo buf, const char *s)
{
	StringInfoData tmp;
	char	   *p;
	char	   *mark;

	if (strstr(s, WIRE_NUL_MARKER) == NULL)
	{
		escape_json(buf, s);
		return;
	}
	/* escape_json copies the marker's bytes as they are: replace them after */
	initStringInfo(&tmp);
	escape_json(&tmp, s);
	for (p = tmp.data; (mark = strstr(p, WIRE_NUL_MARKER)) != NULL; p = mark + 2)
	{
		appendBinaryStringInfo(buf, p, mark - p);
		appendStringInfoString(buf, "\\u0000");
	}
	appendStringInfoString(buf, p);
	pfree(tmp.data);
}

/*
 * s quoted for an error message, whatever its bytes: UTF-8 as it is (JSON
 * escapes for quotes and control characters), U+0000 as \u0000, and bytes
 * that are not UTF-8 as \xNN, so that a message never carries them.
 */
static void
append_display_text(StringInfo buf, const char *s)
{
	size_t		len = strlen(s);
	size_t		i = 0;

	if (wire_is_utf8(s, len, false))
	{
		escape_json(buf, s);
		return;
	}
	appendStringInfoChar(buf, '"');
	while (i < len)
	{
		size_t		ok = utf8_prefix(s + i, len - i);
		char	   *piece = pnstrdup(s + i, ok);
		StringInfoData q;

		/* the valid run, escaped, without escape_json's quotes */
		initStringInfo(&q);
		escape_json(&q, piece);
		for (char *p = q.data + 1; p < q.data + q.len - 1; p++)
		{
			if (p[0] == '\xC0' && p[1] == '\x80')
			{
				appendStringInfoString(buf, "\\u0000");
				p++;
			}
			else
				appendStringInfoChar(buf, *p);
		}
		i += ok;
		if (i < len)
			appendStringInfo(buf, "\\x%02x", (unsigned char) s[i++]);
	}
	appendStringInfoChar(buf, '"');
}

/* ---------- whole answers ---------- */

/* " (attribute "a" of the item with key (k="1"))", or "" when unknown. */
static char *
problem_location(const WireProblem *pr, List *key_names)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	if (pr->item == NULL)
		return "";
	initStringInfo(&buf);
	appendStringInfoString(&buf, " (");
	if (pr->attribute && pr->attribute->string)
	{
		appendStringInfoString(&buf, "attribute ");
		append_display_text(&buf, pr->attribute->string);
		appendStringInfoString(&buf, " of ");
	}
	appendStringInfoString(&buf, "the item");
	foreach(lc, key_names)
	{
		const char *name = strVal(lfirst(lc));
		const cJSON *av = cJSON_GetObjectItemCaseSensitive(pr->item, name);

		appendStringInfo(&buf, "%s%s=", first ? " with key (" : ", ", name);
		if (av)
			maip_av_to_display(&buf, av);
		else
			appendStringInfoChar(&buf, '?');
		first = false;
	}
	if (!first)
		appendStringInfoChar(&buf, ')');
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * Checks a parsed Scan, Query, GetItem or BatchGetItem answer (one walk,
 * no allocation unless it is bad): an error unless it has the shape
 * DynamoDB documents (items are objects of one-member AttributeValues of
 * the right JSON types, at most 32 levels deep, numbers are decimals,
 * Count and ScannedCount are integers) and its names and strings are
 * UTF-8.  key_names (String nodes, may be NIL) are the key attributes
 * shown for the item a problem is in.  U+0000 in a string is not a
 * problem here: it is one only where the value becomes text.
 */
void
maip_check_answer(const cJSON *answer, const char *operation, const char *table,
				  List *key_names)
{
	WirePage	page;
	WireProblem pr;
	char	   *detail;

	if (wire_check_page_tree(answer, WIRE_CHECK_ANSWER, &page, &pr) == 1)
		return;
	/* wire.c's reasons are lower-case phrases: a sentence for DETAIL */
	detail = psprintf("%s%s.", pr.error, problem_location(&pr, key_names));
	detail[0] = pg_toupper((unsigned char) detail[0]);
	if (pr.not_utf8)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("DynamoDB %s answer for table \"%s\" holds a string that is not valid UTF-8",
						operation, table),
				 errdetail_internal("%s", detail)));
	ereport(ERROR,
			(errcode(ERRCODE_FDW_REPLY_HANDLE),
			 errmsg("DynamoDB %s answer for table \"%s\" is malformed", operation, table),
			 errdetail_internal("%s", detail)));
}

/* Checks DescribeTable's "Table" object as far as the FDW reads it (see wire.h). */
void
maip_check_table_description(const cJSON *desc, const char *table)
{
	WireProblem pr;
	char	   *detail;

	if (wire_check_table_description(desc, WIRE_CHECK_ANSWER, &pr) == 1)
		return;
	detail = psprintf("%s.", pr.error);
	detail[0] = pg_toupper((unsigned char) detail[0]);
	ereport(ERROR,
			(errcode(pr.not_utf8 ? ERRCODE_CHARACTER_NOT_IN_REPERTOIRE : ERRCODE_FDW_REPLY_HANDLE),
			 errmsg("DynamoDB DescribeTable answer for table \"%s\" is malformed", table),
			 errdetail_internal("%s", detail)));
}

/*
 * A JSON number that is an integer int64 holds (Count, ScannedCount,
 * ItemCount...): true and *value; false for anything else, where a plain
 * (int64) cast of valuedouble would be undefined (NaN, 1e300).
 */
bool
maip_json_int64(const cJSON *v, int64 *value)
{
	int64_t		x;

	if (!wire_json_int64(v, &x))
		return false;
	*value = (int64) x;
	return true;
}

void
maip_converter_init(MaipConverter *cv, Oid typid, int32 typmod)
{
	Oid			base = getBaseType(typid);
	Oid			elemtype;
	char		category;
	bool		preferred;

	memset(cv, 0, sizeof(*cv));
	cv->typid = typid;
	cv->typmod = typmod;
	getTypeInputInfo(typid, &cv->inproc.fn_oid, &cv->ioparam);
	fmgr_info(cv->inproc.fn_oid, &cv->inproc);

	elemtype = get_element_type(base);
	get_type_category_preferred(base, &category, &preferred);

	if (base == TEXTOID && typid == TEXTOID)
		cv->kind = MAIP_KIND_TEXT;
	else if (base == NUMERICOID || base == INT2OID || base == INT4OID ||
			 base == INT8OID || base == FLOAT4OID || base == FLOAT8OID)
		cv->kind = MAIP_KIND_NUMBER;
	else if (base == BOOLOID && typid == BOOLOID)
		cv->kind = MAIP_KIND_BOOL;
	else if (base == BYTEAOID && typid == BYTEAOID)
		cv->kind = MAIP_KIND_BYTEA;
	else if (base == JSONOID)
		cv->kind = MAIP_KIND_JSON;
	else if (base == JSONBOID)
		cv->kind = MAIP_KIND_JSONB;
	else if (OidIsValid(elemtype) && typid == base)
	{
		cv->kind = MAIP_KIND_ARRAY;
		cv->elem = palloc(sizeof(MaipConverter));
		maip_converter_init(cv->elem, elemtype, -1);
		get_typlenbyvalalign(elemtype, &cv->elemlen, &cv->elembyval, &cv->elemalign);
	}
	else if (category == TYPCATEGORY_STRING)
		cv->kind = MAIP_KIND_STRINGLIKE;
	else
		cv->kind = MAIP_KIND_OTHER;
}

/* Split {"S": "x"} into its tag and value; false if it is no AttributeValue. */
bool
maip_av_unwrap(const cJSON *av, const char **tag, const cJSON **value)
{
	const cJSON *member;

	if (!cJSON_IsObject(av) || (member = av->child) == NULL || member->string == NULL)
		return false;
	*tag = member->string;
	*value = member;
	return true;
}

static void
append_json_number(StringInfo buf, const char *digits)
{
	if (wire_is_json_number(digits))
		appendStringInfoString(buf, digits);
	else
	{
		/* ".5", "+1" and such: let numeric normalise them */
		Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(digits),
										   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));

		appendStringInfoString(buf, DatumGetCString(DirectFunctionCall1(numeric_out, n)));
	}
}

/*
 * DynamoDB sets have no order, and emulators return them in hash order:
 * members are put in a stable order (strings and binaries by bytes,
 * numbers by value) so the same set always reads the same.
 */
typedef struct SetMember
{
	const cJSON *node;
	Datum		num;			/* NS: the numeric value */
	bytea	   *bytes;			/* BS: the decoded bytes */
} SetMember;

static int
compare_string_members(const void *a, const void *b)
{
	return strcmp(((const SetMember *) a)->node->valuestring,
				  ((const SetMember *) b)->node->valuestring);
}

static int
compare_number_members(const void *a, const void *b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, ((const SetMember *) a)->num,
											 ((const SetMember *) b)->num));
}

static int
compare_binary_members(const void *a, const void *b)
{
	bytea	   *x = ((const SetMember *) a)->bytes;
	bytea	   *y = ((const SetMember *) b)->bytes;
	int			lx = VARSIZE(x) - VARHDRSZ;
	int			ly = VARSIZE(y) - VARHDRSZ;
	int			c = memcmp(VARDATA(x), VARDATA(y), Min(lx, ly));

	return c ? c : (lx > ly) - (lx < ly);
}

static Datum decode_base64(const char *b64);

/* The members of an SS/NS/BS value in a stable order; *n gets their count. */
static SetMember *
sorted_set(const cJSON *set, char type, int *n)
{
	int			count = cJSON_GetArraySize(set);
	SetMember  *m = palloc0(sizeof(SetMember) * Max(count, 1));
	const cJSON *child;
	int			i = 0;

	cJSON_ArrayForEach(child, set)
	{
		if (!cJSON_IsString(child))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("malformed DynamoDB set member")));
		m[i].node = child;
		if (type == 'N')
			m[i].num = DirectFunctionCall3(numeric_in, CStringGetDatum(child->valuestring),
										   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		else if (type == 'B')
			m[i].bytes = DatumGetByteaP(decode_base64(child->valuestring));
		i++;
	}
	qsort(m, i, sizeof(SetMember),
		  type == 'N' ? compare_number_members :
		  type == 'B' ? compare_binary_members : compare_string_members);
	*n = i;
	return m;
}

static void
append_set_json(StringInfo buf, const cJSON *set, char type)
{
	int			n;
	SetMember  *m = sorted_set(set, type, &n);

	appendStringInfoChar(buf, '[');
	for (int i = 0; i < n; i++)
	{
		if (i)
			appendStringInfoChar(buf, ',');
		if (type == 'N')
			append_json_number(buf, m[i].node->valuestring);
		else
			append_json_text(buf, m[i].node->valuestring);
	}
	appendStringInfoChar(buf, ']');
}

/*
 * One AttributeValue's value as plain JSON.  depth counts AttributeValue
 * levels from the attribute (1): answers are checked for DynamoDB's 32
 * nesting levels before conversion, but a tree that was not must still
 * not recurse without bound.
 */
static void
append_plain_json(StringInfo buf, const char *tag, const cJSON *value, int depth)
{
	const cJSON *child;
	bool		first = true;

	check_stack_depth();
	if (depth > WIRE_AV_DEPTH_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("DynamoDB value is nested more than %d levels deep",
						WIRE_AV_DEPTH_LIMIT - 1)));

	/* SS, NS, BS: arrays, in a stable order */
	if ((tag[0] == 'S' || tag[0] == 'N' || tag[0] == 'B') && tag[1] == 'S' && tag[2] == '\0' &&
		cJSON_IsArray(value))
	{
		append_set_json(buf, value, tag[0]);
		return;
	}

	switch (tag[0])
	{
		case 'S':
			if (tag[1] == '\0' && cJSON_IsString(value))
			{
				append_json_text(buf, value->valuestring);
				return;
			}
			break;
		case 'N':
			if (tag[1] == '\0' && cJSON_IsString(value))
			{
				append_json_number(buf, value->valuestring);
				return;
			}
			if (strcmp(tag, "NULL") == 0)
			{
				appendStringInfoString(buf, "null");
				return;
			}
			break;
		case 'B':
			if (tag[1] == '\0' && cJSON_IsString(value))
			{
				append_json_text(buf, value->valuestring);
				return;
			}
			if (strcmp(tag, "BOOL") == 0)
			{
				appendStringInfoString(buf, cJSON_IsTrue(value) ? "true" : "false");
				return;
			}
			break;
		case 'M':
			if (tag[1] == '\0' && cJSON_IsObject(value))
			{
				item_to_plain_json(buf, value, depth + 1);
				return;
			}
			break;
		case 'L':
			if (tag[1] == '\0' && cJSON_IsArray(value))
			{
				appendStringInfoChar(buf, '[');
				cJSON_ArrayForEach(child, value)
				{
					if (!first)
						appendStringInfoChar(buf, ',');
					first = false;
					av_to_plain_json(buf, child, depth + 1);
				}
				appendStringInfoChar(buf, ']');
				return;
			}
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("malformed DynamoDB AttributeValue of type \"%s\"", tag)));
}

/* maip_av_unwrap, or an error for an answer that broke the AttributeValue shape */
static void
unwrap_or_error(const cJSON *av, const char **tag, const cJSON **value)
{
	if (!maip_av_unwrap(av, tag, value))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("malformed DynamoDB AttributeValue")));
}

static void
av_to_plain_json(StringInfo buf, const cJSON *av, int depth)
{
	const char *tag;
	const cJSON *value;

	unwrap_or_error(av, &tag, &value);
	append_plain_json(buf, tag, value, depth);
}

/* An item or an M value: {"name": AttributeValue, ...} -> {"name": plain, ...} */
static void
item_to_plain_json(StringInfo buf, const cJSON *item, int depth)
{
	const cJSON *attr;
	bool		first = true;

	appendStringInfoChar(buf, '{');
	cJSON_ArrayForEach(attr, item)
	{
		if (!first)
			appendStringInfoChar(buf, ',');
		first = false;
		append_json_text(buf, attr->string ? attr->string : "");
		appendStringInfoChar(buf, ':');
		av_to_plain_json(buf, attr, depth);
	}
	appendStringInfoChar(buf, '}');
}

void
maip_item_to_plain_json(StringInfo buf, const cJSON *item)
{
	item_to_plain_json(buf, item, 1);
}

/* A short rendering of a key value for error messages: "x", 12, <binary>. */
void
maip_av_to_display(StringInfo buf, const cJSON *av)
{
	const char *tag;
	const cJSON *value;

	if (!maip_av_unwrap(av, &tag, &value) || !cJSON_IsString(value))
		appendStringInfoString(buf, "?");
	else if (strcmp(tag, "S") == 0)
		append_display_text(buf, value->valuestring);
	else if (strcmp(tag, "N") == 0 && wire_is_utf8(value->valuestring, strlen(value->valuestring), false))
		appendStringInfoString(buf, value->valuestring);
	else
	{
		appendStringInfo(buf, "<%s ", tag);
		append_display_text(buf, value->valuestring);
		appendStringInfoChar(buf, '>');
	}
}

static Datum
call_input(const MaipConverter *cv, const char *str)
{
	return InputFunctionCall((FmgrInfo *) &cv->inproc, (char *) str, cv->ioparam, cv->typmod);
}

static void
mismatch(const MaipConverter *cv, const char *tag)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("cannot convert a DynamoDB %s value to type %s",
					tag, format_type_with_typemod(cv->typid, cv->typmod))));
}

static Datum
decode_base64(const char *b64)
{
	int			len = strlen(b64);
	int			maxlen = pg_b64_dec_len(len);
	bytea	   *result = palloc(VARHDRSZ + maxlen);
	int			n = pg_b64_decode(b64, len, VARDATA(result), maxlen);

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("invalid base64 data in a DynamoDB B value")));
	SET_VARSIZE(result, VARHDRSZ + n);
	return PointerGetDatum(result);
}

/* The string form of a value, as a text column shows it. */
static char *
string_form(const char *tag, const cJSON *value)
{
	StringInfoData buf;

	if ((tag[1] == '\0' && (tag[0] == 'S' || tag[0] == 'N' || tag[0] == 'B')) &&
		cJSON_IsString(value))
		return value->valuestring;
	if (strcmp(tag, "BOOL") == 0)
		return cJSON_IsTrue(value) ? "true" : "false";
	initStringInfo(&buf);
	append_plain_json(&buf, tag, value, 1);
	return buf.data;
}

static Datum
build_array(const MaipConverter *cv, const char *elemtag, const cJSON *list)
{
	int			n = cJSON_GetArraySize(list);
	Datum	   *elems;
	bool	   *nulls;
	int			i = 0;
	int			dims[1];
	int			lbs[1] = {1};
	const cJSON *child;

	if (n == 0)
		return PointerGetDatum(construct_empty_array(cv->elem->typid));
	elems = palloc(n * sizeof(Datum));
	nulls = palloc(n * sizeof(bool));
	if (elemtag)
	{
		/* a set: bare strings of one type, in a stable order */
		SetMember  *m = sorted_set(list, elemtag[0], &n);

		for (i = 0; i < n; i++)
			elems[i] = convert_tagged(cv->elem, elemtag, m[i].node, &nulls[i]);
	}
	else
	{
		/* a list: AttributeValues, in order */
		cJSON_ArrayForEach(child, list)
		{
			elems[i] = maip_av_to_datum(cv->elem, child, &nulls[i]);
			i++;
		}
	}
	dims[0] = i;
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  cv->elem->typid, cv->elemlen,
											  cv->elembyval, cv->elemalign));
}

static Datum
convert_tagged(const MaipConverter *cv, const char *tag, const cJSON *value, bool *isnull)
{
	bool		scalar_string = tag[1] == '\0' && cJSON_IsString(value) &&
		(tag[0] == 'S' || tag[0] == 'N' || tag[0] == 'B');
	StringInfoData buf;

	*isnull = false;
	if (strcmp(tag, "NULL") == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	/* a string as a value: no U+0000 (JSON output writes it as \u0000) */
	if (scalar_string && cv->kind != MAIP_KIND_JSON && cv->kind != MAIP_KIND_JSONB)
		check_no_nul(value->valuestring);

	switch (cv->kind)
	{
		case MAIP_KIND_TEXT:
			{
				const char *s = string_form(tag, value);

				return PointerGetDatum(cstring_to_text(s));
			}
		case MAIP_KIND_STRINGLIKE:
			return call_input(cv, string_form(tag, value));
		case MAIP_KIND_NUMBER:
			if (scalar_string && tag[0] != 'B')
				return call_input(cv, value->valuestring);
			break;
		case MAIP_KIND_BOOL:
			if (strcmp(tag, "BOOL") == 0 && cJSON_IsBool(value))
				return BoolGetDatum(cJSON_IsTrue(value));
			if (scalar_string && tag[0] != 'B')
				return call_input(cv, value->valuestring);
			break;
		case MAIP_KIND_BYTEA:
			if (strcmp(tag, "B") == 0 && cJSON_IsString(value))
				return decode_base64(value->valuestring);
			if (strcmp(tag, "S") == 0 && cJSON_IsString(value))
				return call_input(cv, value->valuestring);
			break;
		case MAIP_KIND_JSON:
		case MAIP_KIND_JSONB:
			initStringInfo(&buf);
			append_plain_json(&buf, tag, value, 1);
			return call_input(cv, buf.data);
		case MAIP_KIND_ARRAY:
			if (cJSON_IsArray(value))
			{
				if (strcmp(tag, "SS") == 0)
					return build_array(cv, "S", value);
				if (strcmp(tag, "NS") == 0)
					return build_array(cv, "N", value);
				if (strcmp(tag, "BS") == 0)
					return build_array(cv, "B", value);
				if (strcmp(tag, "L") == 0)
					return build_array(cv, NULL, value);
			}
			if (strcmp(tag, "S") == 0 && cJSON_IsString(value))
				return call_input(cv, value->valuestring);
			break;
		case MAIP_KIND_OTHER:
			if (scalar_string && tag[0] != 'B')
				return call_input(cv, value->valuestring);
			if (strcmp(tag, "BOOL") == 0)
				return call_input(cv, cJSON_IsTrue(value) ? "true" : "false");
			break;
	}
	mismatch(cv, tag);
	return (Datum) 0;			/* keep compiler quiet */
}

Datum
maip_av_to_datum(const MaipConverter *cv, const cJSON *av, bool *isnull)
{
	const char *tag;
	const cJSON *value;

	unwrap_or_error(av, &tag, &value);
	return convert_tagged(cv, tag, value, isnull);
}

/*
 * Part `part` (1-based) of a composite string such as "cust-7#2026-11-24T10:00:00Z".
 * The last part keeps any further '#'; a value with fewer parts gives NULL.
 */
Datum
maip_av_part_to_datum(const MaipConverter *cv, const cJSON *av, int part, int nparts, bool *isnull)
{
	const char *tag;
	const cJSON *value;
	const char *start;
	const char *end;
	char	   *piece;
	cJSON		tmp;

	unwrap_or_error(av, &tag, &value);
	if (strcmp(tag, "NULL") == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	if (strcmp(tag, "S") != 0 || !cJSON_IsString(value))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("a column with option part needs a DynamoDB S value, not %s", tag)));
	start = value->valuestring;
	for (int i = 1; i < part; i++)
	{
		start = strchr(start, '#');
		if (start == NULL)
		{
			*isnull = true;
			return (Datum) 0;
		}
		start++;
	}
	end = (part < nparts) ? strchr(start, '#') : NULL;
	piece = end ? pnstrdup(start, end - start) : pstrdup(start);
	memset(&tmp, 0, sizeof(tmp));
	tmp.type = cJSON_String;
	tmp.valuestring = piece;
	return convert_tagged(cv, "S", &tmp, isnull);
}

/* The whole item, as plain JSON, for a json/jsonb (or text) "item" column. */
Datum
maip_item_to_datum(const MaipConverter *cv, const cJSON *item)
{
	StringInfoData buf;

	initStringInfo(&buf);
	maip_item_to_plain_json(&buf, item);
	if (cv->kind == MAIP_KIND_TEXT)
		return PointerGetDatum(cstring_to_text_with_len(buf.data, buf.len));
	return call_input(cv, buf.data);
}

/*
 * A PostgreSQL value as a DynamoDB AttributeValue of the given type
 * (S, N, B, or T for BOOL), appended as JSON.  Numbers go as their exact
 * decimal text; a number DynamoDB cannot hold (NaN, infinity) is an error.
 */
void
maip_datum_to_av(StringInfo buf, Datum value, Oid typid, char type)
{
	Oid			outfunc;
	bool		isvarlena;
	char	   *s;

	if (type == 'T')
	{
		appendStringInfoString(buf, DatumGetBool(value) ? "{\"BOOL\":true}" : "{\"BOOL\":false}");
		return;
	}
	if (type == 'B')
	{
		bytea	   *b = DatumGetByteaPP(value);
		int			len = VARSIZE_ANY_EXHDR(b);
		char	   *enc = palloc(pg_b64_enc_len(len) + 1);
		int			n = pg_b64_encode(VARDATA_ANY(b), len, enc, pg_b64_enc_len(len));

		enc[Max(n, 0)] = '\0';
		appendStringInfoString(buf, "{\"B\":\"");
		appendStringInfoString(buf, enc);
		appendStringInfoString(buf, "\"}");
		return;
	}
	getTypeOutputInfo(typid, &outfunc, &isvarlena);
	/* numerics in one canonical form (1.0 -> 1), so equal keys look equal */
	s = (getBaseType(typid) == NUMERICOID)
		? numeric_normalize(DatumGetNumeric(value))
		: OidOutputFunctionCall(outfunc, value);
	if (type == 'N')
	{
		if (!wire_is_json_number(s))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("cannot compare with %s in DynamoDB", s),
					 errdetail("DynamoDB numbers are finite decimals.")));
		appendStringInfoString(buf, "{\"N\":\"");
		appendStringInfoString(buf, s);
		appendStringInfoString(buf, "\"}");
		return;
	}
	appendStringInfoString(buf, "{\"S\":");
	escape_json(buf, s);
	appendStringInfoChar(buf, '}');
}
