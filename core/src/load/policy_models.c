/*
 * policy_vol.c - the policy's 'models' section and each market's 'volatility' section.
 *
 * Plugins are loaded and their parameters checked while the policy loads, so a missing
 * plugin, a refused one or a misspelt parameter stops `levcal check` at the line that
 * names it, long before any evaluation.
 */
#include "base/prefix.h"

#include "load/history.h"
#include "load/load.h"
#include "rules/rules.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

/* Loads the plugin at "path" once per policy; NULL with *why set on refusal. */
static lc__plugin *plugin_at(lc_policy *p, const char *path, char *why, size_t len,
                             lc_status *rc)
{
    for (lc__plugin *pl = p->plugins; pl; pl = pl->next)
        if (strcmp(pl->path, path) == 0)
            return pl;
    lc__plugin *pl;
    *rc = lc__plugin_open(path, &pl, why, len);
    if (*rc)
        return NULL;
    pl->next = p->plugins;
    p->plugins = pl;
    return pl;
}

enum { MD_PLUGIN, MD_PARAMS, MD_PATH, MD_VERSION, MD_NKEYS };
static const lc__key model_keys[MD_NKEYS] = {
    {"plugin", true}, {"params", false}, {"path", false}, {"version", false}};

/* A pin is a plain X.Y.Z of digits. */
static bool is_semver(const char *s)
{
    for (int part = 0; part < 3; part++) {
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
        if (part < 2 && *s++ != '.')
            return false;
    }
    return *s == '\0';
}

static lc_status load_model(lc__ld *ld, lc_policy *p, lc__model_def *md, const lc__node *body)
{
    const lc__node *v[MD_NKEYS];
    if (!lc__node_map(ld, body, model_keys, MD_NKEYS, v, "a model"))
        return LC_OK;
    const char *plugin_name = NULL, *rel = NULL;
    if (!v[MD_PLUGIN] || !lc__node_string(ld, v[MD_PLUGIN], &plugin_name))
        return LC_OK;
    if (v[MD_PATH] && !lc__node_string(ld, v[MD_PATH], &rel))
        return LC_OK;
    const char *pin = NULL;
    if (v[MD_VERSION]) {
        /* Unquoted 1.2 would read as a number: a pin is text, so take the scalar as written. */
        if (v[MD_VERSION]->kind != LC__NODE_SCALAR || !is_semver(v[MD_VERSION]->s)) {
            lc__ld_error(ld, LC_DIAG_VALUE, v[MD_VERSION]->line, v[MD_VERSION]->col,
                         "expected a plugin version as X.Y.Z, got '%s'",
                         v[MD_VERSION]->kind == LC__NODE_SCALAR ? v[MD_VERSION]->s : "a collection");
            return LC_OK;
        }
        pin = v[MD_VERSION]->s;
    }

    const lc__node *at = v[MD_PATH] ? v[MD_PATH] : v[MD_PLUGIN];
    char why[512], tried[1024];
    char *shadowed = NULL, *path = NULL;
    if (rel)
        path = lc__path_join_dir(p->path, rel);
    else if (lc__plugin_find(plugin_name, tried, sizeof tried, &shadowed, &path) != LC_OK)
        return LC_ENOMEM;
    if (shadowed) {
        lc__ld_warn(ld, LC_DIAG_PLUGIN, at->line, at->col, "plugin '%s' is loaded from %s, which shadows %s "
                    "later in the search path", plugin_name, path, shadowed);
        lc__free(shadowed);
    }
    if (!path && rel)
        return LC_ENOMEM;
    if (!path) {
        char hint[64];
        if (lc__plugin_hint(plugin_name, hint, sizeof hint))
            lc__ld_error(ld, LC_DIAG_PLUGIN, at->line, at->col, "plugin '%s' not found (did you mean '%s'?)",
                         plugin_name, hint);
        else
            lc__ld_error(ld, LC_DIAG_PLUGIN, at->line, at->col,
                         "plugin '%s' not found: no %s.so in %s (set LEVCAL_PLUGIN_PATH or give "
                         "the model a 'path')",
                         plugin_name, plugin_name, tried);
        return LC_OK;
    }
    lc_status rc = LC_OK;
    md->plugin = plugin_at(p, path, why, sizeof why, &rc);
    if (!md->plugin) {
        if (rc == LC_EINPUT)
            lc__ld_error(ld, LC_DIAG_PLUGIN, at->line, at->col, "plugin '%s' (%s) refused: %s", plugin_name,
                         path, why);
        lc__free(path);
        return rc == LC_EINPUT ? LC_OK : rc;
    }
    lc__free(path);
    const lc_plugin_api *api = md->plugin->api;
    if (pin && strcmp(pin, api->version ? api->version : "") != 0)
        lc__ld_error(ld, LC_DIAG_TRUST, v[MD_VERSION]->line, v[MD_VERSION]->col,
                     "model '%s' pins plugin '%s' at version %s, but the one found is version %s "
                     "(levcal plugins shows where it is)",
                     md->name, plugin_name, pin, api->version ? api->version : "(none)");
    if (rel) {
        rc = lc__policy_add_file(p, rel, md->plugin->sha256);
        if (rc)
            return rc;
    }
    if (strcmp(api->name, plugin_name) != 0 && !rel)
        lc__ld_error(ld, LC_DIAG_PLUGIN, at->line, at->col, "plugin file for '%s' describes itself as '%s'",
                     plugin_name, api->name);

    md->n_params = api->n_params;
    md->params = lc__arena_alloc(&p->arena, (api->n_params ? api->n_params : 1) * sizeof(lc_param));
    if (!md->params)
        return LC_ENOMEM;
    for (size_t i = 0; i < api->n_params; i++)
        md->params[i] = (lc_param){api->params[i].name, api->params[i].default_value};
    const lc__node *pm = v[MD_PARAMS];
    if (!pm || !lc__node_expect(ld, pm, LC__NODE_MAP))
        return LC_OK;
    for (size_t i = 0; i + 1 < pm->n; i += 2) {
        const lc__node *k = pm->kids[i], *val = pm->kids[i + 1];
        const char *name;
        double x;
        if (!lc__node_string(ld, k, &name) || !lc__node_number(ld, val, &x))
            continue;
        long idx = lc__plugin_param(api, name, x, why, sizeof why);
        /* An unknown name is the key's fault; a value out of bounds, the value's. */
        const lc__node *where = idx == LC__PARAM_UNKNOWN ? k : val;
        if (idx < 0)
            lc__ld_error(ld, idx == LC__PARAM_UNKNOWN ? LC_DIAG_UNKNOWN_KEY : LC_DIAG_VALUE,
                         where->line, where->col, "%s", why);
        else
            md->params[idx].value = x;
    }
    return LC_OK;
}

