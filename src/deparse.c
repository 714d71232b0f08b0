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
 * Names are always #n<i> placeholders and values :v<i> placeholders
 * (expr.c), so no user text is ever part of an expression.  A value
 * DynamoDB cannot take is decided before sending (values.c): constants
 * here, parameters by the executor, by the role each value has.
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
#include "values.h"

#ifndef TextPrefixOperator
#define TextPrefixOperator 3877	/* text ^@ text */
#endif

#define STRATEGY_NE 6			/* <> : not a btree strategy, but a filter we can send */

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
	bool		like;			/* COND_PREFIX: value is a LIKE pattern (MAIP_ROLE_LIKE) */
	bool		recheck;		/* sent as a superset: PostgreSQL checks it again */
	bool		bool_value;		/* COND_BOOL */
	List	   *disjuncts;		/* COND_OR: Cond pointers */
	bool		used;
} Cond;

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
 * The column of relation relid behind e (looking through binary-compatible
 * casts), if e is one of its attributes that maps a DynamoDB attribute
 * (not the item column, not dropped); else NULL.
 */
MaipColumn *
maip_column_of(Expr *e, Index relid, MaipRelInfo *info)
{
	Var		   *var;
	MaipColumn *col;

	while (IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	if (!IsA(e, Var))
		return NULL;
	var = (Var *) e;
	if (var->varno != relid || var->varlevelsup != 0 ||
		var->varattno <= 0 || var->varattno > info->ncolumns)
		return NULL;
	col = &info->columns[var->varattno - 1];
	return (col->is_item || col->dropped) ? NULL : col;
}

/*
 * Our column behind e, or NULL.  Part columns (a '#'-separated piece of
 * an attribute) come back too; the callers decide what a condition on one
 * can become.
 */
static MaipColumn *
our_column_ext(Expr *e, RelOptInfo *baserel, MaipRelInfo *info, bool allow_typmod)
{
	MaipColumn *col = maip_column_of(e, baserel->relid, info);

	/*
	 * numeric(10,2), varchar(3) ...: the column shows the value rounded or
	 * cut, DynamoDB compares the value stored; only IS [NOT] NULL is exact
	 */
	if (col && col->typmod >= 0 && !allow_typmod)
		return NULL;
	return col;
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

/*
 * col ^@ prefix, starts_with(col, prefix): begins_with.  An empty constant
 * stays local (true for every string); an empty parameter drops the
 * condition at execution (MAIP_ROLE_PREFIX).
 */
static bool
recognise_prefix(PlannerInfo *root, RelOptInfo *baserel, MaipColumn *col, Expr *prefix, Cond *c)
{
	if (getBaseType(exprType((Node *) prefix)) != TEXTOID || !is_value_expr(root, prefix, baserel))
		return false;
	if (IsA(prefix, Const) &&
		(((Const *) prefix)->constisnull ||
		 VARSIZE_ANY_EXHDR(DatumGetPointer(((Const *) prefix)->constvalue)) == 0))
		return false;
	c->kind = COND_PREFIX;
	c->col = col;
	c->type = 'S';
	c->value = prefix;
	return true;
}

/*
 * col LIKE pattern: begins_with the pattern's literal prefix.  Exact for
 * "prefix%"; any other pattern with a literal prefix ("ab%c", "ab_") is
 * a superset, rechecked here; a parameter's prefix is found when the
 * value is known (MAIP_ROLE_LIKE), and rechecked too.
 */
static bool
recognise_like(PlannerInfo *root, RelOptInfo *baserel, MaipColumn *col, Expr *pattern, Cond *c)
{
	if (IsA(pattern, Const))
	{
		Const	   *k = (Const *) pattern;
		bool		exact;
		char	   *prefix;

		if (k->constisnull || getBaseType(k->consttype) != TEXTOID)
			return false;
		prefix = maip_like_prefix(TextDatumGetCString(k->constvalue), &exact);
		if (prefix[0] == '\0')
			return false;
		c->value = maip_text_const(prefix);
		c->recheck = !exact;
	}
	else if (is_value_expr(root, pattern, baserel) && getBaseType(exprType((Node *) pattern)) == TEXTOID)
	{
		c->value = pattern;
		c->like = true;
		c->recheck = true;
	}
	else
		return false;
	c->kind = COND_PREFIX;
	c->col = col;
	c->type = 'S';
	return true;
}

/*
 * A constant that DynamoDB cannot take, or that no key holds, in a range:
 * PostgreSQL decides the condition (parameters are decided at execution).
 */
static bool
unsendable_range_const(Expr *value, char type)
{
	Const	   *k = (Const *) value;

	return IsA(value, Const) && !k->constisnull && type != 'T' &&
		maip_value_fit(k->constvalue, k->consttype, type, NULL, NULL) != MAIP_FIT_OK;
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

	if (list_length(op->args) != 2)
		return false;
	left = linitial(op->args);
	right = lsecond(op->args);

	/*
	 * col ^@ prefix (starts_with) and col LIKE pattern, recognised by
	 * operator OID (a same-named operator of a user's is something else)
	 */
	if ((op->opno == TextPrefixOperator || op->opno == OID_TEXT_LIKE_OP) &&
		(col = our_column(left, baserel, info)) != NULL && col->part == 0 &&
		maip_natural_type(col->typid) == 'S' &&
		(!OidIsValid(op->inputcollid) || get_collation_isdeterministic(op->inputcollid)))
	{
		if (op->opno == OID_TEXT_LIKE_OP)
			return recognise_like(root, baserel, col, right, c);
		return recognise_prefix(root, baserel, col, right, c);
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
	 * DynamoDB refuses empty key values and numbers it cannot store: in a
	 * range, PostgreSQL decides such a constant (in an equality it matches
	 * no key, which the executor knows)
	 */
	if (strategy != BTEqualStrategyNumber && unsendable_range_const(value, c->type))
		return false;
	if (col->part > 0 && (c->type != 'S' || strategy == STRATEGY_NE))
		return false;
	c->kind = COND_CMP;
	c->col = col;
	c->strategy = strategy;
	c->value = value;
	return true;
}

static bool recognise(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info,
					  RestrictInfo *rinfo, Cond *c);

/* starts_with(col, prefix) is col ^@ prefix */
static bool
recognise_starts_with(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info,
					  FuncExpr *f, Cond *c)
{
	MaipColumn *col;

	if (list_length(f->args) != 2 ||
		(col = our_column(linitial(f->args), baserel, info)) == NULL || col->part > 0 ||
		maip_natural_type(col->typid) != 'S' ||
		(OidIsValid(f->inputcollid) && !get_collation_isdeterministic(f->inputcollid)))
		return false;
	return recognise_prefix(root, baserel, col, lsecond(f->args), c);
}

/*
 * An OR whose every arm is a condition we can write, on a whole attribute,
 * with constants only: a NULL parameter would make the executor drop the
 * whole scan (its rule for ANDed conditions), where in an OR only that arm
 * is false.
 */
static bool
recognise_or(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info, BoolExpr *or, Cond *c)
{
	ListCell   *lc;

	foreach(lc, or->args)
	{
		Cond	   *d = palloc(sizeof(Cond));
		RestrictInfo fake;

		memset(&fake, 0, sizeof(fake));
		fake.type = T_RestrictInfo;
		fake.clause = lfirst(lc);
		if (!recognise(root, baserel, info, &fake, d) || d->kind == COND_OR ||
			d->col->part > 0 || d->recheck ||
			((d->kind == COND_IN || d->kind == COND_CMP || d->kind == COND_PREFIX) &&
			 !IsA(d->value, Const)))
			return false;
		d->rinfo = NULL;
		c->disjuncts = lappend(c->disjuncts, d);
	}
	c->kind = COND_OR;
	c->col = ((Cond *) linitial(c->disjuncts))->col;
	return true;
}

/* col = ANY (array): an IN list */
static bool
recognise_any(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info,
			  ScalarArrayOpExpr *saop, Cond *c)
{
	Expr	   *array = lsecond(saop->args);
	MaipColumn *col;

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

/* col IS [NOT] NULL: exact, also on columns with a type modifier */
static bool
recognise_null_test(RelOptInfo *baserel, MaipRelInfo *info, NullTest *nt, Cond *c)
{
	MaipColumn *col;

	if (nt->argisrow || (col = our_column_ext(nt->arg, baserel, info, true)) == NULL || col->part > 0)
		return false;
	c->kind = nt->nulltesttype == IS_NULL ? COND_NULL : COND_NOTNULL;
	c->col = col;
	return true;
}

/* a boolean column, or NOT one */
static bool
recognise_bool(RelOptInfo *baserel, MaipRelInfo *info, Expr *clause, Cond *c)
{
	bool		negated = is_notclause((Node *) clause);
	MaipColumn *col = our_column(negated ? get_notclausearg(clause) : clause, baserel, info);

	if (col == NULL || maip_natural_type(col->typid) != 'T')
		return false;
	c->kind = COND_BOOL;
	c->col = col;
	c->type = 'T';
	c->bool_value = !negated;
	return true;
}

/* Is rinfo a condition DynamoDB can evaluate (see the kinds above)?  Fills c. */
static bool
recognise(PlannerInfo *root, RelOptInfo *baserel, MaipRelInfo *info,
		  RestrictInfo *rinfo, Cond *c)
{
	Expr	   *clause = rinfo->clause;

	memset(c, 0, sizeof(*c));
	c->rinfo = rinfo;

	if (IsA(clause, OpExpr))
		return recognise_opexpr(root, baserel, info, (OpExpr *) clause, c);
	if (IsA(clause, FuncExpr) && ((FuncExpr *) clause)->funcid == F_STARTS_WITH)
		return recognise_starts_with(root, baserel, info, (FuncExpr *) clause, c);
	if (is_orclause(clause))
		return recognise_or(root, baserel, info, (BoolExpr *) clause, c);
	if (IsA(clause, ScalarArrayOpExpr))
		return recognise_any(root, baserel, info, (ScalarArrayOpExpr *) clause, c);
	if (IsA(clause, NullTest))
		return recognise_null_test(baserel, info, (NullTest *) clause, c);
	return recognise_bool(baserel, info, clause, c);
}

/* ---------- building expressions ---------- */

static int
name_ref(MaipAccess *a, const char *attribute)
{
	return maip_expr_name(&a->ex, attribute);
}

static int
value_ref(MaipAccess *a, Expr *value, char type, char role)
{
	return maip_expr_value(&a->ex, value, type, role);
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

/* The role of c's value in a sort-key condition. */
static char
range_role(Cond *c)
{
	if (c->kind == COND_PREFIX)
		return c->like ? MAIP_ROLE_LIKE : MAIP_ROLE_PREFIX;
	switch (c->strategy)
	{
		case BTLessStrategyNumber:
			return MAIP_ROLE_LT;
		case BTLessEqualStrategyNumber:
			return MAIP_ROLE_LE;
		case BTGreaterEqualStrategyNumber:
			return MAIP_ROLE_GE;
		case BTGreaterStrategyNumber:
			return MAIP_ROLE_GT;
		default:
			return MAIP_ROLE_EQ;
	}
}

/*
 * A filter value DynamoDB takes.  Constants are checked now; a parameter
 * is checked when its value is known, and its term is then rechecked
 * here (add_filter), so that the executor may leave the term out.
 */
static bool
filter_value_ok(Expr *value, char type)
{
	Const	   *k = (Const *) value;

	return !IsA(value, Const) || k->constisnull ||
		maip_const_sendable(k->constvalue, k->consttype, type);
}

/* The non-NULL elements of a constant array that a filter can take, as Consts. */
static List *
array_filter_consts(Const *arr, char type, List *into)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	Oid			elemtype;

	if (!IsA(arr, Const) || arr->constisnull)
		return into;
	elemtype = get_element_type(arr->consttype);
	get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
	deconstruct_array(DatumGetArrayTypeP(arr->constvalue), elemtype,
					  elmlen, elmbyval, elmalign, &elems, &nulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		/* a NULL element never matches, nor does a number DynamoDB cannot hold */
		if (nulls[i] || !maip_const_sendable(elems[i], elemtype, type))
			continue;
		into = lappend(into, makeConst(elemtype, -1, arr->constcollid, elmlen,
									   elmbyval ? elems[i] : datumCopy(elems[i], elmbyval, elmlen),
									   false, elmbyval));
	}
	return into;
}

/* #n IN (:v1, ...) for these constants; false for none. */
static bool
write_in_list(MaipAccess *a, int n, char type, List *consts, StringInfo buf)
{
	int		   *refs = palloc(sizeof(int) * Max(list_length(consts), 1));
	int			i = 0;
	ListCell   *lc;

	if (consts == NIL)
		return false;
	foreach(lc, consts)
		refs[i++] = value_ref(a, lfirst(lc), type, MAIP_ROLE_FILTER);
	maip_expr_in_list(buf, n, refs, i);
	return true;
}

/* The bare filter condition, e.g. "#n1 > :v2"; false if it cannot be written. */
static bool
write_condition(MaipAccess *a, Cond *c, StringInfo buf)
{
	int			n = name_ref(a, c->col->attribute);

	switch (c->kind)
	{
		case COND_CMP:
			if (!filter_value_ok(c->value, c->type))
				return false;
			maip_expr_compare(buf, n, comparison_operator(c->strategy),
							  value_ref(a, c->value, c->type, MAIP_ROLE_FILTER));
			return true;
		case COND_PREFIX:
			maip_expr_begins_with(buf, n, value_ref(a, c->value, 'S', range_role(c)));
			return true;
		case COND_BOOL:
			maip_expr_compare(buf, n, "=",
							  value_ref(a, (Expr *) makeBoolConst(c->bool_value, false), 'T',
										MAIP_ROLE_FILTER));
			return true;
		case COND_NULL:
			maip_expr_is_null(buf, n, maip_expr_text_value(&a->ex, "NULL"), false);
			return true;
		case COND_NOTNULL:
			maip_expr_is_null(buf, n, maip_expr_text_value(&a->ex, "NULL"), true);
			return true;
		case COND_IN:
			return write_in_list(a, n, c->type,
								 array_filter_consts((Const *) c->value, c->type, NIL), buf);
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
 * An OR whose arms all test one attribute for equality (a = 1 OR a = 2,
 * a IN (...) OR a = 3): written as IN lists under one type guard, which
 * keeps long ORs within DynamoDB's expression limits.  The constants, or
 * NIL if c is not such an OR.
 */
static List *
or_of_equalities(Cond *c)
{
	Cond	   *first = linitial(c->disjuncts);
	List	   *consts = NIL;
	ListCell   *lc;

	foreach(lc, c->disjuncts)
	{
		Cond	   *d = lfirst(lc);

		if (strcmp(d->col->attribute, first->col->attribute) != 0 || d->type != first->type ||
			!((d->kind == COND_CMP && d->strategy == BTEqualStrategyNumber) || d->kind == COND_IN))
			return NIL;
	}
	foreach(lc, c->disjuncts)
	{
		Cond	   *d = lfirst(lc);
		Const	   *k = (Const *) d->value;

		if (d->kind == COND_IN)
			consts = array_filter_consts(k, d->type, consts);
		else if (maip_const_sendable(k->constvalue, k->consttype, d->type))
			consts = lappend(consts, k);
	}
	/* every value was one no item holds: leave the OR to PostgreSQL */
	return consts;
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
	Cond	   *single = c;
	List	   *in_consts = NIL;
	int			n;

	if (c->kind == COND_OR && (in_consts = or_of_equalities(c)) == NIL)
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
	if (c->kind == COND_OR)
	{
		single = linitial(c->disjuncts);
		if (!write_in_list(a, name_ref(a, single->col->attribute), single->type, in_consts, &cond))
			return false;
	}
	else if (!write_condition(a, c, &cond))
		return false;
	*exact = single->kind == COND_NULL || single->kind == COND_NOTNULL ||
		is_key_attribute(info, single->col->attribute, single->type);
	if (*exact)
	{
		appendStringInfoString(out, cond.data);
		return true;
	}
	n = name_ref(a, single->col->attribute);
	maip_expr_type_guarded(out, cond.data, n, maip_expr_text_value(&a->ex, type_name_of(single->type)));
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

/* Does any value from index 'from' on come from a parameter or expression? */
static bool
has_nonconst_values(MaipAccess *a, int from)
{
	for (int i = from; i < list_length(a->ex.values); i++)
		if (!IsA(list_nth(a->ex.values, i), Const))
			return true;
	return false;
}

/* The term just written, with the names and values it uses. */
static MaipFilterTerm *
new_filter_term(MaipAccess *a, const char *text, MaipExprMark mark)
{
	MaipFilterTerm *t = palloc(sizeof(MaipFilterTerm));
	int			n = -1;

	t->text = pstrdup(text);
	t->names = NIL;
	while ((n = bms_next_member(a->ex.term_names, n)) >= 0)
		t->names = lappend_int(t->names, n);
	t->first_value = mark.nvalues;
	t->nvalues = list_length(a->ex.values) - mark.nvalues;
	return t;
}

/*
 * Add c to the FilterExpression, exactly or as a guarded superset that is
 * rechecked here; locally if it cannot be written or would take the
 * expression past DynamoDB's limits (4 KB, 300 operators).  A term with a
 * parameter is always rechecked: the executor leaves it out when the
 * value is one DynamoDB cannot take.
 */
static void
add_filter(MaipAccess *a, MaipRelInfo *info, Cond *c, StringInfo filter)
{
	StringInfoData term;
	bool		exact;
	MaipExprMark mark = maip_expr_begin_term(&a->ex);

	initStringInfo(&term);
	if (!write_filter_term(a, info, c, &term, &exact) ||
		filter->len + (int) strlen(" AND ") + term.len > MAIP_MAX_EXPRESSION_BYTES ||
		maip_expr_operators(filter->data) + 1 + maip_expr_operators(term.data) >
		MAIP_MAX_EXPRESSION_OPERATORS)
	{
		maip_expr_rewind(&a->ex, mark);
		a->local_conds = lappend(a->local_conds, c->rinfo);
		return;
	}
	if (filter->len > 0)
		appendStringInfoString(filter, " AND ");
	appendStringInfoString(filter, term.data);
	a->filter_terms = lappend(a->filter_terms, new_filter_term(a, term.data, mark));
	if (exact && !c->recheck && !has_nonconst_values(a, mark.nvalues))
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

/* c becomes (part of) the key condition: exact, or a superset rechecked here. */
static void
use_key_cond(MaipAccess *a, Cond *c)
{
	c->used = true;
	if (c->recheck && c->rinfo)
		a->local_conds = lappend(a->local_conds, c->rinfo);
	else
		add_remote(a, c->rinfo);
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

/*
 * The sort-key part of a KeyConditionExpression: one condition, the most
 * selective we have.  Its shape is kept (rc_name, rc_v1, rc_v2 and the
 * values' roles) so that the executor can write it again without a bound
 * whose value makes it true for every key.
 */
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
		/* DynamoDB refuses BETWEEN with lo > hi; the executor answers "no row" itself */
		a->rc_v1 = value_ref(a, lo->value, rt, MAIP_ROLE_GE);
		a->rc_v2 = value_ref(a, hi->value, rt, MAIP_ROLE_LE);
		use_key_cond(a, lo);
		use_key_cond(a, hi);
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
		a->rc_v1 = value_ref(a, single->value, rt, range_role(single));
		use_key_cond(a, single);
	}
	if (a->rc_v1 < 0)
		return;
	a->rc_name = nref;
	appendStringInfoString(kc, " AND ");
	maip_expr_range_condition(kc, nref, a->rc_v1, a->ex.roles.data[a->rc_v1],
							  a->rc_v2, a->rc_v2 >= 0 ? a->ex.roles.data[a->rc_v2] : 0);
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
		a->hash_value = value_ref(a, h->value, x->hash_type, MAIP_ROLE_KEY);
		maip_expr_compare(kc, a->hash_name, "=", a->hash_value);
		h->used = true;
		add_remote(a, h->rinfo);
		if (x->range_key)
			add_range_key_condition(a, x->range_key, x->range_type, conds, n, kc);
		a->key_condition = kc->data;
		return;
	}
}

/* ---------- composite keys from part columns ---------- */

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
		joined = joined ? concat_exprs(concat_exprs(joined, maip_text_const("#")), eqs[leading]->value)
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
	prefix = concat_exprs(joined, maip_text_const("#"));
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
					  : concat_exprs(joined, maip_text_const("$")));
		if (lo)
			recheck_part(a, lo);
		if (hi)
			recheck_part(a, hi);
	}
}

/*
 * How many keys an IN list gives (for costs): its non-NULL elements, none
 * for a NULL array (= ANY (NULL) matches nothing), a guess for a parameter.
 */
static double
array_key_count(Expr *value)
{
	Const	   *k = (Const *) value;
	ArrayType  *arr;
	bits8	   *bitmap;
	int			n;
	int			count = 0;

	if (!IsA(value, Const))
		return 10;
	if (k->constisnull)
		return 0;
	arr = DatumGetArrayTypeP(k->constvalue);
	n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	bitmap = ARR_NULLBITMAP(arr);
	for (int i = 0; i < n; i++)
		if (bitmap == NULL || (bitmap[i / 8] & (1 << (i % 8))))
			count++;
	return count;
}

/* The whole primary key: GetItem, or BatchGetItem for a list of partition keys. */
static void
choose_full_key(MaipAccess *a, MaipRelInfo *info, Cond *conds, int n, Cond *h, Cond *range_eq)
{
	a->op = h->kind == COND_CMP ? MAIP_GETITEM : MAIP_BATCHGET;
	a->hash_name = name_ref(a, info->desc->hash_key);
	a->hash_value = value_ref(a, h->value, info->desc->hash_type, MAIP_ROLE_KEY);
	use_key_cond(a, h);
	if (range_eq)
	{
		a->range_name = name_ref(a, info->desc->range_key);
		a->range_value = value_ref(a, range_eq->value, info->desc->range_type, MAIP_ROLE_KEY);
		use_key_cond(a, range_eq);
	}
	/* GetItem and BatchGetItem take no filter: the rest is checked here */
	for (int i = 0; i < n; i++)
		if (!conds[i].used && conds[i].rinfo)
			a->local_conds = lappend(a->local_conds, conds[i].rinfo);
	if (h->kind == COND_IN)
		a->nkeys = array_key_count(h->value);
}

/* A partition key (or a list of them): Query (one per key), with a sort-key condition. */
static void
choose_query(MaipAccess *a, MaipRelInfo *info, Cond *conds, int n, Cond *h)
{
	StringInfoData kc;

	initStringInfo(&kc);
	a->op = h->kind == COND_CMP ? MAIP_QUERY : MAIP_MULTIQUERY;
	a->hash_name = name_ref(a, info->desc->hash_key);
	a->hash_value = value_ref(a, h->value, info->desc->hash_type, MAIP_ROLE_KEY);
	maip_expr_compare(&kc, a->hash_name, "=", a->hash_value);
	use_key_cond(a, h);
	if (h->kind == COND_IN)
		a->nkeys = array_key_count(h->value);
	if (info->desc->range_key)
		add_range_key_condition(a, info->desc->range_key, info->desc->range_type, conds, n, &kc);
	a->key_condition = kc.data;
}

/* Every condition not used by the key: a filter where it can be written, local otherwise. */
static void
add_filters(MaipAccess *a, MaipRelInfo *info, Cond *conds, int n)
{
	StringInfoData filter;

	initStringInfo(&filter);
	for (int i = 0; i < n; i++)
	{
		Cond	   *c = &conds[i];

		/* synthetic key conditions (no RestrictInfo) only ever serve as key conditions */
		if (c->used || c->rinfo == NULL)
			continue;
		/*
		 * Parts are rechecked anyway; a Query's filter may not name the key
		 * attributes it queries by; an IN list must be a constant
		 */
		if (c->col->part > 0 ||
			(a->op != MAIP_SCAN && names_query_key(a, info, c)) ||
			(c->kind == COND_IN && !IsA(c->value, Const)))
			a->local_conds = lappend(a->local_conds, c->rinfo);
		else
			add_filter(a, info, c, &filter);
	}
	if (filter.len > 0)
		a->filter = filter.data;
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
	MaipTableDesc *d = info->desc;
	Cond	   *hash = NULL;
	Cond	   *range_eq = NULL;
	ListCell   *lc;

	maip_expr_init(&a->ex);
	a->hash_name = a->hash_value = a->range_name = a->range_value = -1;
	a->rc_name = a->rc_v1 = a->rc_v2 = -1;
	a->op = MAIP_SCAN;

	foreach(lc, clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		if (recognise(root, baserel, info, rinfo, &conds[n]))
			n++;
		else
			a->local_conds = lappend(a->local_conds, rinfo);
	}

	if (d && d->hash_key)
	{
		synthesize_composite_key(a, conds, &n, d->hash_key, d->hash_type, false);
		if (d->range_key)
			synthesize_composite_key(a, conds, &n, d->range_key, d->range_type, true);
		hash = find_key_cond(conds, n, d->hash_key, d->hash_type, COND_CMP, BTEqualStrategyNumber);
		if (hash == NULL)
			hash = find_key_cond(conds, n, d->hash_key, d->hash_type, COND_IN, 0);
		if (d->range_key)
			range_eq = find_key_cond(conds, n, d->range_key, d->range_type, COND_CMP, BTEqualStrategyNumber);
	}

	if (hash && (range_eq || d->range_key == NULL))
	{
		choose_full_key(a, info, conds, n, hash, range_eq);
		return a;
	}
	if (hash)
		choose_query(a, info, conds, n, hash);
	else if (d)
	{
		StringInfoData kc;

		initStringInfo(&kc);
		try_index_query(a, info, conds, n, &kc);
	}
	add_filters(a, info, conds, n);
	return a;
}
