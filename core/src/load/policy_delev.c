/*
 * policy_delev.c - the 'deleveraging' section: how the built-in liquidation is carried
 * out, the policy's own rules (a condition, an action, a target), and the ADL ranking.
 *
 * Conditions become trees at load time and are checked whole: an unknown metric gets a
 * did-you-mean, and every inconsistency (a deleverage rule without a target, a target on
 * an action that makes no plan, a rule named twice) is an error at its line and column.
 */
#include "base/prefix.h"

#include "load/load.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ==== Conditions ======================================================== */

static const char *const op_names[] = {"gt", "gte", "lt", "lte"};
static const char *const op_signs[] = {">", ">=", "<", "<="};

static lc__cond *new_cond(lc_policy *p, lc__cond_kind kind, size_t n_kids)
{
    lc__cond *c = lc__arena_alloc(&p->arena, sizeof(*c));
    if (!c)
        return NULL;
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->market = -1;
    if (n_kids) {
        c->kids = lc__arena_alloc(&p->arena, n_kids * sizeof(*c->kids));
        if (!c->kids)
            return NULL;
    }
    return c;
}

/* Index of "s" in "names" (n of them), or -1 with an error naming the choices. */
static int pick(lc__ld *ld, const lc__node *k, const char *const *names, size_t n,
                const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(k->s, names[i]) == 0)
            return (int)i;
    const char *hint = lc__did_you_mean(k->s, names, n);
    char list[256];
    size_t off = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && off + 40 < sizeof list; i++)
        off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", names[i]);
    if (hint)
        lc__ld_error(ld, LC_DIAG_UNKNOWN_KEY, k->line, k->col,
                     "unknown %s '%s' (did you mean '%s'?)", what, k->s, hint);
    else
        lc__ld_error(ld, LC_DIAG_UNKNOWN_KEY, k->line, k->col,
                     "unknown %s '%s'; expected one of %s", what, k->s, list);
    return -1;
}

/* {gt: 20, lte: 30} for one metric: a CMP per operator, added to "all". */
static lc_status load_cmps(lc__ld *ld, lc_policy *p, const lc__node *ops, int metric,
                           lc__cond *all, size_t *pn)
{
    if (!lc__node_expect(ld, ops, LC__NODE_MAP))
        return LC_OK;
    if (ops->n == 0)
        lc__ld_error(ld, LC_DIAG_MISSING, ops->line, ops->col,
                     "expected a comparison such as {gt: 20}, got an empty mapping");
    for (size_t i = 0; i + 1 < ops->n; i += 2) {
        const lc__node *k = ops->kids[i];
        double v;
        if (k->kind != LC__NODE_SCALAR) {
            lc__ld_error(ld, LC_DIAG_TYPE, k->line, k->col, "expected gt, gte, lt or lte");
            continue;
        }
        int op = pick(ld, k, op_names, 4, "comparison");
        if (op < 0 || !lc__node_number(ld, ops->kids[i + 1], &v))
            continue;
        lc__cond *c = new_cond(p, LC__C_CMP, 0);
        if (!c)
            return LC_ENOMEM;
        c->metric = metric;
        c->op = (lc__op)op;
        c->value = v;
        all->kids[(*pn)++] = c;
    }
    return LC_OK;
}

static lc_status load_cond(lc__ld *ld, lc_policy *p, const lc__node *n, lc__cond **out);

/* A list of conditions (all: [...] / any: [...]). */
static lc_status load_list(lc__ld *ld, lc_policy *p, const lc__node *seq, lc__cond_kind kind,
                           lc__cond **out)
{
    *out = NULL;
    if (!lc__node_expect(ld, seq, LC__NODE_SEQ))
        return LC_OK;
    if (seq->n == 0) {
        lc__ld_error(ld, LC_DIAG_MISSING, seq->line, seq->col,
                     "expected at least one condition in the list");
        return LC_OK;
    }
    lc__cond *c = new_cond(p, kind, seq->n);
    if (!c)
        return LC_ENOMEM;
    for (size_t i = 0; i < seq->n; i++) {
        lc__cond *kid;
        lc_status rc = load_cond(ld, p, seq->kids[i], &kid);
        if (rc)
            return rc;
        if (kid)
            c->kids[c->n++] = kid;
    }
    *out = c;
    return LC_OK;
}

