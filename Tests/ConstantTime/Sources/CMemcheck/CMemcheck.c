#include "CMemcheck.h"
#include <valgrind/memcheck.h>

void ct_mark_secret(const void *pointer, size_t length) { VALGRIND_MAKE_MEM_UNDEFINED(pointer, length); }
void ct_mark_public(const void *pointer, size_t length) { VALGRIND_MAKE_MEM_DEFINED(pointer, length); }
int ct_running_on_valgrind(void) { return RUNNING_ON_VALGRIND ? 1 : 0; }
