/*-------------------------------------------------------------------------
 * dynamo.h
 *		DynamoDB operations, one typed C function each: the callers pass C
 *		values and get C structs back; the request bodies, the answers'
 *		member names, pagination and "did the change happen?" checks stay
 *		in dynamo.c.  request.c below it signs, sends, retries and maps
 *		errors.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_DYNAMO_H
#define MAIP_DYNAMO_H

#include "postgres.h"
#include "datatype/timestamp.h"
#include "nodes/bitmapset.h"
#include "nodes/pg_list.h"

#include "request.h"

/* ---------- reads: GetItem, BatchGetItem, Query, Scan (lead) ---------- */

#define MAIP_BATCH_GET_KEYS 100		/* keys per BatchGetItem request */

/*
 * What a read sends besides its keys: the expressions (already written,
 * with #n<i> and :v<i> placeholders), the names and values they use, and
 * the read options.
 */
typedef struct MaipReadRequest
{
	const char *table;
	const char *index_name;		/* Query on a secondary index, or NULL */
	const char *key_condition;	/* Query */
	const char *filter;			/* or NULL */
	const char *projection;		/* "#n1,#n2", or NULL for whole items */
	bool		count_only;		/* Select COUNT */
	List	   *names;			/* String: the attribute name of #n<i> */
	Bitmapset  *used_names;		/* the #n<i> the expressions and projection use */
	char	  **values;			/* AttributeValue JSON of :v<i>, NULL if unused */
	int			nvalues;
	bool		consistent;		/* ConsistentRead */
	bool		backward;		/* Query: ScanIndexForward false */
	int			limit;			/* Limit, 0 for none */
	const char *start_key;		/* ExclusiveStartKey (JSON), or NULL */
	int			segment;		/* Scan: this segment of total_segments ... */
	int			total_segments; /* ... (0: the whole table) */
	List	   *key_attrs;		/* String: the table's key names, for messages */
} MaipReadRequest;

/* One page of a read, checked (maip_check_answer), in CurrentMemoryContext. */
typedef struct MaipReadPage
{
	const cJSON *items;			/* the first item, the others by ->next; NULL if none */
	int64		count;			/* Select COUNT: the items that matched */
	int64		scanned;		/* items DynamoDB read */
	double		consumed;		/* read capacity units */
	char	   *last_key;		/* LastEvaluatedKey (JSON), NULL when the read is done */
	List	   *unprocessed;	/* BatchGetItem: keys (JSON) to send again */
} MaipReadPage;

extern void maip_dynamo_scan(MaipClient *client, const MaipReadRequest *r, MaipReadPage *page);
extern void maip_dynamo_query(MaipClient *client, const MaipReadRequest *r, MaipReadPage *page);
extern void maip_dynamo_get_item(MaipClient *client, const MaipReadRequest *r, const char *key,
								 MaipReadPage *page);
extern void maip_dynamo_batch_get_item(MaipClient *client, const MaipReadRequest *r, List *keys,
									   MaipReadPage *page);
extern void maip_dynamo_requeue_wait(MaipClient *client, int round, const char *operation,
									 const char *table);

/* ---------- values read from answers ---------- */

/* A number from an answer, if it was there (a JSON number or numeric string). */
typedef struct MaipNumber
{
	bool		present;
	double		value;
} MaipNumber;

/* A timestamp from an answer (AWS sends seconds since 1970), if it was there. */
typedef struct MaipTime
{
	bool		present;
	TimestampTz value;
} MaipTime;

/* A secondary index as the control plane reports it. */
typedef struct MaipIndexState
{
	const char *name;			/* NULL if the answer had none */
	bool		is_global;
	const char *status;			/* IndexStatus (global indexes), or NULL */
	bool		backfilling;
} MaipIndexState;

/* A global-table replica. */
typedef struct MaipReplicaState
{
	const char *region;
	const char *status;
	const char *status_description;
	const char *progress;		/* ReplicaStatusPercentProgress, e.g. "40" */
	MaipNumber	read_capacity_override;
	const char *table_class;
} MaipReplicaState;