/* position: {market: M, notional: {gt: x}, ...} */
static lc_status load_position_cond(lc__ld *ld, lc_policy *p, const lc__node *m, lc__cond **out)
{
    *out = NULL;
    if (!lc__node_expect(ld, m, LC__NODE_MAP))
        return LC_OK;
    lc__cond *c = new_cond(p, LC__C_POSITION, m->n * 2 + 1);
    if (!c)
        return LC_ENOMEM;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const lc__node *k = m->kids[i], *v = m->kids[i + 1];
        if (k->kind != LC__NODE_SCALAR) {
            lc__ld_error(ld, LC_DIAG_TYPE, k->line, k->col, "expected a key (a string)");
            continue;
        }
        if (strcmp(k->s, "market") == 0) {
            const char *name;
            if (!lc__node_string(ld, v, &name))
                continue;
            c->market = lc__policy_find(p, name, strlen(name));
            if (c->market < 0)
                lc__ld_error(ld, LC_DIAG_REFERENCE, v->line, v->col,
                             "unknown market '%s': the policy does not define it", name);
            continue;
        }
        int metric = pick(ld, k, lc__pmetric_names, LC__N_PMETRICS, "position metric");
        if (metric < 0)
            continue;
        lc_status rc = load_cmps(ld, p, v, metric, c, &c->n);
        if (rc)
            return rc;
    }
    *out = c;
    return LC_OK;
}

/* A condition mapping: every entry must hold. Entries are metrics with comparisons, or
 * all / any / not / position. */
static lc_status load_cond(lc__ld *ld, lc_policy *p, const lc__node *n, lc__cond **out)
{
    *out = NULL;
    if (!lc__node_expect(ld, n, LC__NODE_MAP))
        return LC_OK;
    if (n->n == 0) {
        lc__ld_error(ld, LC_DIAG_MISSING, n->line, n->col, "expected a condition, got an empty mapping");
        return LC_OK;
    }
    lc__cond *all = new_cond(p, LC__C_ALL, n->n * 2 + 1);
    if (!all)
        return LC_ENOMEM;
    static const char *const forms[] = {"equity", "collateral", "upnl", "notional",
                                        "maintenance_margin", "initial_margin", "available",
                                        "margin_ratio", "leverage", "all", "any", "not",
                                        "position"};
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const lc__node *k = n->kids[i], *v = n->kids[i + 1];
        if (k->kind != LC__NODE_SCALAR) {
            lc__ld_error(ld, LC_DIAG_TYPE, k->line, k->col, "expected a metric or all, any, not, position");
            continue;
        }
        int f = pick(ld, k, forms, LC_ARRAY_LEN(forms), "condition");
        lc__cond *kid = NULL;
        lc_status rc = LC_OK;
        if (f < 0)
            continue;
        if (f < LC__N_METRICS) {
            rc = load_cmps(ld, p, v, f, all, &all->n);
        } else if (strcmp(forms[f], "all") == 0 || strcmp(forms[f], "any") == 0) {
            rc = load_list(ld, p, v, forms[f][1] == 'l' ? LC__C_ALL : LC__C_ANY, &kid);
        } else if (strcmp(forms[f], "not") == 0) {
            lc__cond *inner;
            rc = load_cond(ld, p, v, &inner);
            if (rc == LC_OK && inner) {
                kid = new_cond(p, LC__C_NOT, 1);
                if (!kid)
                    return LC_ENOMEM;
                kid->kids[kid->n++] = inner;
            }
        } else {
            rc = load_position_cond(ld, p, v, &kid);
        }
        if (rc)
            return rc;
        if (kid)
            all->kids[all->n++] = kid;
    }
    *out = all->n == 1 ? all->kids[0] : all;
    return LC_OK;
}

/* ==== Condition text ==================================================== */

typedef struct text {
    char *buf;
    size_t cap, len;
} text;

