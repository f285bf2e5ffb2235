// The built peerlab re-executes itself with huge pages for malloc where the system allows it, and
// `peerlab bench` says whether its figures were measured with them (sim/huge_pages.hpp).
#include "sim/huge_pages.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

// The JSON report of a tiny sweep, run by sh with `env_args` passed to env(1).
std::string bench_json(const std::string& env_args) {
  const std::string cmd = "env " + env_args + " '" + std::string(PEERLAB_BINARY_DIR) +
                          "/peerlab' bench full-mesh --nodes 3 --format json --in-process 2>/dev/null";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << cmd;
  return out;
}

TEST(HugePagesCli, BenchRunsWithHugePagesWhereTheSystemAllowsThemAndSaysSo) {
  peerlab::sim::HugePageEnv e = peerlab::sim::current_huge_page_env();
  e.glibc_tunables.reset();
  e.opt_out.reset();
  // On this project's machine (THP "madvise", glibc malloc) that is true, in a sanitizer build false.
  const bool expected = peerlab::sim::huge_page_tunables(e).has_value();
  const std::string out = bench_json("-u GLIBC_TUNABLES -u PEERLAB_HUGE_PAGES");
  EXPECT_NE(out.find(std::string("\"huge_pages\": ") + (expected ? "true" : "false")), std::string::npos)
      << out;
}

TEST(HugePagesCli, PeerlabHugePagesZeroKeepsOrdinaryPages) {
  const std::string out = bench_json("-u GLIBC_TUNABLES PEERLAB_HUGE_PAGES=0");
  EXPECT_NE(out.find("\"huge_pages\": false"), std::string::npos) << out;
}

TEST(HugePagesCli, ATunableTheUserSetIsKept) {
  const std::string out = bench_json("-u PEERLAB_HUGE_PAGES GLIBC_TUNABLES=glibc.malloc.hugetlb=0");
  EXPECT_NE(out.find("\"huge_pages\": false"), std::string::npos) << out;
}

TEST(HugePagesCli, AMallocPreloadedByAProfilerKeepsOrdinaryPagesEvenWhenItClearsLdPreload) {
  // A sanitizer's runtime must come first in the process: nothing can be preloaded before it.
  if (peerlab::sim::current_huge_page_env().malloc_replaced) GTEST_SKIP() << "malloc is not glibc's here";
  const std::string out = bench_json(std::string("-u GLIBC_TUNABLES -u PEERLAB_HUGE_PAGES LD_PRELOAD='") +
                                     PEERLAB_INTERPOSED_MALLOC + "'");
  EXPECT_NE(out.find("\"huge_pages\": false"), std::string::npos) << out;
}

}  // namespace
