/*
 * time.c - every date levcal reads or writes: calendar days, times with zones, horizons.
 *
 * Days are counted from 1970-01-01 in the proleptic Gregorian calendar and times are unix
 * seconds; only the years 0000 to 9999 are accepted, so a day count always fits and
 * always prints as YYYY-MM-DD.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Dates ============================================================= */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void lc__format_date(int64_t z, char *buf)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    /* Years outside 0..9999 cannot come from a parsed date; clamp so the text fits. */
    long long year = (long long)(y + (m <= 2));
    year = year < 0 ? 0 : year > 9999 ? 9999 : year;
    snprintf(buf, 16, "%04d-%02u-%02u", (int)year, m % 100, d % 100);
}

bool lc__parse_date(const char *s, size_t len, int64_t *day)
{
    if (len < 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    /* A time of day may follow ("2024-12-31 00:00:00", "...T00:00:00Z"); a daily bar is
     * identified by its date. */
    if (len > 10 && s[10] != ' ' && s[10] != 'T')
        return false;
    int y = atoi(s);
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return false;
    *day = days_from_civil(y, m, d);
    return true;
}



lc_status lc_parse_date(const char *text, int64_t *day)
{
    size_t len = text ? strlen(text) : 0;
    return len == 10 && lc__parse_date(text, len, day) ? LC_OK : LC_EINPUT;
}

lc_status lc_parse_horizon(const char *text, double *days)
{
    size_t len = text ? strlen(text) : 0;
    double v, d;
    if (len < 2 || !lc__parse_number(text, len - 1, &v) || !(v > 0) || !isfinite(v))
        return LC_EINPUT;
    switch (text[len - 1]) {
    case 'm':
        d = v / 1440;
        break;
    case 'h':
        d = v / 24;
        break;
    case 'd':
        d = v;
        break;
    default:
        return LC_EINPUT;
    }
    if (!(d <= LC_MAX_HORIZON_DAYS)) /* beyond a year a daily model says nothing */
        return LC_EINPUT;
    *days = d;
    return LC_OK;
}

bool lc__parse_time(const char *s, size_t len, double *secs)
{
    int64_t day;
    if (len < 10 || !lc__parse_date(s, 10, &day))
        return false;
    double t = (double)day * 86400;
    if (len == 10) {
        *secs = t;
        return true;
    }
    if (s[10] != 'T' && s[10] != ' ')
        return false;
    const char *p = s + 11, *end = s + len;
    int part[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i == 2 && (p >= end || *p != ':'))
            break;
        if (i > 0) {
            if (p >= end || *p != ':')
                return false;
            p++;
        }
        if (end - p < 2 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
            return false;
        part[i] = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
    }
    if (part[0] > 23 || part[1] > 59 || part[2] > 60)
        return false;
    t += part[0] * 3600.0 + part[1] * 60.0 + part[2];
    if (p < end && *p == '.') { /* fractions of a second are accepted and dropped */
        p++;
        while (p < end && isdigit((unsigned char)*p))
            p++;
    }
    if (p == end) {
        *secs = t;
        return true;
    }
    if (*p == 'Z' && p + 1 == end) {
        *secs = t;
        return true;
    }
    if ((*p == '+' || *p == '-') && end - p == 6 && p[3] == ':' && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5])) {
        int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
        if (oh > 23 || om > 59) /* RFC 3339 time-numoffset */
            return false;
        double off = oh * 3600.0 + om * 60.0;
        *secs = *p == '+' ? t - off : t + off;
        return true;
    }
    return false;
}
