/*-------------------------------------------------------------------------
 * import.c
 *		IMPORT FOREIGN SCHEMA: the remote schema is a MAIP environment.
 *
 *   IMPORT FOREIGN SCHEMA dev FROM SERVER maip INTO maip_dev;
 *
 * lists the tables named maip-dev-* (every ListTables page), describes
 * each and creates one foreign table per table, named by the suffix with
 * '-' (and '.') turned into '_': maip-dev-pricing-rules -> pricing_rules.
 * LIMIT TO / EXCEPT use those local names; excluded tables are not even
 * described.
 *
 * Columns, in this order:
 *   - each key attribute of the table, then of its secondary indexes, in
 *     snake_case (orderId -> order_id), typed from its attribute definition
 *     (S -> text COLLATE "C", N -> numeric, B -> bytea), with option
 *     attribute; the table's own key columns are NOT NULL;
 *   - after a composite key attribute (customerId#timestamp), one text
 *     column per '#'-separated part with options attribute and part
 *     (customer_id, timestamp), so that conditions on parts can push down;
 *   - with OPTIONS (import_sample_size 'n'), one column per other attribute
 *     found in the first n items of a Scan, typed to fit every sampled value
 *     (S text, N numeric, B bytea, BOOL boolean, SS text[], NS numeric[],
 *     BS bytea[]; M, L, mixed or only NULL -> jsonb), in attribute order;
 *   - item jsonb OPTIONS (item 'true'): the whole item.
 * Every DescribeTable answer and every sampled Scan page is checked
 * (convert.c's maip_check_answer / maip_check_table_description) before
 * anything is read from it: a broken answer is an error, never a crash or
 * a column named after bytes that are not UTF-8.
 * Names are unique within a table.  Attributes claim their names first
 * (keys, index keys, sampled attributes, in that order); a key part whose
 * name is taken becomes <raw column>_part<n> (customer_id_timestamp_part1);
 * any other clash gets a suffix _2, _3, ...
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_attribute.h"
#include "commands/defrem.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"

#include "convert.h"
#include "dynamo.h"
#include "import.h"
#include "names.h"
#include "options.h"
#include "request.h"
#include "wire.h"

#define MAX_SAMPLE_SIZE 10000

/* One column of a table to create. */
typedef struct ImportColumn
{
	char	   *name;			/* NULL until named */
	const char *type;			/* SQL type, with COLLATE where it applies */
	char	   *attribute;		/* DynamoDB attribute, NULL for the item column */
	int			part;			/* 1-based part of a composite attribute, or 0 */
	char	   *raw_column;		/* for a part: the column of the whole attribute */
	bool		item;
	bool		not_null;
} ImportColumn;

/* Types of values seen for one sampled attribute. */
typedef struct SampledAttribute
{
	char	   *attribute;
	bits32		tags;			/* SAMPLE_* bits */
} SampledAttribute;

#define SAMPLE_S	0x01
#define SAMPLE_N	0x02
#define SAMPLE_B	0x04
#define SAMPLE_BOOL 0x08
#define SAMPLE_SS	0x10
#define SAMPLE_NS	0x20
#define SAMPLE_BS	0x40
#define SAMPLE_DOC	0x80		/* M or L */

/* ---------- names ---------- */

/* orderId -> order_id, customerId#timestamp -> customer_id_timestamp, HTTPCode -> http_code */
static char *
snake_case(const char *attr)
{
	StringInfoData out;
	int			len = strlen(attr);
	char	   *result;

	initStringInfo(&out);
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) attr[i];
		bool		last_is_sep = out.len == 0 || out.data[out.len - 1] == '_';

		if (c >= 'A' && c <= 'Z')
		{
			unsigned char prev = i > 0 ? (unsigned char) attr[i - 1] : 0;
			unsigned char next = i + 1 < len ? (unsigned char) attr[i + 1] : 0;

			if (!last_is_sep &&
				((prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9') ||
				 ((prev >= 'A' && prev <= 'Z') && (next >= 'a' && next <= 'z'))))
				appendStringInfoChar(&out, '_');
			appendStringInfoChar(&out, (char) (c - 'A' + 'a'));
		}
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			appendStringInfoChar(&out, (char) c);
		else if (!last_is_sep)
			appendStringInfoChar(&out, '_');
	}
	while (out.len > 0 && out.data[out.len - 1] == '_')
		out.data[--out.len] = '\0';
	result = out.len > 0 ? out.data : pstrdup("attr");
	/* an identifier is at most NAMEDATALEN - 1 bytes; cut at a character boundary */
	if (strlen(result) >= NAMEDATALEN)
		result[pg_mbcliplen(result, strlen(result), NAMEDATALEN - 1)] = '\0';
	return result;
}

