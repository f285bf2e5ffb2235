// Scenario files → plain structs (see scenario.hpp). Like the topology loader, every problem is
// collected with its position and reading goes on, so one run names every mistake in a file.
// calicoctl command lines are checked here, with calicoctl's own parser, so that a typo in a step
// is reported before anything is simulated.
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "scenarios/scenario.hpp"
#include "topology/ctl.hpp"
#include "topology/resources.hpp"
#include "topology/util.hpp"
#include "topology/yaml_reader.hpp"

namespace peerlab::scenarios {

namespace {

using yaml_reader::Ctx;
using yaml_reader::describe;
using yaml_reader::MapReader;

constexpr std::string_view kTimeHint = "write a duration with a unit (500ms, 30s, 2m) or 'end'";

std::optional<TimePoint> read_time_point(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    if (n.Scalar() == "end") return TimePoint{true, 0};
    if (auto d = parse_duration(n.Scalar())) return TimePoint{false, *d};
  }
  ctx.error(n, "E502", "invalid time " + describe(n) + " in '" + std::string(field) + "'",
            std::string(kTimeHint));
  return std::nullopt;
}

std::optional<Time> read_duration(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar())
    if (auto d = parse_duration(n.Scalar())) return *d;
  ctx.error(n, "E502", "invalid duration " + describe(n) + " in '" + std::string(field) + "'",
            "write a number with a unit: 500ms, 30s, 2m");
  return std::nullopt;
}

template <class Int>
std::optional<Int> read_count(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (!s.empty() && s.size() <= 18 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return static_cast<Int>(std::stoull(s));
  }
  ctx.error(n, "E506", "'" + std::string(field) + "' must be a whole number, found " + describe(n));
  return std::nullopt;
}

std::optional<bool> read_bool(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  ctx.error(n, "E506", "'" + std::string(field) + "' must be true or false, found " + describe(n));
  return std::nullopt;
}

std::string scalar_or_error(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (n.IsDefined() && n.IsScalar()) return n.Scalar();
  if (n.IsDefined() && !n.IsNull())
    ctx.error(n, "E105", "field '" + std::string(field) + "' must be a single value, found " + describe(n));
  return {};
}

// ---- steps -------------------------------------------------------------------------------------

struct FaultKey {
  std::string_view key;
  FaultKind kind;
};
constexpr FaultKey kFaultKeys[] = {
    {"stop", FaultKind::Stop},
    {"start", FaultKind::Start},
    {"fail", FaultKind::Fail},
    {"recover", FaultKind::Recover},
    {"link-down", FaultKind::LinkDown},
    {"link-up", FaultKind::LinkUp},
    {"segment-down", FaultKind::SegmentDown},
    {"segment-up", FaultKind::SegmentUp},
};

void check_ctl_line(Ctx& ctx, const YAML::Node& at, const std::string& line) {
  auto parsed = parse_ctl_line(line);
  if (const auto* e = std::get_if<CtlUsageError>(&parsed)) {
    ctx.error(at, "E504", "the calicoctl command '" + line + "' is not valid: " + e->detail,
              "write the command as an operator types it, e.g. 'calicoctl config set nodeToNodeMesh off'");
    return;
  }
  const auto& cmd = std::get<CtlCommand>(parsed);
  if (cmd.filename == "-")
    ctx.error(at, "E504",
              "the calicoctl command '" + line + "' reads standard input, which a scenario does not have",
              "put the resources in a file next to the scenario and name it with -f");
  if (cmd.verb == CtlVerb::NodeStatus && !cmd.node)
    ctx.error(at, "E504", "'calicoctl node status' in a scenario must name the node",
              "add --hostname=NODE (a scenario has no local node)");
  if (!cmd.datastore.empty() || !cmd.config_file.empty())
    ctx.error(at, "E504", "the calicoctl command '" + line + "' names its own datastore",
              "scenario steps act on the scenario's model; drop --datastore/--config");
}

