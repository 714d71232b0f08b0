/*-------------------------------------------------------------------------
 * deparse.c
 *		Decide which quals DynamoDB evaluates, and write them as key
 *		condition and filter expressions.
 *
 * The rule is exactness (as postgres_fdw's foreign_expr_walker): a qual
 * goes to DynamoDB only where DynamoDB's answer equals PostgreSQL's.
 *   - Key conditions compare key attributes, whose DynamoDB type the table
 *     schema fixes (S, N or B).  A column whose type matches (text/varchar,
 *     numeric/integers, bytea) compares the same way on both sides, with
 *     one caveat: DynamoDB orders strings by UTF-8 bytes, so a range on
 *     text goes remote only under the "C" collation; equality only needs a
 *     deterministic collation.  These quals are not rechecked.
 *   - Filters on other attributes cannot know each item's type: an N value
 *     in a text column compares differently remotely.  They are sent with
 *     a guard that lets items of any other type through, and PostgreSQL
 *     rechecks them: DynamoDB only ever removes rows PostgreSQL would
 *     remove too.  IS [NOT] NULL is exact and not rechecked.
 *   - Floats never go remote: DynamoDB compares decimals exactly, the
 *     column compares rounded doubles.
 * Names are always #n<i> placeholders and values :v<i> placeholders, so no
 * user text is ever part of an expression.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"

#include "deparse.h"

#if PG_VERSION_NUM < 140000
#define F_STARTS_WITH F_TEXT_STARTS_WITH
#endif
#include "options.h"
#include "request.h"

#define STRATEGY_NE 6			/* <> : not a btree strategy, but a filter we can send */
#define MAX_IN_VALUES 100		/* DynamoDB's limit on IN operands */

typedef enum CondKind
{
	COND_CMP,					/* col <op> value */
	COND_IN,					/* col = ANY (array) */
	COND_PREFIX,				/* col LIKE 'prefix%' */
	COND_NULL,					/* col IS NULL */
	COND_NOTNULL,				/* col IS NOT NULL */
	COND_BOOL,					/* bool col, or NOT bool col */
	COND_OR						/* an OR of the above */
} CondKind;

/* One recognised qual. */
typedef struct Cond
{
	RestrictInfo *rinfo;
	CondKind	kind;
	MaipColumn *col;
	char		type;			/* the column's natural DynamoDB type */
	int			strategy;		/* COND_CMP: BTLessStrategyNumber .. STRATEGY_NE */
	Expr	   *value;			/* COND_CMP / COND_IN: the value (array) expression */
	char	   *prefix;			/* COND_PREFIX */
	bool		bool_value;		/* COND_BOOL */
	List	   *disjuncts;		/* COND_OR: Cond pointers */
	bool		used;
} Cond;

const char *
maip_operation_name(MaipOperation op)
{
	switch (op)
	{
		case MAIP_SCAN:
			return "Scan";
		case MAIP_QUERY:
		case MAIP_MULTIQUERY:
			return "Query";
		case MAIP_GETITEM:
			return "GetItem";
		case MAIP_BATCHGET:
			return "BatchGetItem";
	}
	return "?";
}

/* The DynamoDB type a column's values naturally have: S, N, B, T (BOOL), or 0. */
char
maip_natural_type(Oid typid)
{
	switch (getBaseType(typid))
	{
		case TEXTOID:
		case VARCHAROID:
			return 'S';
		case NUMERICOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
			return 'N';
		case BYTEAOID:
			return 'B';
		case BOOLOID:
			return 'T';
		default:
			return 0;
	}
}

bool
maip_collation_is_c(Oid collid)
{
	if (collid == C_COLLATION_OID || collid == POSIX_COLLATION_OID)
		return true;
#if PG_VERSION_NUM < 170000
	return OidIsValid(collid) && lc_collate_is_c(collid);
#else
	return OidIsValid(collid) && pg_newlocale_from_collation(collid)->collate_is_c;
#endif
}

/*
 * Our column behind e (looking through binary-compatible casts), or NULL.
 * Part columns (a '#'-separated piece of an attribute) come back too; the
 * callers decide what a condition on one can become.
 */
