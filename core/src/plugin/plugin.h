/*
 * plugin_int.h - loading volatility-model plugins and checking them against the ABI.
 */
#ifndef LC_PLUGIN_INT_H
#define LC_PLUGIN_INT_H

#include "base/base.h"
#include "levcal/plugin.h"

typedef struct lc__plugin {
    void *dl;                 /* dlopen handle */
    const lc_plugin_api *api; /* checked descriptor */
    char *path;               /* the file it was loaded from */
    char sha256[LC__SHA256_HEX]; /* of the file's bytes, read just before loading it */
    struct lc__plugin *next;  /* list of plugins a policy holds */
} lc__plugin;

/* Opens and checks the shared object at "path". On refusal returns LC_EINPUT with the
 * reason in "why" (capacity "len"), the object closed again. */
lc_status lc__plugin_open(const char *path, lc__plugin **pp, char *why, size_t len);
void lc__plugin_close(lc__plugin *pl);

/* The plugin's update function when it offers one (ABI 1.1, and its size covers it), else
 * NULL. */
lc_fit_status (*lc__plugin_update(const lc_plugin_api *api))(lc_model *, const lc_bar *, char *,
                                                            size_t);

/* The directories searched for plugins by name, in order: LEVCAL_PLUGIN_PATH (colon
 * separated, any number), then the shipped plugins' directory. Caller frees with
 * lc__plugin_dirs_free. NULL (and *n 0) on out of memory. */
char **lc__plugin_dirs(size_t *n);
void lc__plugin_dirs_free(char **dirs, size_t n);

/* The shipped plugins' directory (plugin_dir.c), or NULL (with *oom set when for want of
 * memory); caller frees. */
char *lc__shipped_plugin_dir(bool *oom);

/* Finds "<name>.so" in the search directories into *ppath (caller frees; NULL if absent,
 * with the directories tried listed in "tried"). When "shadowed" is not NULL it receives
 * the next file of the same name further down the path, which the found one hides (caller
 * frees), or NULL. LC_ENOMEM when memory ran out: never "not found" for want of memory. */
lc_status lc__plugin_find(const char *name, char *tried, size_t len, char **shadowed,
                          char **ppath);

/* The name of a plugin in the search directories close to "name" (a typo), or NULL;
 * written into "buf". */
const char *lc__plugin_hint(const char *name, char *buf, size_t len);

/* Checks one parameter against the schema; returns its index, or LC__PARAM_UNKNOWN or
 * LC__PARAM_BAD with the reason in "why". */
#define LC__PARAM_UNKNOWN (-2) /* lc__plugin_param: the plugin has no such parameter */
#define LC__PARAM_BAD (-1)     /* ... it has, but the value is not allowed */
long lc__plugin_param(const lc_plugin_api *api, const char *name, double value, char *why,
                      size_t len);

/* The host services handed to plugin instances: log lines become diagnostics. */
typedef struct lc__host_ctx {
    lc_diags *diags;
    const char *plugin;
} lc__host_ctx;

void lc__host_log(void *ctx, int level, const char *msg);

#endif
