/*
 * rs_term.h - the Rogers-Satchell daily term, shared by rogers_satchell and yang_zhang.
 */
#ifndef LC_RS_TERM_H
#define LC_RS_TERM_H

#include "levcal/plugin.h"

#include <math.h>

static inline double lc_rs_term(const lc_bar *b)
{
    return log(b->high / b->close) * log(b->high / b->open) +
           log(b->low / b->close) * log(b->low / b->open);
}

#endif
