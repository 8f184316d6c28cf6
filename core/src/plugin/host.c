/*
 * plugin_host.c - the host side of the plugin ABI: opening shared objects, checking
 * their descriptors before any call, finding plugins by name, validating parameters.
 *
 * Every refusal names the file and the reason; a refused plugin is closed again and never
 * called. Plugins are opened RTLD_NOW (unresolved symbols fail here, not mid-evaluation)
 * and RTLD_LOCAL (two plugins' symbols never collide).
 */
#include "base/prefix.h"

#include "plugin/plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The descriptor size of ABI 1.0: every field up to and including destroy. */
#define ABI_1_0_SIZE (offsetof(lc_plugin_api, destroy) + sizeof(void (*)(lc_model *)))

static lc_status refuse(lc__plugin *pl, char *why, size_t len, const char *fmt, ...)
    LC_PRINTF(4, 5);

static lc_status refuse(lc__plugin *pl, char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    lc__plugin_close(pl);
    return LC_EINPUT;
}

static const char *check_schema(const lc_plugin_api *api)
{
    if (api->n_params && !api->params)
        return "declares parameters but no schema";
    for (size_t i = 0; i < api->n_params; i++) {
        const lc_param_spec *s = &api->params[i];
        if (!s->name || !s->name[0])
            return "has a parameter without a name";
        if (s->type != LC_PARAM_NUMBER && s->type != LC_PARAM_INTEGER)
            return "has a parameter of unknown type";
        if (!(s->min <= s->default_value && s->default_value <= s->max))
            return "has a parameter whose default lies outside its bounds";
    }
    return NULL;
}

lc_status lc__plugin_open(const char *path, lc__plugin **pp, char *why, size_t len)
{
    *pp = NULL;
    lc__plugin *pl = lc__calloc(1, sizeof(*pl));
    if (!pl || !(pl->path = lc__strdup(path))) {
        lc__free(pl);
        return LC_ENOMEM;
    }
    /* The hash goes into every report's provenance: take it from the file about to be
     * loaded, so that a report names the object that computed it. */
    if (lc__sha256_file(path, pl->sha256, NULL) != LC_OK)
        return refuse(pl, why, len, "cannot read the file");
    dlerror();
    pl->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!pl->dl) {
        const char *e = dlerror();
        return refuse(pl, why, len, "cannot load: %s", e ? e : "unknown error");
    }
    lc_plugin_entry_fn entry;
    /* ISO C cannot convert a data pointer to a function pointer; POSIX guarantees dlsym's
     * result can be, so copy the bits. */
    void *sym = dlsym(pl->dl, LC_PLUGIN_ENTRY);
    if (!sym)
        return refuse(pl, why, len, "does not export %s(); not a levcal plugin", LC_PLUGIN_ENTRY);
    memcpy(&entry, &sym, sizeof entry);
    const lc_plugin_api *api = entry();
    if (!api)
        return refuse(pl, why, len, "%s() returned no descriptor", LC_PLUGIN_ENTRY);
    if (api->magic != LC_PLUGIN_MAGIC)
        return refuse(pl, why, len, "bad magic 0x%08x, expected 0x%08x: not a levcal plugin",
                      api->magic, LC_PLUGIN_MAGIC);
    if (api->abi_major != LC_PLUGIN_ABI_MAJOR)
        return refuse(pl, why, len, "built for plugin ABI %u.%u; this levcal speaks %d.x",
                      api->abi_major, api->abi_minor, LC_PLUGIN_ABI_MAJOR);
    if (api->abi_minor > LC_PLUGIN_ABI_MINOR)
        return refuse(pl, why, len, "needs plugin ABI %u.%u; this levcal provides %d.%d",
                      api->abi_major, api->abi_minor, LC_PLUGIN_ABI_MAJOR, LC_PLUGIN_ABI_MINOR);
    if (api->size < ABI_1_0_SIZE)
        return refuse(pl, why, len, "descriptor is %u bytes, smaller than the %zu of ABI 1.0",
                      api->size, (size_t)ABI_1_0_SIZE);
    static const char *const fn_names[] = {"create", "fit", "forecast", "results", "destroy"};
    const void *fns[] = {(const void *)&api->create, (const void *)&api->fit,
                         (const void *)&api->forecast, (const void *)&api->results,
                         (const void *)&api->destroy};
    for (size_t i = 0; i < LC_ARRAY_LEN(fns); i++) {
        void *fp;
        memcpy(&fp, fns[i], sizeof fp);
        if (!fp)
            return refuse(pl, why, len, "descriptor has no %s function", fn_names[i]);
    }
    if (!api->name || !api->name[0] || !api->version)
        return refuse(pl, why, len, "descriptor has no name or version");
    const char *bad = check_schema(api);
    if (bad)
        return refuse(pl, why, len, "parameter schema %s", bad);
    pl->api = api;
    *pp = pl;
    return LC_OK;
}