/* maip-dev-pricing-rules -> pricing_rules, at most NAMEDATALEN - 1 bytes */
static char *
local_table_name(const char *table, const char *prefix)
{
	char	   *name = maip_short_table_name(table, prefix);

	if (strlen(name) >= NAMEDATALEN)
		name[pg_mbcliplen(name, strlen(name), NAMEDATALEN - 1)] = '\0';
	return name;
}

static bool
name_taken(List *columns, const char *name)
{
	ListCell   *lc;

	foreach(lc, columns)
	{
		ImportColumn *col = lfirst(lc);

		if (col->name && strcmp(col->name, name) == 0)
			return true;
	}
	return false;
}

/* name, or name_2, name_3 ... whichever is free */
static char *
free_name(List *columns, const char *name)
{
	char	   *candidate = pstrdup(name);

	for (int n = 2; name_taken(columns, candidate); n++)
	{
		char	   *suffix = psprintf("_%d", n);
		int			keep = pg_mbcliplen(name, strlen(name), NAMEDATALEN - 1 - strlen(suffix));

		candidate = psprintf("%.*s%s", keep, name, suffix);
	}
	return candidate;
}

static bool
has_attribute_column(List *columns, const char *attribute)
{
	ListCell   *lc;

	foreach(lc, columns)
	{
		ImportColumn *col = lfirst(lc);

		if (col->part == 0 && col->attribute && strcmp(col->attribute, attribute) == 0)
			return true;
	}
	return false;
}

/* ---------- columns ---------- */

static const char *
key_type(char attribute_type)
{
	switch (attribute_type)
	{
		case 'N':
			return "numeric";
		case 'B':
			return "bytea";
		default:
			return "text COLLATE \"C\"";
	}
}

static ImportColumn *
new_column(const char *attribute, const char *type)
{
	ImportColumn *col = palloc0(sizeof(ImportColumn));

	col->attribute = attribute ? pstrdup(attribute) : NULL;
	col->type = type;
	return col;
}

/* The DynamoDB type (S, N or B) of a key attribute of the table or an index. */
static char
key_attribute_type(const MaipTableDesc *d, const char *name)
{
	if (d->hash_key && strcmp(d->hash_key, name) == 0)
		return d->hash_type;
	if (d->range_key && strcmp(d->range_key, name) == 0)
		return d->range_type;
	for (int i = 0; i < d->nindexes; i++)
	{
		if (strcmp(d->indexes[i].hash_key, name) == 0)
			return d->indexes[i].hash_type;
		if (d->indexes[i].range_key && strcmp(d->indexes[i].range_key, name) == 0)
			return d->indexes[i].range_type;
	}
	return 'S';
}

/*
 * Key attributes in order: the table's partition and sort keys, then the
 * keys of each global and local secondary index.  Returns a List of
 * attribute names; *table_keys is how many of them are the table's own.
 */
static List *
key_attributes(const MaipTableDesc *d, int *table_keys)
{
	List	   *names = NIL;

	if (d->hash_key)
		names = lappend(names, makeString(d->hash_key));
	if (d->range_key)
		names = list_append_unique(names, makeString(d->range_key));
	*table_keys = list_length(names);
	for (int i = 0; i < d->nindexes; i++)
	{
		names = list_append_unique(names, makeString(d->indexes[i].hash_key));
		if (d->indexes[i].range_key)
			names = list_append_unique(names, makeString(d->indexes[i].range_key));
	}
	return names;
}

