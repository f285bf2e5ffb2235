// The scenario runner (see runner.hpp for the model of time and observation).
//
// Invariants:
// - At a time T the order is: every event at or before T fires; the steps at T apply in file order
//   (a calicoctl command reconfigures the network as BIRD's reconfigure does, a fault acts at
//   once); the events they scheduled at T itself fire; then the expectations at T are checked and
//   the network is observed. So "at: 30s" sees the effect of a step at 30s that is immediate
//   (a stopped process, a link down) but not of anything that takes time (messages in flight).
// - A window [from, to] is checked at from, at every observation point inside it, and at to; an
//   observation point is any moment at which something observable changed (a session state, a
//   best route) or a step applied. Between two points nothing observable changes, so a violation
//   lasts from the point it is seen to the next point at which it is not.
#include "scenarios/runner.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/util.hpp"
#include "topology/validate.hpp"
#include "validators/checks.hpp"
#include "validators/lint.hpp"

namespace peerlab::scenarios {

FileReader disk_reader() {
  return [](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
}

namespace {

using validators::ReachabilityMatrix;
using validators::Walk;
using validators::WalkResult;

// A path named in a scenario is relative to the scenario file's directory.
std::string resolve_path(const std::string& scenario_file, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute()) return path;
  auto dir = fs::path(scenario_file).parent_path();
  return (dir / path).lexically_normal().string();
}

std::string when_text(const Expectation& e) {
  auto point = [](const TimePoint& p) { return p.end ? std::string("end") : sim::format_time(p.at); };
  if (e.at) return "at " + point(*e.at);
  if (e.during) return "during [" + point(e.during->first) + ", " + point(e.during->second) + "]";
  return "after the last step";
}

std::string kind_text(const ExpectationKind& k) {
  return std::visit(overloaded{[](const SessionsExpectation&) { return "sessions"; },
                               [](const ReachabilityExpectation&) { return "reachability"; },
                               [](const StatusExpectation&) { return "status"; },
                               [](const RoutesExpectation&) { return "routes"; },
                               [](const ConvergedExpectation&) { return "converged"; },
                               [](const FindingExpectation&) { return "finding"; }},
                    k);
}

// The outcome of checking one expectation at one moment.
struct Check {
  bool ok = true;
  std::string message;
  std::vector<std::string> evidence;
  // Reachability: the failing walks among the pairs the expectation is about.
  std::vector<const Walk*> failing;
};

bool state_matches(const sim::SessionStatus& s, const std::string& want) {
  if (want == "up" || want == "start" || want == "down" || want == "stop" || want == "flush")
    return bgp::to_string(s.proto) == want;
  return bgp::to_string(s.state) == want;
}

std::string session_line(const sim::SessionStatus& s) {
  return s.speaker + " " + s.protocol + " (" + to_string(s.peer_address) +
         "): " + std::string(bgp::to_string(s.proto)) + " " + s.info();
}

// How long a run goes on after it converged (see simulate()).
constexpr Time kTail = 10 * sim::kSecond;

class Runner {
 public:
  Runner(const Scenario& sc, const FileReader& read, const RunOptions& opts)
      : sc_(sc), read_(read), opts_(opts) {}

  ScenarioRun run() {
    auto& r = out_.result;
    r.name = sc_.name;
    r.file = sc_.file;
    r.description = sc_.description;
    r.seed = opts_.seed.value_or(sc_.seed);
    if (!load_topology()) {
      r.verdict = Verdict::Error;
      return std::move(out_);
    }
    if (sc_.timers) out_.model.timers.profile = *sc_.timers == TimerProfile::Calico ? "calico" : "bird";
    sim::SimOptions so;
    so.seed = r.seed;
    if (sc_.time_limit) so.time_limit = *sc_.time_limit;
    if (sc_.event_limit) so.event_limit = *sc_.event_limit;
    out_.network = std::make_unique<sim::Network>(out_.model, derive_speakers(out_.model), so);
    net_ = out_.network.get();
    time_limit_ = so.time_limit;
    nodes_ = static_cast<std::size_t>(std::count_if(out_.model.nodes.begin(), out_.model.nodes.end(),
                                                    [](const Node& n) { return n.has_bgp; }));
    windows_.resize(sc_.expectations.size());
    results_.resize(sc_.expectations.size());
    for (std::size_t i = 0; i < sc_.expectations.size(); ++i) {
      const auto& e = sc_.expectations[i];
      results_[i].name = e.name;
      results_[i].kind = kind_text(e.kind);
      results_[i].loc = e.loc;
      results_[i].when = when_text(e);
    }
    simulate();
    finish();
    return std::move(out_);
  }

 private:
  // ---- loading -------------------------------------------------------------------------------

  bool load_topology() {
    auto& diags = out_.result.diagnostics;
    ParsedFile parsed;
    if (!sc_.topology_path.empty()) {
      std::string path = resolve_path(sc_.file, sc_.topology_path);
      auto text = read_(path);
      if (!text) {
        diags.error("E001", sc_.topology_loc, "cannot read the scenario's topology '" + path + "'",
                    "the path is relative to the scenario file");
        return false;
      }
      parsed = parse_resources(*text, path);
    } else {
      parsed = parse_resources(sc_.topology_inline, sc_.file);
      // Positions inside the inline block, moved to where the block sits in the scenario file.
      auto shift = [&](SourceLoc& l) {
        if (l.line == 0) return;
        if (l.column > 0) l.column += sc_.topology_loc.column - 1;
        l.line += sc_.topology_loc.line - 1;
      };
      for (auto& res : parsed.resources) std::visit([&](auto& x) { shift(x.loc); }, res);
      Diagnostics shifted;
      for (auto d : parsed.diagnostics.items()) {
        shift(d.loc);
        shifted.add(std::move(d));
      }
      parsed.diagnostics = std::move(shifted);
    }
    diags.append(parsed.diagnostics);
    add_resources(out_.model, parsed.resources, diags);
    if (!diags.has_errors()) validate(out_.model, ValidationMode::Strict, diags);
    return !diags.has_errors();
  }

  // ---- the clock -----------------------------------------------------------------------------

  // Every time something is scheduled to happen or be checked, except 'end'.
  Time last_timed() const {
    Time t = 0;
    for (const auto& s : sc_.steps) t = std::max(t, s.at.at);
    for (const auto& e : sc_.expectations) {
      if (e.at && !e.at->end) t = std::max(t, e.at->at);
      if (e.during) {
        t = std::max(t, e.during->first.at);
        if (!e.during->second.end) t = std::max(t, e.during->second.at);
      }
    }
    return t;
  }

  bool window_open_at(std::size_t i, Time t, bool at_end) const {
    const auto& d = sc_.expectations[i].during;
    if (!d) return false;
    if (t < d->first.at) return false;
    if (d->second.end) return true;
    return t <= d->second.at && !(at_end && t > d->second.at);
  }

  bool any_window_open(Time t) const {
    for (std::size_t i = 0; i < sc_.expectations.size(); ++i)
      if (window_open_at(i, t, false) && !windows_[i].closed) return true;
    return false;
  }

  // The next time something must happen after `now`: a step, a point, a window bound.
  std::optional<Time> next_timed(Time now) const {
    std::optional<Time> best;
    auto consider = [&](Time t) {
      if (t > now && (!best || t < *best)) best = t;
    };
    for (std::size_t i = next_step_; i < sc_.steps.size(); ++i) consider(sc_.steps[i].at.at);
    for (const auto& e : sc_.expectations) {
      if (e.at && !e.at->end) consider(e.at->at);
      if (e.during) {
        consider(e.during->first.at);
        if (!e.during->second.end) consider(e.during->second.at);
      }
    }
    return best;
  }

  // Fine stepping (every event time) is needed while a window is open; otherwise the timeline is
  // sampled at every event time for small networks and at most every second for large ones.
  Time sample_interval() const { return session_ends_ <= 5000 ? 0 : sim::kSecond; }

  void simulate() {
    auto& r = out_.result;
    const Time last = last_timed();
    session_ends_ = count_sessions().first;
    bool converged_after_last = false;
    std::uint64_t events_at_progress = 0;
    for (;;) {
      Time now = net_->now();
      // At `now`: steps, then checks.
      bool stepped = apply_steps(now);
      if (stepped) {
        auto rr = net_->run_until(now);
        r.events += rr.events;
      }
      observe(now, stepped || now == 0);
      check_points(now);
      // Where to go next.
      auto next_event = net_->next_event_time();
      auto next_item = next_timed(now);
      bool past_last = now >= last && next_step_ >= sc_.steps.size();
      // Once converged, the run goes on for a short tail, so that reports show the state the last
      // step led to and not only the moment it was reached; a change in the tail undoes convergence.
      if (converged_after_last && net_->last_change() > converged_at_) converged_after_last = false;
      if (past_last) {
        if (converged_after_last && now >= converged_at_ + kTail) break;
        if (sc_.until && now >= last + *sc_.until) break;
      }
      if (now >= time_limit_ || outcome_ == sim::Outcome::EventLimit) break;
      Time target;
      bool fine = any_window_open(now) || sample_interval() == 0;
      if (!next_event) {
        // Nothing queued. A real network is never that quiet (keepalives go on; analytic ones are
        // not events), so the tail and `until` still run their course; the clamps below end them.
        if (!next_item && !converged_after_last && !(sc_.until && past_last)) break;  // nothing ever will
        target = next_item.value_or(time_limit_);
      } else if (fine) {
        target = *next_event;
        if (next_item) target = std::min(target, *next_item);
      } else {
        target = std::max(*next_event, now + sample_interval());
        if (next_item) target = std::min(target, *next_item);
      }
      if (sc_.until && past_last) target = std::min(target, last + *sc_.until);
      if (converged_after_last) target = std::min(target, std::max(now, converged_at_ + kTail));
      target = std::min(target, time_limit_);
      auto rr = net_->run_until(target);
      r.events += rr.events;
      if (rr.outcome == sim::Outcome::EventLimit) outcome_ = sim::Outcome::EventLimit;
      if (!converged_after_last && now >= last && next_step_ >= sc_.steps.size() && rr.converged_at &&
          rr.outcome != sim::Outcome::EventLimit) {
        converged_after_last = true;
        converged_at_ = *rr.converged_at;
      }
      if (opts_.progress && r.events - events_at_progress >= 200'000) {
        events_at_progress = r.events;
        opts_.progress(net_->now(), r.events);
      }
    }
    r.end = net_->now();
    if (converged_after_last && outcome_ != sim::Outcome::EventLimit) {
      outcome_ = sim::Outcome::Converged;
      r.converged_at = converged_at_;
    } else if (outcome_ != sim::Outcome::EventLimit) {
      outcome_ = sim::Outcome::TimeLimit;
    }
    r.outcome = outcome_;
  }

  // ---- steps ---------------------------------------------------------------------------------

  bool apply_steps(Time now) {
    bool any = false;
    while (next_step_ < sc_.steps.size() && sc_.steps[next_step_].at.at <= now) {
      apply(sc_.steps[next_step_++]);
      any = true;
    }
    return any;
  }

  void apply(const Step& s) {
    StepRecord rec;
    rec.at = net_->now();
    rec.text = describe(s);
    rec.note = s.note;
    rec.loc = s.loc;
    if (const auto* c = std::get_if<CtlStep>(&s.action)) {
      run_ctl(*c, rec);
    } else {
      const auto& f = std::get<FaultStep>(s.action);
      bool ok = false;
      switch (f.kind) {
        case FaultKind::Stop:
          ok = net_->stop_speaker(f.target);
          break;
        case FaultKind::Start:
          ok = net_->start_speaker(f.target);
          break;
        case FaultKind::Fail:
          ok = net_->fail_host(f.target);
          break;
        case FaultKind::Recover:
          ok = net_->recover_host(f.target);
          break;
        case FaultKind::LinkDown:
          ok = net_->set_link_up(f.target, false);
          break;
        case FaultKind::LinkUp:
          ok = net_->set_link_up(f.target, true);
          break;
        case FaultKind::SegmentDown:
          ok = net_->set_segment_up(f.target, false);
          break;
        case FaultKind::SegmentUp:
          ok = net_->set_segment_up(f.target, true);
          break;
      }
      if (!ok) {
        rec.ok = false;
        bool host = f.kind == FaultKind::Stop || f.kind == FaultKind::Start || f.kind == FaultKind::Fail ||
                    f.kind == FaultKind::Recover;
        rec.error =
            host ? "no node or router named '" + f.target + "' runs BGP"
                 : std::string("no ") +
                       (f.kind == FaultKind::LinkDown || f.kind == FaultKind::LinkUp ? "link" : "segment") +
                       " named '" + f.target + "' in the topology";
      }
    }
    out_.result.steps.push_back(std::move(rec));
  }

  void run_ctl(const CtlStep& c, StepRecord& rec) {
    auto parsed = parse_ctl_line(c.line);
    if (auto* e = std::get_if<CtlUsageError>(&parsed)) {  // checked at parse time; kept for safety
      rec.ok = false;
      rec.error = e->message;
      return;
    }
    auto cmd = std::get<CtlCommand>(parsed);
    ParsedFile input;
    bool takes_file = cmd.verb == CtlVerb::Create || cmd.verb == CtlVerb::Apply ||
                      cmd.verb == CtlVerb::Replace || (cmd.verb == CtlVerb::Delete && !cmd.filename.empty());
    if (takes_file && !cmd.filename.empty()) {
      std::string path = resolve_path(sc_.file, cmd.filename);
      if (auto text = read_(path)) {
        input = parse_resources(*text, path);
      } else {
        input.diagnostics.error("E001", {path, 0, 0}, "cannot read file",
                                "the path is relative to the scenario");
      }
      cmd.filename = path;
    }
    rec.command = cmd;
    if (cmd.verb == CtlVerb::NodeStatus) {
      rec.status_node = *cmd.node;
      rec.status_uptime = net_->now();
      if (auto id = net_->find_speaker(*cmd.node)) {
        rec.status_sessions = net_->sessions(*id);
      } else {
        rec.ok = false;
        rec.error = "no node named '" + *cmd.node + "' runs BGP";
      }
      CtlResult res;
      res.verb = cmd.verb;
      res.exit_code = rec.ok ? 0 : 1;
      rec.result = res;
      return;
    }
    auto res = execute(cmd, out_.model, takes_file ? &input : nullptr);
    if (res.exit_code != c.expect_exit) {
      rec.ok = false;
      rec.error = "exited " + std::to_string(res.exit_code) + ", expected " + std::to_string(c.expect_exit);
      if (!res.error.empty())
        rec.error += ": " + res.error;
      else if (res.diagnostics.has_errors())
        rec.error += ": " + res.diagnostics.items().front().message;
    }
    if (res.modified) net_->reconfigure(out_.model, derive_speakers(out_.model));
    rec.result = std::move(res);
  }

  // ---- observation ---------------------------------------------------------------------------

  std::pair<std::size_t, std::size_t> count_sessions() const {
    std::size_t all = 0, up = 0;
    for (sim::SpeakerId id = 0; id < net_->speaker_count(); ++id)
      for (const auto& s : net_->sessions(id)) {
        ++all;
        up += s.state == bgp::State::Established;
      }
    return {all, up};
  }

  const ReachabilityMatrix& reach() {
    if (!reach_) reach_ = validators::reachability(out_.model, *net_);
    return *reach_;
  }

  // Called after everything at `now` happened. Checks open windows and records a timeline sample
  // when something observable changed (or `forced`: a step applied, the start).
  void observe(Time now, bool forced) {
    bool changed =
        forced || net_->last_change() != seen_change_ || net_->counters().best_changes != seen_best_;
    if (!changed) return;
    seen_change_ = net_->last_change();
    seen_best_ = net_->counters().best_changes;
    reach_.reset();
    for (std::size_t i = 0; i < sc_.expectations.size(); ++i)
      if (window_open_at(i, now, false) && !windows_[i].closed) check_window(i, now);
    if (!out_.result.timeline.empty() && sample_interval() > 0 && !forced &&
        now - out_.result.timeline.back().t < sample_interval())
      return;
    TimelineSample s;
    s.t = now;
    auto [all, up] = count_sessions();
    s.sessions = all;
    s.established = up;
    session_ends_ = all;
    if (nodes_ <= opts_.timeline_reachability_max_nodes) {
      s.pairs = reach().pairs;
      s.delivered = reach().delivered;
    }
    for (sim::SpeakerId id = 0; id < net_->speaker_count(); ++id) s.best_routes += net_->best_route_count(id);
    const auto& c = net_->counters();
    s.messages = c.opens + c.updates + c.keepalives + c.notifications;
    s.updates = c.updates;
    if (!out_.result.timeline.empty() && out_.result.timeline.back().t == now)
      out_.result.timeline.pop_back();
    out_.result.timeline.push_back(s);
  }

  void check_points(Time now) {
    for (std::size_t i = 0; i < sc_.expectations.size(); ++i) {
      const auto& e = sc_.expectations[i];
      if (e.at && !e.at->end && e.at->at == now && !points_done_.count(i)) {
        points_done_.insert(i);
        record_point(i, now, check(e));
      }
      // A window that ends now is closed after its last observation.
      if (e.during && !e.during->second.end && e.during->second.at == now && !windows_[i].closed) {
        check_window(i, now);
        close_window(i, now);
      }
    }
  }

  void record_point(std::size_t i, Time now, Check c) {
    auto& res = results_[i];
    res.passed = c.ok;
    res.checked_at = now;
    res.message = c.message;
    res.evidence = std::move(c.evidence);
  }

  // ---- windows -------------------------------------------------------------------------------

  using PairKey = std::pair<std::string, std::string>;
  struct PairTrack {
    std::vector<Interval> gaps;
    std::string detail;
  };
  struct WindowState {
    bool closed = false;
    std::optional<Time> failing_since;
    std::vector<Interval> violations;
    std::optional<Check> first_failure;
    // Reachability windows: gaps per (from, to) pair, the pairs failing now, the pairs tracked.
    std::map<std::pair<std::string, std::string>, PairTrack> pairs;
    std::set<std::pair<std::string, std::string>> failing_now;
    std::set<std::pair<std::string, std::string>> tracked;
    bool started = false;
  };

  void check_window(std::size_t i, Time now) {
    auto& w = windows_[i];
    const auto& e = sc_.expectations[i];
    Check c = check(e);
    if (const auto* rx = std::get_if<ReachabilityExpectation>(&e.kind); rx && rx->reachable)
      continuity(w, *rx, c, now);
    if (!c.ok) {
      if (!w.failing_since) w.failing_since = now;
      if (!w.first_failure) w.first_failure = c;
    } else if (w.failing_since) {
      w.violations.push_back({*w.failing_since, now});
      w.failing_since.reset();
    }
  }

  // Continuity: a pair counts once it is known reachable — present when the window opens (then it
  // must be reachable from the start), or delivered at some point inside it. A pair that appears
  // later because one of its ends came up (a restarted node) is not "lost" while its sessions come
  // up; it is tracked from its first delivery. A pair whose end goes down leaves the matrix and
  // is tracked again only once delivered again. `c` is rewritten to judge tracked pairs only.
  void continuity(WindowState& w, const ReachabilityExpectation& x, Check& c, Time now) {
    auto present = present_pairs(x);
    std::set<PairKey> failing;
    for (const Walk* walk : c.failing) failing.insert({walk->from, walk->to});
    if (!w.started) {
      w.started = true;
      w.tracked = present;
    }
    for (auto it = w.tracked.begin(); it != w.tracked.end();)
      it = present.count(*it) ? std::next(it) : w.tracked.erase(it);
    for (const auto& key : present)
      if (!failing.count(key)) w.tracked.insert(key);
    std::set<PairKey> lost;
    std::vector<const Walk*> lost_walks;
    std::vector<std::string> evidence;
    for (const Walk* walk : c.failing) {
      PairKey key{walk->from, walk->to};
      if (!w.tracked.count(key)) continue;
      lost_walks.push_back(walk);
      if (lost.insert(key).second && !w.failing_now.count(key)) {
        auto& track = w.pairs[key];
        track.gaps.push_back({now, std::nullopt});
        if (track.detail.empty()) track.detail = walk_text(*walk);
      }
      if (evidence.size() < 20)
        evidence.push_back(walk->from + " -> " + walk->to + " (" + to_string(walk->block) +
                           "): " + walk_text(*walk));
    }
    for (const auto& key : w.failing_now)
      if (!lost.count(key)) w.pairs[key].gaps.back().to = now;
    w.failing_now = lost;
    c.ok = lost.empty();
    c.failing = std::move(lost_walks);
    c.evidence = std::move(evidence);
    if (!c.ok)
      c.message = std::to_string(lost.size()) + " of " + std::to_string(w.tracked.size()) +
                  " reachable pairs lost reachability";
  }

  void close_window(std::size_t i, Time now) {
    auto& w = windows_[i];
    w.closed = true;
    if (w.failing_since)
      w.violations.push_back({*w.failing_since, sc_.expectations[i].during->second.end
                                                    ? std::optional<Time>{}
                                                    : std::optional<Time>{now}});
    for (const auto& key : w.failing_now)
      if (!sc_.expectations[i].during->second.end) w.pairs[key].gaps.back().to = now;
    auto& res = results_[i];
    res.violations = w.violations;
    res.passed = w.violations.empty();
    if (res.passed) {
      res.checked_at = now;
      res.message = "held throughout " + res.when.substr(7);
      return;
    }
    const auto& first = w.violations.front();
    res.checked_at = first.from;
    Time total = 0;
    Time longest = 0;
    for (const auto& v : w.violations) {
      Time len = v.to.value_or(now) - v.from;
      total += len;
      longest = std::max(longest, len);
    }
    res.message = w.first_failure->message + " (first at " + sim::format_time(first.from) + "; " +
                  std::to_string(w.violations.size()) + " interval" + (w.violations.size() == 1 ? "" : "s") +
                  ", " + sim::format_time(total) + " in all, longest " + sim::format_time(longest) + ")";
    res.evidence = w.first_failure->evidence;
    for (auto& [key, track] : w.pairs) {
      PairGap g;
      g.from = key.first;
      g.to = key.second;
      g.gaps = track.gaps;
      g.detail = track.detail;
      res.pair_gaps.push_back(std::move(g));
    }
  }

  // ---- checking one expectation now ----------------------------------------------------------

  static std::string walk_text(const Walk& w) {
    std::string path;
    for (const auto& p : w.path) path += (path.empty() ? "" : " -> ") + p;
    return std::string(validators::to_string(w.result)) + (w.detail.empty() ? "" : " (" + w.detail + ")") +
           ", path " + path;
  }

  // The expectation's check on the network as it is now.
  Check check(const Expectation& e) {
    return std::visit(overloaded{[&](const SessionsExpectation& x) { return check_sessions(x); },
                                 [&](const ReachabilityExpectation& x) { return check_reach(x); },
                                 [&](const StatusExpectation& x) { return check_status(x); },
                                 [&](const RoutesExpectation& x) { return check_routes(x); },
                                 [&](const ConvergedExpectation&) { return Check{}; },
                                 [&](const FindingExpectation& x) { return check_finding(x); }},
                      e.kind);
  }

  Check check_sessions(const SessionsExpectation& x) {
    Check c;
    std::size_t matched = 0, bad = 0;
    for (sim::SpeakerId id = 0; id < net_->speaker_count(); ++id) {
      if (x.node && net_->speaker_config(id).name != *x.node) continue;
      for (const auto& s : net_->sessions(id)) {
        if (x.peer && !(s.peer_address == *x.peer)) continue;
        ++matched;
        if (state_matches(s, x.state)) continue;
        ++bad;
        if (c.evidence.size() < 20) c.evidence.push_back(session_line(s));
      }
    }
    if (matched == 0) {
      c.ok = false;
      c.message = x.node ? (x.peer ? *x.node + " has no session with " + to_string(*x.peer)
                                   : *x.node + " has no sessions (is it a speaker, and running?)")
                         : "there are no sessions";
      return c;
    }
    c.ok = bad == 0;
    c.message = c.ok
                    ? std::to_string(matched) + " session end" + (matched == 1 ? "" : "s") + " " + x.state
                    : std::to_string(bad) + " of " + std::to_string(matched) + " session ends not " + x.state;
    if (bad > c.evidence.size())
      c.evidence.push_back("… and " + std::to_string(bad - c.evidence.size()) + " more");
    return c;
  }

  Check check_reach(const ReachabilityExpectation& x) {
    Check c;
    const auto& m = reach();
    // Failing walks are listed in the matrix; the pairs the expectation is about are those whose
    // ends match (from, to) — counted from the matrix's pairs by walking the failures.
    bool filtered = x.from || x.to;
    std::size_t failing = 0;
    for (const auto& w : m.failures) {
      if (x.from && w.from != *x.from) continue;
      if (x.to && w.to != *x.to) continue;
      ++failing;
      c.failing.push_back(&w);
      if (c.evidence.size() < 20)
        c.evidence.push_back(w.from + " -> " + w.to + " (" + to_string(w.block) + "): " + walk_text(w));
    }
    if (failing > c.evidence.size())
      c.evidence.push_back("… and " + std::to_string(failing - c.evidence.size()) + " more");
    if (!filtered) {
      c.ok = failing == 0;
      c.message = c.ok ? "all " + std::to_string(m.pairs) + " pairs reachable"
                       : std::to_string(failing) + " of " + std::to_string(m.pairs) + " pairs unreachable";
      return c;
    }
    std::size_t pairs = pair_count(x);
    std::string what = x.from.value_or("any node") + " -> " + x.to.value_or("any node");
    if (pairs == 0) {
      c.ok = false;
      c.message = "no pair " + what + " (both must be running Calico nodes with blocks)";
      c.failing.clear();
      return c;
    }
    if (x.reachable) {
      c.ok = failing == 0;
      c.message = c.ok ? what + ": reachable"
                       : what + ": " + std::to_string(failing) + " of " + std::to_string(pairs) +
                             " pairs unreachable";
    } else {
      c.ok = failing == pairs;
      c.message = c.ok ? what + ": unreachable, as expected" : what + ": reachable, expected not";
      c.failing.clear();
    }
    return c;
  }

  // The walks of the matrix between the named ends: from every running Calico node to every block
  // of another running Calico node, of a family the source speaks (validators::reachability).
  template <class Fn>
  void for_each_pair(const ReachabilityExpectation& x, Fn&& fn) const {
    for (sim::SpeakerId s = 0; s < net_->speaker_count(); ++s) {
      const auto& sc = net_->speaker_config(s);
      if (sc.kind != SpeakerKind::CalicoNode || !net_->speaker_running(s)) continue;
      if (x.from && sc.name != *x.from) continue;
      for (sim::SpeakerId d = 0; d < net_->speaker_count(); ++d) {
        const auto& dc = net_->speaker_config(d);
        if (d == s || dc.kind != SpeakerKind::CalicoNode || !net_->speaker_running(d)) continue;
        if (x.to && dc.name != *x.to) continue;
        for (const auto& b : dc.originated)
          if (std::any_of(sc.addresses.begin(), sc.addresses.end(),
                          [&](const IpAddr& a) { return a.family == b.addr.family; }))
            fn(sc.name, dc.name);
      }
    }
  }

  std::size_t pair_count(const ReachabilityExpectation& x) const {
    std::size_t n = 0;
    for_each_pair(x, [&](const std::string&, const std::string&) { ++n; });
    return n;
  }

  // The (from, to) node pairs among them.
  std::set<PairKey> present_pairs(const ReachabilityExpectation& x) const {
    std::set<PairKey> out;
    for_each_pair(x, [&](const std::string& from, const std::string& to) { out.insert({from, to}); });
    return out;
  }

  Check check_status(const StatusExpectation& x) {
    Check c;
    auto id = net_->find_speaker(x.node);
    if (!id) {
      c.ok = false;
      c.message = "no node named '" + x.node + "' runs BGP";
      return c;
    }
    auto sessions = net_->sessions(*id);
    std::size_t missing = 0;
    for (const auto& row : x.rows) {
      bool found = std::any_of(sessions.begin(), sessions.end(), [&](const sim::SessionStatus& s) {
        if (s.type == PeerType::Fabric) return false;
        return (row.peer_address.empty() || to_string(s.peer_address) == row.peer_address) &&
               (row.peer_type.empty() || sim::to_string(s.type) == row.peer_type) &&
               (row.state.empty() || bgp::to_string(s.proto) == row.state) &&
               (row.info.empty() || s.info() == row.info);
      });
      if (found) continue;
      ++missing;
      c.evidence.push_back("missing row: " + (row.peer_address.empty() ? "*" : row.peer_address) + " | " +
                           (row.peer_type.empty() ? "*" : row.peer_type) + " | " +
                           (row.state.empty() ? "*" : row.state) + " | " +
                           (row.info.empty() ? "*" : row.info));
    }
    if (missing > 0) {
      for (const auto& s : sessions)
        if (s.type != PeerType::Fabric)
          c.evidence.push_back("present: " + to_string(s.peer_address) + " | " +
                               std::string(sim::to_string(s.type)) + " | " +
                               std::string(bgp::to_string(s.proto)) + " | " + s.info());
    }
    c.ok = missing == 0;
    c.message = c.ok ? "all " + std::to_string(x.rows.size()) + " rows present"
                     : std::to_string(missing) + " of " + std::to_string(x.rows.size()) + " rows missing";
    return c;
  }

  Check check_routes(const RoutesExpectation& x) {
    Check c;
    auto id = net_->find_speaker(x.node);
    if (!id) {
      c.ok = false;
      c.message = "no node or router named '" + x.node + "' runs BGP";
      return c;
    }
    std::size_t best = net_->best_route_count(*id);
    std::vector<std::string> wrong;
    if (x.best && best != *x.best) wrong.push_back("expected " + std::to_string(*x.best));
    if (x.at_least && best < *x.at_least) wrong.push_back("expected at least " + std::to_string(*x.at_least));
    if (x.at_most && best > *x.at_most) wrong.push_back("expected at most " + std::to_string(*x.at_most));
    c.message = x.node + " has " + std::to_string(best) + " best route" + (best == 1 ? "" : "s");
    if (x.prefix) {
      bool present = false;
      for (const auto& r : net_->routes(*id))
        if (r.best && r.prefix == *x.prefix) present = true;
      c.message += present ? ", including " + to_string(*x.prefix) : ", none for " + to_string(*x.prefix);
      if (present != x.prefix_present)
        wrong.push_back(x.prefix_present ? "expected a route for " + to_string(*x.prefix)
                                         : "expected no route for " + to_string(*x.prefix));
    }
    c.ok = wrong.empty();
    for (const auto& w : wrong) c.message += "; " + w;
    return c;
  }

  Check check_finding(const FindingExpectation& x) {
    Check c;
    auto findings = validators::lint(out_.model);
    std::vector<const validators::Finding*> hits;
    for (const auto& f : findings)
      if (f.code == x.code) hits.push_back(&f);
    c.ok = hits.empty() != x.present;
    c.message =
        hits.empty() ? x.code + " not reported" : x.code + " reported " + std::to_string(hits.size()) + "×";
    for (const auto* f : hits) c.evidence.push_back(format_loc(f->loc) + ": " + f->message);
    return c;
  }

  // ---- the end -------------------------------------------------------------------------------

  void finish() {
    auto& r = out_.result;
    const Time end = net_->now();
    for (std::size_t i = 0; i < sc_.expectations.size(); ++i) {
      const auto& e = sc_.expectations[i];
      if (e.at && e.at->end) record_point(i, end, check(e));
      if (e.at && !e.at->end && !points_done_.count(i)) {
        results_[i].passed = false;
        results_[i].message =
            "the run ended at " + sim::format_time(end) + ", before " + sim::format_time(e.at->at);
      }
      if (e.during && !windows_[i].closed) {
        if (e.during->first.at > end) {
          results_[i].passed = false;
          results_[i].message = "the run ended at " + sim::format_time(end) + ", before the window opened";
        } else {
          check_window(i, end);
          close_window(i, end);
        }
      }
      if (const auto* c = std::get_if<ConvergedExpectation>(&e.kind)) {
        Time last_step = sc_.steps.empty() ? 0 : sc_.steps.back().at.at;
        auto& res = results_[i];
        res.checked_at = end;
        if (!r.converged_at) {
          res.passed = false;
          res.message = "did not converge (" + std::string(sim::to_string(outcome_)) + " at " +
                        sim::format_time(end) + ")";
        } else {
          Time took = *r.converged_at > last_step ? *r.converged_at - last_step : 0;
          res.passed = took <= c->within;
          res.message = "converged at " + sim::format_time(*r.converged_at) + ", " + sim::format_time(took) +
                        " after the last step" +
                        (res.passed ? "" : "; expected within " + sim::format_time(c->within));
        }
      }
    }
    r.expectations = std::move(results_);
    r.fingerprint = net_->fingerprint();
    r.counters = net_->counters();
    r.findings = validators::lint(out_.model);
    bool steps_ok = std::all_of(r.steps.begin(), r.steps.end(), [](const StepRecord& s) { return s.ok; });
    r.verdict = steps_ok && r.failed_expectations() == 0 ? Verdict::Passed : Verdict::Failed;
  }

  const Scenario& sc_;
  const FileReader& read_;
  const RunOptions& opts_;
  ScenarioRun out_;
  sim::Network* net_ = nullptr;
  Time time_limit_ = 0;
  std::size_t nodes_ = 0;
  std::size_t session_ends_ = 0;
  std::size_t next_step_ = 0;
  sim::Outcome outcome_ = sim::Outcome::TimeLimit;
  Time converged_at_ = 0;
  Time seen_change_ = -1;
  std::uint64_t seen_best_ = ~std::uint64_t{0};
  std::optional<ReachabilityMatrix> reach_;
  std::vector<WindowState> windows_;
  std::vector<ExpectationResult> results_;
  std::set<std::size_t> points_done_;
};

}  // namespace

ScenarioRun run_scenario(const Scenario& scenario, const FileReader& read, const RunOptions& options) {
  return Runner(scenario, read, options).run();
}

ScenarioRun run_scenario_file(const std::string& path, const FileReader& read, const RunOptions& options) {
  auto text = read(path);
  if (!text) {
    ScenarioRun run;
    run.result.file = path;
    run.result.name = path;
    run.result.verdict = Verdict::Error;
    run.result.diagnostics.error("E001", {path, 0, 0}, "cannot read the scenario file",
                                 "check the path and its permissions");
    return run;
  }
  auto parsed = parse_scenario(*text, path);
  if (!parsed.scenario) {
    ScenarioRun run;
    run.result.file = path;
    run.result.name = path;
    run.result.verdict = Verdict::Error;
    run.result.diagnostics = std::move(parsed.diagnostics);
    return run;
  }
  auto run = run_scenario(*parsed.scenario, read, options);
  // Warnings of the scenario file come first.
  Diagnostics all = parsed.diagnostics;
  all.append(run.result.diagnostics);
  run.result.diagnostics = std::move(all);
  return run;
}

}  // namespace peerlab::scenarios
