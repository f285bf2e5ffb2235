// The check command (see check_command.hpp).
#include "cli/check_command.hpp"

#include <fstream>
#include <iostream>

#include "cli/limit_options.hpp"
#include "cli/sim_commands.hpp"
#include "reports/check_report.hpp"
#include "validators/lint.hpp"

namespace peerlab::cli {

void register_check_command(CLI::App& app, CheckArgs& a) {
  auto* c = app.add_subcommand("check",
                               "Will this design work, and how well will it scale? Lint + simulated checks");
  c->add_option("files", a.files, "peerlab files (- reads stdin)")->required();
  c->add_option("--format", a.format, "text, json or junit")->check(CLI::IsMember({"text", "json", "junit"}));
  c->add_option("--fail-on", a.fail_on, "exit 1 when a finding is at least this severe: error or warning")
      ->check(CLI::IsMember({"error", "warning"}));
  c->add_option("-o,--output", a.output, "write the report to this file instead of standard output");
  c->add_option("--failures", a.options.failures,
                "also fail every route reflector, router and link, one (1) or two (2) at a time")
      ->check(CLI::Range(0, 2));
  c->add_option("--seed", a.options.seed, "seed of the simulation's random streams");
  c->add_option("--blocks-per-node", a.options.blocks_per_node, "IPAM blocks each node announces");
  c->add_option("--max-sessions-per-node", a.options.limits.max_sessions_per_node,
                "scale limit (default 100)");
  c->add_option("--max-routes-per-router", a.options.limits.max_routes_per_router,
                "scale limit (default 128000)");
  c->add_option("--max-routes-per-node", a.options.limits.max_routes_per_node,
                "scale limit (default 128000)");
  c->add_option("--max-convergence", a.options.limits.max_convergence_ms,
                "scale limit in milliseconds (default 60000)");
  c->add_flag("--no-simulation", a.no_simulation, "static lint only");
  add_limit_options(c);
}

int run_check_command(CLI::App& app, const CheckArgs& a) {
  if (!*app.get_subcommand("check")) return -1;
  auto t = load_model(a.files, std::cerr, a.options.blocks_per_node);
  if (!t) return 2;
  reports::CheckReport r;
  for (const auto& f : a.files) r.input += (r.input.empty() ? "" : " ") + f;
  r.fail_on =
      a.fail_on == "warning" ? validators::FindingSeverity::Warning : validators::FindingSeverity::Error;
  // Limits: a flag given on the command line > the file's CheckLimits > the default.
  auto* cmd = app.get_subcommand("check");
  auto given = [&](const char* flag) { return cmd->get_option(flag)->count() > 0; };
  validators::CheckOptions options = a.options;
  validators::ScaleLimits limits;
  validators::apply_file_limits(limits, t->check_limits);
  if (given("--max-sessions-per-node"))
    limits.max_sessions_per_node = a.options.limits.max_sessions_per_node,
    limits.sessions_from = "--max-sessions-per-node";
  if (given("--max-routes-per-router"))
    limits.max_routes_per_router = a.options.limits.max_routes_per_router,
    limits.routes_per_router_from = "--max-routes-per-router";
  if (given("--max-routes-per-node"))
    limits.max_routes_per_node = a.options.limits.max_routes_per_node,
    limits.routes_per_node_from = "--max-routes-per-node";
  if (given("--max-convergence"))
    limits.max_convergence_ms = a.options.limits.max_convergence_ms,
    limits.convergence_from = "--max-convergence";
  options.limits = limits;
  validators::LintOptions lint_options;
  if (const auto& v = t->check_limits.mesh_limit.value)
    lint_options.mesh_limit = static_cast<std::size_t>(*v);
  if (const auto& v = t->check_limits.reflector_client_limit.value)
    lint_options.reflector_client_limit = static_cast<std::size_t>(*v);
  r.findings = validators::lint(*t, lint_options);
  if (!a.no_simulation) {
    auto sim = validators::check_simulated(*t, options);
    r.findings.insert(r.findings.end(), sim.findings.begin(), sim.findings.end());
    r.summary = sim.summary;
  }
  validators::sort_findings(r.findings);
  std::string text = a.format == "json"    ? reports::check_json(r)
                     : a.format == "junit" ? reports::check_junit(r)
                                           : reports::check_text(r);
  if (a.output.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(a.output);
    if (!(out << text)) {
      std::cerr << "error: cannot write " << a.output << "\n";
      return 2;
    }
  }
  return reports::check_failed(r) ? 1 : 0;
}

}  // namespace peerlab::cli