static void put(text *t, const char *fmt, ...) LC_PRINTF(2, 3);

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (t->len < t->cap) {
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        if (n > 0)
            t->len += (size_t)n;
    }
    va_end(ap);
}

static void write_cond(const lc_policy *p, const lc__cond *c, text *t, bool top)
{
    char nb[40];
    switch (c->kind) {
    case LC__C_CMP:
        put(t, "%s %s %s", lc__metric_names[c->metric], op_signs[c->op], lc__numstr(c->value, nb));
        return;
    case LC__C_ALL:
    case LC__C_ANY:
        if (!top || c->kind == LC__C_ANY)
            put(t, "%s(", c->kind == LC__C_ALL ? "all" : "any");
        for (size_t i = 0; i < c->n; i++) {
            if (i)
                put(t, c->kind == LC__C_ALL && top ? " and " : ", ");
            write_cond(p, c->kids[i], t, false);
        }
        if (!top || c->kind == LC__C_ANY)
            put(t, ")");
        return;
    case LC__C_NOT:
        put(t, "not(");
        write_cond(p, c->kids[0], t, false);
        put(t, ")");
        return;
    case LC__C_POSITION:
        put(t, "position(");
        if (c->market >= 0)
            put(t, "market = %s%s", p->markets[c->market].name, c->n ? ", " : "");
        for (size_t i = 0; i < c->n; i++)
            put(t, "%s%s %s %s", i ? ", " : "", lc__pmetric_names[c->kids[i]->metric],
                op_signs[c->kids[i]->op], lc__numstr(c->kids[i]->value, nb));
        put(t, ")");
        return;
    }
}

/* Whether "c" looks at single positions, not only at the pool's totals. */
static bool reads_positions(const lc__cond *c)
{
    if (c->kind == LC__C_POSITION)
        return true;
    for (size_t i = 0; c->kind != LC__C_CMP && i < c->n; i++)
        if (reads_positions(c->kids[i]))
            return true;
    return false;
}

static const char *cond_text(lc_policy *p, const lc__cond *c)
{
    char buf[512];
    text t = {buf, sizeof buf, 0};
    buf[0] = '\0';
    write_cond(p, c, &t, true);
    return lc__arena_strndup(&p->arena, buf, strlen(buf));
}

/* ==== Plans ============================================================= */

enum { PL_TARGET, PL_FEE, PL_ORDER, PL_STEP, PL_STEPDOWN, PL_N };

/* Reads a plan's settings from the values "v" over the defaults already in "c". */
static lc_status load_plan(lc__ld *ld, lc_policy *p, const lc__node *const *v, lc__plancfg *c)
{
    double x;
    if (v[PL_TARGET] && lc__node_expect(ld, v[PL_TARGET], LC__NODE_MAP)) {
        const lc__node *t = v[PL_TARGET];
        if (t->n != 2) {
            lc__ld_error(ld, LC_DIAG_VALUE, t->line, t->col,
                         "expected one target, {margin_ratio: x} or {leverage: x}");
        } else {
            const lc__node *k = t->kids[0];
            static const char *const kinds[] = {"margin_ratio", "leverage"};
            int kind = k->kind == LC__NODE_SCALAR ? pick(ld, k, kinds, 2, "target") : -1;
            if (kind >= 0 && lc__node_number(ld, t->kids[1], &x)) {
                if (!(x > 0))
                    lc__ld_error(ld, LC_DIAG_VALUE, t->kids[1]->line, t->kids[1]->col,
                                 "expected a target above 0, got %s", t->kids[1]->s);
                c->target = kind == 0 ? LC__TARGET_MR : LC__TARGET_LEVERAGE;
                c->target_value = x;
                char buf[80], nb[40];
                snprintf(buf, sizeof buf, "%s <= %s", kinds[kind], lc__numstr(x, nb));
                c->target_text = lc__arena_strndup(&p->arena, buf, strlen(buf));
                if (!c->target_text)
                    return LC_ENOMEM;
            }
        }
    }
    if (v[PL_FEE] && lc__node_number(ld, v[PL_FEE], &x)) {
        if (!(x >= 0 && x < 0.1))
            lc__ld_error(ld, LC_DIAG_VALUE, v[PL_FEE]->line, v[PL_FEE]->col,
                         "expected fee_rate in [0, 0.1), got %s", v[PL_FEE]->s);
        c->fee_rate = x;
    }
    const char *s;
    if (v[PL_ORDER] && lc__node_string(ld, v[PL_ORDER], &s)) {
        int o = pick(ld, v[PL_ORDER], lc__order_names, 4, "order");
        if (o >= 0)
            c->order = (lc__order)o;
    }
    if (v[PL_STEP] && lc__node_number(ld, v[PL_STEP], &x)) {
        if (!(x > 0 && x <= 1))
            lc__ld_error(ld, LC_DIAG_VALUE, v[PL_STEP]->line, v[PL_STEP]->col,
                         "expected step in (0, 1], got %s", v[PL_STEP]->s);
        c->step = x;
    }
    if (v[PL_STEPDOWN])
        lc__node_bool(ld, v[PL_STEPDOWN], &c->step_down);
    return LC_OK;
}