void parse_step(Ctx& ctx, const YAML::Node& n, std::vector<Step>& out) {
  std::vector<std::string_view> known = {"at", "run", "exit", "note"};
  for (const auto& f : kFaultKeys) known.push_back(f.key);
  MapReader r(ctx, n, "a step", known);
  if (!r.valid()) return;
  Step s;
  s.loc = ctx.loc(n);
  auto at_node = r.require("at", kTimeHint);
  auto at = read_time_point(ctx, at_node, "at");
  if (at && at->end)
    ctx.error(at_node, "E502", "a step cannot happen at 'end'",
              "give the simulated time it happens at, e.g. 30s");
  std::vector<std::string> actions;
  if (auto run = r.get("run"); run.IsDefined() && !run.IsNull()) {
    actions.push_back("run");
    CtlStep c;
    c.line = scalar_or_error(ctx, run, "run");
    if (!c.line.empty()) check_ctl_line(ctx, run, c.line);
    if (auto e = read_count<int>(ctx, r.get("exit"), "exit")) c.expect_exit = *e;
    s.action = c;
  } else if (r.get("exit").IsDefined()) {
    ctx.error(r.get("exit"), "E503", "'exit' belongs to a 'run' step",
              "remove it, or add the command as 'run:'");
  }
  for (const auto& f : kFaultKeys) {
    auto v = r.get(f.key);
    if (!v.IsDefined()) continue;
    actions.push_back(std::string(f.key));
    FaultStep fs{f.kind, scalar_or_error(ctx, v, f.key)};
    if (fs.target.empty() && (v.IsNull() || v.IsScalar()))
      ctx.error(v, "E503", "'" + std::string(f.key) + "' needs the name of what it acts on",
                "e.g. '" + std::string(f.key) + ": Node2'");
    s.action = fs;
  }
  if (auto note = r.get("note"); note.IsDefined()) s.note = scalar_or_error(ctx, note, "note");
  if (actions.empty()) {
    ctx.error(
        n, "E503", "a step must say what happens",
        "add 'run: calicoctl …' or a fault: stop, start, fail, recover, link-down, link-up, segment-down, "
        "segment-up");
    return;
  }
  if (actions.size() > 1) {
    ctx.error(n, "E503", "a step does one thing; this one has " + actions[0] + " and " + actions[1],
              "split it into two steps at the same time");
    return;
  }
  if (!at || at->end) return;
  s.at = *at;
  out.push_back(std::move(s));
}

// ---- expectations ------------------------------------------------------------------------------

const std::vector<std::string_view> kStates = {"Established", "Idle", "Connect", "Active", "OpenSent",
                                               "OpenConfirm", "up",   "start",   "down",   "stop"};

std::optional<SessionsExpectation> read_sessions(Ctx& ctx, const YAML::Node& n) {
  SessionsExpectation e;
  if (n.IsScalar()) {
    if (n.Scalar() == "established") return e;
    ctx.error(n, "E506", "sessions: " + describe(n) + " is not an expectation",
              "write 'sessions: established', or a mapping with node, peer and state");
    return std::nullopt;
  }
  MapReader r(ctx, n, "a sessions expectation", {"node", "peer", "state"});
  if (!r.valid()) return std::nullopt;
  if (auto node = r.str("node")) e.node = *node;
  if (auto p = r.get("peer"); p.IsDefined()) {
    auto text = scalar_or_error(ctx, p, "peer");
    e.peer = parse_ip(text);
    if (!e.peer)
      ctx.error(p, "E506", "peer " + describe(p) + " is not an IP address",
                "the peer's address, e.g. 10.0.0.2");
    if (!e.node) ctx.error(p, "E506", "a session named by peer also needs its node", "add 'node: NAME'");
  }
  if (auto s = r.get("state"); s.IsDefined()) {
    auto text = scalar_or_error(ctx, s, "state");
    if (std::find(kStates.begin(), kStates.end(), text) == kStates.end()) {
      std::string hint =
          "states: Established, Idle, Connect, Active, OpenSent, OpenConfirm (BIRD), or up, start, "
          "down (calicoctl)";
      if (auto close = closest_match(text, kStates); !close.empty()) hint = "did you mean '" + close + "'?";
      ctx.error(s, "E506", "unknown session state " + describe(s), hint);
    }
    e.state = text;
  }
  return e;
}