static MaipColumn *
our_column_ext(Expr *e, RelOptInfo *baserel, MaipRelInfo *info, bool allow_typmod)
{
	Var		   *var;

	while (IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	if (!IsA(e, Var))
		return NULL;
	var = (Var *) e;
	if (var->varno != baserel->relid || var->varlevelsup != 0 ||
		var->varattno <= 0 || var->varattno > info->ncolumns)
		return NULL;
	if (info->columns[var->varattno - 1].is_item || info->columns[var->varattno - 1].dropped)
		return NULL;
	/*
	 * numeric(10,2), varchar(3) ...: the column shows the value rounded or
	 * cut, DynamoDB compares the value stored; only IS [NOT] NULL is exact
	 */
	if (info->columns[var->varattno - 1].typmod >= 0 && !allow_typmod)
		return NULL;
	return &info->columns[var->varattno - 1];
}

static MaipColumn *
our_column(Expr *e, RelOptInfo *baserel, MaipRelInfo *info)
{
	return our_column_ext(e, baserel, info, false);
}

/* A value DynamoDB can be sent: no column of ours, nothing volatile. */
static bool
is_value_expr(PlannerInfo *root, Expr *e, RelOptInfo *baserel)
{
#if PG_VERSION_NUM >= 140000
	Relids		varnos = pull_varnos(root, (Node *) e);
#else
	Relids		varnos = pull_varnos((Node *) e);
#endif

	return !bms_is_member(baserel->relid, varnos) &&
		!contain_volatile_functions((Node *) e) &&
		!contain_subplans((Node *) e);
}

static int
btree_strategy(Oid opno, Oid coltype)
{
	Oid			opclass = GetDefaultOpClass(coltype, BTREE_AM_OID);
	Oid			family;
	int			strategy;
	Oid			negator;

	if (!OidIsValid(opclass))
		return 0;
	family = get_opclass_family(opclass);
	strategy = get_op_opfamily_strategy(opno, family);
	if (strategy != 0)
		return strategy;
	negator = get_negator(opno);
	if (OidIsValid(negator) &&
		get_op_opfamily_strategy(negator, family) == BTEqualStrategyNumber)
		return STRATEGY_NE;
	return 0;
}

static int
commute_strategy(int s)
{
	switch (s)
	{
		case BTLessStrategyNumber:
			return BTGreaterStrategyNumber;
		case BTLessEqualStrategyNumber:
			return BTGreaterEqualStrategyNumber;
		case BTGreaterStrategyNumber:
			return BTLessStrategyNumber;
		case BTGreaterEqualStrategyNumber:
			return BTLessEqualStrategyNumber;
		default:
			return s;
	}
}

/* Does the comparison's collation let DynamoDB's byte order stand in for it? */
static bool
collation_ok(char type, int strategy, Oid inputcollid)
{
	if (type != 'S')
		return true;
	if (strategy == BTEqualStrategyNumber || strategy == STRATEGY_NE)
		return !OidIsValid(inputcollid) || get_collation_isdeterministic(inputcollid);
	return maip_collation_is_c(inputcollid);
}

/* A non-NULL, non-empty text constant (DynamoDB refuses empty prefixes). */
static bool
is_nonempty_text_const(Expr *e)
{
	return IsA(e, Const) && !((Const *) e)->constisnull &&
		getBaseType(((Const *) e)->consttype) == TEXTOID &&
		VARSIZE_ANY_EXHDR(DatumGetPointer(((Const *) e)->constvalue)) > 0;
}

/* "abc%" -> "abc"; NULL unless the pattern is a literal prefix followed by one %. */
static char *
like_prefix(Const *pattern)
{
	char	   *p;
	int			len;

	if (pattern->constisnull || getBaseType(pattern->consttype) != TEXTOID)
		return NULL;
	p = TextDatumGetCString(pattern->constvalue);
	len = strlen(p);
	if (len < 2 || p[len - 1] != '%')
		return NULL;
	for (int i = 0; i < len - 1; i++)
		if (p[i] == '%' || p[i] == '_' || p[i] == '\\')
			return NULL;
	p[len - 1] = '\0';
	return p;
}

static bool
recognise_opexpr(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info,
				 OpExpr *op, Cond *c)
{
	Expr	   *left;
	Expr	   *right;
	MaipColumn *col;
	Expr	   *value;
	int			strategy;
	char	   *opname;

	if (list_length(op->args) != 2)
		return false;
	left = linitial(op->args);
	right = lsecond(op->args);

	opname = get_opname(op->opno);
	/* col ^@ 'prefix' (starts_with): begins_with, prefix taken as is */
	if (opname && strcmp(opname, "^@") == 0 &&
		(col = our_column(left, baserel, info)) != NULL && col->part == 0 &&
		maip_natural_type(col->typid) == 'S' && is_nonempty_text_const(right) &&
		(!OidIsValid(op->inputcollid) || get_collation_isdeterministic(op->inputcollid)))
	{
		c->kind = COND_PREFIX;
		c->col = col;
		c->type = 'S';
		c->value = right;
		return true;
	}
	if (opname && strcmp(opname, "~~") == 0 &&
		(col = our_column(left, baserel, info)) != NULL && col->part == 0 &&
		maip_natural_type(col->typid) == 'S' && IsA(right, Const) &&
		(!OidIsValid(op->inputcollid) || get_collation_isdeterministic(op->inputcollid)))
	{
		c->prefix = like_prefix((Const *) right);
		if (c->prefix == NULL)
			return false;
		c->value = (Expr *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
									  CStringGetTextDatum(c->prefix), false, false);
		c->kind = COND_PREFIX;
		c->col = col;
		c->type = 'S';
		return true;
	}

	if ((col = our_column(left, baserel, info)) != NULL)
		value = right;
	else if ((col = our_column(right, baserel, info)) != NULL)
		value = left;
	else
		return false;
	if (!is_value_expr(root, value, baserel))
		return false;
	c->type = maip_natural_type(col->typid);
	if (c->type == 0 || maip_natural_type(exprType((Node *) value)) != c->type)
		return false;
	strategy = btree_strategy(op->opno, col->typid);
	if (strategy == 0)
		return false;
	if (value == left)
		strategy = commute_strategy(strategy);
	if (c->type == 'T' && strategy != BTEqualStrategyNumber && strategy != STRATEGY_NE)
		return false;
	if (!collation_ok(c->type, strategy, op->inputcollid))
		return false;
	/*
	 * DynamoDB refuses empty values in key ranges: PostgreSQL decides those
	 * (an empty key in an equality matches nothing, which the executor knows)
	 */
	if (strategy != BTEqualStrategyNumber && IsA(value, Const) &&
		!((Const *) value)->constisnull && (c->type == 'S' || c->type == 'B') &&
		VARSIZE_ANY_EXHDR(DatumGetPointer(((Const *) value)->constvalue)) == 0)
		return false;
	if (col->part > 0 && (c->type != 'S' || strategy == STRATEGY_NE))
		return false;
	c->kind = COND_CMP;
	c->col = col;
	c->strategy = strategy;
	c->value = value;
	return true;
}

static bool
recognise(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info,
		  RestrictInfo *rinfo, Cond *c)
{
	Expr	   *clause = rinfo->clause;
	MaipColumn *col;

	memset(c, 0, sizeof(*c));
	c->rinfo = rinfo;

	if (IsA(clause, OpExpr))
		return recognise_opexpr(root, baserel, info, (OpExpr *) clause, c);

	/* starts_with(col, 'prefix') is col ^@ 'prefix' */
	if (IsA(clause, FuncExpr) && ((FuncExpr *) clause)->funcid == F_STARTS_WITH &&
		list_length(((FuncExpr *) clause)->args) == 2)
	{
		FuncExpr   *f = (FuncExpr *) clause;
		Expr	   *arg = linitial(f->args);
		Expr	   *pat = lsecond(f->args);

		if ((col = our_column(arg, baserel, info)) == NULL || col->part > 0 ||
			maip_natural_type(col->typid) != 'S' || !is_nonempty_text_const(pat) ||
			(OidIsValid(f->inputcollid) && !get_collation_isdeterministic(f->inputcollid)))
			return false;
		c->kind = COND_PREFIX;
		c->col = col;
		c->type = 'S';
		c->value = pat;
		return true;
	}

	if (is_orclause(clause))
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) clause)->args)
		{
			Cond	   *d = palloc(sizeof(Cond));
			RestrictInfo fake;

			/* each arm must be a condition we can write, on a whole attribute */
			memset(&fake, 0, sizeof(fake));
			fake.type = T_RestrictInfo;
			fake.clause = lfirst(lc);
			/*
			 * Arms compare with constants only: a NULL parameter would make
			 * the executor drop the whole scan (its rule for ANDed
			 * conditions), where in an OR only that arm is false.
			 */
			if (!recognise(root, baserel, info, &fake, d) || d->kind == COND_OR ||
				d->col->part > 0 ||
				((d->kind == COND_IN || d->kind == COND_CMP) && !IsA(d->value, Const)))
				return false;
			d->rinfo = NULL;
			c->disjuncts = lappend(c->disjuncts, d);
		}
		c->kind = COND_OR;
		c->col = ((Cond *) linitial(c->disjuncts))->col;
		return true;
	}

	if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *saop = (ScalarArrayOpExpr *) clause;
		Expr	   *array = lsecond(saop->args);

		if (!saop->useOr ||
			(col = our_column(linitial(saop->args), baserel, info)) == NULL || col->part > 0 ||
			!is_value_expr(root, array, baserel))
			return false;
		c->type = maip_natural_type(col->typid);
		if (c->type == 0 || c->type == 'T' ||
			maip_natural_type(get_element_type(exprType((Node *) array))) != c->type ||
			btree_strategy(saop->opno, col->typid) != BTEqualStrategyNumber ||
			!collation_ok(c->type, BTEqualStrategyNumber, saop->inputcollid))
			return false;
		c->kind = COND_IN;
		c->col = col;
		c->value = array;
		return true;
	}

	if (IsA(clause, NullTest))
	{
		NullTest   *nt = (NullTest *) clause;

		if (nt->argisrow || (col = our_column_ext(nt->arg, baserel, info, true)) == NULL || col->part > 0)
			return false;
		c->kind = nt->nulltesttype == IS_NULL ? COND_NULL : COND_NOTNULL;
		c->col = col;
		return true;
	}

	if ((col = our_column(clause, baserel, info)) != NULL &&
		maip_natural_type(col->typid) == 'T')
	{
		c->kind = COND_BOOL;
		c->col = col;
		c->type = 'T';
		c->bool_value = true;
		return true;
	}
	if (is_notclause((Node *) clause) &&
		(col = our_column(get_notclausearg(clause), baserel, info)) != NULL &&
		maip_natural_type(col->typid) == 'T')
	{
		c->kind = COND_BOOL;
		c->col = col;
		c->type = 'T';
		c->bool_value = false;
		return true;
	}
	return false;
}

