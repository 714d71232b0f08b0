/*-------------------------------------------------------------------------
 * dynamo.c
 *		DynamoDB operations, one typed C function each.
 *
 * This is the one module that knows DynamoDB's JSON: it builds every
 * request body (with json.c's builder), names the members, follows the
 * pagination tokens and reads the answers into the structs of dynamo.h.
 * request.c below it is the client (sign, send, retry, map errors); the
 * SQL functions above it (admin_*.c, import.c) pass C values.
 *
 * A change that failed ambiguously (HTTP 5xx, timeout, lost answer) may
 * or may not have happened.  request.c then runs the change's check
 * (MaipCallInfo.already_done) before it sends the change again; each
 * check stands beside its operation here, because what "done" means is
 * the operation's semantics: the answer the change would have given, or
 * NULL when it did not take effect.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/timestamp.h"

#include "convert.h"
#include "dynamo.h"
#include "names.h"

/*
 * A backup counts as the one an ambiguous CreateBackup made if it has the
 * name and was created at most this long before the call started (clocks
 * differ a little).
 */
#define BACKUP_CLOCK_SLACK_SECONDS 60

static MaipTableDesc *parse_table_desc(const cJSON *table);

/* ---------- reads: GetItem, BatchGetItem, Query, Scan (lead) ---------- */

#define MAX_REQUEUE_ROUNDS 10	/* BatchGetItem rounds for unprocessed keys */
#define MAX_PAGE_COUNT 100000000	/* no 1 MB page counts more items */

/* ExpressionAttributeNames (and Values) for what the read's expressions use. */
static void
add_expression_refs(MaipJsonBody *b, const MaipReadRequest *r, bool with_values)
{
	int			i = -1;
	char		key[16];
	bool		any = false;

	if (!bms_is_empty(r->used_names))
	{
		maip_body_begin_object(b, "ExpressionAttributeNames");
		while ((i = bms_next_member(r->used_names, i)) >= 0)
		{
			snprintf(key, sizeof(key), "#n%d", i);
			maip_body_string(b, key, strVal(list_nth(r->names, i)));
		}
		maip_body_end(b);
	}
	for (i = 0; with_values && i < r->nvalues; i++)
	{
		if (r->values[i] == NULL)
			continue;
		if (!any)
			maip_body_begin_object(b, "ExpressionAttributeValues");
		any = true;
		snprintf(key, sizeof(key), ":v%d", i);
		maip_body_raw(b, key, r->values[i]);
	}
	if (any)
		maip_body_end(b);
}

/* The members every read ends with. */
static void
add_read_options(MaipJsonBody *b, const MaipReadRequest *r)
{
	if (r->consistent)
		maip_body_bool(b, "ConsistentRead", true);
}

/* Scan and Query, built in *b: the same body but for the key condition and the direction. */
static StringInfo
scan_or_query_body(MaipJsonBody *b, const MaipReadRequest *r, bool query)
{
	maip_body_init(b);
	maip_body_string(b, "TableName", r->table);
	if (r->index_name)
		maip_body_string(b, "IndexName", r->index_name);
	if (query)
		maip_body_string(b, "KeyConditionExpression", r->key_condition);
	if (r->filter)
		maip_body_string(b, "FilterExpression", r->filter);
	if (r->count_only)
		maip_body_string(b, "Select", "COUNT");
	else if (r->projection)
		maip_body_string(b, "ProjectionExpression", r->projection);
	add_expression_refs(b, r, true);
	if (query && r->backward)
		maip_body_bool(b, "ScanIndexForward", false);
	if (r->limit > 0)
		maip_body_int64(b, "Limit", r->limit);
	if (!query && r->total_segments > 0)
	{
		maip_body_int64(b, "Segment", r->segment);
		maip_body_int64(b, "TotalSegments", r->total_segments);
	}
	add_read_options(b, r);
	maip_body_string(b, "ReturnConsumedCapacity", "TOTAL");
	if (r->start_key)
		maip_body_raw(b, "ExclusiveStartKey", r->start_key);
	return maip_body_finish(b);
}

/*
 * Count and ScannedCount: JSON numbers, so doubles on the wire; anything
 * that is not a whole number in range counts as 0 (a cast of NaN or 1e300
 * to int64 is undefined).
 */
static int64
answer_count(const cJSON *answer, const char *member)
{
	int64		n;

	if (!maip_json_int64(cJSON_GetObjectItemCaseSensitive(answer, member), &n) || n < 0)
		return 0;
	return n;
}

/* ConsumedCapacity's units (BatchGetItem: one entry per table, ours the only one). */
static double
answer_capacity(const cJSON *answer)
{
	const cJSON *cc = cJSON_GetObjectItemCaseSensitive(answer, "ConsumedCapacity");
	double		units;

	if (cJSON_IsArray(cc))
		cc = cc->child;
	return maip_json_number(cc, "CapacityUnits", &units) ? units : 0;
}

/* Send one read and check its answer before anything reads it. */
static cJSON *
send_read(MaipClient *client, const char *operation, const MaipReadRequest *r, StringInfo body,
		  MaipReadPage *page)
{
	cJSON	   *answer = maip_call(client, operation, body, r->table);

	maip_check_answer(answer, operation, r->table, r->key_attrs);
	memset(page, 0, sizeof(*page));
	page->scanned = answer_count(answer, "ScannedCount");
	page->consumed = answer_capacity(answer);
	return answer;
}

