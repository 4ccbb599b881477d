// Valgrind memcheck client requests as functions Swift can call (the macros are not importable).
#ifndef CMEMCHECK_H
#define CMEMCHECK_H
#include <stddef.h>

/// Marks memory as undefined: memcheck reports any branch or address that depends on it.
void ct_mark_secret(const void *pointer, size_t length);
/// Marks memory as defined again (declassifies a result that is public by design).
void ct_mark_public(const void *pointer, size_t length);
/// 1 when running under Valgrind.
int ct_running_on_valgrind(void);

#endif