std::optional<ReachabilityExpectation> read_reachability(Ctx& ctx, const YAML::Node& n) {
  ReachabilityExpectation e;
  if (n.IsScalar()) {
    if (n.Scalar() == "full" || n.Scalar() == "continuous") return e;
    ctx.error(
        n, "E506", "reachability: " + describe(n) + " is not an expectation",
        "write 'reachability: full' (at a time; 'continuous' over a window means the same), or a mapping "
        "with from, to and reachable");
    return std::nullopt;
  }
  MapReader r(ctx, n, "a reachability expectation", {"from", "to", "reachable"});
  if (!r.valid()) return std::nullopt;
  if (auto v = r.str("from")) e.from = *v;
  if (auto v = r.str("to")) e.to = *v;
  if (auto v = read_bool(ctx, r.get("reachable"), "reachable")) e.reachable = *v;
  if (!e.reachable && !e.from && !e.to)
    ctx.error(n, "E506", "'reachable: false' needs a pair to be about", "add from and to");
  return e;
}

std::optional<StatusExpectation> read_status(Ctx& ctx, const YAML::Node& n) {
  StatusExpectation e;
  MapReader r(ctx, n, "a status expectation", {"node", "rows"});
  if (!r.valid()) return std::nullopt;  // MapReader reported it
  if (auto v = r.str("node", true, "the node whose 'calicoctl node status' is checked")) e.node = *v;
  auto rows = r.require("rows", "the rows that must appear, e.g. [{peer: 10.0.0.2, info: Established}]");
  if (rows.IsDefined() && !rows.IsNull() && !rows.IsSequence()) {
    ctx.error(rows, "E102", "rows must be a list, found " + describe(rows), "one '- peer: …' item per row");
    return std::nullopt;
  }
  if (rows.IsSequence())
    for (const auto& row : rows) {
      MapReader rr(ctx, row, "a status row", {"peer", "type", "state", "info"});
      if (!rr.valid()) continue;
      StatusRow s;
      s.peer_address = rr.str("peer").value_or("");
      s.peer_type = rr.str("type").value_or("");
      s.state = rr.str("state").value_or("");
      s.info = rr.str("info").value_or("");
      e.rows.push_back(std::move(s));
    }
  return e;
}

std::optional<RoutesExpectation> read_routes(Ctx& ctx, const YAML::Node& n) {
  RoutesExpectation e;
  MapReader r(ctx, n, "a routes expectation", {"node", "best", "min", "max", "has", "lacks"});
  if (!r.valid()) return std::nullopt;
  if (auto v = r.str("node", true, "the speaker whose table is checked")) e.node = *v;
  e.best = read_count<std::size_t>(ctx, r.get("best"), "best");
  e.at_least = read_count<std::size_t>(ctx, r.get("min"), "min");
  e.at_most = read_count<std::size_t>(ctx, r.get("max"), "max");
  for (std::string_view key : {"has", "lacks"}) {
    auto p = r.get(key);
    if (!p.IsDefined()) continue;
    auto text = scalar_or_error(ctx, p, key);
    e.prefix = parse_prefix(text);
    e.prefix_present = key == "has";
    if (!e.prefix)
      ctx.error(p, "E506", std::string(key) + " " + describe(p) + " is not a prefix", "e.g. 10.0.0.0/26");
  }
  if (!e.best && !e.at_least && !e.at_most && !e.prefix && r.valid())
    ctx.error(n, "E506", "a routes expectation needs something to check", "add best, min, max, has or lacks");
  return e;
}

