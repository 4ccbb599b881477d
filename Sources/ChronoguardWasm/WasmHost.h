// The few things Embedded Swift cannot say itself on wasm32-unknown-none-wasm, as static inline C the Swift compiler
// imports (scripts/build-wasm.sh passes this file with -import-objc-header; nothing here is compiled natively):
// the linear memory's size and growth (the memory.size / memory.grow instructions), the linker's start of the heap,
// and the three WASI preview 1 imports the module uses (random_get, clock_time_get, fd_write), so any WASI host —
// wasmkit, a browser through a small JavaScript shim — can run it.
#ifndef CHRONOGUARD_WASM_HOST_H
#define CHRONOGUARD_WASM_HOST_H

#include <stdint.h>

/// Pages (64 KiB each) of linear memory 0.
static inline uint32_t cg_memory_pages(void) { return (uint32_t)__builtin_wasm_memory_size(0); }

/// Grows linear memory 0 by `pages`; the previous page count, or -1 (as 0xFFFFFFFF) when the host refuses.
static inline uint32_t cg_memory_grow(uint32_t pages) { return (uint32_t)__builtin_wasm_memory_grow(0, pages); }

/// The first byte after the data and the stack (defined by wasm-ld).
extern unsigned char __heap_base;
static inline uintptr_t cg_heap_base(void) { return (uintptr_t)&__heap_base; }

/// WASI preview 1 `random_get`: fills `buf` with `len` bytes from the host's CSPRNG; 0 on success, else an errno.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("random_get")))
uint16_t cg_wasi_random_get(uint8_t *buf, uint32_t len);

/// WASI preview 1 `clock_time_get`: nanoseconds of `clock_id` (1 = monotonic) into `*time`; 0 on success.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("clock_time_get")))
uint16_t cg_wasi_clock_time_get(uint32_t clock_id, uint64_t precision, uint64_t *time);

/// One WASI `ciovec`.
typedef struct { const uint8_t *buf; uint32_t buf_len; } cg_wasi_ciovec;

/// WASI preview 1 `fd_write`: gathers `iovs` to file descriptor `fd` (2 = stderr); 0 on success.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
uint16_t cg_wasi_fd_write(uint32_t fd, const cg_wasi_ciovec *iovs, uint32_t iovs_len, uint32_t *nwritten);

#endif