/* ---------- building expressions ---------- */

static int
name_ref(MaipAccess *a, const char *attribute)
{
	ListCell   *lc;
	int			i = 0;

	foreach(lc, a->names)
	{
		if (strcmp(strVal(lfirst(lc)), attribute) == 0)
			return i;
		i++;
	}
	a->names = lappend(a->names, makeString(pstrdup(attribute)));
	return i;
}

static int
value_ref(MaipAccess *a, Expr *value, char type)
{
	a->values = lappend(a->values, value);
	appendStringInfoChar(&a->value_types, type);
	return list_length(a->values) - 1;
}

static int
text_value_ref(MaipAccess *a, const char *s)
{
	return value_ref(a, (Expr *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
										   CStringGetTextDatum(s), false, false), 'S');
}

static const char *
type_name_of(char type)
{
	switch (type)
	{
		case 'S':
			return "S";
		case 'N':
			return "N";
		case 'B':
			return "B";
		default:
			return "BOOL";
	}
}

static const char *
comparison_operator(int strategy)
{
	switch (strategy)
	{
		case BTLessStrategyNumber:
			return "<";
		case BTLessEqualStrategyNumber:
			return "<=";
		case BTEqualStrategyNumber:
			return "=";
		case BTGreaterEqualStrategyNumber:
			return ">=";
		case BTGreaterStrategyNumber:
			return ">";
		default:
			return "<>";
	}
}

