/*
 * report_json.c - the JSON report, the machine contract documented in docs/report.md.
 *
 * One account per line inside a single JSON document, so the output is both one valid
 * JSON value and easy to grep. Numbers use the shortest text that reads back to the
 * same double; values that do not exist (no liquidation price) are null.
 */
#include "base/prefix.h"

#include "model/fields.h"
#include "model/portfolio.h"
#include "report/report.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define key_num lc__out_key_num

/* ==== Deleveraging ===================================================== */

static void write_rules(lc__out *o, const lc_rule_match *m, size_t n)
{
    lc__out_lit(o, ",\"rules\":[");
    for (size_t i = 0; i < n; i++) {
        lc__out_str(o, i ? ",{\"name\":" : "{\"name\":");
        lc__out_json_str(o, m[i].name);
        lc__out_key_str(o, ",\"action\":", lc_verdict_name(m[i].action));
        lc__out_key_str(o, ",\"condition\":", m[i].condition);
        lc__out_lit(o, ",\"values\":{");
        for (size_t k = 0; k < m[i].n_values; k++) {
            if (k)
                lc__out_char(o, ',');
            lc__out_json_str(o, m[i].values[k].name);
            lc__out_char(o, ':');
            lc__out_num(o, m[i].values[k].value);
        }
        lc__out_lit(o, "}}");
    }
    lc__out_char(o, ']');
}

static void write_plan(lc__out *o, const lc_plan *pl)
{
    lc__out_lit(o, ",\"plan\":{\"rule\":");
    lc__out_json_str(o, pl->rule);
    lc__out_key_str(o, ",\"action\":", lc_verdict_name(pl->action));
    lc__out_key_str(o, ",\"target\":", pl->target);
    lc__out_key_str(o, ",\"order\":", pl->order);
    lc__out_lit(o, ",\"closes\":[");
    for (size_t i = 0; i < pl->n_closes; i++) {
        const lc_close *c = &pl->closes[i];
        lc__out_str(o, i ? ",{\"market\":" : "{\"market\":");
        lc__out_json_str(o, c->market);
        key_num(o, ",\"qty\":", c->qty);
        key_num(o, ",\"notional\":", c->notional);
        key_num(o, ",\"fee\":", c->fee);
        lc__out_char(o, '}');
    }
    lc__out_char(o, ']');
    key_num(o, ",\"closed_notional\":", pl->closed_notional);
    key_num(o, ",\"fee\":", pl->fee);
    const lc_after *af = &pl->after;
    key_num(o, ",\"after\":{\"equity\":", af->equity);
    key_num(o, ",\"notional\":", af->notional);
    key_num(o, ",\"maintenance_margin\":", af->maintenance_margin);
    key_num(o, ",\"initial_margin\":", af->initial_margin);
    key_num(o, ",\"margin_ratio\":", af->margin_ratio);
    key_num(o, ",\"leverage\":", af->leverage);
    lc__out_key_str(o, ",\"status\":", lc_verdict_name(af->status));
    lc__out_str(o, pl->target_met ? "},\"target_met\":true" : "},\"target_met\":false");
    lc__out_str(o, pl->bankrupt ? ",\"bankrupt\":true" : ",\"bankrupt\":false");
    key_num(o, ",\"shortfall\":", pl->shortfall);
    lc__out_char(o, '}');
}

/* Whether a pool's matches liquidate it. */
static bool liquidated(const lc_rule_match *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].action == LC_VERDICT_LIQUIDATE)
            return true;
    return false;
}

/* A margin scheme's figures: which one, the rates it gave, the open interest it read. */
static void write_margin(lc__out *o, const lc_position_result *p)
{
    lc__out_key_str(o, ",\"margin\":{\"scheme\":", p->margin_scheme);
    if (!isnan(p->open_interest))
        key_num(o, ",\"open_interest\":", p->open_interest);
    key_num(o, ",\"imf\":", p->imf);
    key_num(o, ",\"mmf\":", p->mmf);
    lc__out_char(o, '}');
}

