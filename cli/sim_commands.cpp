// simulate / status / routes: load a peerlab file, derive what every speaker runs, simulate, report.
#include "cli/sim_commands.hpp"

#include <fstream>
#include <iostream>

#include "cli/limit_options.hpp"
#include "reports/sim_reports.hpp"
#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace peerlab::cli {

std::optional<Topology> load_model(const std::vector<std::string>& files, std::ostream& err,
                                   std::optional<int> blocks_per_node) {
  Topology t;
  Diagnostics diags;
  for (const auto& f : files) {
    auto parsed = parse_file(f, input_limits());
    diags.append(parsed.diagnostics);
    add_resources(t, parsed.resources, diags);
  }
  if (!diags.has_errors()) validate(t, ValidationMode::Strict, diags);
  // Before any speaker is derived: deriving is itself as large as the simulation.
  if (!diags.has_errors() && blocks_per_node)
    check_simulation_size(t, *blocks_per_node, input_limits(), files.empty() ? "" : files.front(), diags);
  if (diags.has_errors()) {
    err << diags.to_string();
    std::size_t n = diags.error_count();
    err << n << (n == 1 ? " error" : " errors") << "; nothing was simulated\n";
    return std::nullopt;
  }
  return t;
}

namespace {

std::optional<sim::Time> duration_arg(const std::string& text, const char* flag, std::ostream& err) {
  if (text.empty()) return std::nullopt;
  auto d = parse_duration(text);
  if (!d) {
    err << "error: " << flag << " '" << text << "' is not a duration; write it with a unit: 500ms, 30s, 5m, 1h\n";
    return sim::Time{-1};
  }
  return *d;
}

// Simulates `t` to convergence, or to `at` when given. Prints the outcome line to err when the run
// did not converge (time or event limit).
struct Simulation {
  std::unique_ptr<sim::Network> net;  // net->speaker_config(id) gives each speaker's configuration
  sim::RunResult result;
};

Simulation simulate(const Topology& t, const SimArgs& a, std::optional<sim::Time> at,
                    std::optional<sim::Time> limit, std::ostream* trace) {
  Simulation s;
  DeriveOptions d;
  d.blocks_per_node = a.blocks_per_node;
  sim::SimOptions o;
  o.seed = a.seed;
  o.trace = trace;
  if (limit) o.time_limit = *limit;
  o.event_limit = a.max_events;
  // Moved, not copied: a 1,000-node mesh derives a million neighbour entries (~170 MB).
  s.net = std::make_unique<sim::Network>(t, derive_speakers(t, d), o);
  s.result = at ? s.net->run_until(*at) : s.net->run();
  return s;
}

std::optional<sim::SpeakerId> speaker_arg(const sim::Network& net, const std::string& name,
                                          std::ostream& err) {
  auto id = net.find_speaker(name);
  if (!id) {
    err << "error: no node or router named '" << name << "' runs BGP in this topology\n";
    std::string names;
    for (sim::SpeakerId i = 0; i < net.speaker_count() && i < 12; ++i)
      names += (names.empty() ? "" : ", ") + net.speaker_config(i).name;
    err << "  hint: speakers are " << names << (net.speaker_count() > 12 ? ", …" : "") << "\n";
  }
  return id;
}

}  // namespace

