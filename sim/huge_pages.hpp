// Transparent huge pages for the simulator's tables: a process-wide setting, made once at start-up.
//
// Why: a large simulation reads a few cache lines at random from gigabytes of per-speaker tables
// (10,000 route-reflector clients keep about 6 GiB of Adj-RIB-In and Loc-RIB rows, each delivery
// touching one client's row). With 4 KiB pages nearly every such read also misses the TLB, and the
// page walk then misses the cache as well: the page tables of 6 GiB take 12 MiB, which no longer
// stay cached beside the data. With 2 MiB pages the last level of the walk is gone and the TLB
// reaches gigabytes. Measured in docs/performance.md (round 8): a 1,000-node mesh converges about
// a quarter faster, the 10,000-node reflector and rack designs 14-17% faster.
//
// How: glibc backs malloc's heap and its mmap'd chunks with transparent huge pages when its
// tunable glibc.malloc.hugetlb=1 is set (it madvises them; the kernel's THP mode must be "always"
// or "madvise"). Beside it peerlab sets glibc.malloc.mmap_threshold to glibc's maximum, 32 MiB,
// unless the user set a threshold: a chunk mapped on its own gets huge pages only where it spans
// whole 2 MiB pages, and glibc's default threshold (128 KiB, rising with what is freed) mapped
// per-speaker rows of a few hundred KiB that way (round 11 in docs/performance.md). glibc reads
// GLIBC_TUNABLES only when the process starts, so peerlab's commands (all but ctl) re-execute
// peerlab once with them set (cli/main.cpp). Not when:
//  - PEERLAB_HUGE_PAGES=0 (or off) opts out;
//  - GLIBC_TUNABLES already sets glibc.malloc.hugetlb (the user's choice, or the re-executed run);
//  - malloc is not glibc's: a sanitizer build, anything in LD_PRELOAD (valgrind), or a malloc
//    that resolves elsewhere (heaptrack's, which clears LD_PRELOAD once loaded); these tools
//    would also lose sight of a re-executed process;
//  - the kernel has THP off ("never") or has no THP at all.
// Huge pages change nothing but speed and memory (peak RSS grows, by about 20% in the design
// above): outputs are byte-identical.
#pragma once

#include <optional>
#include <string>

namespace peerlab::sim {

// What the decision depends on, read from the process and the system (current_huge_page_env) or
// given by a test.
struct HugePageEnv {
  std::optional<std::string> glibc_tunables;  // GLIBC_TUNABLES
  std::optional<std::string> opt_out;         // PEERLAB_HUGE_PAGES
  bool malloc_replaced = false;               // a sanitizer build, LD_PRELOAD set, or malloc not glibc's
  std::string thp_enabled;  // /sys/kernel/mm/transparent_hugepage/enabled ("" when unreadable)
};

HugePageEnv current_huge_page_env();

// The GLIBC_TUNABLES value to re-execute with (the present tunables, if any, plus
// glibc.malloc.hugetlb=1 and, unless they set one, the mmap threshold), or std::nullopt when not to
// re-execute (see the list above).
std::optional<std::string> huge_page_tunables(const HugePageEnv& env);

// Whether malloc in a process with this environment backs its memory with huge pages: glibc's
// malloc with glibc.malloc.hugetlb=1 and THP available, or glibc.malloc.hugetlb=2 (hugetlbfs
// pages, where the system reserved some).
bool huge_pages_in_use(const HugePageEnv& env);

// Re-executes this program (/proc/self/exe) with the same arguments and the tunable set when
// huge_page_tunables says to. Returns only when it does not, or when exec fails (then the run goes
// on with ordinary pages).
void reexec_with_huge_pages(char** argv);

}  // namespace peerlab::sim
