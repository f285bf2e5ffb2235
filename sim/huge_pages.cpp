// Transparent huge pages for the simulator's tables (see huge_pages.hpp).
#include "sim/huge_pages.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

namespace peerlab::sim {

namespace {

constexpr std::string_view kTunable = "glibc.malloc.hugetlb";
// glibc's largest mmap threshold on 64-bit (why: huge_pages.hpp).
constexpr std::string_view kMmapTunable = "glibc.malloc.mmap_threshold";
constexpr std::string_view kMmapThreshold = "33554432";

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerMalloc = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool kSanitizerMalloc = true;
#else
constexpr bool kSanitizerMalloc = false;
#endif
#else
constexpr bool kSanitizerMalloc = false;
#endif

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// The value GLIBC_TUNABLES gives the tunable `name` ("name=value:name=value…"; glibc takes the
// last), or nullopt when it does not set it.
std::optional<std::string> tunable_value(const std::optional<std::string>& tunables, std::string_view name) {
  if (!tunables) return std::nullopt;
  std::optional<std::string> value;
  std::istringstream in(*tunables);
  std::string item;
  while (std::getline(in, item, ':')) {
    const auto eq = item.find('=');
    if (eq != std::string::npos && std::string_view(item).substr(0, eq) == name) value = item.substr(eq + 1);
  }
  return value;
}

// The kernel's THP mode is the bracketed word: "always [madvise] never".
bool thp_available(const std::string& enabled) {
  return enabled.find("[always]") != std::string::npos || enabled.find("[madvise]") != std::string::npos;
}

// Whether `malloc`, as this process resolves it, is not glibc's: an allocator preloaded by a
// profiler or a user (heaptrack's, jemalloc), or linked in. LD_PRELOAD alone does not tell:
// heaptrack's library clears it once loaded, so that the programs it starts are not traced.
bool malloc_interposed() {
  void* libc = ::dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
  if (libc == nullptr) return true;  // not glibc: its tunable would mean nothing
  const bool interposed = ::dlsym(RTLD_DEFAULT, "malloc") != ::dlsym(libc, "malloc");
  ::dlclose(libc);
  return interposed;
}

}  // namespace

HugePageEnv current_huge_page_env() {
  HugePageEnv e;
  e.glibc_tunables = env("GLIBC_TUNABLES");
  e.opt_out = env("PEERLAB_HUGE_PAGES");
  const auto preload = env("LD_PRELOAD");
  e.malloc_replaced = kSanitizerMalloc || (preload && !preload->empty()) || malloc_interposed();
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::getline(f, e.thp_enabled);
  return e;
}

std::optional<std::string> huge_page_tunables(const HugePageEnv& e) {
  if (e.opt_out && (*e.opt_out == "0" || *e.opt_out == "off")) return std::nullopt;
  if (e.malloc_replaced || !thp_available(e.thp_enabled)) return std::nullopt;
  if (tunable_value(e.glibc_tunables, kTunable)) return std::nullopt;
  std::string mine = std::string(kTunable) + "=1";
  // A threshold the user chose stays theirs.
  if (!tunable_value(e.glibc_tunables, kMmapTunable))
    mine += ":" + std::string(kMmapTunable) + "=" + std::string(kMmapThreshold);
  if (!e.glibc_tunables || e.glibc_tunables->empty()) return mine;
  return *e.glibc_tunables + ":" + mine;
}

bool huge_pages_in_use(const HugePageEnv& e) {
  if (e.malloc_replaced) return false;
  const auto v = tunable_value(e.glibc_tunables, kTunable);
  return (v == "1" && thp_available(e.thp_enabled)) || v == "2";
}

void reexec_with_huge_pages(char** argv) {
  const auto tunables = huge_page_tunables(current_huge_page_env());
  if (!tunables) return;
  // The re-executed process finds the tunable set and goes on. If exec fails, so does this
  // process, with its environment as it was (huge_pages_in_use reads it).
  const auto before = env("GLIBC_TUNABLES");
  if (::setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  if (before)
    ::setenv("GLIBC_TUNABLES", before->c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
}

}  // namespace peerlab::sim
