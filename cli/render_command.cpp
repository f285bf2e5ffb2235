// peerlab render (see render_command.hpp): load, simulate, build the view, render.
#include "cli/render_command.hpp"

#include <fstream>
#include <iostream>
#include <optional>

#include "cli/limit_options.hpp"
#include "cli/sim_commands.hpp"
#include "reports/graph_view.hpp"
#include "reports/graphviz_render.hpp"
#include "sim/network.hpp"
#include "topology/peerings.hpp"
#include "topology/resources.hpp"

namespace peerlab::cli {

namespace {

std::string design_name(const std::vector<std::string>& files) {
  std::string name;
  for (const auto& f : files) {
    auto slash = f.find_last_of('/');
    name += (name.empty() ? "" : " + ") +
            (f == "-" ? std::string("stdin") : f.substr(slash == std::string::npos ? 0 : slash + 1));
  }
  return name;
}

}  // namespace

void register_render_command(CLI::App& app, RenderArgs& a) {
  auto* cmd =
      app.add_subcommand("render", "Draw the BGP sessions (after simulating) or the underlay with Graphviz");
  cmd->add_option("files", a.files, "peerlab files (- reads stdin)")->required();
  cmd->add_option(
      "-o,--output", a.output,
      "output file; the format comes from its extension: .svg, .png, .pdf, .dot (default: DOT to stdout)");
  cmd->add_option("--at", a.at,
                  "draw the sessions at this simulated time (e.g. 3s) instead of after convergence");
  cmd->add_option("--layer", a.layer, "what to draw: sessions or underlay")
      ->check(CLI::IsMember({"sessions", "underlay"}))
      ->default_val("sessions");
  cmd->add_option("--seed", a.seed, "seed of the random streams (timer jitter)")->default_val(1);
  cmd->add_option("--aggregate-above", a.aggregate_above,
                  "draw racks and segments as boxes and the mesh as one bundle above this many speakers")
      ->default_val(60);
  add_limit_options(cmd);
}

int run_render_command(CLI::App& app, const RenderArgs& a) {
  auto* cmd = app.get_subcommand("render");
  if (!*cmd) return -1;
  std::string format = "dot";
  if (!a.output.empty()) {
    format = reports::format_for_file(a.output);
    if (format.empty()) {
      std::cerr << "error: cannot tell the format of '" << a.output
                << "' from its extension; use .svg, .png, .pdf or .dot\n";
      return 2;
    }
  }
  std::optional<sim::Time> at;
  if (!a.at.empty()) {
    auto d = parse_duration(a.at);
    if (!d) {
      std::cerr << "error: --at '" << a.at << "' is not a duration; write it with a unit: 500ms, 30s, 5m, 1h\n";
      return 2;
    }
    at = *d;
  }
  auto t = load_model(a.files, std::cerr, a.layer == "underlay" ? std::nullopt : std::optional<int>(1));
  if (!t) return 2;

  reports::ViewOptions o;
  o.name = design_name(a.files);
  o.aggregate_above = a.aggregate_above;
  reports::GraphView view;
  if (a.layer == "underlay") {
    view = reports::underlay_view(*t, o);
  } else {
    sim::SimOptions so;
    so.seed = a.seed;
    sim::Network net(*t, derive_speakers(*t), so);
    auto result = at ? net.run_until(*at) : net.run();
    if (at)
      o.when = "at t = " + sim::format_time(*at) + " (seed " + std::to_string(a.seed) + ")";
    else if (result.outcome == sim::Outcome::Converged)
      o.when = "after convergence (last change at " +
               sim::format_time(result.converged_at.value_or(result.time)) + ", seed " +
               std::to_string(a.seed) + ")";
    else
      o.when = "not converged: " + std::string(sim::to_string(result.outcome)) + " at " +
               sim::format_time(result.time) + " (seed " + std::to_string(a.seed) + ")";
    if (!at && result.outcome != sim::Outcome::Converged)
      std::cerr << "warning: the simulation stopped at " << sim::format_time(result.time) << " ("
                << sim::to_string(result.outcome) << "); the sessions drawn are not converged\n";
    view = reports::sessions_view(*t, net, o);
  }

  std::string bytes, error;
  if (!reports::render(view, format, bytes, error)) {
    std::cerr << "error: " << error << "\n";
    return 1;
  }
  if (a.output.empty()) {
    std::cout << bytes;
    return 0;
  }
  std::ofstream out(a.output, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::cerr << "error: cannot write " << a.output << "\n";
    return 2;
  }
  std::cerr << "wrote " << a.output << " (" << view.nodes.size() << " nodes, " << view.edges.size()
            << " edges" << (view.aggregated ? ", aggregated" : "") << ")\n";
  return 0;
}

}  // namespace peerlab::cli
