/*-------------------------------------------------------------------------
 * tabledesc.h
 *		What the planner and executor know of a DynamoDB table (its key
 *		schema, indexes and size), and the per-backend cache of it.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_TABLEDESC_H
#define MAIP_TABLEDESC_H

#include "postgres.h"
#include "foreign/foreign.h"
#include "nodes/pg_list.h"

/* A global or local secondary index. */
typedef struct MaipIndexDesc
{
	char	   *name;
	char	   *hash_key;
	char		hash_type;
	char	   *range_key;		/* NULL if the index has no sort key */
	char		range_type;
	bool		is_global;
	bool		projects_all;	/* ProjectionType ALL */
	List	   *projected;		/* String: attributes it holds when not ALL */
} MaipIndexDesc;

/* The parts of DescribeTable the planner and executor use. */
typedef struct MaipTableDesc
{
	char	   *table;
	char	   *status;
	double		item_count;
	double		size_bytes;
	char	   *hash_key;
	char		hash_type;		/* 'S', 'N' or 'B' */
	char	   *range_key;		/* NULL if the table has no sort key */
	char		range_type;
	int			nindexes;
	MaipIndexDesc *indexes;
} MaipTableDesc;

extern MaipTableDesc *maip_table_desc_lookup(ForeignServer *server, Oid userid,
											 const char *table);
extern MaipTableDesc *maip_table_desc_copy(const MaipTableDesc *d);

#endif							/* MAIP_TABLEDESC_H */