lc_status lc__load_models(lc__ld *ld, lc_policy *p, const lc__node *m)
{
    if (!lc__node_expect(ld, m, LC__NODE_MAP))
        return LC_OK;
    p->models = lc__arena_alloc(&p->arena, (m->n / 2 + 1) * sizeof(*p->models));
    if (!p->models)
        return LC_ENOMEM;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const lc__node *k = m->kids[i];
        const char *name;
        if (!lc__node_string(ld, k, &name))
            continue;
        if (!lc__node_key_is_new(ld, m, i, "model"))
            continue;
        lc__model_def *md = &p->models[p->n_models++];
        memset(md, 0, sizeof(*md));
        md->name = name;
        md->line = k->line;
        md->col = k->col;
        lc_status rc = load_model(ld, p, md, m->kids[i + 1]);
        if (rc)
            return rc;
    }
    return LC_OK;
}

enum { V_MODEL, V_HISTORY, V_HORIZON, V_CONFIDENCE, V_FALLBACK, V_GAPS, V_NKEYS };
static const lc__key vol_keys[V_NKEYS] = {
    {"model", true},  {"history", false}, {"horizon", true}, {"confidence", true},
    {"fallback_max_leverage", false},     {"gaps", false}};

lc_status lc__load_volatility(lc__ld *ld, lc_policy *p, lc__market *mk, const lc__node *node)
{
    const lc__node *v[V_NKEYS];
    if (!lc__node_map(ld, node, vol_keys, V_NKEYS, v, "a volatility section"))
        return LC_OK;
    lc__volcfg *vc = lc__arena_alloc(&p->arena, sizeof(*vc));
    if (!vc)
        return LC_ENOMEM;
    memset(vc, 0, sizeof(*vc));
    vc->line = node->line;
    vc->col = node->col;
    vc->fallback = 1;
    vc->sigma_h = (double)NAN;
    const char *s;

    if (v[V_MODEL] && lc__node_string(ld, v[V_MODEL], &s)) {
        size_t i = 0;
        while (i < p->n_models && strcmp(p->models[i].name, s) != 0)
            i++;
        if (i == p->n_models) {
            const char *hint = p->n_models ? lc__did_you_mean_in(s, &p->models[0].name,
                                                                 p->n_models, sizeof(p->models[0]))
                                           : NULL;
            lc__ld_error(ld, LC_DIAG_REFERENCE, v[V_MODEL]->line, v[V_MODEL]->col,
                         "unknown model '%s'%s%s%s; models are defined under 'models'", s,
                         hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
        vc->model = i;
    }
    if (v[V_HISTORY] && lc__node_string(ld, v[V_HISTORY], &s)) {
        char *path = lc__path_join_dir(p->path, s);
        if (!path)
            return LC_ENOMEM;
        vc->history = lc__arena_strndup(&p->arena, path, strlen(path));
        lc__free(path);
        if (!vc->history)
            return LC_ENOMEM;
        vc->history_line = v[V_HISTORY]->line;
        vc->history_col = v[V_HISTORY]->col;
    }
    if (v[V_HORIZON] && lc__node_string(ld, v[V_HORIZON], &s) &&
        lc_parse_horizon(s, &vc->horizon_days) != LC_OK) {
        lc__ld_error(ld, LC_DIAG_VALUE, v[V_HORIZON]->line, v[V_HORIZON]->col,
                     "expected a horizon such as 30m, 1h or 1d (a positive number and a unit "
                     "m, h or d, up to 365d), got '%s'",
                     s);
    }
    double x;
    if (v[V_CONFIDENCE] && lc__node_number(ld, v[V_CONFIDENCE], &x)) {
        if (!(x > 0.5 && x < 1)) {
            lc__ld_error(ld, LC_DIAG_VALUE, v[V_CONFIDENCE]->line, v[V_CONFIDENCE]->col,
                         "expected a confidence above 0.5 and below 1, got %s",
                         v[V_CONFIDENCE]->s);
        }
        vc->confidence = x;
        vc->z = lc__norm_ppf(x);
    }
    if (v[V_FALLBACK] && lc__node_number(ld, v[V_FALLBACK], &x)) {
        if (!(x >= 1))
            lc__ld_error(ld, LC_DIAG_VALUE, v[V_FALLBACK]->line, v[V_FALLBACK]->col,
                         "expected fallback_max_leverage of at least 1, got %s",
                         v[V_FALLBACK]->s);
        vc->fallback = x;
    }
    if (v[V_GAPS] && lc__node_string(ld, v[V_GAPS], &s)) {
        if (!lc__parse_gaps(s, &vc->gaps))
            lc__ld_error(ld, LC_DIAG_VALUE, v[V_GAPS]->line, v[V_GAPS]->col,
                         "expected gaps to be drop, scale or error, got '%s'", s);
    }
    vc->eff_lev = lc__arena_alloc(&p->arena, mk->n_tiers * sizeof(double));
    vc->binding = lc__arena_alloc(&p->arena, mk->n_tiers * sizeof(lc_binding));
    if (!vc->eff_lev || !vc->binding)
        return LC_ENOMEM;
    snprintf(vc->reason, sizeof vc->reason,
             "not calibrated: no volatility forecast has been made for this evaluation");
    mk->vol = vc;
    lc__vol_apply(mk);
    return LC_OK;
}

lc_status lc_policy_check_files(const lc_policy *p, lc_diags *d)
{
    if (!p)
        return LC_EINVAL;
    lc_status rc = LC_OK;
    for (size_t m = 0; m < p->n_markets; m++) {
        const lc__volcfg *vc = p->markets[m].vol;
        if (!vc || !vc->history)
            continue;
        FILE *f = fopen(vc->history, "rb");
        struct stat st;
        const char *why = NULL;
        if (!f)
            why = strerror(errno);
        else if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
            why = "is a directory";
        if (f)
            fclose(f);
        if (!why)
            continue;
        if (lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, p->path, vc->history_line, vc->history_col,
                         "history of market '%s': cannot read '%s': %s", p->markets[m].name,
                         vc->history, why) == LC_ENOMEM)
            return LC_ENOMEM;
        rc = LC_EINPUT;
    }
    return rc;
}