/* The bare condition, e.g. "#n1 > :v2"; false if it cannot be written. */
static bool
write_condition(MaipAccess *a, Cond *c, StringInfo buf)
{
	int			n = name_ref(a, c->col->attribute);

	switch (c->kind)
	{
		case COND_CMP:
			appendStringInfo(buf, "#n%d %s :v%d", n, comparison_operator(c->strategy),
							 value_ref(a, c->value, c->type));
			return true;
		case COND_PREFIX:
			appendStringInfo(buf, "begins_with(#n%d, :v%d)", n, value_ref(a, c->value, 'S'));
			return true;
		case COND_BOOL:
			appendStringInfo(buf, "#n%d = :v%d", n,
							 value_ref(a, (Expr *) makeBoolConst(c->bool_value, false), 'T'));
			return true;
		case COND_NULL:
			appendStringInfo(buf, "(attribute_not_exists(#n%d) OR attribute_type(#n%d, :v%d))",
							 n, n, text_value_ref(a, "NULL"));
			return true;
		case COND_NOTNULL:
			appendStringInfo(buf, "(attribute_exists(#n%d) AND NOT attribute_type(#n%d, :v%d))",
							 n, n, text_value_ref(a, "NULL"));
			return true;
		case COND_IN:
			{
				Const	   *arr = (Const *) c->value;
				Datum	   *elems;
				bool	   *nulls;
				int			nelems;
				int16		elmlen;
				bool		elmbyval;
				char		elmalign;
				Oid			elemtype;

				if (!IsA(arr, Const) || arr->constisnull)
					return false;
				elemtype = get_element_type(arr->consttype);
				get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
				deconstruct_array(DatumGetArrayTypeP(arr->constvalue), elemtype,
								  elmlen, elmbyval, elmalign, &elems, &nulls, &nelems);
				if (nelems == 0 || nelems > MAX_IN_VALUES)
					return false;
				{
					int			written = 0;

					/* a NULL element never matches: leave it out */
					for (int i = 0; i < nelems; i++)
						if (!nulls[i])
							written++;
					if (written == 0)
						return false;
				}
				appendStringInfo(buf, "#n%d IN (", n);
				for (int i = 0, w = 0; i < nelems; i++)
				{
					Expr	   *v;

					if (nulls[i])
						continue;
					v = (Expr *) makeConst(elemtype, -1, arr->constcollid, elmlen,
										   elmbyval ? elems[i] : datumCopy(elems[i], elmbyval, elmlen),
										   false, elmbyval);
					appendStringInfo(buf, "%s:v%d", w++ ? ", " : "", value_ref(a, v, c->type));
				}
				appendStringInfoChar(buf, ')');
				return true;
			}
		case COND_OR:
			break;				/* written by write_filter_term */
	}
	return false;
}