/* Scan and Query answers: items (or a count) and where to go on. */
static void
read_scan_page(const char *operation, const MaipReadRequest *r, const cJSON *answer,
			   MaipReadPage *page)
{
	const cJSON *lek = cJSON_GetObjectItemCaseSensitive(answer, "LastEvaluatedKey");

	if (r->count_only)
	{
		page->count = answer_count(answer, "Count");
		if (page->count > MAX_PAGE_COUNT)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_REPLY_HANDLE),
					 errmsg("DynamoDB %s answer for table \"%s\" counts %lld items in one page",
							operation, r->table, (long long) page->count)));
	}
	else
	{
		const cJSON *items = cJSON_GetObjectItemCaseSensitive(answer, "Items");

		if (!cJSON_IsArray(items))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_REPLY_HANDLE),
					 errmsg("DynamoDB %s answer for table \"%s\" has no Items array",
							operation, r->table)));
		page->items = items->child;
	}
	if (cJSON_IsObject(lek) && lek->child)
		page->last_key = cJSON_PrintUnformatted(lek);
}

void
maip_dynamo_scan(MaipClient *client, const MaipReadRequest *r, MaipReadPage *page)
{
	MaipJsonBody body;
	cJSON	   *answer = send_read(client, "Scan", r, scan_or_query_body(&body, r, false), page);

	read_scan_page("Scan", r, answer, page);
}

void
maip_dynamo_query(MaipClient *client, const MaipReadRequest *r, MaipReadPage *page)
{
	MaipJsonBody body;
	cJSON	   *answer = send_read(client, "Query", r, scan_or_query_body(&body, r, true), page);

	read_scan_page("Query", r, answer, page);
}

/* GetItem of key (JSON: the key attributes and their AttributeValues). */
void
maip_dynamo_get_item(MaipClient *client, const MaipReadRequest *r, const char *key,
					 MaipReadPage *page)
{
	MaipJsonBody b;
	cJSON	   *answer;

	maip_body_init(&b);
	maip_body_string(&b, "TableName", r->table);
	maip_body_raw(&b, "Key", key);
	if (r->projection)
		maip_body_string(&b, "ProjectionExpression", r->projection);
	add_expression_refs(&b, r, false);
	add_read_options(&b, r);
	maip_body_string(&b, "ReturnConsumedCapacity", "TOTAL");
	answer = send_read(client, "GetItem", r, maip_body_finish(&b), page);
	/* one item or none; detached so that its ->next ends the list */
	page->items = cJSON_DetachItemFromObjectCaseSensitive(answer, "Item");
	page->scanned = page->items ? 1 : 0;
}

/*
 * BatchGetItem of keys (JSON texts, at most MAIP_BATCH_GET_KEYS): the
 * items found, and in page->unprocessed the keys DynamoDB asks to be sent
 * again (see maip_dynamo_requeue_wait).
 */
void
maip_dynamo_batch_get_item(MaipClient *client, const MaipReadRequest *r, List *keys,
						   MaipReadPage *page)
{
	MaipJsonBody b;
	cJSON	   *answer;
	const cJSON *items;
	const cJSON *k;
	ListCell   *lc;

	Assert(list_length(keys) <= MAIP_BATCH_GET_KEYS);
	maip_body_init(&b);
	maip_body_begin_object(&b, "RequestItems");
	maip_body_begin_object(&b, r->table);
	maip_body_begin_array(&b, "Keys");
	foreach(lc, keys)
		maip_body_raw(&b, NULL, lfirst(lc));
	maip_body_end(&b);
	if (r->projection)
		maip_body_string(&b, "ProjectionExpression", r->projection);
	add_expression_refs(&b, r, false);
	add_read_options(&b, r);
	maip_body_end(&b);
	maip_body_end(&b);
	maip_body_string(&b, "ReturnConsumedCapacity", "TOTAL");
	answer = send_read(client, "BatchGetItem", r, maip_body_finish(&b), page);

	items = cJSON_GetObjectItemCaseSensitive(maip_json_object(answer, "Responses"), r->table);
	page->items = cJSON_IsArray(items) ? items->child : NULL;
	page->scanned = cJSON_GetArraySize(items);
	cJSON_ArrayForEach(k, maip_json_array(maip_json_object(maip_json_object(answer, "UnprocessedKeys"),
														   r->table), "Keys"))
		page->unprocessed = lappend(page->unprocessed, cJSON_PrintUnformatted(k));
}

/*
 * Before sending unprocessed keys (or items) again, round 1, 2, ...: the
 * one backoff (request.c), counted as a retry; an error when DynamoDB
 * keeps refusing.
 */
void
maip_dynamo_requeue_wait(MaipClient *client, int round, const char *operation, const char *table)
{
	client->retries++;
	if (round > MAX_REQUEUE_ROUNDS)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("DynamoDB %s on \"%s\" left keys unprocessed after %d rounds",
						operation, table, round),
				 errhint("The table is throttled; retry later or raise its read capacity.")));
	maip_backoff_sleep(round);
}


/* ====================================================================
 * Answers
 * ==================================================================== */