/* ==== The section ======================================================= */

enum { L_TARGET, L_FEE, L_ORDER, L_STEP, L_STEPDOWN, L_N };
static const lc__key liq_keys[L_N] = {{"target", false}, {"fee_rate", false}, {"order", false},
                                      {"step", false},   {"step_down_tiers", false}};

enum { RU_NAME, RU_WHEN, RU_ACTION, RU_TARGET, RU_FEE, RU_ORDER, RU_STEP, RU_STEPDOWN, RU_N };
static const lc__key rule_keys[RU_N] = {{"name", true},    {"when", true},     {"action", true},
                                        {"target", false}, {"fee_rate", false}, {"order", false},
                                        {"step", false},   {"step_down_tiers", false}};

static lc_status load_rule(lc__ld *ld, lc_policy *p, const lc__node *n, lc__rule *r)
{
    const lc__node *v[RU_N];
    if (!lc__node_map(ld, n, rule_keys, RU_N, v, "a deleveraging rule"))
        return LC_OK;
    if (v[RU_NAME] && !lc__node_string(ld, v[RU_NAME], &r->name))
        r->name = NULL;
    if (r->name) {
        static const char *const builtin[] = {"maintenance", "initial_margin", "position_limit"};
        for (size_t i = 0; i < p->delev.n_rules; i++)
            if (p->delev.rules[i].name && strcmp(p->delev.rules[i].name, r->name) == 0)
                lc__ld_error(ld, LC_DIAG_DUPLICATE, v[RU_NAME]->line, v[RU_NAME]->col,
                             "rule '%s' given twice", r->name);
        for (size_t i = 0; i < 3; i++)
            if (strcmp(builtin[i], r->name) == 0)
                lc__ld_error(ld, LC_DIAG_DUPLICATE, v[RU_NAME]->line, v[RU_NAME]->col,
                             "rule name '%s' is a built-in rule's", r->name);
    }
    static const char *const actions[] = {"margin_call", "over_limit", "reduce_only",
                                          "deleverage", "liquidate"};
    const char *s;
    int act = -1;
    if (v[RU_ACTION] && lc__node_string(ld, v[RU_ACTION], &s))
        act = pick(ld, v[RU_ACTION], actions, 5, "action");
    r->action = act >= 0 ? (lc_verdict)(act + 1) : LC_VERDICT_OK;
    if (v[RU_WHEN]) {
        lc_status rc = load_cond(ld, p, v[RU_WHEN], &r->when);
        if (rc)
            return rc;
        if (r->when && !(r->text = cond_text(p, r->when)))
            return LC_ENOMEM;
    }
    bool plan_action = r->action == LC_VERDICT_DELEVERAGE || r->action == LC_VERDICT_LIQUIDATE;
    r->plan = p->delev.liq;
    r->plan.target = LC__TARGET_NONE;
    r->plan.target_text = NULL;
    if (r->action == LC_VERDICT_LIQUIDATE) /* a liquidation is carried out as the block says */
        r->plan = p->delev.liq;
    for (int k = RU_TARGET; k <= RU_STEPDOWN; k++) {
        if (v[k] && act >= 0 && !plan_action) {
            lc__ld_error(ld, LC_DIAG_VALUE, v[k]->line, v[k]->col,
                         "'%s' is for rules that make a plan (deleverage, liquidate); '%s' makes "
                         "none", rule_keys[k].name, actions[act]);
            v[k] = NULL;
        }
    }
    if (r->action == LC_VERDICT_DELEVERAGE && !v[RU_TARGET])
        lc__ld_error(ld, LC_DIAG_MISSING, n->line, n->col,
                     "a deleverage rule needs a target, {margin_ratio: x} or {leverage: x}");
    const lc__node *pv[PL_N] = {v[RU_TARGET], v[RU_FEE], v[RU_ORDER], v[RU_STEP], v[RU_STEPDOWN]};
    return load_plan(ld, p, pv, &r->plan);
}

