// When peerlab re-executes itself with glibc's huge-page tunable, and what it then reports.
#include "sim/huge_pages.hpp"

#include <gtest/gtest.h>

namespace peerlab::sim {
namespace {

HugePageEnv plain(std::string thp = "always [madvise] never") {
  HugePageEnv e;
  e.thp_enabled = std::move(thp);
  return e;
}

constexpr const char* kMine = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432";

TEST(HugePages, AProcessWithoutTheTunableReExecutesWithItAndTheLargestMmapThreshold) {
  EXPECT_EQ(huge_page_tunables(plain()), kMine);
  EXPECT_EQ(huge_page_tunables(plain("[always] madvise never")), kMine);
}

TEST(HugePages, AnMmapThresholdTheUserSetIsKept) {
  HugePageEnv e = plain();
  e.glibc_tunables = "glibc.malloc.mmap_threshold=65536";
  EXPECT_EQ(huge_page_tunables(e), "glibc.malloc.mmap_threshold=65536:glibc.malloc.hugetlb=1");
}

TEST(HugePages, OtherTunablesAreKeptAndTheHugePageOneAppended) {
  HugePageEnv e = plain();
  e.glibc_tunables = "glibc.malloc.arena_max=2";
  EXPECT_EQ(huge_page_tunables(e), std::string("glibc.malloc.arena_max=2:") + kMine);
  e.glibc_tunables = "";
  EXPECT_EQ(huge_page_tunables(e), kMine);
}

TEST(HugePages, ATunableAlreadySetIsLeftAsItIsWhateverItsValue) {
  // The re-executed process itself, and a user who chose (0 turns huge pages off).
  for (const char* t : {"glibc.malloc.hugetlb=1", "glibc.malloc.hugetlb=0", "a=1:glibc.malloc.hugetlb=2"}) {
    HugePageEnv e = plain();
    e.glibc_tunables = t;
    EXPECT_EQ(huge_page_tunables(e), std::nullopt) << t;
  }
}

TEST(HugePages, NothingHappensWhenTheUserOptsOutOrTheKernelHasNoTransparentHugePages) {
  for (const char* v : {"0", "off"}) {
    HugePageEnv e = plain();
    e.opt_out = v;
    EXPECT_EQ(huge_page_tunables(e), std::nullopt) << v;
  }
  HugePageEnv on = plain();
  on.opt_out = "1";
  EXPECT_EQ(huge_page_tunables(on), kMine);
  EXPECT_EQ(huge_page_tunables(plain("always madvise [never]")), std::nullopt);
  EXPECT_EQ(huge_page_tunables(plain("")), std::nullopt) << "no THP in this kernel";
}

TEST(HugePages, NothingHappensWhenMallocIsNotGlibcs) {
  // A sanitizer's allocator, valgrind or heaptrack (LD_PRELOAD): the tunable would do nothing,
  // and a tool would lose sight of the re-executed process.
  HugePageEnv e = plain();
  e.malloc_replaced = true;
  EXPECT_EQ(huge_page_tunables(e), std::nullopt);
  e.glibc_tunables = "glibc.malloc.hugetlb=1";
  EXPECT_FALSE(huge_pages_in_use(e));
}

TEST(HugePages, InUseMeansTheTunableIsSetAndTheKernelCanBackIt) {
  HugePageEnv e = plain();
  EXPECT_FALSE(huge_pages_in_use(e));
  e.glibc_tunables = "glibc.malloc.hugetlb=1";
  EXPECT_TRUE(huge_pages_in_use(e));
  e.glibc_tunables = "glibc.malloc.hugetlb=1:glibc.malloc.hugetlb=0";  // glibc takes the last
  EXPECT_FALSE(huge_pages_in_use(e));
  e.glibc_tunables = "glibc.malloc.hugetlb=1";
  e.thp_enabled = "always madvise [never]";
  EXPECT_FALSE(huge_pages_in_use(e));
  e.glibc_tunables = "glibc.malloc.hugetlb=2";  // hugetlbfs pages, not THP
  EXPECT_TRUE(huge_pages_in_use(e));
}

}  // namespace
}  // namespace peerlab::sim