/* AWS JSON timestamps are seconds since 1970 (with a fraction). */
static TimestampTz
epoch_to_timestamptz(double seconds)
{
	double		pg_seconds = seconds - (double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;

	return (TimestampTz) rint(pg_seconds * USECS_PER_SEC);
}

static double
timestamptz_to_epoch(TimestampTz ts)
{
	return (double) ts / USECS_PER_SEC +
		(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
}

static MaipNumber
number_member(const cJSON *obj, const char *member)
{
	MaipNumber	n;

	n.present = maip_json_number(obj, member, &n.value);
	return n;
}

static MaipTime
time_member(const cJSON *obj, const char *member)
{
	MaipTime	t = {false, 0};
	double		seconds;

	if (maip_json_number(obj, member, &seconds))
	{
		t.present = true;
		t.value = epoch_to_timestamptz(seconds);
	}
	return t;
}

static bool
true_member(const cJSON *obj, const char *member)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, member));
}

/*
 * Flat answer members, read by table: the member, what kind of value it
 * holds, and the struct field it goes to.  Absent or mistyped members
 * read as NULL / not present.
 */
typedef enum MemberKind
{
	MEMBER_STRING,				/* const char * */
	MEMBER_NUMBER,				/* MaipNumber */
	MEMBER_TIME					/* MaipTime */
} MemberKind;

typedef struct Member
{
	const char *name;
	MemberKind	kind;
	size_t		offset;
} Member;

static void
read_members(void *dst, const cJSON *obj, const Member *members, int n)
{
	for (int i = 0; i < n; i++)
	{
		char	   *field = (char *) dst + members[i].offset;

		switch (members[i].kind)
		{
			case MEMBER_STRING:
				*(const char **) field = maip_json_string(obj, members[i].name);
				break;
			case MEMBER_NUMBER:
				*(MaipNumber *) field = number_member(obj, members[i].name);
				break;
			case MEMBER_TIME:
				*(MaipTime *) field = time_member(obj, members[i].name);
				break;
		}
	}
}

#define READ_MEMBERS(dst, obj, members) read_members(dst, obj, members, lengthof(members))

static const cJSON *
answer_object(const cJSON *answer, const char *member, const char *operation)
{
	const cJSON *v = maip_json_object(answer, member);

	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB %s answer has no %s object", operation, member)));
	return v;
}

/* BillingModeSummary is absent for tables that were always provisioned. */
static const char *
billing_mode_of(const cJSON *table)
{
	const char *mode = maip_json_string(maip_json_object(table, "BillingModeSummary"), "BillingMode");

	return mode ? mode : "PROVISIONED";
}