static bool
is_key_attribute(MaipRelInfo *info, const char *attribute, char type)
{
	MaipTableDesc *d = info->desc;

	if (d == NULL)
		return false;
	return (d->hash_key && strcmp(d->hash_key, attribute) == 0 && d->hash_type == type) ||
		(d->range_key && strcmp(d->range_key, attribute) == 0 && d->range_type == type);
}

/*
 * One filter term for c.  On key attributes (type fixed by the schema) and
 * for IS [NOT] NULL the term is exact; elsewhere it gets a type guard that
 * lets items of any other type through, so that DynamoDB only removes rows
 * PostgreSQL would remove too, and *exact is false (PostgreSQL rechecks).
 */
static bool
write_filter_term(MaipAccess *a, MaipRelInfo *info, Cond *c, StringInfo out, bool *exact)
{
	StringInfoData cond;
	int			n;

	if (c->kind == COND_OR)
	{
		ListCell   *lc;
		bool		all_exact = true;

		appendStringInfoChar(out, '(');
		foreach(lc, c->disjuncts)
		{
			bool		e;

			if (lc != list_head(c->disjuncts))
				appendStringInfoString(out, " OR ");
			if (!write_filter_term(a, info, lfirst(lc), out, &e))
				return false;
			all_exact &= e;
		}
		appendStringInfoChar(out, ')');
		*exact = all_exact;
		return true;
	}

	initStringInfo(&cond);
	if (!write_condition(a, c, &cond))
		return false;
	*exact = c->kind == COND_NULL || c->kind == COND_NOTNULL ||
		is_key_attribute(info, c->col->attribute, c->type);
	if (*exact)
	{
		appendStringInfoString(out, cond.data);
		return true;
	}
	n = name_ref(a, c->col->attribute);
	appendStringInfo(out, "(%s OR (attribute_exists(#n%d) AND NOT attribute_type(#n%d, :v%d)))",
					 cond.data, n, n, text_value_ref(a, type_name_of(c->type)));
	return true;
}

static bool is_index_key(MaipAccess *a, MaipRelInfo *info, const char *attribute);

/* Does c (or an arm of it) name a key attribute the Query uses? */
static bool
names_query_key(MaipAccess *a, MaipRelInfo *info, Cond *c)
{
	ListCell   *lc;

	if (c->kind == COND_OR)
	{
		foreach(lc, c->disjuncts)
			if (names_query_key(a, info, lfirst(lc)))
				return true;
		return false;
	}
	return a->index_name ? is_index_key(a, info, c->col->attribute)
		: is_key_attribute(info, c->col->attribute, c->type);
}

/* Add c to the FilterExpression, exactly or as a guarded superset that is rechecked here. */
static void
add_filter(MaipAccess *a, MaipRelInfo *info, Cond *c, StringInfo filter)
{
	StringInfoData term;
	bool		exact;
	int			nnames = list_length(a->names);
	int			nvalues = list_length(a->values);

	initStringInfo(&term);
	if (!write_filter_term(a, info, c, &term, &exact))
	{
		/* forget the names and values a half-written term registered */
		a->names = list_truncate(a->names, nnames);
		a->values = list_truncate(a->values, nvalues);
		a->value_types.len = nvalues;
		a->value_types.data[nvalues] = '\0';
		a->local_conds = lappend(a->local_conds, c->rinfo);
		return;
	}
	if (filter->len > 0)
		appendStringInfoString(filter, " AND ");
	appendStringInfoString(filter, term.data);
	if (exact)
		a->remote_conds = lappend(a->remote_conds, c->rinfo);
	else
		a->local_conds = lappend(a->local_conds, c->rinfo);
	c->used = true;
}

/* A condition DynamoDB evaluates exactly (synthetic ones from part columns have no RestrictInfo). */
static void
add_remote(MaipAccess *a, RestrictInfo *rinfo)
{
	if (rinfo)
		a->remote_conds = lappend(a->remote_conds, rinfo);
}

static Cond *
find_key_cond(Cond *conds, int n, const char *attribute, char type, CondKind kind, int strategy)
{
	for (int i = 0; i < n; i++)
	{
		Cond	   *c = &conds[i];

		if (!c->used && c->kind == kind && c->type == type && c->col->part == 0 &&
			strcmp(c->col->attribute, attribute) == 0 &&
			(kind != COND_CMP || c->strategy == strategy))
			return c;
	}
	return NULL;
}