enum { D_LIQ, D_RULES, D_ADL, D_N };
static const lc__key delev_keys[D_N] = {{"liquidation", false}, {"rules", false}, {"adl", false}};

lc_status lc__load_deleveraging(lc__ld *ld, lc_policy *p, const lc__node *m)
{
    lc__delev *dv = &p->delev;
    const lc__node *v[D_N];
    dv->present = true;
    dv->liq.order = LC__ORDER_MM;
    dv->liq.step = 0.01;
    if (!lc__node_map(ld, m, delev_keys, D_N, v, "the deleveraging section"))
        return LC_OK;
    if (v[D_LIQ]) {
        const lc__node *lv[L_N];
        if (lc__node_map(ld, v[D_LIQ], liq_keys, L_N, lv, "the liquidation block")) {
            lc_status rc = load_plan(ld, p, lv, &dv->liq);
            if (rc)
                return rc;
        }
        dv->plans = true;
    }
    if (v[D_RULES] && lc__node_expect(ld, v[D_RULES], LC__NODE_SEQ)) {
        const lc__node *seq = v[D_RULES];
        dv->rules = lc__arena_alloc(&p->arena, (seq->n + 1) * sizeof(*dv->rules));
        if (!dv->rules)
            return LC_ENOMEM;
        for (size_t i = 0; i < seq->n; i++) {
            lc__rule *r = &dv->rules[dv->n_rules];
            memset(r, 0, sizeof(*r));
            lc_status rc = load_rule(ld, p, seq->kids[i], r);
            if (rc)
                return rc;
            if (r->action == LC_VERDICT_DELEVERAGE || r->action == LC_VERDICT_LIQUIDATE)
                dv->plans = true;
            if (r->when && reads_positions(r->when))
                dv->position_conditions = true;
            dv->n_rules++;
        }
    }
    if (v[D_ADL] && lc__node_expect(ld, v[D_ADL], LC__NODE_MAP)) {
        static const lc__key adl_keys[] = {{"ranking", true}};
        const lc__node *av[1];
        const char *s;
        if (lc__node_map(ld, v[D_ADL], adl_keys, 1, av, "the adl block") && av[0] &&
            lc__node_string(ld, av[0], &s)) {
            static const char *const rankings[] = {"bitmex", "binance", "hyperliquid"};
            dv->adl_line = av[0]->line;
            dv->adl_col = av[0]->col;
            if (strncmp(s, "script:", 7) == 0 && s[7]) {
                dv->adl = LC__ADL_SCRIPT;
                dv->adl_script = s + 7;
            } else {
                int r = pick(ld, av[0], rankings, 3, "ranking (or script:<name>)");
                if (r >= 0)
                    dv->adl = (lc__adl)r;
            }
        }
    }
    return LC_OK;
}

void lc__check_lot_sizes(lc__ld *ld, const lc_policy *p)
{
    if (!p->delev.plans)
        return;
    for (size_t m = 0; m < p->n_markets; m++)
        if (isnan(p->markets[m].lot_size))
            lc__ld_error(ld, LC_DIAG_MISSING, p->markets[m].line, p->markets[m].col,
                         "market '%s' needs a lot_size: the deleveraging section makes plans, "
                         "which close whole lots",
                         p->markets[m].name);
}
