/*-------------------------------------------------------------------------
 * expr.c
 *		Writing DynamoDB expressions: names as #n<i>, values as :v<i>.
 *
 * Every attribute name goes into ExpressionAttributeNames and every value
 * into ExpressionAttributeValues, so no user text is ever part of an
 * expression.  The builder registers them; the writers below produce the
 * condition syntax (comparisons, begins_with, IN lists, NULL tests, type
 * guards, sort-key conditions).  Nothing here knows about the read path's
 * access choice: key conditions, filters, and later the condition and
 * update expressions of writes all use the same pieces.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"

#include "expr.h"
#include "values.h"

void
maip_expr_init(MaipExprBuilder *b)
{
	memset(b, 0, sizeof(*b));
	initStringInfo(&b->types);
	initStringInfo(&b->roles);
}

/* The index of attribute in *names (String), appended if it is not there yet. */
int
maip_name_index(List **names, const char *attribute)
{
	ListCell   *lc;
	int			i = 0;

	foreach(lc, *names)
	{
		if (strcmp(strVal(lfirst(lc)), attribute) == 0)
			return i;
		i++;
	}
	*names = lappend(*names, makeString(pstrdup(attribute)));
	return i;
}

/* #n<i> for attribute: one placeholder per distinct name. */
int
maip_expr_name(MaipExprBuilder *b, const char *attribute)
{
	int			i = maip_name_index(&b->names, attribute);

	b->term_names = bms_add_member(b->term_names, i);
	return i;
}

/* A text constant, as a value expression. */
Expr *
maip_text_const(const char *s)
{
	return (Expr *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
							  CStringGetTextDatum(s), false, false);
}

/* A new :v<i> for value, of DynamoDB type 'type', in role 'role' (values.h). */
int
maip_expr_value(MaipExprBuilder *b, Expr *value, char type, char role)
{
	b->values = lappend(b->values, value);
	appendStringInfoChar(&b->types, type);
	appendStringInfoChar(&b->roles, role);
	return list_length(b->values) - 1;
}

/* A text constant value (type names for guards, "NULL"). */
int
maip_expr_text_value(MaipExprBuilder *b, const char *s)
{
	return maip_expr_value(b, maip_text_const(s), 'S', MAIP_ROLE_FILTER);
}

/* Start a term: its names are collected in term_names, its values follow the mark. */
MaipExprMark
maip_expr_begin_term(MaipExprBuilder *b)
{
	MaipExprMark m;

	m.nnames = list_length(b->names);
	m.nvalues = list_length(b->values);
	b->term_names = NULL;
	return m;
}

/* Forget the names and values registered since mark. */
void
maip_expr_rewind(MaipExprBuilder *b, MaipExprMark mark)
{
	b->names = list_truncate(b->names, mark.nnames);
	b->values = list_truncate(b->values, mark.nvalues);
	b->types.len = mark.nvalues;
	b->types.data[mark.nvalues] = '\0';
	b->roles.len = mark.nvalues;
	b->roles.data[mark.nvalues] = '\0';
	b->term_names = NULL;
}

/* #n<name> <op> :v<value> */
void
maip_expr_compare(StringInfo buf, int name, const char *op, int value)
{
	appendStringInfo(buf, "#n%d %s :v%d", name, op, value);
}

void
maip_expr_begins_with(StringInfo buf, int name, int value)
{
	appendStringInfo(buf, "begins_with(#n%d, :v%d)", name, value);
}

/*
 * IS NULL in DynamoDB's terms: no such attribute, or one of type NULL
 * (null_type_value holds the string "NULL"); negate for IS NOT NULL.
 */
void
maip_expr_is_null(StringInfo buf, int name, int null_type_value, bool negate)
{
	if (negate)
		appendStringInfo(buf, "(attribute_exists(#n%d) AND NOT attribute_type(#n%d, :v%d))",
						 name, name, null_type_value);
	else
		appendStringInfo(buf, "(attribute_not_exists(#n%d) OR attribute_type(#n%d, :v%d))",
						 name, name, null_type_value);
}

/*
 * #n IN (:v1, ...), in groups of DynamoDB's 100 operands ORed together
 * (parenthesized when there is more than one group).
 */
void
maip_expr_in_list(StringInfo buf, int name, const int *values, int n)
{
	bool		grouped = n > MAIP_MAX_IN_OPERANDS;

	if (grouped)
		appendStringInfoChar(buf, '(');
	for (int i = 0; i < n; i++)
	{
		if (i % MAIP_MAX_IN_OPERANDS == 0)
			appendStringInfo(buf, "%s#n%d IN (", i ? ") OR " : "", name);
		else
			appendStringInfoString(buf, ", ");
		appendStringInfo(buf, ":v%d", values[i]);
	}
	appendStringInfoChar(buf, ')');
	if (grouped)
		appendStringInfoChar(buf, ')');
}

/*
 * cond, or the attribute exists with another type than type_value names:
 * a superset of cond that never removes an item of another type (whose
 * comparison PostgreSQL, not DynamoDB, must decide).
 */
void
maip_expr_type_guarded(StringInfo buf, const char *cond, int name, int type_value)
{
	appendStringInfo(buf, "(%s OR (attribute_exists(#n%d) AND NOT attribute_type(#n%d, :v%d)))",
					 cond, name, name, type_value);
}

static const char *
role_operator(char role)
{
	switch (role)
	{
		case MAIP_ROLE_GT:
			return ">";
		case MAIP_ROLE_GE:
			return ">=";
		case MAIP_ROLE_LT:
			return "<";
		case MAIP_ROLE_LE:
			return "<=";
		default:
			return "=";
	}
}

/*
 * The sort-key part of a KeyConditionExpression: #n<name> compared with
 * :v<v1> (and :v<v2> for BETWEEN), the operator given by the value's role;
 * a value index of -1 is left out.  The planner writes it for EXPLAIN and
 * the executor again, without a bound whose value makes it true for every
 * key (values.c).
 */
void
maip_expr_range_condition(StringInfo buf, int name, int v1, char role1, int v2, char role2)
{
	if (v1 >= 0 && v2 >= 0)
		appendStringInfo(buf, "#n%d BETWEEN :v%d AND :v%d", name, v1, v2);
	else
	{
		int			v = v1 >= 0 ? v1 : v2;
		char		role = v1 >= 0 ? role1 : role2;

		if (role == MAIP_ROLE_PREFIX || role == MAIP_ROLE_LIKE)
			maip_expr_begins_with(buf, name, v);
		else
			maip_expr_compare(buf, name, role_operator(role), v);
	}
}

/*
 * Operators and functions in an expression written here, counted as
 * DynamoDB counts them against its limit of 300; BETWEEN's AND counts
 * twice, which errs on the safe side.
 */
int
maip_expr_operators(const char *expr)
{
	int			n = 0;
	const char *p = expr;

	while (*p)
	{
		if (*p == '#' || *p == ':')
		{
			for (p++; isalnum((unsigned char) *p) || *p == '_'; p++)
				;
		}
		else if (*p == '=' || *p == '<' || *p == '>')
		{
			n++;
			p += (p[1] == '=' || p[1] == '>') ? 2 : 1;
		}
		else if (isalpha((unsigned char) *p))
		{
			/* a function name or AND, OR, NOT, IN, BETWEEN */
			while (isalnum((unsigned char) *p) || *p == '_')
				p++;
			n++;
		}
		else
			p++;
	}
	return n;
}
