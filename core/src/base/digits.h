/*
 * digits.h - decimal digits as whole words, for dtoa.c and digits.c only.
 *
 * Static functions, so that the printers' hot paths inline them: the number of digits of
 * an integer, 8 or 16 digits at once (SSE2, a 64-bit register, or a pair table), and for
 * a little-endian machine the 16 digits kept as one 128-bit value, with a point put in
 * among them without a trip through memory.
 */
#ifndef LC_BASE_DIGITS_H
#define LC_BASE_DIGITS_H

#include "base/base.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128; /* gcc and clang; not ISO C */

static const uint64_t pow10_u64[20] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u,
    10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u,
    10000000000000000000u};

/* The number of decimal digits of "u" (1 for 0): from its bit length, one comparison. */
static inline unsigned digits10(uint64_t u)
{
    unsigned bits = 64 - (unsigned)__builtin_clzll(u | 1);
    unsigned t = (bits * 1233) >> 12; /* log10(2) = 1233 / 4096, a floor up to 2^64 */
    return t + ((u | 1) >= pow10_u64[t]); /* u | 1: 0 has one digit too */
}

/*
 * Digits are written as whole words, most significant first: a number of "len" digits
 * is first multiplied by 10^(8 - len) or 10^(16 - len), so that its digits fill the
 * word from the left and the word can be stored whole at "out". The bytes past the
 * digits are then zeros that nobody reads: callers give room for the whole word.
 *
 * With SSE2 (every x86-64) eight digits come from one 8-digit number in a dozen vector
 * instructions, and sixteen from two at once; elsewhere, on a little-endian machine, a
 * 64-bit register does eight digits as bytes; the rest use a pair table. The tests build
 * all three (LC__DIGITS_SWAR, LC__DIGITS_PAIRS select the others).
 */
#if defined(__SSE2__) && !defined(LC__DIGITS_SWAR) && !defined(LC__DIGITS_PAIRS)
#include <emmintrin.h>

/* v < 10^8 as eight 16-bit lanes holding its digits, most significant first: the two
 * 4-digit halves, each divided by 1000, 100, 10 and 1 at once (by multiplying high
 * halves with scaled reciprocals, exact below 10^4), less ten times the lane before. */
static inline __m128i eight_lanes(uint32_t v)
{
    const __m128i div10000 = _mm_set1_epi32((int)0xd1b71759);
    const __m128i ten_thousand = _mm_set1_epi32(10000);
    const __m128i recip = _mm_setr_epi16(8389, 5243, 13108, (short)32768, 8389, 5243, 13108,
                                         (short)32768);
    const __m128i shift = _mm_setr_epi16(1 << 7, 1 << 11, 1 << 13, (short)(1 << 15), 1 << 7,
                                         1 << 11, 1 << 13, (short)(1 << 15));
    __m128i ten = _mm_set1_epi16(10);
    __asm__("" : "+x"(ten)); /* one pmullw, as in sixteen_digits */
    __m128i x = _mm_cvtsi32_si128((int)v);
    __m128i hi = _mm_srli_epi64(_mm_mul_epu32(x, div10000), 45); /* v / 10^4 */
    __m128i lo = _mm_sub_epi32(x, _mm_mul_epu32(hi, ten_thousand));
    __m128i both = _mm_slli_epi64(_mm_unpacklo_epi16(hi, lo), 2);
    both = _mm_unpacklo_epi16(both, both);
    both = _mm_unpacklo_epi32(both, both); /* 4*hi in lanes 0-3, 4*lo in lanes 4-7 */
    __m128i prefixes = _mm_mulhi_epu16(_mm_mulhi_epu16(both, recip), shift);
    return _mm_sub_epi16(prefixes, _mm_slli_epi64(_mm_mullo_epi16(prefixes, ten), 16));
}

static inline void store8(char *out, uint32_t v)
{
    __m128i d = _mm_packus_epi16(eight_lanes(v), _mm_setzero_si128());
    _mm_storel_epi64((__m128i *)(void *)out, _mm_add_epi8(d, _mm_set1_epi8('0')));
}