static List *
index_states(const cJSON *t)
{
	static const char *const kinds[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
	List	   *indexes = NIL;

	for (int k = 0; k < lengthof(kinds); k++)
	{
		const cJSON *x;

		cJSON_ArrayForEach(x, maip_json_array(t, kinds[k]))
		{
			MaipIndexState *ix = palloc0(sizeof(MaipIndexState));

			ix->name = maip_json_string(x, "IndexName");
			ix->is_global = (k == 0);
			ix->status = maip_json_string(x, "IndexStatus");
			ix->backfilling = true_member(x, "Backfilling");
			indexes = lappend(indexes, ix);
		}
	}
	return indexes;
}

static const Member replica_members[] = {
	{"RegionName", MEMBER_STRING, offsetof(MaipReplicaState, region)},
	{"ReplicaStatus", MEMBER_STRING, offsetof(MaipReplicaState, status)},
	{"ReplicaStatusDescription", MEMBER_STRING, offsetof(MaipReplicaState, status_description)},
	{"ReplicaStatusPercentProgress", MEMBER_STRING, offsetof(MaipReplicaState, progress)},
};

static List *
replica_states(const cJSON *t)
{
	List	   *replicas = NIL;
	const cJSON *x;

	cJSON_ArrayForEach(x, maip_json_array(t, "Replicas"))
	{
		MaipReplicaState *r = palloc0(sizeof(MaipReplicaState));

		READ_MEMBERS(r, x, replica_members);
		r->read_capacity_override =
			number_member(maip_json_object(x, "ProvisionedThroughputOverride"), "ReadCapacityUnits");
		r->table_class = maip_json_string(maip_json_object(x, "ReplicaTableClassSummary"),
										  "TableClass");
		replicas = lappend(replicas, r);
	}
	return replicas;
}

static const Member table_members[] = {
	{"TableName", MEMBER_STRING, offsetof(MaipTableState, table)},
	{"TableStatus", MEMBER_STRING, offsetof(MaipTableState, status)},
	{"TableArn", MEMBER_STRING, offsetof(MaipTableState, arn)},
	{"ItemCount", MEMBER_NUMBER, offsetof(MaipTableState, item_count)},
	{"TableSizeBytes", MEMBER_NUMBER, offsetof(MaipTableState, size_bytes)},
	{"CreationDateTime", MEMBER_TIME, offsetof(MaipTableState, created_at)},
};

static const Member throughput_members[] = {
	{"ReadCapacityUnits", MEMBER_NUMBER, offsetof(MaipTableState, read_capacity)},
	{"WriteCapacityUnits", MEMBER_NUMBER, offsetof(MaipTableState, write_capacity)},
};

/* A table description ("Table" or "TableDescription"); strings point into t. */
static MaipTableState *
table_state(const cJSON *t)
{
	MaipTableState *s = palloc0(sizeof(MaipTableState));
	const cJSON *stream = maip_json_object(t, "StreamSpecification");
	const cJSON *protection = cJSON_GetObjectItemCaseSensitive(t, "DeletionProtectionEnabled");

	READ_MEMBERS(s, t, table_members);
	READ_MEMBERS(s, maip_json_object(t, "ProvisionedThroughput"), throughput_members);
	s->billing_mode = billing_mode_of(t);
	s->stream_enabled = true_member(stream, "StreamEnabled");
	s->stream_view_type = maip_json_string(stream, "StreamViewType");
	s->has_deletion_protection = cJSON_IsBool(protection);
	s->deletion_protection = cJSON_IsTrue(protection);
	s->restore_in_progress = true_member(maip_json_object(t, "RestoreSummary"), "RestoreInProgress");
	s->indexes = index_states(t);
	s->replicas = replica_states(t);
	s->keys = parse_table_desc(t);
	s->raw = t;
	return s;
}

/* The state of a change's answer: its TableDescription. */
static MaipTableState *
described_table(const cJSON *answer, const char *operation)
{
	return table_state(answer_object(answer, "TableDescription", operation));
}

/* A copy in CurrentMemoryContext (the original's context may go away). */
MaipTableState *
maip_table_state_copy(const MaipTableState *state)
{
	return table_state(cJSON_Duplicate(state->raw, true));
}

static const Member backup_members[] = {
	{"TableName", MEMBER_STRING, offsetof(MaipBackup, table)},
	{"BackupName", MEMBER_STRING, offsetof(MaipBackup, name)},
	{"BackupArn", MEMBER_STRING, offsetof(MaipBackup, arn)},
	{"BackupStatus", MEMBER_STRING, offsetof(MaipBackup, status)},
	{"BackupType", MEMBER_STRING, offsetof(MaipBackup, type)},
	{"BackupCreationDateTime", MEMBER_TIME, offsetof(MaipBackup, created_at)},
	{"BackupSizeBytes", MEMBER_NUMBER, offsetof(MaipBackup, size_bytes)},
};

/* details: a BackupSummary or BackupDetails; source: SourceTableDetails or NULL. */
static MaipBackup *
backup_of(const cJSON *details, const cJSON *source)
{
	MaipBackup *b = palloc0(sizeof(MaipBackup));

	READ_MEMBERS(b, details, backup_members);
	if (b->table == NULL)
		b->table = maip_json_string(source, "TableName");
	b->item_count = number_member(source, "ItemCount");
	return b;
}

static const Member pitr_members[] = {
	{"PointInTimeRecoveryStatus", MEMBER_STRING, offsetof(MaipContinuousBackups, pitr_status)},
	{"EarliestRestorableDateTime", MEMBER_TIME, offsetof(MaipContinuousBackups, earliest_restore_time)},
	{"LatestRestorableDateTime", MEMBER_TIME, offsetof(MaipContinuousBackups, latest_restore_time)},
	{"RecoveryPeriodInDays", MEMBER_NUMBER, offsetof(MaipContinuousBackups, recovery_period_days)},
};

/* required: an answer without the description is an error, else all unknown. */
static MaipContinuousBackups *
continuous_backups_of(const cJSON *answer, const char *operation, bool required)
{
	MaipContinuousBackups *c = palloc0(sizeof(MaipContinuousBackups));
	const cJSON *d = required
		? answer_object(answer, "ContinuousBackupsDescription", operation)
		: maip_json_object(answer, "ContinuousBackupsDescription");

	c->status = maip_json_string(d, "ContinuousBackupsStatus");
	READ_MEMBERS(c, maip_json_object(d, "PointInTimeRecoveryDescription"), pitr_members);
	return c;
}

/* ====================================================================
 * Calls
 * ==================================================================== */

/* {member: value}: the body of the Describe* calls */
static StringInfo
single_member_body(const char *member, const char *value)
{
	MaipJsonBody body;

	maip_body_init(&body);
	maip_body_string(&body, member, value);
	return maip_body_finish(&body);
}

static StringInfo
table_body(const char *table)
{
	return single_member_body("TableName", table);
}

static StringInfo
backup_body(const char *arn)
{
	return single_member_body("BackupArn", arn);
}

/* A change on a table, with its check. */
static cJSON *
call_change(MaipClient *client, const char *operation, StringInfo body, const char *table,
			MaipAlreadyDone check, void *arg)
{
	MaipCallInfo info = {0};

	info.table = table;
	info.already_done = check;
	info.arg = arg;
	return maip_call_with(client, operation, body, &info);
}

/* Members of a paginated request, before its start token. */
typedef void (*BodyMembers) (MaipJsonBody *body, const void *arg);

/* How one List* operation pages. */
typedef struct Paging
{
	const char *operation;
	const char *items;			/* the answer's array */
	const char *start;			/* the request's start token member */
	const char *last;			/* the answer's last-evaluated member */
} Paging;

/*
 * Every page of a List* operation: the elements of every page's items
 * array, in order.  A token that does not move ends the loop too.
 */
static List *
every_page(MaipClient *client, const Paging *paging, const char *table,
		   BodyMembers members, const void *arg)
{
	List	   *result = NIL;
	char	   *start = NULL;

	for (;;)
	{
		MaipJsonBody body;
		cJSON	   *answer;
		const cJSON *x;
		const char *last;

		CHECK_FOR_INTERRUPTS();
		maip_body_init(&body);
		if (members)
			members(&body, arg);
		if (start)
			maip_body_string(&body, paging->start, start);
		answer = maip_call(client, paging->operation, maip_body_finish(&body), table);
		cJSON_ArrayForEach(x, maip_json_array(answer, paging->items))
			result = lappend(result, unconstify(cJSON *, x));
		last = maip_json_string(answer, paging->last);
		if (last == NULL || last[0] == '\0' || (start && strcmp(last, start) == 0))
			break;
		start = pstrdup(last);
	}
	return result;
}

/* ====================================================================
 * Tables
 * ==================================================================== */

static const Paging list_tables_paging =
{"ListTables", "TableNames", "ExclusiveStartTableName", "LastEvaluatedTableName"};

static int
cstring_cmp(const ListCell *a, const ListCell *b)
{
	return strcmp((const char *) lfirst(a), (const char *) lfirst(b));
}

List *
maip_list_tables(MaipClient *client, const char *prefix)
{
	List	   *names = NIL;
	size_t		prefix_len = strlen(prefix);
	ListCell   *lc;

	foreach(lc, every_page(client, &list_tables_paging, NULL, NULL, NULL))
	{
		const cJSON *name = lfirst(lc);

		if (cJSON_IsString(name) && strncmp(name->valuestring, prefix, prefix_len) == 0)
			names = lappend(names, pstrdup(name->valuestring));
	}
	list_sort(names, cstring_cmp);
	return names;
}

/* ---------- DescribeTable ---------- */

static char
attribute_type(const cJSON *defs, const char *name)
{
	const cJSON *def;

	cJSON_ArrayForEach(def, defs)
	{
		const char *n = maip_json_string(def, "AttributeName");
		const char *t = maip_json_string(def, "AttributeType");

		if (n && t && strcmp(n, name) == 0)
			return t[0];
	}
	return 'S';
}

/* KeySchema -> hash and range key names, typed from AttributeDefinitions. */
static void
parse_key_schema(const cJSON *schema, const cJSON *defs, char **hash, char *htype,
				 char **range, char *rtype)
{
	const cJSON *key;

	*hash = *range = NULL;
	cJSON_ArrayForEach(key, schema)
	{
		const char *name = maip_json_string(key, "AttributeName");
		const char *type = maip_json_string(key, "KeyType");

		if (name == NULL || type == NULL)
			continue;
		if (strcmp(type, "HASH") == 0)
		{
			*hash = pstrdup(name);
			*htype = attribute_type(defs, name);
		}
		else if (strcmp(type, "RANGE") == 0)
		{
			*range = pstrdup(name);
			*rtype = attribute_type(defs, name);
		}
	}
}

/* Global and local secondary indexes, with what each one projects. */
static void
parse_indexes(MaipTableDesc *d, const cJSON *table, const cJSON *defs)
{
	const char *kinds[2] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
	int			n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(table, kinds[0])) +
		cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(table, kinds[1]));

	d->indexes = palloc0(sizeof(MaipIndexDesc) * Max(n, 1));
	for (int k = 0; k < 2; k++)
	{
		const cJSON *ix;

		cJSON_ArrayForEach(ix, cJSON_GetObjectItemCaseSensitive(table, kinds[k]))
		{
			MaipIndexDesc *x = &d->indexes[d->nindexes];
			const cJSON *proj = cJSON_GetObjectItemCaseSensitive(ix, "Projection");
			const char *ptype = maip_json_string(proj, "ProjectionType");
			const char *name = maip_json_string(ix, "IndexName");
			const cJSON *attr;

			if (name == NULL)
				continue;
			x->name = pstrdup(name);
			x->is_global = (k == 0);
			parse_key_schema(cJSON_GetObjectItemCaseSensitive(ix, "KeySchema"), defs,
							 &x->hash_key, &x->hash_type, &x->range_key, &x->range_type);
			if (x->hash_key == NULL)
				continue;
			x->projects_all = ptype && strcmp(ptype, "ALL") == 0;
			/* an index always holds its own keys and the table's keys */
			x->projected = list_make1(makeString(x->hash_key));
			if (x->range_key)
				x->projected = lappend(x->projected, makeString(x->range_key));
			if (d->hash_key)
				x->projected = lappend(x->projected, makeString(d->hash_key));
			if (d->range_key)
				x->projected = lappend(x->projected, makeString(d->range_key));
			cJSON_ArrayForEach(attr, cJSON_GetObjectItemCaseSensitive(proj, "NonKeyAttributes"))
				if (cJSON_IsString(attr))
					x->projected = lappend(x->projected, makeString(pstrdup(attr->valuestring)));
			d->nindexes++;
		}
	}
}

