/*-------------------------------------------------------------------------
 * tabledesc.c
 *		The per-backend cache of DynamoDB table descriptions.
 *
 * Planning needs a table's key schema and size for every query; asking
 * DynamoDB each time would cost a round trip per plan.  Descriptions are
 * kept, parsed, for a minute per (server, user, table name), as postgres_fdw's
 * connection.c keeps connections: a change to any foreign server, user
 * mapping or foreign table (syscache callbacks) drops them all, so that
 * ALTER SERVER ... endpoint or a new user mapping takes effect on the very
 * next query.  A principal allowed to read but not to describe gets NULL
 * (default estimates), and that answer is cached too: one refused request,
 * not one per plan.  Planning and ANALYZE share this one policy.
 *
 * Callers get a copy in their own memory context: an invalidation that
 * arrives while a join is being planned cannot pull a description out from
 * under the planner.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "dynamo.h"
#include "tabledesc.h"

#define TABLE_DESC_TTL_MS 60000
#define MAX_TABLE_NAME 256		/* DynamoDB table names have 3 to 255 characters */

typedef struct TableDescKey
{
	Oid			serverid;
	Oid			userid;
	char		table[MAX_TABLE_NAME];
} TableDescKey;

typedef struct TableDescEntry
{
	TableDescKey key;			/* hash key: must be first */
	TimestampTz fetched_at;
	MemoryContext cxt;			/* holds desc; replaced with it */
	MaipTableDesc *desc;		/* NULL when IAM refused DescribeTable */
} TableDescEntry;

static HTAB *table_desc_cache = NULL;
static MemoryContext table_desc_cxt = NULL;
static bool table_desc_stale = false;

/*
 * A server, user mapping or foreign table changed.  Only a flag here (an
 * invalidation can arrive in the middle of a lookup); the next lookup
 * empties the cache.  Coarse, as such changes are rare.
 */
static void
table_desc_invalidate(Datum arg, int cacheid, uint32 hashvalue)
{
	table_desc_stale = true;
}

static void
create_cache(void)
{
	HASHCTL		ctl;

	if (table_desc_cxt == NULL)
	{
		table_desc_cxt = AllocSetContextCreate(CacheMemoryContext, "maip_fdw table descriptions",
											   ALLOCSET_SMALL_SIZES);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID, table_desc_invalidate, (Datum) 0);
		CacheRegisterSyscacheCallback(USERMAPPINGOID, table_desc_invalidate, (Datum) 0);
		CacheRegisterSyscacheCallback(FOREIGNTABLEREL, table_desc_invalidate, (Datum) 0);
	}
	else
		MemoryContextReset(table_desc_cxt);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(TableDescKey);
	ctl.entrysize = sizeof(TableDescEntry);
	ctl.hcxt = table_desc_cxt;
	table_desc_cache = hash_create("maip_fdw table descriptions", 64, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	table_desc_stale = false;
}

static List *
copy_strings(List *strings)
{
	List	   *copy = NIL;
	ListCell   *lc;

	foreach(lc, strings)
		copy = lappend(copy, makeString(pstrdup(strVal(lfirst(lc)))));
	return copy;
}

static char *
pstrdup_or_null(const char *s)
{
	return s ? pstrdup(s) : NULL;
}

/* A deep copy of d in CurrentMemoryContext. */
MaipTableDesc *
maip_table_desc_copy(const MaipTableDesc *d)
{
	MaipTableDesc *c = palloc(sizeof(MaipTableDesc));

	*c = *d;
	c->table = pstrdup_or_null(d->table);
	c->status = pstrdup_or_null(d->status);
	c->hash_key = pstrdup_or_null(d->hash_key);
	c->range_key = pstrdup_or_null(d->range_key);
	c->indexes = palloc0(sizeof(MaipIndexDesc) * Max(d->nindexes, 1));
	for (int i = 0; i < d->nindexes; i++)
	{
		MaipIndexDesc *x = &c->indexes[i];

		*x = d->indexes[i];
		x->name = pstrdup(x->name);
		x->hash_key = pstrdup(x->hash_key);
		x->range_key = pstrdup_or_null(x->range_key);
		x->projected = copy_strings(x->projected);
	}
	return c;
}

/*
 * The description of table as (server, user) sees it, through the cache;
 * NULL when IAM refuses DescribeTable.  Other errors propagate.
 */
MaipTableDesc *
maip_table_desc_lookup(ForeignServer *server, Oid userid, const char *table)
{
	TimestampTz now = GetCurrentTimestamp();
	TableDescKey key;
	TableDescEntry *entry;
	bool		found;
	MaipTableDesc *desc;
	MemoryContext oldcxt;

	if (strlen(table) >= MAX_TABLE_NAME)
		return NULL;			/* no such table can exist: DynamoDB will say so */
	if (table_desc_cache == NULL || table_desc_stale)
		create_cache();

	memset(&key, 0, sizeof(key));
	key.serverid = server->serverid;
	key.userid = userid;
	strlcpy(key.table, table, sizeof(key.table));
	entry = hash_search(table_desc_cache, &key, HASH_FIND, NULL);
	if (entry && !TimestampDifferenceExceeds(entry->fetched_at, now, TABLE_DESC_TTL_MS))
		return entry->desc ? maip_table_desc_copy(entry->desc) : NULL;

	/* fetch before touching the cache: an error must not leave a half entry */
	desc = maip_dynamo_describe_table(maip_client_create(server, userid), table, true);

	if (table_desc_stale)
		create_cache();			/* invalidated while we asked */
	entry = hash_search(table_desc_cache, &key, HASH_ENTER, &found);
	if (found)
		MemoryContextDelete(entry->cxt);
	entry->cxt = AllocSetContextCreate(table_desc_cxt, "maip_fdw table description",
									   ALLOCSET_SMALL_SIZES);
	entry->fetched_at = now;
	oldcxt = MemoryContextSwitchTo(entry->cxt);
	entry->desc = desc ? maip_table_desc_copy(desc) : NULL;
	MemoryContextSwitchTo(oldcxt);
	return desc;
}
