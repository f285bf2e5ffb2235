// Scale sweeps (see sweep.hpp).
#include "sim/sweep.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <unordered_set>

#include "sim/network.hpp"
#include "topology/generators.hpp"
#include "topology/peerings.hpp"
#include "topology/validate.hpp"

namespace peerlab::sim {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

SweepPoint measure_here(const SweepOptions& o, std::size_t nodes) {
  SweepPoint p;
  const auto t0 = Clock::now();
  Diagnostics diags;
  const auto resources = generate(o.model, sweep_params(o.model, nodes, o.params), diags);
  Topology t;
  if (!diags.has_errors()) add_resources(t, resources, diags);
  if (!diags.has_errors()) validate(t, ValidationMode::Strict, diags);
  if (diags.has_errors()) {
    p.error = diags.to_string();
    while (!p.error.empty() && p.error.back() == '\n') p.error.pop_back();
    return p;
  }
  auto speakers = derive_speakers(t);
  p.setup_s = seconds_since(t0);
  std::unordered_set<std::string> calico;
  for (const auto& n : t.nodes) calico.insert(n.name);
  p.nodes = t.nodes.size();

  const auto t1 = Clock::now();
  SimOptions so;
  so.seed = o.seed;
  so.detailed_timers = o.detailed_timers;
  so.event_limit = o.event_limit;
  Network net(t, std::move(speakers), so);
  const RunResult r = net.run();
  p.wall_s = seconds_since(t1);

  p.speakers = net.speaker_count();
  p.converged = r.outcome == Outcome::Converged;
  p.outcome = r.outcome;
  p.converged_at_s = static_cast<double>(r.converged_at.value_or(r.time)) / static_cast<double>(kSecond);
  const auto& c = net.counters();
  p.messages = c.opens + c.updates + c.keepalives + c.notifications;
  p.updates = c.updates;
  p.events = c.events;
  p.sessions = net.established_session_ends() / 2;
  std::uint64_t routes = 0;
  std::size_t counted = 0;
  for (SpeakerId s = 0; s < net.speaker_count(); ++s)
    if (calico.count(net.speaker_config(s).name)) routes += net.best_route_count(s), ++counted;
  p.routes_per_node = counted ? static_cast<double>(routes) / static_cast<double>(counted) : 0;
  return p;
}

// One line of text per point, for the pipe between child and parent.
std::string encode(const SweepPoint& p) {
  std::ostringstream o;
  o.precision(17);
  o << p.nodes << ' ' << p.speakers << ' ' << p.sessions << ' ' << p.messages << ' ' << p.updates << ' '
    << p.events << ' ' << p.converged << ' ' << static_cast<int>(p.outcome) << ' ' << p.converged_at_s << ' '
    << p.wall_s << ' ' << p.setup_s << ' ' << p.routes_per_node << ' ' << p.error.size() << ' ' << p.error;
  return o.str();
}

bool decode(const std::string& text, SweepPoint& p) {
  std::istringstream in(text);
  std::size_t error_size = 0;
  int outcome = 0;
  if (!(in >> p.nodes >> p.speakers >> p.sessions >> p.messages >> p.updates >> p.events >> p.converged >>
        outcome >> p.converged_at_s >> p.wall_s >> p.setup_s >> p.routes_per_node >> error_size))
    return false;
  if (outcome < 0 || outcome > static_cast<int>(Outcome::Stopped)) return false;
  p.outcome = static_cast<Outcome>(outcome);
  if (error_size > 0) {
    in.get();
    p.error.resize(error_size);
    in.read(p.error.data(), static_cast<std::streamsize>(error_size));
  }
  return true;
}

SweepPoint measure_in_child(const SweepOptions& o, std::size_t nodes) {
  SweepPoint p;
  int fds[2];
  if (pipe(fds) != 0) {
    p.error = "cannot create a pipe";
    return p;
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    p.error = "cannot fork";
    return p;
  }
  if (pid == 0) {
    close(fds[0]);
    std::string text;
    try {
      text = encode(measure_here(o, nodes));
    } catch (const std::exception& e) {
      SweepPoint failed;
      failed.error = std::string("failed: ") + e.what();
      text = encode(failed);
    }
    const char* d = text.data();
    std::size_t left = text.size();
    while (left > 0) {
      const ssize_t w = write(fds[1], d, left);
      if (w <= 0) break;
      d += w, left -= static_cast<std::size_t>(w);
    }
    close(fds[1]);
    _exit(0);  // no destructors, no atexit handlers of the parent's state
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !decode(text, p)) {
    p = SweepPoint{};
    p.error = WIFSIGNALED(status)
                  ? "the measuring process died (signal " + std::to_string(WTERMSIG(status)) + ")"
                  : "the measuring process failed";
    return p;
  }
  p.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux: kilobytes
  return p;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> sweep_params(
    const std::string& model, std::size_t nodes,
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::pair<std::string, std::string>> p;
  const std::string n = std::to_string(nodes);
  if (model == "full-mesh") {
    p = {{"nodes", n}};
  } else if (model == "route-reflectors") {
    p = {{"clients", n}, {"reflectors", "2"}};
  } else if (model == "as-per-rack" || model == "as-per-compute-server") {
    const std::size_t per_rack = nodes < 40 ? std::max<std::size_t>(nodes, 1) : 40;
    const std::size_t racks = std::max<std::size_t>(1, (nodes + per_rack / 2) / per_rack);
    p = {{"racks", std::to_string(racks)}, {"nodesPerRack", std::to_string(per_rack)}, {"spines", "4"}};
  }
  for (const auto& [k, v] : extra) {
    bool replaced = false;
    for (auto& [pk, pv] : p)
      if (pk == k) pv = v, replaced = true;
    if (!replaced) p.emplace_back(k, v);
  }
  return p;
}

SweepPoint measure(const SweepOptions& options, std::size_t nodes) {
  if (!options.isolate) {
    SweepPoint p = measure_here(options, nodes);
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    p.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
    return p;
  }
  return measure_in_child(options, nodes);
}

std::optional<PowerFit> fit_power_law(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
    if (x[i] > 0 && y[i] > 0 && std::isfinite(x[i]) && std::isfinite(y[i]))
      lx.push_back(std::log(x[i])), ly.push_back(std::log(y[i]));
  const std::size_t n = lx.size();
  if (n < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += lx[i], my += ly[i];
  mx /= static_cast<double>(n), my /= static_cast<double>(n);
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (lx[i] - mx) * (lx[i] - mx);
    sxy += (lx[i] - mx) * (ly[i] - my);
    syy += (ly[i] - my) * (ly[i] - my);
  }
  if (sxx <= 0) return std::nullopt;
  PowerFit f;
  f.points = n;
  f.exponent = sxy / sxx;
  f.coefficient = std::exp(my - f.exponent * mx);
  f.r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1.0;
  return f;
}

}  // namespace peerlab::sim