/* Renders the position's market and its numbers (LC__POSITION_NUMBERS, in that order);
 * the market's name and the tier's four figures come from the cache when they are what
 * it was rendered from. */
static void render_tier(lc__out *o, const lc_position_result *p)
{
    key_num(o, ",\"tier\":", (double)p->tier);
    key_num(o, ",\"max_leverage\":", p->max_leverage);
    key_num(o, ",\"mmr\":", p->mmr);
    key_num(o, ",\"maintenance_amount\":", p->maintenance_amount);
}

static bool same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Room for a cached position's text up to its last four figures: the name (up to 160),
 * qty and entry, the mark's text (40), the notional and the tier's text (up to 160). */
#define CACHED_ROOM (160 + 2 * (12 + LC__PUT_NUM_ROOM) + 40 + (12 + LC__PUT_NUM_ROOM) + 160)
/* ... and for the last four, the longest key 22 bytes. */
#define LAST_ROOM (4 * (24 + LC__PUT_NUM_ROOM))

/* Copies the "n" bytes of a cached text at w, as one block of a constant size "block"
 * (a few moves instead of a call) where the text fits it: the room is reserved, and the
 * bytes past n are overwritten by what follows. */
static inline char *put_cached(char *w, const char *s, size_t n, size_t block)
{
    if (n <= block)
        memcpy(w, s, block);
    else
        memcpy(w, s, n);
    return w + n;
}

/* Whether slot "e" holds the text of position p's market and tier figures, bit for bit. */
static inline bool cached(const struct lc__text_entry *e, const lc_position_result *p)
{
    return e->market == p->market && e->tier == p->tier && same(e->lev, p->max_leverage) &&
           same(e->mmr, p->mmr) && same(e->amount, p->maintenance_amount);
}

static void write_fixed(lc__out *o, const lc_position_result *p, lc__text_cache *tc)
{
    /* The market's string (the policy's, by address) and the tier, mixed by one
     * multiplication whose high bits pick the slot: the strings lie a few bytes apart,
     * which a sum of the low bits would crowd into a few slots. */
    uint64_t h = ((uint64_t)(uintptr_t)p->market ^ (uint64_t)p->tier << 48) *
                 UINT64_C(0x9E3779B97F4A7C15);
    _Static_assert(LC__TEXT_CACHE_SLOTS == 1 << 10, "slots are the top 10 bits");
    struct lc__text_entry *e = NULL;
    bool hit = false;
    if (tc) {
        /* Two slots per pair, the second where the first holds another: a pair that
         * meets another in its slot does not push it out. */
        size_t i = (size_t)(h >> (64 - 10));
        e = &tc->e[i];
        hit = cached(e, p);
        if (!hit && e->market) {
            struct lc__text_entry *e2 = &tc->e[i ^ 1];
            hit = cached(e2, p);
            if (hit || !e2->market)
                e = e2;
        }
    }
    char *w;
    if (hit) {
        w = lc__out_reserve(o, CACHED_ROOM);
        w = put_cached(w, e->name, e->name_len, 32);
        w = lc__put_num(w, ",\"qty\":", p->qty);
        w = lc__put_num(w, ",\"entry\":", p->entry);
        /* Every position of a market has its mark: rendered once while it stays. */
        if (e->mark_len && same(e->mark, p->mark)) {
            w = put_cached(w, e->mark_text, e->mark_len, sizeof e->mark_text);
        } else {
            char *at = w;
            w = lc__put_num(w, ",\"mark\":", p->mark);
            size_t n = (size_t)(w - at);
            e->mark = p->mark;
            e->mark_len = (unsigned short)(n <= sizeof e->mark_text ? n : 0);
            memcpy(e->mark_text, at, e->mark_len);
        }
        w = lc__put_num(w, ",\"notional\":", p->notional);
        w = put_cached(w, e->fixed, e->tier_len, 96);
        o->len = (size_t)(w - o->buf);
    } else {
        /* Rendered in place, with room reserved first so that no flush comes between;
         * then kept when it fits. A name longer than that is rendered every time. */
        bool keep = e && strlen(p->market) <= 24;
        if (keep)
            lc__out_reserve(o, 512);
        size_t start = o->len;
        lc__out_lit(o, "\"market\":");
        lc__out_json_str(o, p->market);
        size_t name_end = o->len;
        key_num(o, ",\"qty\":", p->qty);
        key_num(o, ",\"entry\":", p->entry);
        key_num(o, ",\"mark\":", p->mark);
        key_num(o, ",\"notional\":", p->notional);
        size_t tier_start = o->len;
        render_tier(o, p);
        if (keep && name_end - start <= sizeof e->name && o->len - tier_start <= sizeof e->fixed) {
            e->market = p->market;
            e->tier = p->tier;
            e->lev = p->max_leverage;
            e->mmr = p->mmr;
            e->amount = p->maintenance_amount;
            e->name_len = (unsigned short)(name_end - start);
            e->tier_len = (unsigned short)(o->len - tier_start);
            e->mark_len = 0;
            memcpy(e->name, o->buf + start, e->name_len);
            memcpy(e->fixed, o->buf + tier_start, e->tier_len);
        }
    }
    w = lc__out_reserve(o, LAST_ROOM);
    w = lc__put_num(w, ",\"maintenance_margin\":", p->maintenance_margin);
    w = lc__put_num(w, ",\"initial_margin\":", p->initial_margin);
    w = lc__put_num_long(w, ",\"upnl\":", p->upnl);
    w = lc__put_num_long(w, ",\"liquidation_price\":", p->liquidation_price);
    o->len = (size_t)(w - o->buf);
}

