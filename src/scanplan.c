/*-------------------------------------------------------------------------
 * scanplan.c
 *		The plan contract between planner and executor, to and from
 *		ForeignScan.fdw_private.
 *
 * fdw_private must be a list of nodes (plans are copied and may be
 * printed), so a MaipScanPlan travels as one; this pair of functions is
 * the only place that knows the order (as oracle_fdw's
 * serializePlanData/deserializePlanData).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/value.h"

#include "scanplan.h"

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

static Node *
string_or_empty(const char *s)
{
	return (Node *) makeString(pstrdup(s ? s : ""));
}

static char *
null_if_empty(Node *n)
{
	char	   *s = strVal(n);

	return s[0] ? s : NULL;
}

static List *
serialize_terms(List *filter_terms)
{
	List	   *terms = NIL;
	ListCell   *lc;

	foreach(lc, filter_terms)
	{
		MaipFilterTerm *t = lfirst(lc);

		terms = lappend(terms, list_make4(makeString(t->text), t->names,
										  makeInteger(t->first_value), makeInteger(t->nvalues)));
	}
	return terms;
}

/* (list_make5 is not in PostgreSQL 13: lappend to a list_make4) */
List *
maip_scan_plan_serialize(const MaipScanPlan *p)
{
	List	   *what = lappend(list_make4(makeInteger(p->op), string_or_empty(p->table),
										  string_or_empty(p->index_name),
										  string_or_empty(p->key_condition)),
							   string_or_empty(p->filter));
	List	   *exprs = list_make3(serialize_terms(p->filter_terms), p->names,
								   list_make2(makeString(p->value_types), makeString(p->value_roles)));
	List	   *keys = lappend(list_make4(makeInteger(p->hash_name), makeInteger(p->hash_value),
										  makeInteger(p->range_name), makeInteger(p->range_value)),
							   list_make3(makeInteger(p->rc_name), makeInteger(p->rc_v1),
										  makeInteger(p->rc_v2)));

	return lappend(list_make4(what, exprs, keys,
							  list_make3(p->projection, p->retrieved, p->key_attrs)),
				   list_make4(makeInteger(p->flags), makeInteger(p->limit),
							  makeInteger(p->segments), makeInteger(p->read_rate)));
}

MaipScanPlan *
maip_scan_plan_deserialize(List *fdw_private)
{
	MaipScanPlan *p = palloc0(sizeof(MaipScanPlan));
	List	   *what = linitial(fdw_private);
	List	   *exprs = lsecond(fdw_private);
	List	   *keys = lthird(fdw_private);
	List	   *columns = lfourth(fdw_private);
	List	   *options = list_nth(fdw_private, 4);
	List	   *rc = list_nth(keys, 4);
	ListCell   *lc;

	p->op = (MaipOperation) intVal(linitial(what));
	p->table = strVal(lsecond(what));
	p->index_name = null_if_empty(lthird(what));
	p->key_condition = null_if_empty(lfourth(what));
	p->filter = null_if_empty(list_nth(what, 4));
	foreach(lc, (List *) linitial(exprs))
	{
		List	   *l = lfirst(lc);
		MaipFilterTerm *t = palloc(sizeof(MaipFilterTerm));

		t->text = strVal(linitial(l));
		t->names = lsecond(l);
		t->first_value = intVal(lthird(l));
		t->nvalues = intVal(lfourth(l));
		p->filter_terms = lappend(p->filter_terms, t);
	}
	p->names = lsecond(exprs);
	p->value_types = strVal(linitial(lthird(exprs)));
	p->value_roles = strVal(lsecond(lthird(exprs)));
	p->hash_name = intVal(linitial(keys));
	p->hash_value = intVal(lsecond(keys));
	p->range_name = intVal(lthird(keys));
	p->range_value = intVal(lfourth(keys));
	p->rc_name = intVal(linitial(rc));
	p->rc_v1 = intVal(lsecond(rc));
	p->rc_v2 = intVal(lthird(rc));
	p->projection = linitial(columns);
	p->retrieved = lsecond(columns);
	p->key_attrs = lthird(columns);
	p->flags = intVal(linitial(options));
	p->limit = intVal(lsecond(options));
	p->segments = intVal(lthird(options));
	p->read_rate = intVal(lfourth(options));
	return p;
}