/* The "Table" object of a DescribeTable answer, in our terms. */
static MaipTableDesc *
parse_table_desc(const cJSON *table)
{
	MaipTableDesc *d = palloc0(sizeof(MaipTableDesc));
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(table, "AttributeDefinitions");
	const cJSON *v;
	const char *s;

	if ((s = maip_json_string(table, "TableName")) != NULL)
		d->table = pstrdup(s);
	if ((s = maip_json_string(table, "TableStatus")) != NULL)
		d->status = pstrdup(s);
	v = cJSON_GetObjectItemCaseSensitive(table, "ItemCount");
	d->item_count = cJSON_IsNumber(v) ? v->valuedouble : -1;
	v = cJSON_GetObjectItemCaseSensitive(table, "TableSizeBytes");
	d->size_bytes = cJSON_IsNumber(v) ? v->valuedouble : -1;

	parse_key_schema(cJSON_GetObjectItemCaseSensitive(table, "KeySchema"), defs,
					 &d->hash_key, &d->hash_type, &d->range_key, &d->range_type);
	parse_indexes(d, table, defs);
	return d;
}


/*
 * DescribeTable's "Table" object, checked; NULL when the call fails with
 * unless_sqlstate (0: every failure is an error), e.g. IAM's refusal for
 * the planner's estimates, or "no such table" for a restore's check.
 */