std::optional<FindingExpectation> read_finding(Ctx& ctx, const YAML::Node& n) {
  FindingExpectation e;
  if (n.IsScalar()) {
    e.code = n.Scalar();
  } else {
    MapReader r(ctx, n, "a finding expectation", {"code", "present"});
    if (!r.valid()) return std::nullopt;
    e.code = r.str("code", true, "a static finding code such as L121 (docs/findings.md)").value_or("");
    if (auto v = read_bool(ctx, r.get("present"), "present")) e.present = *v;
  }
  if (!e.code.empty() && e.code[0] != 'L')
    ctx.error(
        n, "E506", "finding " + e.code + " is not a static (L) finding",
        "scenarios check lint codes L1xx here; check sessions and reachability with their own expectations");
  return e;
}

std::string default_name(const ExpectationKind& k, bool window) {
  return std::visit(
      overloaded{
          [](const SessionsExpectation& s) -> std::string {
            if (s.peer) return *s.node + " session with " + to_string(*s.peer) + " " + s.state;
            if (s.node) return "every session of " + *s.node + " " + s.state;
            return "every session " + s.state;
          },
          [&](const ReachabilityExpectation& r) -> std::string {
            std::string what =
                r.from || r.to ? (r.from.value_or("every node") + " reaches " + r.to.value_or("every node"))
                               : std::string("full reachability");
            if (!r.reachable)
              what = r.from.value_or("every node") + " does not reach " + r.to.value_or("every node");
            return window && r.reachable ? "no loss of reachability (" + what + ")" : what;
          },
          [](const StatusExpectation& s) -> std::string {
            return s.node + "'s node status shows " + std::to_string(s.rows.size()) + " row" +
                   (s.rows.size() == 1 ? "" : "s");
          },
          [](const RoutesExpectation& r) -> std::string {
            std::string what = r.node + " routes:";
            if (r.best) what += " " + std::to_string(*r.best) + " best";
            if (r.at_least) what += " at least " + std::to_string(*r.at_least);
            if (r.at_most) what += " at most " + std::to_string(*r.at_most);
            if (r.prefix) what += std::string(r.prefix_present ? " has " : " lacks ") + to_string(*r.prefix);
            return what;
          },
          [](const ConvergedExpectation& c) -> std::string {
            return "converges within " + sim::format_time(c.within) + " of the last step";
          },
          [](const FindingExpectation& f) -> std::string {
            return "finding " + f.code + (f.present ? " present" : " absent");
          },
      },
      k);
}