/* "basis": the policy mixes tier bases or schemes, so every position says which. */
static void write_position(lc__out *o, const lc_position_result *p, bool pool_liquidated,
                          bool basis, lc__text_cache *tc)
{
    lc__out_char(o, '{');
    write_fixed(o, p, tc);
    if (p->over_limit)
        lc__out_lit(o, ",\"over_limit\":true,\"binding\":\"");
    else
        lc__out_lit(o, ",\"over_limit\":false,\"binding\":\"");
    if (p->binding == LC_BIND_TIER)
        lc__out_lit(o, "tier");
    else
        lc__out_str(o, lc_binding_name(p->binding));
    if (p->binding == LC_BIND_SCRIPT && p->binding_script) {
        lc__out_char(o, ':');
        lc__out_str(o, p->binding_script);
    }
    lc__out_char(o, '"');
    char w[320];
    if (lc__script_warning_text(p, w, sizeof w)) {
        lc__out_key_str(o, ",\"script_warning\":", w);
    }
    if (p->model) {
        key_num(o, ",\"tier_max_leverage\":", p->tier_max_leverage);
        lc__out_key_str(o, ",\"model\":", p->model);
        key_num(o, ",\"sigma_h\":", p->sigma_h);
        key_num(o, ",\"z\":", p->z);
    }
    if (basis && p->tier_basis)
        lc__out_key_str(o, ",\"tier_basis\":", p->tier_basis);
    if (p->margin_scheme)
        write_margin(o, p);
    if (p->isolated) {
        key_num(o, ",\"isolated_margin\":", p->isolated_margin);
        key_num(o, ",\"equity\":", p->equity);
        key_num(o, ",\"margin_ratio\":", p->margin_ratio);
        lc__out_lit(o, ",\"status\":\"");
        lc__out_str(o, lc_verdict_name(p->status));
        lc__out_lit(o, "\",\"reason\":");
        if (p->reason == LC_REASON_NONE) {
            lc__out_lit(o, "null");
        } else {
            char why[256];
            lc__position_reason_text(p, why, sizeof why);
            lc__out_json_str(o, why);
        }
        if (p->n_rules)
            write_rules(o, p->rules, p->n_rules);
        if (p->plan)
            write_plan(o, p->plan);
    }
    if (p->isolated ? liquidated(p->rules, p->n_rules) : pool_liquidated)
        key_num(o, ",\"bankruptcy_price\":", p->bankruptcy_price);
    lc__out_char(o, '}');
}