static const cJSON *
describe_table(MaipClient *client, const char *table, int unless_sqlstate)
{
	MaipCallInfo info = {0};
	cJSON	   *answer;
	const cJSON *t;

	info.table = table;
	answer = unless_sqlstate
		? maip_call_unless(client, "DescribeTable", table_body(table), &info, unless_sqlstate)
		: maip_call(client, "DescribeTable", table_body(table), table);
	if (answer == NULL)
		return NULL;
	t = cJSON_GetObjectItemCaseSensitive(answer, "Table");
	if (!cJSON_IsObject(t))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB DescribeTable answer for \"%s\" has no Table object", table)));
	maip_check_table_description(t, table);
	return t;
}

/*
 * DescribeTable: the key schema, indexes and size (tabledesc.h); with
 * denied_ok, NULL when IAM refuses it.
 */
MaipTableDesc *
maip_dynamo_describe_table(MaipClient *client, const char *table, bool denied_ok)
{
	const cJSON *t = describe_table(client, table, denied_ok ? ERRCODE_INSUFFICIENT_PRIVILEGE : 0);

	return t ? parse_table_desc(t) : NULL;
}

MaipTableState *
maip_describe_table_state(MaipClient *client, const char *table)
{
	return table_state(describe_table(client, table, 0));
}

/* What a change answers: {"TableDescription": t} */
static cJSON *
table_description_answer(const cJSON *t)
{
	cJSON	   *answer = cJSON_CreateObject();

	cJSON_AddItemToObject(answer, "TableDescription", cJSON_Duplicate(t, true));
	return answer;
}

typedef struct TableChangeCheck
{
	const char *table;
	const char *billing_mode;	/* the mode it should have */
	int64		read_units;		/* PROVISIONED: the units it should have */
	int64		write_units;
	const char *replica_region; /* or: a replica to create or delete */
	bool		replica_create;
} TableChangeCheck;

static bool
replica_changed(const MaipTableState *s, const TableChangeCheck *chk)
{
	const char *rstatus = NULL;
	ListCell   *lc;

	foreach(lc, s->replicas)
	{
		MaipReplicaState *r = lfirst(lc);

		if (r->region && strcmp(r->region, chk->replica_region) == 0)
			rstatus = r->status;
	}
	return chk->replica_create ? rstatus != NULL
		: (rstatus == NULL || strcmp(rstatus, "DELETING") == 0);
}

static bool
billing_changed(const MaipTableState *s, const TableChangeCheck *chk)
{
	bool		done = strcmp(s->billing_mode, chk->billing_mode) == 0;

	if (done && strcmp(chk->billing_mode, "PROVISIONED") == 0)
		done = s->read_capacity.present && s->read_capacity.value == chk->read_units &&
			s->write_capacity.present && s->write_capacity.value == chk->write_units;
	return done || (s->status && strcmp(s->status, "UPDATING") == 0);
}

/*
 * UpdateTable: the table has what was asked for, or (capacity, billing)
 * is UPDATING: then a resend would only be refused with
 * ResourceInUseException.
 */
static cJSON *
table_changed(MaipClient *client, void *arg)
{
	TableChangeCheck *chk = (TableChangeCheck *) arg;
	MaipTableState *s = maip_describe_table_state(client, chk->table);
	bool		done = chk->replica_region ? replica_changed(s, chk) : billing_changed(s, chk);

	return done ? table_description_answer(s->raw) : NULL;
}

static MaipTableState *
update_table(MaipClient *client, MaipJsonBody *body, TableChangeCheck *chk)
{
	cJSON	   *answer = call_change(client, "UpdateTable", maip_body_finish(body), chk->table,
									 table_changed, chk);

	return described_table(answer, "UpdateTable");
}

static void
body_throughput(MaipJsonBody *body, int64 read_units, int64 write_units)
{
	maip_body_begin_object(body, "ProvisionedThroughput");
	maip_body_int64(body, "ReadCapacityUnits", read_units);
	maip_body_int64(body, "WriteCapacityUnits", write_units);
	maip_body_end(body);
}

MaipTableState *
maip_update_capacity(MaipClient *client, const char *table, const MaipTableState *current,
					 int64 read_units, int64 write_units)
{
	TableChangeCheck chk = {table, "PROVISIONED", read_units, write_units, NULL, false};
	MaipJsonBody body;

	maip_body_init(&body);
	maip_body_string(&body, "TableName", table);
	body_throughput(&body, read_units, write_units);
	if (strcmp(current->billing_mode, "PAY_PER_REQUEST") == 0)
	{
		bool		any = false;
		ListCell   *lc;

		maip_body_string(&body, "BillingMode", "PROVISIONED");
		foreach(lc, current->indexes)
		{
			MaipIndexState *ix = lfirst(lc);

			if (!ix->is_global)
				continue;
			if (!any)
				maip_body_begin_array(&body, "GlobalSecondaryIndexUpdates");
			any = true;
			maip_body_begin_object(&body, NULL);
			maip_body_begin_object(&body, "Update");
			maip_body_string(&body, "IndexName", ix->name ? ix->name : "");
			body_throughput(&body, read_units, write_units);
			maip_body_end(&body);
			maip_body_end(&body);
		}
		if (any)
			maip_body_end(&body);
	}
	return update_table(client, &body, &chk);
}

