// CRC-64/XZ (the CRC OSS reports as x-oss-hash-crc64ecma) folded with carry-less multiplication.
// The table-driven kernel in HoistCore is the reference and the fallback; this only adds speed.
#ifndef HOIST_CCRC64_H
#define HOIST_CCRC64_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has PCLMULQDQ and SSE4.1, so hoist_crc64_clmul may be called.
int hoist_crc64_clmul_available(void);

/// Continues the finished CRC `crc` over `count` bytes; `count` must be at least 64.
uint64_t hoist_crc64_clmul(uint64_t crc, const void *bytes, size_t count);

#endif
