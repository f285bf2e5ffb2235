// Input limits (see limits.hpp): the checks, and the prediction of a simulation's size.
#include "topology/limits.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <charconv>
#include <limits>
#include <map>
#include <sstream>
#include <vector>

#include "topology/selector.hpp"

namespace peerlab {

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t value = 0;
  const auto [digits_end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;  // no digits, or beyond 2^64
  std::size_t i = static_cast<std::size_t>(digits_end - text.data());
  std::string unit;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' && unit.empty()) continue;  // "64 MiB"
    unit += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  int shift = 0;
  if (unit.empty() || unit == "b") {
    shift = 0;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    shift = 10;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    shift = 20;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    shift = 30;
  } else if (unit == "t" || unit == "tb" || unit == "tib") {
    shift = 40;
  } else {
    return std::nullopt;
  }
  if (shift > 0 && value > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
  return value << shift;
}

std::string format_bytes(std::uint64_t bytes) {
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int u = -1;
  while (v >= 1024 && u < 5) v /= 1024, ++u;
  std::ostringstream out;
  out.precision(v < 10 ? 2 : v < 100 ? 3 : 4);
  out << v << " " << units[u];
  return out.str();
}

bool check_file_size(std::uint64_t size, const InputLimits& limits, const std::string& file,
                     Diagnostics& diags) {
  if (size <= limits.max_file_bytes) return true;
  // "N bytes (1.5 MiB)": the exact count, and a readable one when they differ.
  auto bytes = [](std::uint64_t n) {
    return std::to_string(n) + " bytes" + (n >= 1024 ? " (" + format_bytes(n) + ")" : "");
  };
  diags.error("E401", {file, 0, 0},
              "file is too large: " + bytes(size) + ", the limit is " + bytes(limits.max_file_bytes),
              "split the file, or raise the limit with --max-file-size");
  return false;
}

namespace {

// Thrown out of the YAML parser's event loop once a limit is passed; nothing else sees it.
struct LimitPassed {};

// Counts what the node tree of each document would hold: nesting depth, and nodes with aliases
// expanded (the size of each anchored node is remembered, so an alias costs one addition).
class ShapeCounter : public YAML::EventHandler {
 public:
  ShapeCounter(const InputLimits& limits, const std::string& file, Diagnostics& diags)
      : limits_(limits), file_(file), diags_(diags) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 can return the same empty document forever on some malformed input (a lone
    // ',', found by fuzz_resources; fixed upstream after 0.8 by yaml-cpp PR #1319). A document
    // that starts where the previous one started has consumed nothing: stop.
    if (document_ > 0 && mark.pos == last_start_) {
      diags_.error("E101", loc(mark), "YAML syntax error: unexpected character; no document can start here",
                   "check the indentation and quoting around this point");
      throw LimitPassed{};
    }
    last_start_ = mark.pos;
    sizes_.clear();
    names_.clear();
    open_.clear();
    nodes_ = 0;
    aliased_ = false;
    ++document_;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    aliased_ = true;
    auto it = sizes_.find(anchor);
    if (it == sizes_.end()) {
      // The anchor is still open: the alias is inside the node it repeats.
      diags_.error(
          "E403", loc(mark),
          "alias" + alias_name(anchor) + " refers to a node that contains it; it would expand without end",
          "YAML aliases may only repeat a node that is complete; write the content out");
      throw LimitPassed{};
    }
    add(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::uint64_t nodes_before;
  };

  SourceLoc loc(const YAML::Mark& m) const { return {file_, m.line + 1, m.column + 1}; }
  std::string alias_name(YAML::anchor_t anchor) const {
    auto it = names_.find(anchor);
    return it == names_.end() ? std::string() : " *" + it->second;
  }
  void name(YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor && !pending_name_.empty()) names_[anchor] = pending_name_;
    pending_name_.clear();
  }
  void add(const YAML::Mark& mark, std::uint64_t n) {
    nodes_ += n;
    if (nodes_ <= limits_.max_yaml_nodes) return;
    std::string limit = std::to_string(limits_.max_yaml_nodes);
    if (aliased_)
      diags_.error(
          "E403", loc(mark),
          "document " + std::to_string(document_) + " expands to more than " + limit +
              " YAML nodes through its aliases (an alias repeats the whole node it names)",
          "aliases that repeat aliases grow exponentially (a 'billion laughs'); write the content out, "
          "or raise the limit with --max-yaml-nodes");
    else
      diags_.error("E403", loc(mark),
                   "document " + std::to_string(document_) + " has more than " + limit + " YAML nodes",
                   "split the file, or raise the limit with --max-yaml-nodes");
    throw LimitPassed{};
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    name(anchor);
    add(mark, 1);
    if (anchor != YAML::NullAnchor) sizes_[anchor] = 1;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    name(anchor);
    add(mark, 1);
    open_.push_back({anchor, nodes_ - 1});
    if (static_cast<int>(open_.size()) > limits_.max_depth) {
      diags_.error("E402", loc(mark),
                   "nesting is too deep: more than " + std::to_string(limits_.max_depth) +
                       " lists and mappings inside each other",
                   "peerlab files nest a few levels; raise the limit with --max-depth");
      throw LimitPassed{};
    }
  }
  void close() {
    if (open_.empty()) return;
    auto o = open_.back();
    open_.pop_back();
    if (o.anchor != YAML::NullAnchor) sizes_[o.anchor] = nodes_ - o.nodes_before;
  }

  const InputLimits& limits_;
  const std::string& file_;
  Diagnostics& diags_;
  std::map<YAML::anchor_t, std::uint64_t> sizes_;
  std::map<YAML::anchor_t, std::string> names_;
  std::vector<Open> open_;
  std::string pending_name_;
  std::uint64_t nodes_ = 0;
  bool aliased_ = false;
  int document_ = 0;
  int last_start_ = -1;
};

}  // namespace

bool check_yaml_shape(std::string_view text, const InputLimits& limits, const std::string& file,
                      Diagnostics& diags) {
  std::istringstream in{std::string(text)};
  ShapeCounter counter(limits, file, diags);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const LimitPassed&) {
    return false;
  } catch (const YAML::Exception&) {
    return true;  // the loader reports syntax errors with their positions
  }
  return true;
}

namespace {

bool has_family(const Node& n, Family f) {
  if (!n.has_bgp) return false;
  return f == Family::V4 ? n.ipv4_address.has_value() : n.ipv6_address.has_value();
}

// Nodes (indices into t.nodes, BGP nodes with an address only) a selector matches.
std::vector<std::size_t> matching(const Topology& t, const std::string& selector) {
  std::vector<std::size_t> out;
  Selector sel = Selector::parse(selector.empty() ? "all()" : selector);
  for (std::size_t i = 0; i < t.nodes.size(); ++i)
    if ((has_family(t.nodes[i], Family::V4) || has_family(t.nodes[i], Family::V6)) &&
        sel.matches(t.nodes[i].labels))
      out.push_back(i);
  return out;
}

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

}  // namespace

SimulationSize estimate_simulation_size(const Topology& t, int blocks_per_node) {
  SimulationSize s;
  std::uint64_t n4 = 0, n6 = 0, nodes = 0;
  for (const auto& n : t.nodes) {
    n4 += has_family(n, Family::V4);
    n6 += has_family(n, Family::V6);
    nodes += has_family(n, Family::V4) || has_family(n, Family::V6);
  }
  const std::uint64_t blocks = blocks_per_node > 0 ? static_cast<std::uint64_t>(blocks_per_node) : 0;
  s.speakers = nodes + t.routers.size();
  std::uint64_t ends = 0;
  std::uint64_t reflected_ends = 0;  // a client's session with its reflector, counted per family
  const std::uint64_t families = (n4 > 0 ? 1 : 0) + (n6 > 0 ? 1 : 0);
  if (t.config.effective_mesh())
    ends = saturating_add(saturating_mul(n4, n4 ? n4 - 1 : 0), saturating_mul(n6, n6 ? n6 - 1 : 0));
  for (const auto& p : t.peers) {
    const bool selectors = !p.node_selector.empty() || !p.peer_selector.empty();
    if (p.scope == PeerScope::Global && !selectors) {
      if (p.peer_ip) ends = saturating_add(ends, p.peer_ip->family == Family::V4 ? n4 : n6);
    } else if (p.flavor == ApiFlavor::V3) {
      std::vector<std::size_t> from_nodes;
      if (p.scope == PeerScope::Node) {
        for (std::size_t i = 0; i < t.nodes.size(); ++i)
          if (t.nodes[i].name == p.node) from_nodes.push_back(i);
      } else {
        from_nodes = matching(t, p.node_selector);
      }
      const std::uint64_t from = p.scope == PeerScope::Node ? 1 : from_nodes.size();
      std::uint64_t to = 1;
      if (!p.peer_selector.empty()) {
        const auto to_nodes = matching(t, p.peer_selector);
        to = to_nodes.size();
        // A session from a client to a reflector brings every prefix of the family.
        std::uint64_t reflectors = 0, clients = 0;
        for (auto i : to_nodes) reflectors += t.nodes[i].route_reflector_cluster_id.has_value();
        for (auto i : from_nodes) clients += !t.nodes[i].route_reflector_cluster_id.has_value();
        reflected_ends =
            saturating_add(reflected_ends, saturating_mul(families, saturating_mul(clients, reflectors)));
      }
      // Each family the cluster has (an upper bound when only some nodes are dual-stack), and
      // the reverse peering (confd's third pass).
      ends = saturating_add(ends, saturating_mul(2 * families, saturating_mul(from, to)));
    } else {
      ends = saturating_add(ends, 1);
    }
  }
  for (const auto& r : t.routers) {
    ends = saturating_add(ends, r.neighbors.size());
    for (const auto& range : r.neighbor_ranges)
      for (const auto& n : t.nodes)
        if ((n.ipv4_address && range.range.contains(n.ipv4_address->addr)) ||
            (n.ipv6_address && range.range.contains(n.ipv6_address->addr)))
          ends = saturating_add(ends, 1);
    s.prefixes = saturating_add(s.prefixes, r.originate.size());
  }
  s.session_ends = ends;
  s.prefixes = saturating_add(s.prefixes, saturating_mul(saturating_add(n4, n6), blocks));
  // Every speaker's Loc-RIB holds every prefix; every session end holds, on average, the
  // prefixes of one speaker in its Adj-RIB-In.
  s.routes = saturating_mul(s.speakers, s.prefixes);
  if (s.speakers > 0)
    s.routes = saturating_add(s.routes, saturating_mul(ends, (s.prefixes + s.speakers - 1) / s.speakers));
  // A reflector's clients hold every prefix once per reflector in their Adj-RIBs-In, and the
  // reflector the same in its Adj-RIB-Out towards each: quadratic, and what dominates a large
  // route-reflector design. (Per family: half the prefixes of a dual-stack cluster each.)
  const std::uint64_t per_family = families > 0 ? (s.prefixes + families - 1) / families : 0;
  s.reflected_routes = saturating_mul(2, saturating_mul(reflected_ends, per_family));
  s.routes = saturating_add(s.routes, s.reflected_routes);
  s.bytes = saturating_add(
      saturating_add(saturating_mul(s.speakers, kBytesPerSpeaker), saturating_mul(ends, kBytesPerSessionEnd)),
      saturating_add(saturating_mul(s.routes - s.reflected_routes, kBytesPerRoute),
                     saturating_mul(s.reflected_routes, kBytesPerReflectedRoute)));
  return s;
}

bool check_simulation_size(const Topology& t, int blocks_per_node, const InputLimits& limits,
                           const std::string& file, Diagnostics& diags) {
  auto s = estimate_simulation_size(t, blocks_per_node);
  if (s.bytes <= limits.max_sim_memory) return true;
  diags.error("E405", {file, 0, 0},
              "the simulation would need about " + format_bytes(s.bytes) + " of memory (" +
                  std::to_string(s.speakers) + " speakers, " + std::to_string(s.session_ends) +
                  " session ends, " + std::to_string(s.routes) + " routes), more than the limit of " +
                  format_bytes(limits.max_sim_memory),
              "simulate a smaller design (route reflectors instead of a full mesh keep sessions linear), or "
              "raise the limit with --max-sim-memory");
  return false;
}

}  // namespace peerlab