MaipTableState *
maip_update_billing_mode(MaipClient *client, const char *table, const char *mode)
{
	TableChangeCheck chk = {table, mode, 0, 0, NULL, false};
	MaipJsonBody body;

	maip_body_init(&body);
	maip_body_string(&body, "TableName", table);
	maip_body_string(&body, "BillingMode", mode);
	return update_table(client, &body, &chk);
}

MaipTableState *
maip_update_replica(MaipClient *client, const char *table, const char *region, bool create)
{
	TableChangeCheck chk = {table, NULL, 0, 0, region, create};
	MaipJsonBody body;

	maip_body_init(&body);
	maip_body_string(&body, "TableName", table);
	maip_body_begin_array(&body, "ReplicaUpdates");
	maip_body_begin_object(&body, NULL);
	maip_body_begin_object(&body, create ? "Create" : "Delete");
	maip_body_string(&body, "RegionName", region);
	maip_body_end(&body);
	maip_body_end(&body);
	maip_body_end(&body);
	return update_table(client, &body, &chk);
}

/* ====================================================================
 * On-demand backups
 * ==================================================================== */

static const Paging list_backups_paging =
{"ListBackups", "BackupSummaries", "ExclusiveStartBackupArn", "LastEvaluatedBackupArn"};

typedef struct BackupFilter
{
	const char *table;			/* or NULL: every table's */
	double		since;			/* epoch seconds, or < 0: any time */
} BackupFilter;

static void
list_backups_members(MaipJsonBody *body, const void *arg)
{
	const BackupFilter *filter = arg;

	if (filter->table)
		maip_body_string(body, "TableName", filter->table);
	if (filter->since >= 0)
		maip_body_seconds(body, "TimeRangeLowerBound", filter->since);
}

List *
maip_list_backups(MaipClient *client, const char *table)
{
	BackupFilter filter = {table, -1};
	List	   *backups = NIL;
	ListCell   *lc;

	foreach(lc, every_page(client, &list_backups_paging, table, list_backups_members, &filter))
		backups = lappend(backups, backup_of(lfirst(lc), NULL));
	return backups;
}

typedef struct BackupCheck
{
	BackupFilter filter;
	const char *name;
} BackupCheck;

/* CreateBackup: the newest backup of the table with that name, made since the call. */
static cJSON *
backup_created(MaipClient *client, void *arg)
{
	BackupCheck *chk = (BackupCheck *) arg;
	const cJSON *found = NULL;
	double		found_at = 0;
	cJSON	   *answer;
	ListCell   *lc;

	foreach(lc, every_page(client, &list_backups_paging, chk->filter.table,
						   list_backups_members, &chk->filter))
	{
		const cJSON *b = lfirst(lc);
		const char *name = maip_json_string(b, "BackupName");
		double		at;

		if (name && strcmp(name, chk->name) == 0 &&
			maip_json_number(b, "BackupCreationDateTime", &at) &&
			at >= chk->filter.since && (found == NULL || at > found_at))
		{
			found = b;
			found_at = at;
		}
	}
	if (found == NULL)
		return NULL;
	answer = cJSON_CreateObject();
	cJSON_AddItemToObject(answer, "BackupDetails", cJSON_Duplicate(found, true));
	return answer;
}

char *
maip_create_backup(MaipClient *client, const char *table, const char *name)
{
	BackupCheck chk;
	MaipJsonBody body;
	cJSON	   *answer;
	const char *arn;

	chk.filter.table = table;
	chk.filter.since = timestamptz_to_epoch(GetCurrentTimestamp()) - BACKUP_CLOCK_SLACK_SECONDS;
	chk.name = name;
	maip_body_init(&body);
	maip_body_string(&body, "TableName", table);
	maip_body_string(&body, "BackupName", name);
	answer = call_change(client, "CreateBackup", maip_body_finish(&body), table,
						 backup_created, &chk);
	arn = maip_json_string(answer_object(answer, "BackupDetails", "CreateBackup"), "BackupArn");
	if (arn == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_REPLY_HANDLE),
				 errmsg("DynamoDB CreateBackup answer has no BackupArn")));
	return pstrdup(arn);
}

/* DeleteBackup: the backup is gone (or DELETED). */
static cJSON *
backup_deleted(MaipClient *client, void *arg)
{
	const char *arn = (const char *) arg;
	MaipCallInfo info = {0};
	cJSON	   *answer;
	cJSON	   *d;
	cJSON	   *details;
	const char *status;

	info.backup = arn;
	answer = maip_call_unless(client, "DescribeBackup", backup_body(arn), &info,
							  ERRCODE_UNDEFINED_OBJECT);
	if (answer != NULL)
	{
		status = maip_json_string(maip_json_object(maip_json_object(answer, "BackupDescription"),
												   "BackupDetails"), "BackupStatus");
		return (status && strcmp(status, "DELETED") == 0) ? answer : NULL;
	}
	/* gone: answer with what is known */
	answer = cJSON_CreateObject();
	d = cJSON_AddObjectToObject(answer, "BackupDescription");
	details = cJSON_AddObjectToObject(d, "BackupDetails");
	cJSON_AddStringToObject(details, "BackupArn", arn);
	cJSON_AddStringToObject(details, "BackupStatus", "DELETED");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "SourceTableDetails"),
							"TableName", maip_backup_arn_table(arn));
	return answer;
}

