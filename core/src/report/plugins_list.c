/*
 * plugins_list.c - what `levcal plugins` shows: every plugin in the search path, with
 * its version, ABI and parameter schema. The first file of a name wins, as when a policy
 * names the plugin; refused files are reported, not hidden.
 */
#include "base/prefix.h"

#include "plugin/plugin.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

typedef struct found {
    lc__plugin **items;
    size_t n, cap;
} found;

static int by_name(const void *a, const void *b)
{
    const lc__plugin *x = *(lc__plugin *const *)a, *y = *(lc__plugin *const *)b;
    return strcmp(x->api->name, y->api->name);
}

static lc_status scan_dir(const char *dir, found *fd, lc_diags *d)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return LC_OK; /* a search directory that does not exist holds no plugins */
    struct dirent *e;
    lc_status rc = LC_OK;
    while (rc == LC_OK && (e = readdir(dh)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 3, ".so") != 0)
            continue;
        size_t need = strlen(dir) + l + 2;
        char *path = lc__malloc(need);
        if (!path) {
            rc = LC_ENOMEM;
            break;
        }
        snprintf(path, need, "%s/%s", dir, e->d_name);
        lc__plugin *pl;
        char why[512];
        lc_status r = lc__plugin_open(path, &pl, why, sizeof why);
        if (r == LC_EINPUT)
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_PLUGIN, path, 0, 0, "not listed: %s", why);
        lc__free(path);
        if (r == LC_ENOMEM)
            rc = r;
        if (r)
            continue;
        const lc__plugin *first = NULL;
        for (size_t i = 0; i < fd->n && !first; i++)
            if (strcmp(fd->items[i]->api->name, pl->api->name) == 0)
                first = fd->items[i];
        if (first) { /* the one earlier in the search path is the one that loads */
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_PLUGIN, pl->path, 0, 0,
                         "plugin '%s' here is shadowed by %s, earlier in the search path",
                         pl->api->name, first->path);
            lc__plugin_close(pl);
            continue;
        }
        lc__plugin **ni = lc__grow(fd->items, &fd->cap, fd->n, sizeof(*ni), 16);
        if (!ni) {
            lc__plugin_close(pl);
            rc = LC_ENOMEM;
            break;
        }
        fd->items = ni;
        fd->items[fd->n++] = pl;
    }
    closedir(dh);
    return rc;
}

static void write_json(lc__out *o, char **dirs, size_t nd, const found *fd)
{
    lc__out_str(o, "{\"search_path\":[");
    for (size_t i = 0; i < nd; i++) {
        lc__out_str(o, i ? "," : "");
        lc__out_json_str(o, dirs[i]);
    }
    lc__out_str(o, "],\"plugins\":[");
    for (size_t i = 0; i < fd->n; i++) {
        const lc_plugin_api *a = fd->items[i]->api;
        lc__out_str(o, i ? ",\n" : "\n");
        lc__out_str(o, "{\"name\":");
        lc__out_json_str(o, a->name);
        lc__out_key_str(o, ",\"version\":", a->version);
        lc__out_printf(o, ",\"abi\":\"%u.%u\",\"description\":", a->abi_major, a->abi_minor);
        lc__out_json_str(o, a->description ? a->description : "");
        lc__out_key_str(o, ",\"path\":", fd->items[i]->path);
        lc__out_str(o, ",\"params\":[");
        for (size_t k = 0; k < a->n_params; k++) {
            const lc_param_spec *s = &a->params[k];
            lc__out_str(o, k ? ",{\"name\":" : "{\"name\":");
            lc__out_json_str(o, s->name);
            lc__out_str(o, s->type == LC_PARAM_INTEGER ? ",\"type\":\"integer\"" : ",\"type\":\"number\"");
            lc__out_key_num(o, ",\"default\":", s->default_value);
            lc__out_key_num(o, ",\"min\":", s->min);
            lc__out_key_num(o, ",\"max\":", s->max);
            lc__out_key_str(o, ",\"doc\":", s->doc ? s->doc : "");
            lc__out_char(o, '}');
        }
        lc__out_str(o, "]}");
    }
    lc__out_str(o, "\n]}\n");
}

static void write_table(lc__out *o, char **dirs, size_t nd, const found *fd)
{
    lc__out_str(o, "search path:");
    for (size_t i = 0; i < nd; i++)
        lc__out_printf(o, " %s", dirs[i]);
    lc__out_str(o, "\n\n");
    char a[40], b[40], c[40];
    for (size_t i = 0; i < fd->n; i++) {
        const lc_plugin_api *p = fd->items[i]->api;
        lc__out_printf(o, "%-16s %-8s ABI %u.%u  %s\n", p->name, p->version, p->abi_major,
                       p->abi_minor, p->description ? p->description : "");
        lc__out_printf(o, "%-16s %s\n", "", fd->items[i]->path);
        for (size_t k = 0; k < p->n_params; k++) {
            const lc_param_spec *s = &p->params[k];
            lc__out_printf(o, "%-16s   %s: %s, default %s, in [%s, %s]: %s\n", "", s->name,
                           s->type == LC_PARAM_INTEGER ? "integer" : "number",
                           lc__numstr(s->default_value, a), lc__numstr(s->min, b),
                           lc__numstr(s->max, c), s->doc ? s->doc : "");
        }
    }
    if (fd->n == 0)
        lc__out_str(o, "no plugins found\n");
}

lc_status lc_plugins_write(lc_format fmt, FILE *out, lc_diags *d)
{
    size_t nd;
    char **dirs = lc__plugin_dirs(&nd);
    if (!dirs)
        return LC_ENOMEM;
    found fd = {NULL, 0, 0};
    lc_status rc = LC_OK;
    for (size_t i = 0; i < nd && rc == LC_OK; i++)
        rc = scan_dir(dirs[i], &fd, d);
    if (rc == LC_OK && fd.n)
        qsort(fd.items, fd.n, sizeof(*fd.items), by_name);
    lc__out o;
    if (rc == LC_OK && (rc = lc__out_init(&o, out)) == LC_OK) {
        if (fmt == LC_FORMAT_TABLE)
            write_table(&o, dirs, nd, &fd);
        else
            write_json(&o, dirs, nd, &fd);
        rc = lc__out_finish(&o);
    }
    for (size_t i = 0; i < fd.n; i++)
        lc__plugin_close(fd.items[i]);
    lc__free(fd.items);
    lc__plugin_dirs_free(dirs, nd);
    return rc;
}
