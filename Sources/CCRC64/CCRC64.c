// Folding a reflected CRC with PCLMULQDQ. A 128-bit block A = A_hi·x^64 + A_lo that sits D bits
// before later data contributes A·x^D; modulo P that equals
//   A_hi·(x^(D+64) mod P) + A_lo·(x^D mod P),
// two 64×64 carry-less products that XOR into the block D bits later. Reflected operands give a
// product one bit short of the 128-bit lane, so the constants carry one power of x less:
// x^(D+63) and x^(D-1). Four accumulators fold 64 bytes per step; at the end the one remaining
// 128-bit value is congruent to the message, so the plain table CRC of its 16 bytes (plus the
// tail) is the message's CRC and no Barrett reduction is needed.
#include "CCRC64.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define POLY_NORMAL 0x42F0E1EBA9EA3693ULL
#define POLY_REFLECTED 0xC96C5795D7870F42ULL

static uint64_t table0[256];
static uint64_t k128[2], k256[2], k384[2], k512[2];
static int available;

static uint64_t reflect64(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) { r = (r << 1) | (v & 1); v >>= 1; }
    return r;
}

/// x^n mod P in normal bit order, P = x^64 + POLY_NORMAL.
static uint64_t xpow_mod(unsigned n) {
    uint64_t r = 1;
    for (unsigned i = 0; i < n; i++) {
        uint64_t carry = r >> 63;
        r <<= 1;
        if (carry) r ^= POLY_NORMAL;
    }
    return r;
}

static void fold_constant(uint64_t out[2], unsigned distance_bits) {
    out[0] = reflect64(xpow_mod(distance_bits + 63));
    out[1] = reflect64(xpow_mod(distance_bits - 1));
}

__attribute__((constructor))
static void hoist_crc64_setup(void) {
    for (int i = 0; i < 256; i++) {
        uint64_t c = (uint64_t)i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY_REFLECTED : c >> 1;
        table0[i] = c;
    }
    fold_constant(k128, 128);
    fold_constant(k256, 256);
    fold_constant(k384, 384);
    fold_constant(k512, 512);
    __builtin_cpu_init();
    available = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

int hoist_crc64_clmul_available(void) { return available; }

static uint64_t table_raw(uint64_t c, const uint8_t *p, size_t n) {
    while (n--) c = table0[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c;
}

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i x, const uint64_t k[2]) {
    __m128i kv = _mm_loadu_si128((const __m128i *)k);
    return _mm_xor_si128(_mm_clmulepi64_si128(x, kv, 0x00), _mm_clmulepi64_si128(x, kv, 0x11));
}

__attribute__((target("pclmul,sse4.1")))
uint64_t hoist_crc64_clmul(uint64_t crc, const void *bytes, size_t n) {
    const uint8_t *p = (const uint8_t *)bytes;
    // A reflected CRC register is the same as XOR-ing it into the next 8 message bytes.
    __m128i x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_set_epi64x(0, (long long)~crc));
    __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
    p += 64;
    n -= 64;
    while (n >= 64) {
        x0 = _mm_xor_si128(fold(x0, k512), _mm_loadu_si128((const __m128i *)p));
        x1 = _mm_xor_si128(fold(x1, k512), _mm_loadu_si128((const __m128i *)(p + 16)));
        x2 = _mm_xor_si128(fold(x2, k512), _mm_loadu_si128((const __m128i *)(p + 32)));
        x3 = _mm_xor_si128(fold(x3, k512), _mm_loadu_si128((const __m128i *)(p + 48)));
        p += 64;
        n -= 64;
    }
    __m128i x = _mm_xor_si128(_mm_xor_si128(fold(x0, k384), fold(x1, k256)), _mm_xor_si128(fold(x2, k128), x3));
    while (n >= 16) {
        x = _mm_xor_si128(fold(x, k128), _mm_loadu_si128((const __m128i *)p));
        p += 16;
        n -= 16;
    }
    uint8_t block[16];
    _mm_storeu_si128((__m128i *)block, x);
    return ~table_raw(table_raw(0, block, 16), p, n);
}

#else

int hoist_crc64_clmul_available(void) { return 0; }
uint64_t hoist_crc64_clmul(uint64_t crc, const void *bytes, size_t count) { (void)bytes; (void)count; return crc; }

#endif