/* DescribeBackup or DeleteBackup: both answer with a BackupDescription. */
static MaipBackup *
backup_call(MaipClient *client, const char *operation, const char *arn, MaipAlreadyDone check)
{
	MaipCallInfo info = {0};
	cJSON	   *answer;
	const cJSON *d;

	info.backup = arn;
	info.already_done = check;
	info.arg = (void *) arn;
	answer = maip_call_with(client, operation, backup_body(arn), &info);
	d = answer_object(answer, "BackupDescription", operation);
	return backup_of(answer_object(d, "BackupDetails", operation),
					 maip_json_object(d, "SourceTableDetails"));
}

MaipBackup *
maip_describe_backup(MaipClient *client, const char *arn)
{
	return backup_call(client, "DescribeBackup", arn, NULL);
}

MaipBackup *
maip_delete_backup(MaipClient *client, const char *arn)
{
	return backup_call(client, "DeleteBackup", arn, backup_deleted);
}

/* ====================================================================
 * Restores
 * ==================================================================== */

typedef struct RestoreCheck
{
	const char *target;
	const char *backup_arn;		/* RestoreTableFromBackup */
	const char *source;			/* RestoreTableToPointInTime */
} RestoreCheck;

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		n = strlen(suffix);

	return s != NULL && strlen(s) >= n && strcmp(s + strlen(s) - n, suffix) == 0;
}

/* Restore*: the target exists, restored from this backup or source table. */
static cJSON *
table_restored(MaipClient *client, void *arg)
{
	RestoreCheck *chk = (RestoreCheck *) arg;
	const cJSON *t = describe_table(client, chk->target, ERRCODE_FDW_TABLE_NOT_FOUND);
	const cJSON *summary = maip_json_object(t, "RestoreSummary");
	bool		same;

	if (summary == NULL)
		return NULL;
	if (chk->backup_arn)
	{
		const char *from = maip_json_string(summary, "SourceBackupArn");

		same = from != NULL && strcmp(from, chk->backup_arn) == 0;
	}
	else
		same = ends_with(maip_json_string(summary, "SourceTableArn"),
						 psprintf(":table/%s", chk->source));
	return same ? table_description_answer(t) : NULL;
}

static MaipTableState *
restore(MaipClient *client, const char *operation, MaipJsonBody *body, RestoreCheck *chk)
{
	cJSON	   *answer = call_change(client, operation, maip_body_finish(body), chk->target,
									 table_restored, chk);

	return described_table(answer, operation);
}

MaipTableState *
maip_restore_table_from_backup(MaipClient *client, const char *target, const char *backup_arn)
{
	RestoreCheck chk = {target, backup_arn, NULL};
	MaipJsonBody body;

	maip_body_init(&body);
	maip_body_string(&body, "TargetTableName", target);
	maip_body_string(&body, "BackupArn", backup_arn);
	return restore(client, "RestoreTableFromBackup", &body, &chk);
}

MaipTableState *
maip_restore_table_to_point_in_time(MaipClient *client, const char *source, const char *target,
									const TimestampTz *when)
{
	RestoreCheck chk = {target, NULL, source};
	MaipJsonBody body;

	maip_body_init(&body);
	maip_body_string(&body, "SourceTableName", source);
	maip_body_string(&body, "TargetTableName", target);
	if (when == NULL)
		maip_body_bool(&body, "UseLatestRestorableTime", true);
	else
		maip_body_seconds(&body, "RestoreDateTime", timestamptz_to_epoch(*when));
	return restore(client, "RestoreTableToPointInTime", &body, &chk);
}

/* ====================================================================
 * Continuous backups (point-in-time recovery)
 * ==================================================================== */

MaipContinuousBackups *
maip_describe_continuous_backups(MaipClient *client, const char *table, bool denied_ok)
{
	cJSON	   *answer;

	if (!denied_ok)
	{
		answer = maip_call(client, "DescribeContinuousBackups", table_body(table), table);
		return continuous_backups_of(answer, "DescribeContinuousBackups", true);
	}
	answer = maip_call_unless_denied(client, "DescribeContinuousBackups", table_body(table), table);
	return answer ? continuous_backups_of(answer, "DescribeContinuousBackups", false) : NULL;
}

typedef struct PitrCheck
{
	const char *table;
	bool		enabled;
} PitrCheck;

/* UpdateContinuousBackups: point-in-time recovery is as asked (or getting there). */
static cJSON *
pitr_changed(MaipClient *client, void *arg)
{
	PitrCheck  *chk = (PitrCheck *) arg;
	cJSON	   *answer = maip_call(client, "DescribeContinuousBackups", table_body(chk->table),
								   chk->table);
	const char *status = continuous_backups_of(answer, "DescribeContinuousBackups", false)->pitr_status;

	if (status == NULL)
		return NULL;
	if (chk->enabled ? (strcmp(status, "ENABLED") == 0 || strcmp(status, "ENABLING") == 0)
		: (strcmp(status, "DISABLED") == 0 || strcmp(status, "DISABLING") == 0))
		return answer;
	return NULL;
}

MaipContinuousBackups *
maip_update_continuous_backups(MaipClient *client, const char *table, bool enabled)
{
	PitrCheck	chk = {table, enabled};
	MaipJsonBody body;
	cJSON	   *answer;

	maip_body_init(&body);
	maip_body_string(&body, "TableName", table);
	maip_body_begin_object(&body, "PointInTimeRecoverySpecification");
	maip_body_bool(&body, "PointInTimeRecoveryEnabled", enabled);
	maip_body_end(&body);
	answer = call_change(client, "UpdateContinuousBackups", maip_body_finish(&body), table,
						 pitr_changed, &chk);
	return continuous_backups_of(answer, "UpdateContinuousBackups", true);
}