/* A table's description, in the terms the DBA functions use. */
typedef struct MaipTableState
{
	const char *table;
	const char *status;
	const char *billing_mode;	/* PROVISIONED when the answer does not say */
	const char *arn;
	MaipNumber	item_count;
	MaipNumber	size_bytes;
	MaipNumber	read_capacity;
	MaipNumber	write_capacity;
	MaipTime	created_at;
	bool		stream_enabled;
	const char *stream_view_type;	/* or NULL */
	bool		has_deletion_protection;
	bool		deletion_protection;
	bool		restore_in_progress;
	List	   *indexes;		/* MaipIndexState: global ones, then local */
	List	   *replicas;		/* MaipReplicaState */
	MaipTableDesc *keys;		/* key schema (request.c's parse) */
	const cJSON *raw;			/* the "Table" object, for maip_table_state_copy */
} MaipTableState;

/* An on-demand backup: a BackupSummary, or BackupDetails with its source. */
typedef struct MaipBackup
{
	const char *table;
	const char *name;
	const char *arn;
	const char *status;
	const char *type;
	MaipTime	created_at;
	MaipNumber	size_bytes;
	MaipNumber	item_count;		/* of the source table; not in summaries */
} MaipBackup;

/* Continuous backups and point-in-time recovery of a table. */
typedef struct MaipContinuousBackups
{
	const char *status;			/* ContinuousBackupsStatus */
	const char *pitr_status;	/* PointInTimeRecoveryStatus */
	MaipTime	earliest_restore_time;
	MaipTime	latest_restore_time;
	MaipNumber	recovery_period_days;
} MaipContinuousBackups;


/* ---------- tables ---------- */

/* DescribeTable: key schema, indexes, size; with denied_ok NULL when IAM refuses it. */
extern MaipTableDesc *maip_dynamo_describe_table(MaipClient *client, const char *table,
												 bool denied_ok);

/* ListTables, every page: names starting with prefix, sorted. */
extern List *maip_list_tables(MaipClient *client, const char *prefix);

/* DescribeTable, as the DBA functions show it. */
extern MaipTableState *maip_describe_table_state(MaipClient *client, const char *table);
extern MaipTableState *maip_table_state_copy(const MaipTableState *state);

/*
 * UpdateTable: provisioned capacity.  A table on demand now (current: its
 * description) is switched to PROVISIONED, each global index with the
 * same units, which DynamoDB requires for the switch.
 */
extern MaipTableState *maip_update_capacity(MaipClient *client, const char *table,
											const MaipTableState *current,
											int64 read_units, int64 write_units);

/* UpdateTable: the billing mode (PAY_PER_REQUEST). */
extern MaipTableState *maip_update_billing_mode(MaipClient *client, const char *table,
												const char *mode);

/* UpdateTable: create (or delete) the replica in region. */
extern MaipTableState *maip_update_replica(MaipClient *client, const char *table,
										   const char *region, bool create);

/* ---------- backups, restores, point-in-time recovery ---------- */

/* CreateBackup: the new backup's ARN. */
extern char *maip_create_backup(MaipClient *client, const char *table, const char *name);

/* ListBackups, every page, of one table or (table NULL) all: MaipBackup list. */
extern List *maip_list_backups(MaipClient *client, const char *table);

extern MaipBackup *maip_describe_backup(MaipClient *client, const char *arn);
extern MaipBackup *maip_delete_backup(MaipClient *client, const char *arn);

extern MaipTableState *maip_restore_table_from_backup(MaipClient *client, const char *target,
													  const char *backup_arn);

/* RestoreTableToPointInTime; when NULL: the latest restorable time. */
extern MaipTableState *maip_restore_table_to_point_in_time(MaipClient *client,
														   const char *source,
														   const char *target,
														   const TimestampTz *when);

/* DescribeContinuousBackups; with denied_ok, NULL when IAM denies it. */
extern MaipContinuousBackups *maip_describe_continuous_backups(MaipClient *client,
															   const char *table,
															   bool denied_ok);

/* UpdateContinuousBackups: point-in-time recovery on or off. */
extern MaipContinuousBackups *maip_update_continuous_backups(MaipClient *client,
															 const char *table, bool enabled);


#endif							/* MAIP_DYNAMO_H */
