// `peerlab bench` output: a scale sweep (sim/sweep.hpp) as a text table, JSON or CSV, and as a
// log-log chart (reports/plot.hpp), with the fitted growth exponents of wall time and messages.
// Pure functions of the report: timings come in as data, so the shapes can be golden-tested.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/plot.hpp"
#include "sim/sweep.hpp"

namespace peerlab::reports {

struct BenchReport {
  std::string model;
  std::uint64_t seed = 1;
  std::vector<sim::SweepPoint> points;  // in the order measured
  // Whether malloc backed the runs with huge pages (sim/huge_pages.hpp): wall time and peak memory
  // of large designs depend on it, so it goes with the figures.
  bool huge_pages = false;
  // Power-law fits against the number of nodes, over the points measured without error that
  // converged.
  std::optional<sim::PowerFit> wall_fit, messages_fit, memory_fit;
};

// Fills in the fits.
BenchReport make_bench_report(std::string model, std::uint64_t seed, std::vector<sim::SweepPoint> points);

// Aligned columns, then one line per fitted exponent, then one line per size that failed.
std::string bench_table(const BenchReport& report);
// {"model", "seed", "points": [{…}], "fits": {"wall_s": {"exponent", "coefficient", "r2", "points"}, …}}
std::string bench_json(const BenchReport& report);
// A header line, then one line per size (the fits are not in the CSV).
std::string bench_csv(const BenchReport& report);
// Wall time (s), messages (millions) and peak memory (MiB) against nodes, log-log.
LineChart bench_chart(const BenchReport& report);

}  // namespace peerlab::reports