void lc__plugin_close(lc__plugin *pl)
{
    if (!pl)
        return;
    if (pl->dl)
        dlclose(pl->dl);
    lc__free(pl->path);
    lc__free(pl);
}

/* Appends "d" (taken, may be NULL after a failed allocation) to the growing list. */
static bool push_dir(char ***dirs, size_t *n, size_t *cap, char *d)
{
    if (!d)
        return false;
    char **nd = lc__grow(*dirs, cap, *n, sizeof(*nd), 8);
    if (!nd) {
        lc__free(d);
        return false;
    }
    *dirs = nd;
    (*dirs)[(*n)++] = d;
    return true;
}

void lc__plugin_dirs_free(char **dirs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lc__free(dirs[i]);
    lc__free(dirs);
}

char **lc__plugin_dirs(size_t *pn)
{
    size_t n = 0, cap = 0;
    char **dirs = NULL;
    bool ok = true;
    const char *env = getenv("LEVCAL_PLUGIN_PATH");
    while (ok && env && *env) {
        const char *colon = strchr(env, ':');
        size_t l = colon ? (size_t)(colon - env) : strlen(env);
        if (l)
            ok = push_dir(&dirs, &n, &cap, lc__strndup(env, l));
        env = colon ? colon + 1 : NULL;
    }
    bool oom = false;
    char *shipped = ok ? lc__shipped_plugin_dir(&oom) : NULL;
    ok = ok && !oom;
    if (ok && shipped)
        ok = push_dir(&dirs, &n, &cap, shipped);
    if (ok && !dirs) /* nothing to search: an empty list, not an error */
        dirs = lc__calloc(1, sizeof(*dirs));
    if (!ok || !dirs) { /* an allocation failed: report nothing rather than half */
        lc__plugin_dirs_free(dirs, n);
        *pn = 0;
        return NULL;
    }
    *pn = n;
    return dirs;
}

/* "dir/name.so" if it is a regular file; caller frees. NULL with *oom set when memory ran
 * out. */
static char *candidate(const char *dir, const char *name, bool *oom)
{
    size_t need = strlen(dir) + strlen(name) + 5;
    char *p = lc__malloc(need);
    if (!p) {
        *oom = true;
        return NULL;
    }
    snprintf(p, need, "%s/%s.so", dir, name);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
        return p;
    lc__free(p);
    return NULL;
}

lc_status lc__plugin_find(const char *name, char *tried, size_t len, char **shadowed,
                          char **ppath)
{
    size_t n;
    char **dirs = lc__plugin_dirs(&n);
    char *found = NULL;
    size_t off = 0;
    bool oom = dirs == NULL;
    *ppath = NULL;
    if (shadowed)
        *shadowed = NULL;
    if (tried && len)
        tried[0] = '\0';
    for (size_t i = 0; dirs && i < n && !oom; i++) {
        if (!found)
            found = candidate(dirs[i], name, &oom);
        else if (shadowed && !*shadowed)
            *shadowed = candidate(dirs[i], name, &oom);
        if (tried && off < len)
            off += (size_t)snprintf(tried + off, len - off, "%s%s", i ? ", " : "", dirs[i]);
    }
    lc__plugin_dirs_free(dirs, n);
    if (oom) {
        lc__free(found);
        if (shadowed) {
            lc__free(*shadowed);
            *shadowed = NULL;
        }
        return LC_ENOMEM;
    }
    if (tried && len && n == 0)
        snprintf(tried, len, "(no search directories)");
    *ppath = found;
    return LC_OK;
}

