// `peerlab bench` output (see bench_report.hpp).
#include "reports/bench_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "reports/tables.hpp"

namespace peerlab::reports {

namespace {

std::vector<const sim::SweepPoint*> measured(const BenchReport& r) {
  std::vector<const sim::SweepPoint*> out;
  for (const auto& p : r.points)
    if (p.error.empty()) out.push_back(&p);
  return out;
}

double mib(std::uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

std::string fit_text(const char* what, const std::optional<sim::PowerFit>& f) {
  if (!f) return fmt::format("{}: not enough sizes to fit a growth exponent\n", what);
  return fmt::format("{} grows as nodes^{:.2f} (R² {:.3f}, {} sizes)\n", what, f->exponent, f->r2, f->points);
}

nlohmann::json fit_json(const std::optional<sim::PowerFit>& f) {
  if (!f) return nullptr;
  return {{"exponent", f->exponent}, {"coefficient", f->coefficient}, {"r2", f->r2}, {"points", f->points}};
}

}  // namespace

BenchReport make_bench_report(std::string model, std::uint64_t seed, std::vector<sim::SweepPoint> points) {
  BenchReport r;
  r.model = std::move(model);
  r.seed = seed;
  r.points = std::move(points);
  std::vector<double> nodes, wall, messages, memory;
  for (const auto* p : measured(r)) {
    // A run stopped by a limit did only part of the work: its cost would bend the exponent.
    if (!p->converged) continue;
    nodes.push_back(static_cast<double>(p->nodes));
    wall.push_back(p->wall_s);
    messages.push_back(static_cast<double>(p->messages));
    memory.push_back(static_cast<double>(p->peak_rss_bytes));
  }
  r.wall_fit = sim::fit_power_law(nodes, wall);
  r.messages_fit = sim::fit_power_law(nodes, messages);
  r.memory_fit = sim::fit_power_law(nodes, memory);
  return r;
}

std::string bench_table(const BenchReport& r) {
  const Row header{"NODES",           "SPEAKERS", "SESSIONS",    "MESSAGES",   "EVENTS",
                   "CONVERGED (SIM)", "WALL",     "PEAK MEMORY", "ROUTES/NODE"};
  std::vector<Row> rows;
  for (const auto* p : measured(r))
    rows.push_back({std::to_string(p->nodes), std::to_string(p->speakers), std::to_string(p->sessions),
                    std::to_string(p->messages), std::to_string(p->events),
                    p->converged ? fmt::format("{:.3f}s", p->converged_at_s)
                                 : fmt::format("no: {}", sim::to_string(p->outcome)),
                    fmt::format("{:.3f}s", p->wall_s), fmt::format("{:.1f} MiB", mib(p->peak_rss_bytes)),
                    fmt::format("{:.1f}", p->routes_per_node)});
  std::string out =
      fmt::format("model: {}, seed {}, huge pages {}\n", r.model, r.seed, r.huge_pages ? "on" : "off");
  out += tabwriter_table(header, rows);
  out += fit_text("wall time", r.wall_fit);
  out += fit_text("messages", r.messages_fit);
  out += fit_text("peak memory", r.memory_fit);
  for (const auto& p : r.points)
    if (!p.error.empty()) out += fmt::format("size {}: {}\n", p.nodes, p.error);
  return out;
}

std::string bench_json(const BenchReport& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points) {
    nlohmann::json j = {{"nodes", p.nodes},
                        {"speakers", p.speakers},
                        {"sessions", p.sessions},
                        {"messages", p.messages},
                        {"updates", p.updates},
                        {"events", p.events},
                        {"converged", p.converged},
                        {"outcome", p.error.empty() ? std::string(sim::to_string(p.outcome)) : "error"},
                        {"converged_at_s", p.converged_at_s},
                        {"wall_s", p.wall_s},
                        {"setup_s", p.setup_s},
                        {"peak_rss_bytes", p.peak_rss_bytes},
                        {"routes_per_node", p.routes_per_node}};
    if (!p.error.empty()) j["error"] = p.error;
    points.push_back(std::move(j));
  }
  nlohmann::json out = {{"model", r.model},
                        {"seed", r.seed},
                        {"huge_pages", r.huge_pages},
                        {"points", std::move(points)},
                        {"fits",
                         {{"wall_s", fit_json(r.wall_fit)},
                          {"messages", fit_json(r.messages_fit)},
                          {"peak_rss_bytes", fit_json(r.memory_fit)}}}};
  return out.dump(2) + "\n";
}

std::string bench_csv(const BenchReport& r) {
  std::string out =
      "model,nodes,speakers,sessions,messages,updates,events,converged,converged_at_s,wall_s,setup_s,"
      "peak_rss_bytes,routes_per_node,outcome,error,huge_pages\n";
  for (const auto& p : r.points) {
    std::string error = p.error;
    for (char& c : error)
      if (c == '"' || c == '\n') c = c == '"' ? '\'' : ' ';
    out +=
        fmt::format("{},{},{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{},{:.3f},{},{},{}\n", r.model, p.nodes,
                    p.speakers, p.sessions, p.messages, p.updates, p.events, p.converged ? "true" : "false",
                    p.converged_at_s, p.wall_s, p.setup_s, p.peak_rss_bytes, p.routes_per_node,
                    error.empty() ? std::string(sim::to_string(p.outcome)) : "error",
                    error.empty() ? "" : "\"" + error + "\"", r.huge_pages ? "true" : "false");
  }
  return out;
}

LineChart bench_chart(const BenchReport& r) {
  LineChart c;
  c.title = fmt::format("peerlab bench {}: cold start to convergence", r.model);
  c.x_label = "nodes";
  c.y_label = "wall s / messages (millions) / peak MiB";
  c.log_x = c.log_y = true;
  c.point_symbols = true;
  c.width = 720;
  c.height = 480;
  c.id_prefix = "bench";
  PlotSeries wall{"wall time (s)", {}}, messages{"messages (millions)", {}}, memory{"peak memory (MiB)", {}};
  for (const auto* p : measured(r)) {
    const double n = static_cast<double>(p->nodes);
    wall.points.push_back({n, p->wall_s});
    messages.points.push_back({n, static_cast<double>(p->messages) / 1e6});
    memory.points.push_back({n, mib(p->peak_rss_bytes)});
  }
  c.series = {std::move(wall), std::move(messages), std::move(memory)};
  return c;
}

}  // namespace peerlab::reports
