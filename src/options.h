/*-------------------------------------------------------------------------
 * options.h
 *		Option names, validation and the parsed option structs for servers,
 *		user mappings, foreign tables and columns.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_OPTIONS_H
#define MAIP_OPTIONS_H

#include "postgres.h"
#include "foreign/foreign.h"
#include "nodes/pg_list.h"

/* Server-level settings, with defaults applied. */
typedef struct MaipServerOptions
{
	char	   *endpoint;			/* full URL, e.g. https://dynamodb.us-east-1.amazonaws.com */
	char	   *region;
	char	   *env;				/* MAIP environment: dev, staging, prod ... */
	int			connect_timeout_ms;
	int			request_timeout_ms;
	int			max_retries;
	bool		ambient_credentials;	/* non-superusers may use the server's AWS env/profile */
	char	   *ca_file;			/* extra CA bundle for TLS, or NULL */
	bool		allow_insecure_http;	/* plain http beyond loopback (superuser-set) */
	char	   *sts_endpoint;		/* STS URL, or NULL: the region's */
} MaipServerOptions;

/* Per-column mapping onto a DynamoDB attribute. */
typedef struct MaipColumnOptions
{
	char	   *attribute;			/* attribute name (defaults to the column name) */
	bool		is_item;			/* json/jsonb column receiving the whole item */
	int			part;				/* 1-based '#'-separated part of the attribute, 0 = whole */
	int			nparts;				/* parts the attribute name has (customerId#timestamp: 2) */
} MaipColumnOptions;

/* Foreign-table settings. */
typedef struct MaipTableOptions
{
	char	   *table;				/* DynamoDB table name */
	int			page_size;			/* Limit per Scan request, 0 = let DynamoDB decide (1 MB) */
	int			segments;			/* parallel-scan segments, 0 = from the table's size */
	int			read_rate_limit;	/* read capacity units per second for Scans and
									 * Queries (table, else server), 0 = no cap */
	bool		consistent_read;	/* table option, else the server's, else false */
} MaipTableOptions;

extern char *maip_allowed_endpoints;

extern void maip_validate_option_list(List *options, Oid catalog);
extern void maip_check_endpoint_allowed(const char *url, Oid owner, bool allow_insecure_http);
extern bool maip_endpoint_is_loopback(const char *url);
extern char *maip_default_endpoint(const char *region);
extern char *maip_default_sts_endpoint(const char *region);
extern void maip_check_sts_endpoint_allowed(const char *url, Oid owner, bool allow_insecure_http);
extern bool maip_credential_is_printable(const char *s);
extern MaipServerOptions *maip_get_server_options(ForeignServer *server);
extern MaipTableOptions *maip_get_table_options(Oid foreigntableid);
extern MaipColumnOptions *maip_get_column_options(Oid relid, AttrNumber attnum,
												  const char *colname);

#endif							/* MAIP_OPTIONS_H */
