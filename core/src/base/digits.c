/*
 * digits.c - an unsigned integer in decimal, for the report's and the printers' writers.
 */
#include "base/prefix.h"

#include "base/digits.h"

size_t lc__write_digits(uint64_t u, int min_digits, char *out)
{
    unsigned len = digits10(u);
    if ((int)len < min_digits)
        len = (unsigned)min_digits;
    if (len <= 8) {
        store8(out, (uint32_t)u * (uint32_t)pow10_u64[8 - len]);
    } else if (len <= 16) {
        store16(out, u * pow10_u64[16 - len]);
    } else {
        /* A head of one to four digits (u < 2^64 < 1845 * 10^16), most often one (a
         * double's 17th digit), then sixteen. */
        unsigned head = len - 16;
        uint32_t h = (uint32_t)(u / UINT64_C(10000000000000000));
        for (unsigned i = head; i > 0; i--) {
            out[i - 1] = (char)('0' + h % 10);
            h /= 10;
        }
        store16(out + head, u % UINT64_C(10000000000000000));
    }
    return len;
}
