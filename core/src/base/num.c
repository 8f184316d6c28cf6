/*
 * num.c - decimal text to double, for the YAML and JSON loaders.
 *
 * Most numbers in policies and portfolios are short decimals; those are converted exactly
 * with one multiplication or division (Clinger's fast path). Everything else goes to
 * strtod, which rounds correctly but costs several times more.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const double lc__exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The usual number, [-]digits[.digits] with 19 digits at most and a value below 2^53:
 * what the general loop below gives, in fewer steps. False for anything else. */
static bool parse_plain(const char *p, const char *end, bool neg, double *out)
{
    uint64_t mant = 0;
    const char *start = p;
    for (; p < end && is_digit(*p); p++)
        mant = mant * 10 + (uint64_t)(*p - '0');
    size_t int_digits = (size_t)(p - start), frac = 0;
    if (p < end && *p == '.') {
        const char *f = ++p;
        for (; p < end && is_digit(*p); p++)
            mant = mant * 10 + (uint64_t)(*p - '0');
        frac = (size_t)(p - f);
    }
    if (p != end || int_digits + frac == 0 || int_digits + frac > 19 || frac > 22 ||
        mant > (UINT64_C(1) << 53))
        return false;
    *out = lc__plain_value(mant, frac, neg);
    return true;
}

bool lc__parse_number(const char *s, size_t len, double *out)
{
    const char *p = s, *end = s + len;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    if (parse_plain(p, end, neg, out))
        return true;
    uint64_t mant = 0;
    int ndig = 0;       /* significant digits folded into mant */
    int exp10 = 0;      /* decimal exponent adjustment for digits dropped or after '.' */
    bool any = false, underscores = false, prev_digit = false;

    for (; p < end; p++) {
        if (is_digit(*p)) {
            any = prev_digit = true;
            if (ndig < 19) {
                if (mant || *p != '0') {
                    mant = mant * 10 + (uint64_t)(*p - '0');
                    ndig++;
                }
            } else {
                exp10++;
                ndig++;
            }
        } else if (*p == '_' && prev_digit && p + 1 < end && is_digit(p[1])) {
            underscores = true;
            prev_digit = false;
        } else {
            break;
        }
    }
    if (p < end && *p == '.') {
        p++;
        for (; p < end && is_digit(*p); p++) {
            any = true;
            if (ndig < 19) {
                if (mant || *p != '0')
                    ndig++;
                mant = mant * 10 + (uint64_t)(*p - '0');
                exp10--;
            } else {
                ndig++;
            }
        }
    }
    if (!any)
        return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = *p == '-';
            p++;
        }
        if (p == end || !is_digit(*p))
            return false;
        int e = 0;
        for (; p < end && is_digit(*p); p++)
            if (e < 100000)
                e = e * 10 + (*p - '0');
        exp10 += eneg ? -e : e;
    }
    if (p != end)
        return false;

    if (ndig <= 19 && mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)mant;
        v = exp10 < 0 ? v / lc__exact_pow10[-exp10] : v * lc__exact_pow10[exp10];
        *out = neg ? -v : v;
        return true;
    }

    /* Slow path: strtod on a clean copy (no underscores, NUL-terminated). */
    char stack[128];
    char *buf = len < sizeof stack ? stack : lc__malloc(len + 1);
    if (!buf)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!underscores || s[i] != '_')
            buf[n++] = s[i];
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    if (buf != stack)
        lc__free(buf);
    return true;
}

bool lc__is_nonfinite_word(const char *s, size_t len)
{
    static const char *const words[] = {".inf", ".nan", "inf", "nan", "infinity"};
    if (len && (s[0] == '-' || s[0] == '+')) {
        s++;
        len--;
    }
    for (size_t i = 0; i < LC_ARRAY_LEN(words); i++)
        if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
            return true;
    return false;
}