/* The '#'-separated parts of a composite attribute name, or NIL. */
static List *
composite_parts(const char *attribute)
{
	List	   *parts = NIL;
	const char *start = attribute;

	if (strchr(attribute, '#') == NULL)
		return NIL;
	for (;;)
	{
		const char *hash = strchr(start, '#');
		int			len = hash ? (int) (hash - start) : (int) strlen(start);

		if (len == 0)
			return NIL;			/* "a##b", "#a": not a MAIP composite key */
		parts = lappend(parts, pnstrdup(start, len));
		if (hash == NULL)
			break;
		start = hash + 1;
	}
	return parts;
}

/* ---------- sampling ---------- */

static SampledAttribute *
sampled(List **attrs, const char *name)
{
	ListCell   *lc;
	SampledAttribute *sa;

	foreach(lc, *attrs)
	{
		sa = lfirst(lc);
		if (strcmp(sa->attribute, name) == 0)
			return sa;
	}
	sa = palloc0(sizeof(SampledAttribute));
	sa->attribute = pstrdup(name);
	*attrs = lappend(*attrs, sa);
	return sa;
}

static bits32
sample_tag(const cJSON *av)
{
	const cJSON *member = cJSON_IsObject(av) ? av->child : NULL;
	const char *tag = member && member->string ? member->string : "";

	if (strcmp(tag, "S") == 0)
		return SAMPLE_S;
	if (strcmp(tag, "N") == 0)
		return SAMPLE_N;
	if (strcmp(tag, "B") == 0)
		return SAMPLE_B;
	if (strcmp(tag, "BOOL") == 0)
		return SAMPLE_BOOL;
	if (strcmp(tag, "SS") == 0)
		return SAMPLE_SS;
	if (strcmp(tag, "NS") == 0)
		return SAMPLE_NS;
	if (strcmp(tag, "BS") == 0)
		return SAMPLE_BS;
	if (strcmp(tag, "NULL") == 0)
		return 0;				/* fits every type */
	return SAMPLE_DOC;
}

static const char *
sampled_type(bits32 tags)
{
	switch (tags)
	{
		case SAMPLE_S:
			return "text COLLATE \"C\"";
		case SAMPLE_N:
			return "numeric";
		case SAMPLE_B:
			return "bytea";
		case SAMPLE_BOOL:
			return "boolean";
		case SAMPLE_SS:
			return "text[] COLLATE \"C\"";
		case SAMPLE_NS:
			return "numeric[]";
		case SAMPLE_BS:
			return "bytea[]";
		default:
			return "jsonb";
	}
}

static int
sampled_cmp(const ListCell *a, const ListCell *b)
{
	return strcmp(((SampledAttribute *) lfirst(a))->attribute,
				  ((SampledAttribute *) lfirst(b))->attribute);
}

/* An attribute name becomes a column option (text): U+0000 cannot be one. */
static void
check_attribute_name(const char *name, const char *table)
{
	if (strstr(name, WIRE_NUL_MARKER) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("DynamoDB table \"%s\" has an attribute name containing the character U+0000",
						table),
				 errdetail("PostgreSQL text, and so a column option, cannot hold it."),
				 errhint("Import with import_sample_size '0' and define that column by hand.")));
}

/*
 * Attributes of the first sample_size items of a Scan, with the types seen.
 * key_names: the table's key attributes, to name an item in errors.
 */
static List *
sample_attributes(MaipClient *client, const char *table, int sample_size, List *key_names)
{
	List	   *attrs = NIL;
	MaipReadRequest r;
	int			seen = 0;

	/* a Scan of whole items, Limit what is still to be seen a page */
	memset(&r, 0, sizeof(r));
	r.table = table;
	r.key_attrs = key_names;
	while (seen < sample_size)
	{
		MaipReadPage page;
		const cJSON *item;

		CHECK_FOR_INTERRUPTS();
		r.limit = sample_size - seen;
		maip_dynamo_scan(client, &r, &page);
		for (item = page.items; item != NULL && seen < sample_size; item = item->next)
		{
			const cJSON *av;

			cJSON_ArrayForEach(av, item)
			{
				check_attribute_name(av->string, table);
				sampled(&attrs, av->string)->tags |= sample_tag(av);
			}
			seen++;
		}
		if (page.last_key == NULL)
			break;
		r.start_key = page.last_key;
	}
	list_sort(attrs, sampled_cmp);
	return attrs;
}