void register_sim_commands(CLI::App& app, SimArgs& a) {
  auto common = [&](CLI::App* c) {
    c->add_option("files", a.files, "peerlab files (- reads stdin)")->required();
    c->add_option("--seed", a.seed, "seed of the random streams (timer jitter)")->default_val(1);
    c->add_option("--blocks-per-node", a.blocks_per_node, "IPAM blocks each node announces")
        ->default_val(1)
        ->check(CLI::Range(1, 1024));
    add_limit_options(c);
    c->add_option("--max-sim-time", a.max_sim_time,
                  "stop every run at this simulated time even when it has not converged [default: 60m]")
        ->group("Limits");
    c->add_option("--max-events", a.max_events, "stop every run after this many events")
        ->default_val(sim::SimOptions{}.event_limit)
        ->group("Limits");
  };
  auto* simulate_cmd =
      app.add_subcommand("simulate", "Simulate a topology to convergence and summarise the run");
  common(simulate_cmd);
  simulate_cmd->add_option("--until", a.until,
                           "simulate until this simulated time (e.g. 90s) instead of to convergence");
  simulate_cmd->add_option("--trace", a.trace,
                           "write every BGP message and FSM transition to this file as JSON lines");
  auto* status_cmd =
      app.add_subcommand("status", "BGP sessions of the whole cluster, or of one node or router");
  common(status_cmd);
  status_cmd->add_option("--node", a.node, "one node or router: calicoctl's node status table for it");
  status_cmd->add_option("--at", a.at,
                         "show the state at this simulated time (e.g. 3s) instead of after convergence");
  auto* routes_cmd =
      app.add_subcommand("routes", "The routes of one node or router, and why the best ones are best");
  common(routes_cmd);
  routes_cmd->add_option("--node", a.node, "the node or router")->required();
  routes_cmd->add_option("--prefix", a.prefix, "only this prefix (or the prefixes inside it)");
  routes_cmd->add_option("--at", a.at, "show the routes at this simulated time instead of after convergence");
}

int run_sim_command(CLI::App& app, const SimArgs& a) {
  auto* simulate_cmd = app.get_subcommand("simulate");
  auto* status_cmd = app.get_subcommand("status");
  auto* routes_cmd = app.get_subcommand("routes");
  if (!*simulate_cmd && !*status_cmd && !*routes_cmd) return -1;
  auto t = load_model(a.files, std::cerr, a.blocks_per_node);
  if (!t) return 2;
  auto at = duration_arg(*simulate_cmd ? a.until : a.at, *simulate_cmd ? "--until" : "--at", std::cerr);
  if (at && *at < 0) return 2;
  auto limit = duration_arg(a.max_sim_time, "--max-sim-time", std::cerr);
  if (limit && *limit <= 0) {
    if (*limit == 0) std::cerr << "error: --max-sim-time must be longer than 0\n";
    return 2;
  }
  // A time asked for with --until/--at is a limit the user set: it raises the default limit, and
  // one below it that the user set is said, not silently applied.
  if (at && *at > limit.value_or(sim::SimOptions{}.time_limit)) {
    if (a.max_sim_time.empty())
      limit = *at;
    else
      std::cerr << "warning: " << (*simulate_cmd ? "--until " : "--at ") << sim::format_time(*at)
                << " is after --max-sim-time " << sim::format_time(*limit) << "; the run stops there\n";
  }
  std::ofstream trace_file;
  if (!a.trace.empty()) {
    trace_file.open(a.trace);
    if (!trace_file) {
      std::cerr << "error: cannot write trace file " << a.trace << "\n";
      return 2;
    }
  }
  auto s = simulate(*t, a, at, limit, a.trace.empty() ? nullptr : &trace_file);
  if (*simulate_cmd) {
    std::cout << reports::simulate_summary(*s.net, s.result);
    return s.result.outcome == sim::Outcome::Converged || at ? 0 : 1;
  }
  if (s.result.outcome == sim::Outcome::TimeLimit && !at)
    std::cerr << "warning: the time limit was reached at " << sim::format_time(s.result.time)
              << "; the state shown is not converged\n";
  if (s.result.outcome == sim::Outcome::EventLimit)
    std::cerr << "warning: the event limit was reached at " << sim::format_time(s.result.time)
              << "; the state shown is not converged\n";
  std::optional<sim::SpeakerId> node;
  if (!a.node.empty()) {
    node = speaker_arg(*s.net, a.node, std::cerr);
    if (!node) return 2;
  }
  if (*status_cmd) {
    if (node && s.net->speaker_config(*node).kind == SpeakerKind::CalicoNode)
      std::cout << reports::node_status(*s.net, *node) << "\n";
    std::cout << reports::cluster_status(*s.net, node);
    return 0;
  }
  std::optional<Prefix> prefix;
  if (!a.prefix.empty()) {
    prefix = parse_prefix(a.prefix, false);
    if (!prefix) {
      std::cerr << "error: --prefix '" << a.prefix << "' is not a prefix; write it like 10.244.0.0/26\n";
      return 2;
    }
  }
  std::cout << reports::routes_table(*s.net, *node, prefix);
  return 0;
}

}  // namespace peerlab::cli