/* Every plugin name in the search directories, each once; caller frees with
 * lc__plugin_dirs_free. */
static char **plugin_names(size_t *pn)
{
    size_t nd, n = 0, cap = 0;
    char **dirs = lc__plugin_dirs(&nd);
    char **names = NULL;
    for (size_t i = 0; dirs && i < nd; i++) {
        DIR *dh = opendir(dirs[i]);
        struct dirent *e;
        while (dh && (e = readdir(dh)) != NULL) {
            size_t l = strlen(e->d_name);
            if (l > 3 && strcmp(e->d_name + l - 3, ".so") == 0 &&
                !push_dir(&names, &n, &cap, lc__strndup(e->d_name, l - 3)))
                break;
        }
        if (dh)
            closedir(dh);
    }
    lc__plugin_dirs_free(dirs, nd);
    *pn = n;
    return names;
}

const char *lc__plugin_hint(const char *name, char *buf, size_t len)
{
    size_t n;
    char **cands = plugin_names(&n);
    const char *hint = NULL;
    const char *best = cands ? lc__did_you_mean(name, (const char *const *)cands, n) : NULL;
    /* A truncated name ("garch" for "garch11") is the commonest slip: offer a unique
     * completion too (the same file in two directories is one name). */
    size_t nl = strlen(name), matches = 0;
    for (size_t i = 0; !best && i < n; i++)
        if (strncmp(cands[i], name, nl) == 0 && (!hint || strcmp(hint, cands[i]) != 0) &&
            matches++ == 0)
            hint = cands[i];
    if (!best && matches != 1)
        hint = NULL;
    if (best)
        hint = best;
    if (hint)
        snprintf(buf, len, "%s", hint);
    lc__plugin_dirs_free(cands, n);
    return hint ? buf : NULL;
}

long lc__plugin_param(const lc_plugin_api *api, const char *name, double value, char *why,
                      size_t len)
{
    for (size_t i = 0; i < api->n_params; i++) {
        const lc_param_spec *s = &api->params[i];
        if (strcmp(s->name, name) != 0)
            continue;
        if (!isfinite(value)) {
            snprintf(why, len, "parameter '%s' must be finite", name);
            return LC__PARAM_BAD;
        }
        if (s->type == LC_PARAM_INTEGER && value != floor(value)) {
            snprintf(why, len, "parameter '%s' must be a whole number, got %.17g", name, value);
            return LC__PARAM_BAD;
        }
        if (value < s->min || value > s->max) {
            char a[40], b[40], c[40];
            snprintf(why, len, "parameter '%s' must be within [%s, %s], got %s", name,
                     lc__numstr(s->min, a), lc__numstr(s->max, b), lc__numstr(value, c));
            return LC__PARAM_BAD;
        }
        return (long)i;
    }
    size_t n = api->n_params;
    const char *hint = n ? lc__did_you_mean_in(name, &api->params[0].name, n,
                                               sizeof(api->params[0]))
                         : NULL;
    if (hint)
        snprintf(why, len, "plugin '%s' has no parameter '%s' (did you mean '%s'?)", api->name,
                 name, hint);
    else if (n == 0)
        snprintf(why, len, "plugin '%s' takes no parameters, got '%s'", api->name, name);
    else
        snprintf(why, len, "plugin '%s' has no parameter '%s'", api->name, name);
    return LC__PARAM_UNKNOWN;
}

void lc__host_log(void *ctx, int level, const char *msg)
{
    lc__host_ctx *h = ctx;
    lc__diag_add(h->diags, level ? LC_SEV_WARNING : LC_SEV_NOTE, LC_DIAG_PLUGIN, NULL, 0, 0,
                 "plugin %s: %s", h->plugin, msg ? msg : "");
}

lc_fit_status (*lc__plugin_update(const lc_plugin_api *api))(lc_model *, const lc_bar *, char *,
                                                            size_t)
{
    if (api->abi_minor < 1 || api->size < offsetof(lc_plugin_api, update) + sizeof(api->update))
        return NULL;
    return api->update;
}