/* ---------- the statement ---------- */

/* Does this build's validator know the column option?  (Probes it once.) */
static bool
column_option_known(const char *option)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	bool		known = true;

	PG_TRY();
	{
		maip_validate_option_list(list_make1(makeDefElem(pstrdup(option),
														 (Node *) makeString(pstrdup("1")), -1)),
								  AttributeRelationId);
	}
	PG_CATCH();
	{
		ErrorData  *err;

		MemoryContextSwitchTo(oldcxt);
		err = CopyErrorData();
		FlushErrorState();
		known = err->sqlerrcode != ERRCODE_FDW_INVALID_OPTION_NAME;
		FreeErrorData(err);
	}
	PG_END_TRY();
	return known;
}

/*
 * Name the columns: attributes (named, in naming order) claim names first,
 * then the key parts, then the item column.
 */
static void
name_columns(List *columns, List *named, List *parts, ImportColumn *item)
{
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, named)
	{
		ImportColumn *col = lfirst(lc);

		col->name = free_name(columns, snake_case(col->attribute));
	}
	foreach(lc, parts)
	{
		ImportColumn *part = lfirst(lc);
		char	   *wanted = snake_case(part->raw_column);

		part->raw_column = NULL;
		foreach(lc2, columns)
		{
			ImportColumn *raw = lfirst(lc2);

			if (raw->part == 0 && raw->attribute && strcmp(raw->attribute, part->attribute) == 0)
				part->raw_column = raw->name;
		}
		if (name_taken(columns, wanted))
			wanted = psprintf("%s_part%d", part->raw_column, part->part);
		part->name = free_name(columns, wanted);
	}
	item->name = free_name(columns, "item");
}

/* The columns of one table, named and in their final order. */
static List *
table_columns(const char *table_name, const MaipTableDesc *table, List *samples, bool with_parts)
{
	int			table_keys;
	List	   *keys = key_attributes(table, &table_keys);
	List	   *columns = NIL;	/* final order */
	List	   *named = NIL;	/* naming order */
	List	   *parts = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	ImportColumn *item;
	int			i = 0;

	/* key attributes, each followed by its parts */
	foreach(lc, keys)
	{
		const char *attr = strVal(lfirst(lc));
		ImportColumn *col = new_column(attr, key_type(key_attribute_type(table, attr)));
		int			n = 0;

		check_attribute_name(attr, table_name);
		col->not_null = i++ < table_keys;
		columns = lappend(columns, col);
		named = lappend(named, col);
		if (!with_parts || key_attribute_type(table, attr) != 'S')
			continue;
		foreach(lc2, composite_parts(attr))
		{
			ImportColumn *part = new_column(attr, "text COLLATE \"C\"");

			part->part = ++n;
			part->raw_column = (char *) lfirst(lc2);	/* the part's name, for now */
			part->not_null = false;
			columns = lappend(columns, part);
			parts = lappend(parts, part);
		}
	}

	/* sampled attributes that are not columns yet */
	foreach(lc, samples)
	{
		SampledAttribute *sa = lfirst(lc);
		ImportColumn *col;

		if (has_attribute_column(columns, sa->attribute))
			continue;
		col = new_column(sa->attribute, sampled_type(sa->tags));
		columns = lappend(columns, col);
		named = lappend(named, col);
	}

	item = new_column(NULL, "jsonb");
	item->item = true;
	columns = lappend(columns, item);

	name_columns(columns, named, parts, item);
	return columns;
}

