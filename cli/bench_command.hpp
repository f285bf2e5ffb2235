// peerlab bench MODEL --nodes 50,100,200: a scale sweep of one design (sim/sweep.hpp), reported as
// a table, JSON or CSV, optionally plotted, with the fitted growth exponents
// (reports/bench_report.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep.hpp"

namespace peerlab::cli {

struct BenchArgs {
  std::string model;
  std::vector<std::size_t> nodes;
  std::string format = "table";     // table | json | csv
  std::string plot;                 // SVG file for the chart; empty: none
  std::string output;               // file for the report; empty: stdout
  std::vector<std::string> params;  // extra generator parameters, key=value
  std::uint64_t seed = 1;
  bool detailed_timers = false;  // schedule an event per timer restart (for comparison)
  bool in_process = false;       // measure every size in this process (peak memory is then cumulative)
  std::uint64_t max_events = sim::SweepOptions{}.event_limit;
};

void register_bench_command(CLI::App& app, BenchArgs& args);
// Runs `bench` if it was parsed: 0 every size measured, 1 some size failed, 2 bad arguments; -1 if
// not parsed.
int run_bench_command(CLI::App& app, const BenchArgs& args);

}  // namespace peerlab::cli
