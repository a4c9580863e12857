// CRC-64/XZ (the CRC OSS reports as x-oss-hash-crc64ecma) folded with carry-less multiplication.
// The table-driven kernel in HoistCore is the reference and the fallback; this only adds speed.
#ifndef HOIST_CCRC64_H
#define HOIST_CCRC64_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has PCLMULQDQ and SSE4.1, so hoist_crc64_clmul and hoist_crc64_clmul128 may
/// be called.
int hoist_crc64_clmul_available(void);

/// 1 when this CPU (and OS) also run VPCLMULQDQ on AVX-512 registers, so hoist_crc64_clmul512 may
/// be called.
int hoist_crc64_vpclmul_available(void);

/// Continues the finished CRC `crc` over `count` bytes with the fastest kernel this CPU has;
/// `count` must be at least 64.
uint64_t hoist_crc64_clmul(uint64_t crc, const void *bytes, size_t count);

/// The 128-bit (xmm) kernel alone, for tests and benchmarks; `count` must be at least 64.
uint64_t hoist_crc64_clmul128(uint64_t crc, const void *bytes, size_t count);

/// The 512-bit (zmm) kernel alone, for tests and benchmarks; `count` must be at least 64, and
/// below its 256-byte step it runs the 128-bit kernel.
uint64_t hoist_crc64_clmul512(uint64_t crc, const void *bytes, size_t count);

#endif