static char *
create_table_sql(const char *local_name, const char *table, List *columns,
				 const char *server_name)
{
	StringInfoData sql;
	ListCell   *lc;
	bool		first = true;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE FOREIGN TABLE %s (\n", quote_identifier(local_name));
	foreach(lc, columns)
	{
		ImportColumn *col = lfirst(lc);
		const char *collate = strstr(col->type, " COLLATE ");
		int			type_len = collate ? (int) (collate - col->type) : (int) strlen(col->type);

		appendStringInfo(&sql, "%s  %s %.*s", first ? "" : ",\n",
						 quote_identifier(col->name), type_len, col->type);
		first = false;
		if (col->item)
			appendStringInfoString(&sql, " OPTIONS (item 'true')");
		else if (col->part > 0)
			appendStringInfo(&sql, " OPTIONS (attribute %s, part '%d')",
							 quote_literal_cstr(col->attribute), col->part);
		else
			appendStringInfo(&sql, " OPTIONS (attribute %s)", quote_literal_cstr(col->attribute));
		if (collate)
			appendStringInfoString(&sql, collate);
		if (col->not_null)
			appendStringInfoString(&sql, " NOT NULL");
	}
	appendStringInfo(&sql, "\n) SERVER %s OPTIONS (table %s)",
					 quote_identifier(server_name), quote_literal_cstr(table));
	return sql.data;
}

/* OPTIONS of the IMPORT statement: import_sample_size only. */
static int
import_sample_size(ImportForeignSchemaStmt *stmt)
{
	ListCell   *lc;
	int			size = 0;

	foreach(lc, stmt->options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);
		char	   *value;
		char	   *end;
		long		v;

		if (strcmp(def->defname, "import_sample_size") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\" for IMPORT FOREIGN SCHEMA of maip_fdw",
							def->defname),
					 errhint("Valid options here are: import_sample_size.")));
		value = defGetString(def);
		errno = 0;
		v = strtol(value, &end, 10);
		if (end == value || *end != '\0' || errno != 0 || v < 0 || v > MAX_SAMPLE_SIZE)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"import_sample_size\": \"%s\"", value),
					 errhint("Give a number of items from 0 (no sampling) to %d.", MAX_SAMPLE_SIZE)));
		size = (int) v;
	}
	return size;
}

List *
maipImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	MaipServerOptions *sopts = maip_get_server_options(server);
	int			sample_size = import_sample_size(stmt);
	const char *env = stmt->remote_schema;
	char	   *prefix;
	MaipClient *client;
	List	   *tables;
	List	   *local_names = NIL;
	List	   *commands = NIL;
	bool		with_parts;
	ListCell   *lc;

	maip_check_env_name(env);
	prefix = maip_env_prefix(env);
	client = maip_client_create(server, GetUserId());
	tables = maip_list_tables(client, prefix);
	if (tables == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("MAIP environment \"%s\" has no DynamoDB tables", env),
				 errdetail("No table name starts with \"%s\" in region %s.",
						   prefix, sopts->region),
				 errhint("The remote schema of IMPORT FOREIGN SCHEMA is a MAIP environment, e.g. dev or prod.")));

	with_parts = column_option_known("part");
	if (!with_parts)
		ereport(NOTICE,
				(errmsg("composite key parts are not imported as columns"),
				 errdetail("This build of maip_fdw has no column option \"part\".")));

	foreach(lc, tables)
	{
		const char *table = lfirst(lc);
		char	   *local = local_table_name(table, prefix);
		MaipTableDesc *desc;
		List	   *samples = NIL;

		if (!IsImportableForeignTable(local, stmt))
			continue;
		if (list_member(local_names, makeString(local)))
		{
			ereport(WARNING,
					(errmsg("DynamoDB table \"%s\" is not imported: another table is already imported as \"%s\"",
							table, local)));
			continue;
		}
		local_names = lappend(local_names, makeString(local));

		desc = maip_dynamo_describe_table(client, table, false);
		if (sample_size > 0)
		{
			int			table_keys;
			List	   *keys = key_attributes(desc, &table_keys);

			samples = sample_attributes(client, table, sample_size,
										list_truncate(keys, table_keys));
		}
		commands = lappend(commands,
						   create_table_sql(local, table, table_columns(table, desc, samples, with_parts),
											server->servername));
	}
	return commands;
}
