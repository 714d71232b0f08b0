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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "convert.h"
#include "wire.h"

static Datum convert_tagged(const MaipConverter *cv, const char *tag,
							const cJSON *value, bool *isnull);

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
			escape_json(buf, m[i].node->valuestring);
	}
	appendStringInfoChar(buf, ']');
}

static void
append_plain_json(StringInfo buf, const char *tag, const cJSON *value)
{
	const cJSON *child;
	bool		first = true;

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
				escape_json(buf, value->valuestring);
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
				escape_json(buf, value->valuestring);
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
				maip_item_to_plain_json(buf, value);
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
					maip_av_to_plain_json(buf, child);
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

void
maip_av_to_plain_json(StringInfo buf, const cJSON *av)
{
	const char *tag;
	const cJSON *value;

	if (!maip_av_unwrap(av, &tag, &value))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("malformed DynamoDB AttributeValue")));
	append_plain_json(buf, tag, value);
}

/* An item or an M value: {"name": AttributeValue, ...} -> {"name": plain, ...} */
void
maip_item_to_plain_json(StringInfo buf, const cJSON *item)
{
	const cJSON *attr;
	bool		first = true;

	appendStringInfoChar(buf, '{');
	cJSON_ArrayForEach(attr, item)
	{
		if (!first)
			appendStringInfoChar(buf, ',');
		first = false;
		escape_json(buf, attr->string ? attr->string : "");
		appendStringInfoChar(buf, ':');
		maip_av_to_plain_json(buf, attr);
	}
	appendStringInfoChar(buf, '}');
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
		escape_json(buf, value->valuestring);
	else if (strcmp(tag, "N") == 0)
		appendStringInfoString(buf, value->valuestring);
	else
		appendStringInfo(buf, "<%s %s>", tag, value->valuestring);
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
	append_plain_json(&buf, tag, value);
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
			append_plain_json(&buf, tag, value);
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

	if (!maip_av_unwrap(av, &tag, &value))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("malformed DynamoDB AttributeValue")));
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

	if (!maip_av_unwrap(av, &tag, &value))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("malformed DynamoDB AttributeValue")));
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
