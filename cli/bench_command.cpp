// peerlab bench (see bench_command.hpp).
#include "cli/bench_command.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>

#include "reports/bench_report.hpp"
#include "reports/plot.hpp"
#include "sim/huge_pages.hpp"
#include "sim/sweep.hpp"
#include "topology/generators.hpp"

namespace peerlab::cli {

void register_bench_command(CLI::App& app, BenchArgs& a) {
  auto* cmd = app.add_subcommand(
      "bench",
      "Scale sweep: cold start of a generated design at several sizes, with cost and growth exponents");
  cmd->add_option("model", a.model, "full-mesh, route-reflectors, as-per-rack or as-per-compute-server")
      ->required()
      ->check(CLI::IsMember({"full-mesh", "route-reflectors", "as-per-rack", "as-per-compute-server"}));
  cmd->add_option("--nodes", a.nodes, "sizes, in Calico nodes (e.g. 50,100,200)")
      ->required()
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, kMaxGeneratedNodes));
  cmd->add_option("--format", a.format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->default_val("table");
  cmd->add_option("--plot", a.plot, "write a log-log chart of wall time, messages and memory (SVG)");
  cmd->add_option("-o,--output", a.output, "write the report here instead of stdout");
  cmd->add_option("--set", a.params, "extra generator parameter, key=value (e.g. --set reflectors=4)");
  cmd->add_option("--seed", a.seed, "seed of the random streams (timer jitter)")->default_val(1);
  cmd->add_flag("--detailed-timers", a.detailed_timers,
                "run hold and keepalive timers as one scheduled event per restart (the same results, for "
                "measuring what the re-armable timers save)");
  cmd->add_option("--max-events", a.max_events,
                  "event limit of each run (a run that reaches it is reported as \"no: event limit\")")
      ->default_val(sim::SweepOptions{}.event_limit);
  cmd->add_flag("--in-process", a.in_process,
                "measure every size in this process instead of a child per size (peak memory is then "
                "the largest so far)");
  cmd->footer(
      "Memory is backed by transparent huge pages where the kernel allows it (faster for large designs, "
      "and more memory for some); the report says whether they were on. PEERLAB_HUGE_PAGES=0 turns them "
      "off.");
}

int run_bench_command(CLI::App& app, const BenchArgs& a) {
  auto* cmd = app.get_subcommand("bench");
  if (!*cmd) return -1;
  sim::SweepOptions o;
  o.model = a.model;
  o.seed = a.seed;
  o.isolate = !a.in_process;
  o.detailed_timers = a.detailed_timers;
  o.event_limit = a.max_events;
  for (const auto& kv : a.params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: --set '" << kv << "' is not key=value\n";
      return 2;
    }
    o.params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  std::vector<sim::SweepPoint> points;
  bool failed = false;
  for (std::size_t n : a.nodes) {
    std::cerr << "bench: " << a.model << " with " << n << " nodes…\n";
    sim::SweepPoint p = sim::measure(o, n);
    if (!p.error.empty()) {
      failed = true;
      if (p.nodes == 0) p.nodes = n;
    }
    points.push_back(std::move(p));
  }
  auto report = reports::make_bench_report(a.model, a.seed, std::move(points));
  report.huge_pages = sim::huge_pages_in_use(sim::current_huge_page_env());
  const std::string text = a.format == "json"  ? reports::bench_json(report)
                           : a.format == "csv" ? reports::bench_csv(report)
                                               : reports::bench_table(report);
  if (a.output.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(a.output, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "error: cannot write " << a.output << "\n";
      return 2;
    }
  }
  if (!a.plot.empty()) {
    std::string text, error;
    if (!reports::line_chart_svg(reports::bench_chart(report), text, error)) {
      std::cerr << "error: cannot draw the chart: " << error << "\n";
      return 2;
    }
    std::ofstream svg(a.plot, std::ios::binary);
    svg << text;
    if (!svg) {
      std::cerr << "error: cannot write " << a.plot << "\n";
      return 2;
    }
  }
  return failed ? 1 : 0;
}

}  // namespace peerlab::cli