/* The eight digits of v < 10^8 as a word whose bytes, low first, are the text. */
static inline uint64_t digits8(uint32_t v)
{
    __m128i d = _mm_packus_epi16(eight_lanes(v), _mm_setzero_si128());
    return (uint64_t)_mm_cvtsi128_si64(_mm_add_epi8(d, _mm_set1_epi8('0')));
}

/* Sixteen digits in one register: the two 8-digit halves side by side are cut into 4
 * digits (one multiplication each), those into 2 (16-bit lanes, x / 100 = x * 5243 >> 19
 * below 10^4) and those into 1 (x / 10 = x * 6554 >> 16 below 100), each step leaving the
 * quotients and remainders in order, the tens in the low byte of a lane. */
static inline __m128i sixteen_digits(uint64_t v)
{
    __m128i x = _mm_set_epi64x((long long)(v % 100000000u), (long long)(v / 100000000u));
    __m128i q = _mm_srli_epi64(_mm_mul_epu32(x, _mm_set1_epi32((int)0xd1b71759)), 45);
    __m128i r = _mm_sub_epi32(x, _mm_mul_epu32(q, _mm_set1_epi32(10000)));
    __m128i fours = _mm_or_si128(q, _mm_slli_epi64(r, 32));
    /* The multipliers hidden from the compiler, which would otherwise turn each
     * multiplication into four shifts and adds: one pmullw is shorter and as fast. */
    __m128i hundred = _mm_set1_epi16(100), ten = _mm_set1_epi16(10);
    __asm__("" : "+x"(hundred), "+x"(ten));
    __m128i q2 = _mm_srli_epi16(_mm_mulhi_epu16(fours, _mm_set1_epi16(5243)), 3);
    __m128i r2 = _mm_sub_epi16(fours, _mm_mullo_epi16(q2, hundred));
    __m128i twos = _mm_or_si128(q2, _mm_slli_epi32(r2, 16));
    __m128i tens = _mm_mulhi_epu16(twos, _mm_set1_epi16(6554));
    __m128i ones = _mm_sub_epi16(twos, _mm_mullo_epi16(tens, ten));
    __m128i d = _mm_or_si128(tens, _mm_slli_epi16(ones, 8));
    return _mm_add_epi8(d, _mm_set1_epi8('0'));
}

static inline void store16(char *out, uint64_t v)
{
    _mm_storeu_si128((__m128i *)(void *)out, sixteen_digits(v));
}

#define LC__DIGITS_IN_REGISTERS 1
/* The sixteen digits of v < 10^16 as a 128-bit integer whose bytes, low first, are the
 * text: what store16 would write, kept out of memory. */
static inline u128 digits16(uint64_t v)
{
    __m128i d = sixteen_digits(v);
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(d);
    uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_srli_si128(d, 8));
    return (u128)hi << 64 | lo;
}

#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                \
    !defined(LC__DIGITS_PAIRS)
/* The eight decimal digits of v < 10^8 as the bytes of a little-endian word, all at
 * once: the two halves of 4 digits, then of 2, then of 1 side by side in one 64-bit
 * register (multiplications by reciprocals, exact below 10^4). */
static inline uint64_t word8(uint32_t v)
{
    uint64_t merged = (uint64_t)(v / 10000) | ((uint64_t)(v % 10000) << 32);
    uint64_t top = ((merged * 10486) >> 20) & ((UINT64_C(0x7F) << 32) | 0x7F);
    uint64_t hundreds = ((merged - 100 * top) << 16) + top;
    uint64_t tens = (hundreds * 103) >> 10;
    tens &= (UINT64_C(0xF) << 48) | (UINT64_C(0xF) << 32) | (UINT64_C(0xF) << 16) | 0xF;
    tens += (hundreds - 10 * tens) << 8;
    return tens | UINT64_C(0x3030303030303030);
}

static inline void store8(char *out, uint32_t v)
{
    uint64_t w = word8(v);
    memcpy(out, &w, 8);
}

