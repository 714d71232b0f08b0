/*-------------------------------------------------------------------------
 * expr.h
 *		Writing DynamoDB expressions: names as #n<i>, values as :v<i>.
 *-------------------------------------------------------------------------
 */
#ifndef MAIP_EXPR_H
#define MAIP_EXPR_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "nodes/bitmapset.h"
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"

/*
 * The names and values of a set of expressions (a request's key condition,
 * filter and projection share them).  Values are planner expressions,
 * evaluated by the executor; each has a DynamoDB type letter (S N B T) and
 * a role letter (values.h) that tells the executor what an unsendable
 * value means.
 */
typedef struct MaipExprBuilder
{
	List	   *names;			/* String: #n<i> */
	List	   *values;			/* Expr: :v<i> */
	StringInfoData types;
	StringInfoData roles;
	Bitmapset  *term_names;		/* names used since maip_expr_begin_term */
} MaipExprBuilder;

/* A position in a builder, to forget what a failed attempt registered. */
typedef struct MaipExprMark
{
	int			nnames;
	int			nvalues;
} MaipExprMark;

extern void maip_expr_init(MaipExprBuilder *b);
extern int	maip_name_index(List **names, const char *attribute);
extern Expr *maip_text_const(const char *s);
extern int	maip_expr_name(MaipExprBuilder *b, const char *attribute);
extern int	maip_expr_value(MaipExprBuilder *b, Expr *value, char type, char role);
extern int	maip_expr_text_value(MaipExprBuilder *b, const char *s);
extern MaipExprMark maip_expr_begin_term(MaipExprBuilder *b);
extern void maip_expr_rewind(MaipExprBuilder *b, MaipExprMark mark);

/* the pieces of condition expressions */
extern void maip_expr_compare(StringInfo buf, int name, const char *op, int value);
extern void maip_expr_begins_with(StringInfo buf, int name, int value);
extern void maip_expr_is_null(StringInfo buf, int name, int null_type_value, bool negate);
extern void maip_expr_in_list(StringInfo buf, int name, const int *values, int n);
extern void maip_expr_type_guarded(StringInfo buf, const char *cond, int name, int type_value);
extern void maip_expr_range_condition(StringInfo buf, int name, int v1, char role1,
									  int v2, char role2);
extern int	maip_expr_operators(const char *expr);

/* DynamoDB's documented limits on one expression */
#define MAIP_MAX_EXPRESSION_BYTES 4096
#define MAIP_MAX_EXPRESSION_OPERATORS 300
#define MAIP_MAX_IN_OPERANDS 100

#endif							/* MAIP_EXPR_H */