static void write_account(lc__out *o, const lc_account_result *a, const lc_position_result *pos,
                          bool basis, lc__text_cache *tc)
{
    lc__out_lit(o, "{\"id\":");
    lc__out_json_str(o, a->id);
    lc__out_lit(o, ",\"status\":\"");
    lc__out_str(o, lc_verdict_name(a->status));
    lc__out_lit(o, "\",\"reason\":");
    /* Every rule broken, the reason first. Few accounts break more than a handful. */
    lc_breach few[8], *br = few;
    size_t nb = lc_account_breaches(a, pos, few, LC_ARRAY_LEN(few));
    if (nb > LC_ARRAY_LEN(few)) {
        br = lc__malloc(nb * sizeof(*br));
        if (!br) {
            o->failed = o->oom = true;
            return;
        }
        lc_account_breaches(a, pos, br, nb);
    }
    char why[1400];
    /* The reason is the first of the reasons as a rule: its sentence is made once. */
    bool first_is_reason = nb && a->reason != LC_REASON_NONE && br[0].severity == a->status && br[0].reason == a->reason &&
                           br[0].index == a->reason_position;
    if (a->reason == LC_REASON_NONE) {
        lc__out_lit(o, "null");
    } else {
        lc__reason_text(a, pos, why, sizeof why);
        lc__out_json_str(o, why);
    }
    if (nb) {
        lc__out_lit(o, ",\"reasons\":[");
        for (size_t i = 0; i < nb; i++) {
            if (i)
                lc__out_char(o, ',');
            if (i || !first_is_reason)
                lc__breach_text(&br[i], a, pos, why, sizeof why);
            lc__out_json_str(o, why);
        }
        lc__out_char(o, ']');
    }
    if (br != few)
        lc__free(br);
    /* Total equity is the equity unless a margin scheme counts other collateral: its text
     * is then the equity's, copied. Room for all ten, the longest key 22 bytes. */
    char *w = lc__out_reserve(o, 10 * (24 + LC__PUT_NUM_ROOM)), *eq = NULL;
    size_t eq_len = 0;
#define IS(f, g) (offsetof(lc_account_result, f) == offsetof(lc_account_result, g))
    /* Sums of PnL and quotients: seldom short decimals (lc__dtoa_long). */
#define SELDOM_SHORT(f) (IS(f, upnl) || IS(f, margin_ratio) || IS(f, leverage))
#define WRITE(name, kind)                                                                  \
    if (IS(name, total_equity) && eq_len && same(a->total_equity, a->equity)) {             \
        memcpy(w, ",\"total_equity\":", sizeof(",\"total_equity\":") - 1);                   \
        w += sizeof(",\"total_equity\":") - 1;                                               \
        char t[LC__PUT_NUM_ROOM]; /* eq_len <= 32: a number's text, just written */     \
        memcpy(t, eq, sizeof t);                                                             \
        memcpy(w, t, sizeof t);                                                              \
        w += eq_len;                                                                         \
    } else {                                                                                 \
        char *before = w;                                                                    \
        w = SELDOM_SHORT(name) ? lc__put_num_long(w, ",\"" #name "\":", a->name)             \
                               : lc__put_num(w, ",\"" #name "\":", a->name);                 \
        if (IS(name, equity) && isfinite(a->equity)) {                                       \
            eq = before + sizeof(",\"equity\":") - 1;                                        \
            eq_len = (size_t)(w - eq);                                                       \
        }                                                                                    \
    }
    LC__ACCOUNT_NUMBERS(WRITE)
    o->len = (size_t)(w - o->buf);
#undef WRITE
#undef SELDOM_SHORT
#undef IS
    if (a->core_status != a->status) {
        lc__out_lit(o, ",\"core_status\":\"");
        lc__out_str(o, lc_verdict_name(a->core_status));
        lc__out_char(o, '"');
    }
    if (a->script_error) {
        lc__out_key_str(o, ",\"script_error\":", a->script_error);
    }
    if (a->n_findings) {
        lc__out_lit(o, ",\"findings\":[");
        for (size_t i = 0; i < a->n_findings; i++) {
            const lc_finding *f = &a->findings[i];
            if (i)
                lc__out_char(o, ',');
            lc__out_lit(o, "{\"script\":");
            lc__out_json_str(o, f->script);
            lc__out_key_str(o, ",\"rule\":", f->rule);
            lc__out_key_str(o, ",\"action\":", f->action);
            lc__out_lit(o, ",\"message\":");
            if (f->message)
                lc__out_json_str(o, f->message);
            else
                lc__out_lit(o, "null");
            lc__out_char(o, '}');
        }
        lc__out_char(o, ']');
    }
    if (a->n_log) {
        lc__out_lit(o, ",\"log\":[");
        for (size_t i = 0; i < a->n_log; i++) {
            if (i)
                lc__out_char(o, ',');
            lc__out_json_str(o, a->log[i]);
        }
        lc__out_char(o, ']');
    }
    if (a->n_rules)
        write_rules(o, a->rules, a->n_rules);
    if (a->plan)
        write_plan(o, a->plan);
    lc__out_lit(o, ",\"positions\":[");
    for (size_t i = 0; i < a->n_positions; i++) {
        if (i)
            lc__out_char(o, ',');
        write_position(o, &pos[i], liquidated(a->rules, a->n_rules), basis, tc);
    }
    lc__out_lit(o, "]}");
}

/* The volatility state of every capped market: what a reviewer needs to see why a cap
 * is where it is, including a model that failed and left its market at the fallback. */
static void write_volatility(lc__out *o, const lc_policy *pol)
{
    bool any = false;
    for (size_t m = 0; m < pol->n_markets; m++) {
        const lc__market *mk = &pol->markets[m];
        const lc__volcfg *vc = mk->vol;
        if (!vc)
            continue;
        const lc__model_def *md = &pol->models[vc->model];
        lc__out_str(o, any ? "," : "\n\"volatility\":{");
        any = true;
        lc__out_json_str(o, mk->name);
        lc__out_lit(o, ":{\"model\":");
        lc__out_json_str(o, md->name);
        lc__out_key_str(o, ",\"plugin\":", md->plugin->api->name);
        lc__out_key_str(o, ",\"plugin_version\":", md->plugin->api->version);
        lc__out_key_str(o, ",\"plugin_path\":", md->plugin->path);
        key_num(o, ",\"horizon_days\":", vc->horizon_days);
        key_num(o, ",\"confidence\":", vc->confidence);
        key_num(o, ",\"z\":", vc->z);
        key_num(o, ",\"sigma_h\":", vc->sigma_h);
        key_num(o, ",\"fallback_max_leverage\":", vc->fallback);
        lc__out_str(o, vc->state == LC__VOL_OK ? ",\"status\":\"ok\",\"reason\":null"
                                               : ",\"status\":\"fallback\",\"reason\":");
        if (vc->state != LC__VOL_OK)
            lc__out_json_str(o, vc->reason);
        lc__out_char(o, '}');
    }
    if (any)
        lc__out_lit(o, "},");
}

/* The summary object: accounts and positions, accounts per status, script failures. */
static void summary_json(lc__out *o, const lc_summary *s)
{
    lc__out_printf(o, "{\"accounts\":%zu,\"positions\":%zu", s->accounts, s->positions);
    for (int v = 0; v < LC_N_VERDICTS; v++)
        lc__out_printf(o, ",\"%s\":%zu", lc_verdict_name((lc_verdict)v), s->by_status[v]);
    lc__out_printf(o, ",\"script_errors\":%zu}", s->script_errors);
}

void lc__json_head(lc__out *o, const lc_policy *pol, const lc_portfolio *pf)
{
    lc__out_lit(o, "{\"policy\":{\"id\":");
    lc__out_json_str(o, pol->id);
    lc__out_printf(o, ",\"version\":%lld},", (long long)pol->version);
    lc__provenance_json(o, pol, pf);
    write_volatility(o, pol);
    lc__out_lit(o, "\n\"accounts\":[");
}

void lc__json_tail(lc__out *o, const lc_summary *s)
{
    /* The summary comes last: a streamed report knows the counts only at the end. */
    lc__out_lit(o, "\n],\n\"summary\":");
    summary_json(o, s);
    lc__out_lit(o, "}\n");
}

/* The accounts of "src" after "sep" each (the very first after "first_sep") and before
 * "end"; counts them into src->summary. */
static lc_status write_each(lc__source *src, lc__out *o, const char *first_sep,
                            const char *sep, const char *end)
{
    lc__text_cache *tc = src->tc ? src->tc : lc__calloc(1, sizeof(*tc));
    if (!tc)
        return LC_ENOMEM;
    memset(&src->summary, 0, sizeof src->summary);
    size_t written = 0, i = 0, first_len = strlen(first_sep), sep_len = strlen(sep),
           end_len = strlen(end);
    const lc_account_result *a;
    const lc_position_result *pos;
    int got;
    while ((got = lc__source_next(src, &i, &a, &pos)) > 0) {
        if (written++)
            lc__out_mem(o, sep, sep_len);
        else
            lc__out_mem(o, first_sep, first_len);
        write_account(o, a, pos, src->pol->mixed_basis, tc);
        lc__out_mem(o, end, end_len);
    }
    if (tc != src->tc)
        lc__free(tc);
    if (got < 0)
        return src->failed;
    src->summary.accounts = src->n_acc;
    src->summary.positions = src->n_pos;
    return LC_OK;
}

/* The accounts, as one JSON document or as NDJSON lines (with the summary line when
 * asked). */
static lc_status write_accounts(lc__source *src, FILE *f, bool ndjson, bool summary_line)
{
    lc__out o;
    if (lc__out_init(&o, f))
        return LC_ENOMEM;
    if (!ndjson)
        lc__json_head(&o, src->pol, src->pf ? src->pf : src->report ? src->report->pf : NULL);
    lc_status rc = ndjson ? write_each(src, &o, "", "", "\n")
                          : write_each(src, &o, "\n", ",\n", "");
    if (rc != LC_OK) {
        lc__out_finish(&o);
        return rc;
    }
    if (!ndjson)
        lc__json_tail(&o, &src->summary);
    else if (summary_line)
        lc__ndjson_summary_line(&o, src->pol, &src->summary);
    return lc__out_finish(&o);
}

lc_status lc__report_write_entries(lc__source *src, lc__out *o, bool json)
{
    return json ? write_each(src, o, ",\n", ",\n", "") : write_each(src, o, "", "", "\n");
}

lc_status lc__report_write_json(lc__source *src, FILE *f)
{
    return write_accounts(src, f, false, false);
}

lc_status lc__report_write_ndjson(lc__source *src, FILE *f, bool summary_line)
{
    return write_accounts(src, f, true, summary_line);
}

void lc__ndjson_summary_line(lc__out *o, const lc_policy *pol, const lc_summary *s)
{
    lc__out_lit(o, "{\"summary\":");
    summary_json(o, s);
    lc__out_lit(o, ",\"policy\":{\"id\":");
    lc__out_json_str(o, pol->id);
    lc__out_printf(o, ",\"version\":%lld,\"digest\":\"%s\"}}\n", (long long)pol->version,
                   pol->digest);
}