/* The sort-key part of a KeyConditionExpression: one condition, the most selective we have. */
static void
add_range_key_condition(MaipAccess *a, const char *rk, char rt, Cond *conds, int n, StringInfo kc)
{
	Cond	   *eq = find_key_cond(conds, n, rk, rt, COND_CMP, BTEqualStrategyNumber);
	Cond	   *lo = find_key_cond(conds, n, rk, rt, COND_CMP, BTGreaterEqualStrategyNumber);
	Cond	   *hi = find_key_cond(conds, n, rk, rt, COND_CMP, BTLessEqualStrategyNumber);
	Cond	   *single = NULL;
	int			nref = name_ref(a, rk);

	if (eq)
		single = eq;
	else if (lo && hi)
	{
		int			vlo = value_ref(a, lo->value, rt);
		int			vhi = value_ref(a, hi->value, rt);

		/* DynamoDB refuses BETWEEN with lo > hi; the executor answers "no row" itself */
		a->between_lo = vlo;
		a->between_hi = vhi;

		appendStringInfo(kc, " AND #n%d BETWEEN :v%d AND :v%d", nref, vlo, vhi);
		lo->used = hi->used = true;
		add_remote(a, lo->rinfo);
		add_remote(a, hi->rinfo);
		return;
	}
	else if (lo)
		single = lo;
	else if (hi)
		single = hi;
	else if ((single = find_key_cond(conds, n, rk, rt, COND_CMP, BTGreaterStrategyNumber)) == NULL &&
			 (single = find_key_cond(conds, n, rk, rt, COND_CMP, BTLessStrategyNumber)) == NULL)
		single = find_key_cond(conds, n, rk, rt, COND_PREFIX, 0);
	if (single)
	{
		appendStringInfoString(kc, " AND ");
		write_condition(a, single, kc);
		single->used = true;
		add_remote(a, single->rinfo);
	}
}

/* ---------- secondary indexes ---------- */

/*
 * Does the index hold every attribute the foreign table maps?  (A narrower
 * test would look at the columns this query uses; this one is simple and
 * never sends a Query whose items lack an attribute the query reads.)
 */
static bool
index_covers(MaipRelInfo *info, MaipIndexDesc *x)
{
	if (x->projects_all)
		return true;
	for (int i = 0; i < info->ncolumns; i++)
	{
		MaipColumn *col = &info->columns[i];
		ListCell   *lc;
		bool		found = false;

		if (col->dropped)
			continue;
		if (col->is_item)
			return false;
		foreach(lc, x->projected)
			if (strcmp(strVal(lfirst(lc)), col->attribute) == 0)
				found = true;
		if (!found)
			return false;
	}
	return true;
}

static bool
is_index_key(MaipAccess *a, MaipRelInfo *info, const char *attribute)
{
	for (int i = 0; i < info->desc->nindexes; i++)
	{
		MaipIndexDesc *x = &info->desc->indexes[i];

		if (strcmp(x->name, a->index_name) == 0)
			return strcmp(x->hash_key, attribute) == 0 ||
				(x->range_key && strcmp(x->range_key, attribute) == 0);
	}
	return false;
}

/* Without a condition on the table's partition key: a Query on an index that has one. */
static void
try_index_query(MaipAccess *a, MaipRelInfo *info, Cond *conds, int n, StringInfo kc)
{
	for (int i = 0; i < info->desc->nindexes; i++)
	{
		MaipIndexDesc *x = &info->desc->indexes[i];
		Cond	   *h;

		if (!index_covers(info, x))
			continue;
		/* global indexes are eventually consistent only: don't trade consistency away */
		if (x->is_global && info->topts->consistent_read)
			continue;
		h = find_key_cond(conds, n, x->hash_key, x->hash_type, COND_CMP, BTEqualStrategyNumber);
		if (h == NULL)
			continue;
		a->op = MAIP_QUERY;
		a->index_name = x->name;
		a->global_index = x->is_global;
		a->hash_name = name_ref(a, x->hash_key);
		a->hash_value = value_ref(a, h->value, x->hash_type);
		appendStringInfo(kc, "#n%d = :v%d", a->hash_name, a->hash_value);
		h->used = true;
		add_remote(a, h->rinfo);
		if (x->range_key)
			add_range_key_condition(a, x->range_key, x->range_type, conds, n, kc);
		a->key_condition = kc->data;
		return;
	}
}

/* ---------- composite keys from part columns ---------- */

static Expr *
text_const(const char *s)
{
	return (Expr *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
							  CStringGetTextDatum(s), false, false);
}

/* a || b, NULL if either is NULL (as equality with NULL matches nothing) */
static Expr *
concat_exprs(Expr *a, Expr *b)
{
	if (exprType((Node *) a) != TEXTOID)
		a = (Expr *) makeRelabelType(a, TEXTOID, -1, DEFAULT_COLLATION_OID, COERCE_IMPLICIT_CAST);
	if (exprType((Node *) b) != TEXTOID)
		b = (Expr *) makeRelabelType(b, TEXTOID, -1, DEFAULT_COLLATION_OID, COERCE_IMPLICIT_CAST);
	return (Expr *) makeFuncExpr(F_TEXTCAT, TEXTOID, list_make2(a, b),
								 DEFAULT_COLLATION_OID, DEFAULT_COLLATION_OID,
								 COERCE_EXPLICIT_CALL);
}

