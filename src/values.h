/*-------------------------------------------------------------------------
 * values.h
 *		Which values DynamoDB can take in a condition, and what a condition
 *		becomes when its value cannot be sent.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_VALUES_H
#define MAIP_VALUES_H

#include "postgres.h"
#include "lib/stringinfo.h"

/* How a value compares with everything DynamoDB can store in its type. */
typedef enum MaipValueFit
{
	MAIP_FIT_OK,				/* DynamoDB can take it as it is */
	MAIP_FIT_EMPTY,				/* empty S or B: below every key, equal to none */
	MAIP_FIT_ABOVE,				/* a number above every storable one (also NaN, Infinity) */
	MAIP_FIT_BELOW,				/* a number below every storable one (-Infinity) */
	MAIP_FIT_BETWEEN			/* a number between two adjacent storable ones */
} MaipValueFit;

/*
 * What a value means where the plan uses it (one letter per value, beside
 * its DynamoDB type letter):
 *   K  key equality (partition key, a GetItem sort key, an index key):
 *      a value no key can hold matches nothing
 *   E g G l L  sort-key condition =, >, >=, <, <=
 *   P  begins_with prefix
 *   Q  LIKE pattern: its literal prefix becomes the begins_with prefix
 *   F  FilterExpression value
 */
#define MAIP_ROLE_KEY		'K'
#define MAIP_ROLE_EQ		'E'
#define MAIP_ROLE_GT		'g'
#define MAIP_ROLE_GE		'G'
#define MAIP_ROLE_LT		'l'
#define MAIP_ROLE_LE		'L'
#define MAIP_ROLE_PREFIX	'P'
#define MAIP_ROLE_LIKE		'Q'
#define MAIP_ROLE_FILTER	'F'

/* What the executor does with a value in its role. */
typedef enum MaipValueUse
{
	MAIP_USE_SEND,				/* send it (possibly rounded: see maip_value_use) */
	MAIP_USE_DROP,				/* leave its condition out: true for every item, or rechecked */
	MAIP_USE_NO_MATCH			/* no item can match: send nothing */
} MaipValueUse;

extern MaipValueFit maip_value_fit(Datum value, Oid typid, char type,
								   char **floor_n, char **ceil_n);
extern MaipValueUse maip_value_use(Datum value, Oid typid, char type, char role,
								   char **send_n);
extern bool maip_const_sendable(Datum value, Oid typid, char type);
extern char *maip_like_prefix(const char *pattern, bool *exact);

#endif							/* MAIP_VALUES_H */
