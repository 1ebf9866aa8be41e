/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's types and helpers for the module's pure
 * datapath files (kmod/pktid.c, kmod/proto.c) to build unmodified in
 * userspace: unit tests, fuzzers and selftests/tools/ovpn-peer.
 */
#ifndef _NF_OVPN_KCOMPAT_H
#define _NF_OVPN_KCOMPAT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef U32_MAX
#define U32_MAX		UINT32_MAX
#endif

#define __must_check	__attribute__((warn_unused_result))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))

typedef struct {
	s64 counter;
} atomic64_t;

static inline s64 atomic64_read(const atomic64_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic64_set(atomic64_t *v, s64 i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline s64 atomic64_inc_return(atomic64_t *v)
{
	return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

/* sparse's __bitwise types do not exist here: plain integers */
typedef uint16_t __be16;
typedef uint32_t __be32;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define cpu_to_be16(x)	__builtin_bswap16(x)
#define cpu_to_be32(x)	__builtin_bswap32(x)
#else
#define cpu_to_be16(x)	((u16)(x))
#define cpu_to_be32(x)	((u32)(x))
#endif
#define be16_to_cpu(x)	cpu_to_be16(x)
#define be32_to_cpu(x)	cpu_to_be32(x)

#endif /* _NF_OVPN_KCOMPAT_H */
