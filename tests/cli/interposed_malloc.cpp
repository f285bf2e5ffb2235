// A preloadable allocator for tests/cli/huge_pages_test.cpp: it stands in for a profiler's malloc
// (heaptrack's) by forwarding to glibc's and, like heaptrack, clearing LD_PRELOAD once loaded so
// that the programs its process starts run untraced. peerlab must still see that malloc is not
// glibc's and keep ordinary pages.
#include <cstddef>
#include <cstdlib>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  return __libc_realloc(p, n);
}
void free(void* p) {
  __libc_free(p);
}
}

namespace {
[[gnu::constructor]] void clear_preload() {
  ::unsetenv("LD_PRELOAD");
}
}  // namespace
