/*
 * plugin_dir.c - where the shipped plugins are: beside the code that is running levcal.
 *
 * The library finds its own file (dladdr on one of its functions): a shared library in
 * LIBDIR looks in LIBDIR/levcal/plugins, a program linked with the static library in
 * BINDIR looks in BINDIR/../lib/levcal/plugins. Both hold in the build tree and in any
 * installed (or moved) tree, so no path is compiled in.
 */
#define _GNU_SOURCE /* dladdr and Dl_info are GNU/BSD extensions glibc hides otherwise */
#include "base/prefix.h"

#include "plugin/plugin.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *lc__shipped_plugin_dir(bool *oom)
{
    *oom = false;
    Dl_info info;
    void *self;
    char *(*fn)(bool *) = lc__shipped_plugin_dir; /* any function of the library will do */
    memcpy(&self, &fn, sizeof self); /* POSIX: function pointers fit in a void * */
    if (!dladdr(self, &info) || !info.dli_fname || !strchr(info.dli_fname, '/'))
        return NULL;
    const char *slash = strrchr(info.dli_fname, '/');
    size_t dl = (size_t)(slash - info.dli_fname);
    static const char *const tails[] = {"/levcal/plugins", "/../lib/levcal/plugins"};
    for (size_t i = 0; i < LC_ARRAY_LEN(tails); i++) {
        size_t need = dl + strlen(tails[i]) + 1;
        char *p = lc__malloc(need);
        if (!p) {
            *oom = true;
            return NULL;
        }
        snprintf(p, need, "%.*s%s", (int)dl, info.dli_fname, tails[i]);
        /* Absolute and without "..", so reports name the file plainly. */
        char *real = is_dir(p) ? realpath(p, NULL) : NULL;
        lc__free(p);
        if (real) {
            char *own = lc__strdup(real);
            free(real); /* realpath's buffer comes from the C library's malloc */
            *oom = own == NULL;
            return own;
        }
    }
    return NULL;
}

const char *lc_plugin_dir(void)
{
    static char buf[4096];
    bool oom;
    char *p = lc__shipped_plugin_dir(&oom);
    if (!p)
        return NULL;
    snprintf(buf, sizeof buf, "%s", p);
    lc__free(p);
    return buf;
}