static Cond *
find_part_cond(Cond *conds, int n, const char *attribute, int part, int strategy)
{
	for (int i = 0; i < n; i++)
		if (!conds[i].used && conds[i].kind == COND_CMP && conds[i].col->part == part &&
			conds[i].strategy == strategy && strcmp(conds[i].col->attribute, attribute) == 0)
			return &conds[i];
	return NULL;
}

/* The part conditions a synthetic key condition stands for are rechecked here. */
static void
recheck_part(MaipAccess *a, Cond *c)
{
	c->used = true;
	a->local_conds = lappend(a->local_conds, c->rinfo);
}

static Cond *
new_synthetic(Cond *conds, int *n, MaipColumn *keycol, CondKind kind, int strategy, Expr *value)
{
	Cond	   *c = &conds[(*n)++];

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->col = keycol;
	c->type = 'S';
	c->strategy = strategy;
	c->value = value;
	return c;
}

/*
 * Conditions on the parts of a composite string key (customerId#timestamp)
 * become conditions on the key itself: all parts equal -> key equality;
 * for a sort key, equal leading parts -> begins_with, and a range on the
 * next part -> a range on the joined prefix.  Each is only a superset (a
 * part may itself contain '#'), so the part conditions are rechecked.
 */
static void
synthesize_composite_key(MaipAccess *a, Cond *conds, int *n, const char *attribute,
						 char keytype, bool is_sort_key)
{
	MaipColumn *keycol;
	int			nparts = 1;
	int			leading = 0;
	Expr	   *joined = NULL;
	Cond	   *eqs[33];
	Expr	   *prefix;

	for (const char *p = attribute; *p; p++)
		if (*p == '#')
			nparts++;
	if (keytype != 'S' || nparts < 2 || nparts > 32)
		return;
	while (leading < nparts &&
		   (eqs[leading] = find_part_cond(conds, *n, attribute, leading + 1, BTEqualStrategyNumber)) != NULL)
	{
		joined = joined ? concat_exprs(concat_exprs(joined, text_const("#")), eqs[leading]->value)
			: eqs[leading]->value;
		leading++;
	}

	keycol = palloc0(sizeof(MaipColumn));
	keycol->attribute = pstrdup(attribute);
	keycol->typid = TEXTOID;
	keycol->collid = C_COLLATION_OID;

	if (leading == nparts)
	{
		for (int i = 0; i < leading; i++)
			recheck_part(a, eqs[i]);
		new_synthetic(conds, n, keycol, COND_CMP, BTEqualStrategyNumber, joined);
		return;
	}
	if (!is_sort_key || leading == 0)
		return;

	for (int i = 0; i < leading; i++)
		recheck_part(a, eqs[i]);
	prefix = concat_exprs(joined, text_const("#"));
	{
		int			next = leading + 1;
		Cond	   *lo = find_part_cond(conds, *n, attribute, next, BTGreaterEqualStrategyNumber);
		Cond	   *hi = find_part_cond(conds, *n, attribute, next, BTLessEqualStrategyNumber);

		if (!lo)
			lo = find_part_cond(conds, *n, attribute, next, BTGreaterStrategyNumber);
		if (!hi)
			hi = find_part_cond(conds, *n, attribute, next, BTLessStrategyNumber);
		if (lo == NULL && hi == NULL)
		{
			/*
			 * begins_with the joined parts, without the '#': a key "c1" has
			 * part 1 "c1" too (a part with no '#' after it takes the rest)
			 */
			new_synthetic(conds, n, keycol, COND_PREFIX, 0, joined);
			return;
		}
		/*
		 * prefix || lo is a lower bound.  prefix || hi is an upper bound only
		 * when the part is the last one (it then holds the rest of the key);
		 * otherwise the bound is the end of the prefix ('#' + 1 is '$').
		 */
		new_synthetic(conds, n, keycol, COND_CMP, BTGreaterEqualStrategyNumber,
					  lo ? concat_exprs(prefix, lo->value) : prefix);
		new_synthetic(conds, n, keycol, COND_CMP, BTLessEqualStrategyNumber,
					  (hi && next == nparts) ? concat_exprs(prefix, hi->value)
					  : concat_exprs(joined, text_const("$")));
		if (lo)
			recheck_part(a, lo);
		if (hi)
			recheck_part(a, hi);
	}
}

/*
 * Choose the request for these quals (RestrictInfos of baserel, plus join
 * clauses for a parameterized path): GetItem, BatchGetItem, Query(s) or
 * Scan, with every qual either sent exactly, sent and rechecked, or local.
 */