static inline void store16(char *out, uint64_t v)
{
    store8(out, (uint32_t)(v / 100000000u));
    store8(out + 8, (uint32_t)(v % 100000000u));
}

#define LC__DIGITS_IN_REGISTERS 1
static inline uint64_t digits8(uint32_t v)
{
    return word8(v);
}

static inline u128 digits16(uint64_t v)
{
    return (u128)word8((uint32_t)(v % 100000000u)) << 64 | word8((uint32_t)(v / 100000000u));
}

#else
static inline void store8(char *out, uint32_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    for (int k = 6; k >= 0; k -= 2) {
        memcpy(out + k, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
}

static inline void store16(char *out, uint64_t v)
{
    store8(out, (uint32_t)(v / 100000000u));
    store8(out + 8, (uint32_t)(v % 100000000u));
}
#endif

#ifdef LC__DIGITS_IN_REGISTERS
/* The text "d" (16 bytes, low first) with a '.' put before its byte "at" (1..15); its
 * last byte falls off. Done in registers: writing the digits and then moving some of
 * them would load back, from inside a store still in flight, what was just written. */
static inline u128 with_point(u128 d, unsigned at)
{
    uint64_t lo = (uint64_t)d, hi = (uint64_t)(d >> 64);
    if (at < 8) {
        uint64_t below = (UINT64_C(1) << (8 * at)) - 1;
        hi = hi << 8 | lo >> 56;
        lo = (lo & below) | (uint64_t)'.' << (8 * at) | (lo & ~below) << 8;
    } else {
        uint64_t below = (UINT64_C(1) << (8 * (at - 8))) - 1;
        hi = (hi & below) | (uint64_t)'.' << (8 * (at - 8)) | (hi & ~below) << 8;
    }
    return (u128)hi << 64 | lo;
}

/* The same for eight digits "w" and at in 1..7: the nine bytes of the text are the word
 * returned and, past it, *ninth. */
static inline uint64_t with_point8(uint64_t w, unsigned at, char *ninth)
{
    uint64_t below = (UINT64_C(1) << (8 * at)) - 1;
    *ninth = (char)(w >> 56);
    return (w & below) | (uint64_t)'.' << (8 * at) | (w & ~below) << 8;
}

/* The index of the last byte other than '0' of eight digits "w" (one at least is). */
static inline unsigned last_nonzero8(uint64_t w)
{
    return (63 - (unsigned)__builtin_clzll(w ^ UINT64_C(0x3030303030303030))) / 8;
}

/* The index of the last byte other than '0' of "d" (one at least is). */
static inline unsigned last_nonzero_in(u128 d)
{
    const uint64_t zeros = UINT64_C(0x3030303030303030);
    uint64_t lo = (uint64_t)d ^ zeros, hi = (uint64_t)(d >> 64) ^ zeros;
    if (hi)
        return 8 + (63 - (unsigned)__builtin_clzll(hi)) / 8;
    return (63 - (unsigned)__builtin_clzll(lo)) / 8;
}

static inline void put16(char *out, u128 d)
{
    memcpy(out, &d, 16);
}
#else
/* The index of the last byte other than '0' among the 16 at "p" (one at least is). */
static inline unsigned last_nonzero16(const char *p)
{
    unsigned k = 15;
    while (p[k] == '0')
        k--;
    return k;
}

/* Moves the "k" bytes at out + at one place right (k <= 17) and puts a '.' in the gap.
 * Where out's 32 bytes have room past them, two 8-byte words do it, moving bytes past the
 * digits too, which are nobody's yet; otherwise memmove. */
static inline void open_point(char *out, size_t at, size_t k)
{
    if (k <= 16 && at + 17 <= 32) {
        uint64_t a, b;
        memcpy(&a, out + at, 8);
        memcpy(&b, out + at + 8, 8);
        memcpy(out + at + 1, &a, 8);
        memcpy(out + at + 9, &b, 8);
    } else {
        memmove(out + at + 1, out + at, k);
    }
    out[at] = '.';
}
#endif

#endif