void parse_expectation(Ctx& ctx, const YAML::Node& n, std::vector<Expectation>& out) {
  MapReader r(
      ctx, n, "an expectation",
      {"name", "at", "during", "sessions", "reachability", "status", "routes", "converged", "finding"});
  if (!r.valid()) return;
  Expectation e;
  e.loc = ctx.loc(n);
  if (auto name = r.get("name"); name.IsDefined()) e.name = scalar_or_error(ctx, name, "name");
  auto at_node = r.get("at");
  auto during = r.get("during");
  if (at_node.IsDefined()) e.at = read_time_point(ctx, at_node, "at");
  if (during.IsDefined()) {
    if (during.IsScalar() && during.Scalar() == "all") {
      e.during = std::pair{TimePoint{false, 0}, TimePoint{true, 0}};
    } else if (during.IsSequence() && during.size() == 2) {
      auto from = read_time_point(ctx, during[0], "during");
      auto to = read_time_point(ctx, during[1], "during");
      if (from && to) {
        if (from->end)
          ctx.error(during[0], "E509", "a window cannot start at 'end'", "give its start, e.g. 0s");
        else if (!to->end && to->at < from->at)
          ctx.error(during, "E509", "the window ends before it starts", "write [from, to] with from <= to");
        else
          e.during = std::pair{*from, *to};
      }
    } else {
      ctx.error(during, "E502", "during must be [from, to] or 'all', found " + describe(during),
                "e.g. 'during: [30s, end]'");
    }
  }
  std::vector<std::string> kinds;
  auto take = [&](std::string_view key, auto reader) {
    auto v = r.get(key);
    if (!v.IsDefined()) return;
    kinds.push_back(std::string(key));
    if (auto k = reader(ctx, v)) e.kind = *k;
  };
  take("sessions", read_sessions);
  take("reachability", read_reachability);
  take("status", read_status);
  take("routes", read_routes);
  take("finding", read_finding);
  if (auto c = r.get("converged"); c.IsDefined()) {
    kinds.push_back("converged");
    ConvergedExpectation ce;
    YAML::Node within = c;
    if (c.IsMap()) {
      MapReader cr(ctx, c, "a converged expectation", {"within"});
      within = cr.require("within", "how long after the last step, e.g. 30s");
    }
    if (auto d = read_duration(ctx, within, "within")) ce.within = *d;
    e.kind = ce;
    if (at_node.IsDefined() || during.IsDefined())
      ctx.error(n, "E505", "a converged expectation has its own time ('within'), not 'at' or 'during'",
                "remove at/during");
  }
  if (kinds.empty()) {
    ctx.error(n, "E505", "an expectation must say what is expected",
              "add one of: sessions, reachability, status, routes, converged, finding");
    return;
  }
  if (kinds.size() > 1) {
    ctx.error(n, "E505", "an expectation checks one thing; this one has " + kinds[0] + " and " + kinds[1],
              "split it into two expectations");
    return;
  }
  bool converged = std::holds_alternative<ConvergedExpectation>(e.kind);
  if (!converged) {
    if (at_node.IsDefined() && during.IsDefined()) {
      ctx.error(n, "E505", "an expectation holds at a time or during a window, not both",
                "keep 'at' or 'during'");
      return;
    }
    if (!at_node.IsDefined() && !during.IsDefined()) {
      ctx.error(n, "E505", "an expectation must say when it holds",
                "add 'at: 30s', 'at: end' or 'during: [0s, end]'");
      return;
    }
    if (!e.at && !e.during) return;  // reported above
    if (std::holds_alternative<StatusExpectation>(e.kind) ||
        std::holds_alternative<FindingExpectation>(e.kind)) {
      if (e.during)
        ctx.error(during, "E505", std::string(kinds[0]) + " expectations hold at a point in time",
                  "use 'at' instead of 'during'");
    }
  }
  if (e.name.empty()) e.name = default_name(e.kind, e.during.has_value());
  out.push_back(std::move(e));
}

void read_topology(Ctx& ctx, const YAML::Node& n, std::string_view text, Scenario& s) {
  if (!n.IsDefined() || n.IsNull()) return;
  if (!n.IsScalar()) {
    ctx.error(n, "E507", "topology must be a path or a block of YAML documents, found " + describe(n),
              "write 'topology: cluster.yaml', or 'topology: |' followed by the documents, indented");
    return;
  }
  const std::string& v = n.Scalar();
  if (v.find('\n') == std::string::npos) {
    s.topology_path = v;
    s.topology_loc = ctx.loc(n);
    return;
  }
  s.topology_inline = v;
  // A block scalar's content starts on the line after its indicator; diagnostics inside it are
  // shifted to the scenario file's lines and columns.
  auto m = n.Mark();
  int line = m.line + 2, indent = 0;
  std::size_t pos = 0;
  for (int l = 0; l < m.line + 1 && pos != std::string_view::npos; ++l) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  while (pos != std::string_view::npos && pos < text.size() && text[pos] == ' ') ++indent, ++pos;
  s.topology_loc = {ctx.file, line, indent + 1};
}

}  // namespace