MaipAccess *
maip_choose_access(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info, List *clauses)
{
	MaipAccess *a = palloc0(sizeof(MaipAccess));
	int			n = 0;
	/* room for the synthetic conditions on composite keys, too */
	Cond	   *conds = palloc0(sizeof(Cond) * (list_length(clauses) + 4));
	Cond	   *hash_eq = NULL;
	Cond	   *hash_in = NULL;
	Cond	   *range_eq = NULL;
	ListCell   *lc;
	StringInfoData kc;
	StringInfoData filter;

	initStringInfo(&a->value_types);
	initStringInfo(&kc);
	initStringInfo(&filter);
	a->hash_name = a->hash_value = a->range_name = a->range_value = -1;
	a->between_lo = a->between_hi = -1;
	a->op = MAIP_SCAN;

	foreach(lc, clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		if (recognise(root, baserel, info, rinfo, &conds[n]))
			n++;
		else
			a->local_conds = lappend(a->local_conds, rinfo);
	}

	if (info->desc && info->desc->hash_key)
	{
		MaipTableDesc *d = info->desc;

		synthesize_composite_key(a, conds, &n, d->hash_key, d->hash_type, false);
		if (d->range_key)
			synthesize_composite_key(a, conds, &n, d->range_key, d->range_type, true);
		hash_eq = find_key_cond(conds, n, d->hash_key, d->hash_type, COND_CMP, BTEqualStrategyNumber);
		if (hash_eq == NULL)
			hash_in = find_key_cond(conds, n, d->hash_key, d->hash_type, COND_IN, 0);
		if (d->range_key)
			range_eq = find_key_cond(conds, n, d->range_key, d->range_type, COND_CMP, BTEqualStrategyNumber);
	}

	if ((hash_eq || hash_in) && (range_eq || info->desc->range_key == NULL))
	{
		/* the whole primary key: GetItem, or BatchGetItem for a list of partition keys */
		Cond	   *h = hash_eq ? hash_eq : hash_in;

		a->op = hash_eq ? MAIP_GETITEM : MAIP_BATCHGET;
		a->hash_name = name_ref(a, info->desc->hash_key);
		a->hash_value = value_ref(a, h->value, info->desc->hash_type);
		h->used = true;
		add_remote(a, h->rinfo);
		if (range_eq)
		{
			a->range_name = name_ref(a, info->desc->range_key);
			a->range_value = value_ref(a, range_eq->value, info->desc->range_type);
			range_eq->used = true;
			add_remote(a, range_eq->rinfo);
		}
		/* GetItem and BatchGetItem take no filter: the rest is checked here */
		for (int i = 0; i < n; i++)
			if (!conds[i].used && conds[i].rinfo)
				a->local_conds = lappend(a->local_conds, conds[i].rinfo);
		if (hash_in)
			a->nkeys = IsA(hash_in->value, Const) ?
				ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(((Const *) hash_in->value)->constvalue)),
							   ARR_DIMS(DatumGetArrayTypeP(((Const *) hash_in->value)->constvalue))) : 10;
		return a;
	}

	if (hash_eq || hash_in)
	{
		Cond	   *h = hash_eq ? hash_eq : hash_in;

		a->op = hash_eq ? MAIP_QUERY : MAIP_MULTIQUERY;
		a->hash_name = name_ref(a, info->desc->hash_key);
		a->hash_value = value_ref(a, h->value, info->desc->hash_type);
		appendStringInfo(&kc, "#n%d = :v%d", a->hash_name, a->hash_value);
		h->used = true;
		add_remote(a, h->rinfo);
		if (hash_in)
			a->nkeys = IsA(h->value, Const) ?
				ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(((Const *) h->value)->constvalue)),
							   ARR_DIMS(DatumGetArrayTypeP(((Const *) h->value)->constvalue))) : 10;
		if (info->desc->range_key)
			add_range_key_condition(a, info->desc->range_key, info->desc->range_type, conds, n, &kc);
		a->key_condition = kc.data;
	}
	else if (info->desc)
		try_index_query(a, info, conds, n, &kc);

	/* everything else: a filter where it can be written, local otherwise */
	for (int i = 0; i < n; i++)
	{
		Cond	   *c = &conds[i];

		/* synthetic key conditions (no RestrictInfo) only ever serve as key conditions */
		if (c->used || c->rinfo == NULL)
			continue;
		if (c->col->part > 0)
		{
			a->local_conds = lappend(a->local_conds, c->rinfo);
			continue;
		}
		/* a Query's filter may not name the key attributes it queries by */
		if (a->op != MAIP_SCAN && names_query_key(a, info, c))
		{
			a->local_conds = lappend(a->local_conds, c->rinfo);
			continue;
		}
		if (c->kind == COND_IN && !IsA(c->value, Const))
		{
			a->local_conds = lappend(a->local_conds, c->rinfo);
			continue;
		}
		add_filter(a, info, c, &filter);
	}
	if (filter.len > 0)
		a->filter = filter.data;
	return a;
}