ParsedScenario parse_scenario(std::string_view text, const std::string& filename) {
  ParsedScenario out;
  Ctx ctx{filename, out.diagnostics};
  auto loaded = yaml_reader::load_documents(text, ctx, InputLimits{});
  if (!loaded) return out;
  auto docs = std::move(*loaded);
  docs.erase(std::remove_if(docs.begin(), docs.end(), [](const YAML::Node& d) { return d.IsNull(); }),
             docs.end());
  if (docs.size() != 1) {
    out.diagnostics.error("E501", {filename, docs.size() > 1 ? ctx.loc(docs[1]).line : 1, 1},
                          docs.empty()
                              ? "the file holds no scenario"
                              : "a scenario file holds one document; found " + std::to_string(docs.size()),
                          "start it with 'apiVersion: peerlab/v1' and 'kind: Scenario'");
    return out;
  }
  const auto& doc = docs[0];
  MapReader top(ctx, doc, "a scenario", {"apiVersion", "kind", "metadata", "spec"});
  if (!top.valid()) return out;
  Scenario s;
  s.file = filename;
  s.loc = ctx.loc(doc);
  auto api = top.str("apiVersion", true, "apiVersion: peerlab/v1").value_or("");
  auto kind = top.str("kind", true, "kind: Scenario").value_or("");
  if ((!api.empty() && api != "peerlab/v1") || (!kind.empty() && kind != "Scenario"))
    ctx.error(
        doc, "E501", "expected a peerlab/v1 Scenario, found " + (api.empty() ? "?" : api) + " " + kind,
        "a scenario starts with 'apiVersion: peerlab/v1' and 'kind: Scenario'; topology files are given "
        "to it in spec.topology");
  if (out.diagnostics.has_errors()) return out;  // not a scenario: its fields would only add noise
  {
    MapReader meta(ctx, top.get("metadata"), "scenario metadata", {"name"});
    s.name = meta.str("name").value_or("");
  }
  MapReader spec(ctx, top.require("spec", "the topology, steps and expectations"), "the scenario spec",
                 {"description", "topology", "seed", "timers", "limits", "until", "steps", "expect"});
  if (spec.valid()) {
    if (auto d = spec.str("description")) s.description = *d;
    read_topology(ctx,
                  spec.require("topology", "a path relative to this file, e.g. ../examples/doc-cluster.yaml"),
                  text, s);
    if (auto seed = read_count<std::uint64_t>(ctx, spec.get("seed"), "seed")) s.seed = *seed;
    if (auto t = spec.get("timers"); t.IsDefined()) {
      auto v = scalar_or_error(ctx, t, "timers");
      if (v == "bird")
        s.timers = TimerProfile::Bird;
      else if (v == "calico")
        s.timers = TimerProfile::Calico;
      else
        ctx.error(t, "E508", "unknown timer profile " + describe(t),
                  "bird (BIRD 2's defaults) or calico (calico/node's v3 template)");
    }
    if (auto l = spec.get("limits"); l.IsDefined()) {
      MapReader lr(ctx, l, "the scenario limits", {"time", "events"});
      s.time_limit = read_duration(ctx, lr.get("time"), "time");
      s.event_limit = read_count<std::uint64_t>(ctx, lr.get("events"), "events");
    }
    s.until = read_duration(ctx, spec.get("until"), "until");
    if (auto steps = spec.get("steps"); steps.IsDefined() && !steps.IsNull()) {
      if (!steps.IsSequence())
        ctx.error(steps, "E102", "steps must be a list, found " + describe(steps),
                  "one '- at: …' item per step");
      else
        for (const auto& st : steps) parse_step(ctx, st, s.steps);
    }
    if (auto ex = spec.get("expect"); ex.IsDefined() && !ex.IsNull()) {
      if (!ex.IsSequence())
        ctx.error(ex, "E102", "expect must be a list, found " + describe(ex),
                  "one '- at: …' item per expectation");
      else
        for (const auto& e : ex) parse_expectation(ctx, e, s.expectations);
    }
  }
  if (spec.valid() && s.expectations.empty() && !out.diagnostics.has_errors())
    ctx.warning(spec.node(), "W501", "the scenario expects nothing: it passes whatever happens",
                "add expectations under 'expect:' (docs/scenarios.md), e.g. '- {during: all, reachability: "
                "continuous}'");
  if (s.name.empty()) {
    auto slash = filename.find_last_of('/');
    s.name = filename.substr(slash == std::string::npos ? 0 : slash + 1);
    if (s.name.ends_with(".yaml")) s.name.resize(s.name.size() - 5);
  }
  std::stable_sort(s.steps.begin(), s.steps.end(),
                   [](const Step& a, const Step& b) { return a.at.at < b.at.at; });
  if (!out.diagnostics.has_errors()) out.scenario = std::move(s);
  return out;
}

}  // namespace peerlab::scenarios
