// Topology generators (see generators.hpp), after the four designs of the Calico docs
// (calico-model.md §4):
//
// - FullMesh: N nodes, one AS, the node-to-node mesh on; several L2 segments on request, joined
//   by a gateway router that speaks no BGP (the mesh's next hops then lie behind it).
// - RouteReflectors: clients and reflectors on one segment, mesh off (RFC 4456). Reflectors are
//   Calico nodes with a routeReflectorClusterID (Calico v3.3+) or fabric routers with role
//   routeReflector; clients reach them through v3 BGPPeer selectors or global peers.
// - AsPerRack: a ToR per rack in the rack's own AS, its nodes in that AS too (iBGP, as the ToR's
//   route-reflector clients or meshed within the rack), eBGP from every ToR to every spine.
// - AsPerComputeServer: every node its own AS (RFC 6996 private ASNs: 2-byte first, then
//   4-byte), eBGP to one or two ToRs per rack, ToRs eBGP to the spines.
//
// Reading a document follows resources_parse.cpp: unknown fields are E104 with a "did you mean"
// hint, values outside their range E204 with the range, and every problem is reported with its
// position before anything is built. Cross-parameter limits (node count, address space) are
// checked next, still before any resource exists, so an absurd request costs nothing.
//
// Addressing (docs/generators.md has the worked plan): ranges are carved with nth_subnet, so
// nodes, routers, segments and link subnets never overlap; the default ranges grow (a shorter
// prefix from the same base) when they are too small, given ones never do. Names are zero-padded
// to the width of their count (at least two digits), so that sorting by name is natural.
#include "topology/generators.hpp"
#include "topology/yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <optional>

#include "topology/util.hpp"
#include "topology/validate.hpp"

namespace peerlab {

namespace {

// ---- the models and their parameters ------------------------------------------------------------

enum class Model { FullMesh, RouteReflectors, AsPerRack, AsPerComputeServer };
enum class Type { Count, Bool, Choice, Cidr4, Cidr6, As };

struct ParamDef {
  std::string name;
  std::string default_value;  // "" = not set
  Type type = Type::Count;
  std::uint64_t lo = 0, hi = 0;      // Count
  std::vector<std::string> choices;  // Choice
  std::string description;
};

ParamDef count(std::string name, std::string def, std::uint64_t lo, std::uint64_t hi, std::string desc) {
  return {std::move(name), std::move(def), Type::Count, lo, hi, {}, std::move(desc)};
}
ParamDef choice(std::string name, std::string def, std::vector<std::string> choices, std::string desc) {
  return {std::move(name), std::move(def), Type::Choice, 0, 0, std::move(choices), std::move(desc)};
}
ParamDef typed(std::string name, std::string def, Type type, std::string desc) {
  return {std::move(name), std::move(def), type, 0, 0, {}, std::move(desc)};
}

struct ModelDef {
  Model model;
  std::string kind;  // FullMesh
  std::string cli;   // full-mesh
  std::string summary;
  std::vector<ParamDef> params;
};

const std::string kMaxNodesText = std::to_string(kMaxGeneratedNodes);

const std::vector<ModelDef>& models() {
  static const std::vector<ModelDef> defs = [] {
    const auto node_cidr = typed("nodeCIDR", "10.0.0.0/16", Type::Cidr4,
                                 "IPv4 range of the node addresses (the default grows when it is too small)");
    const auto pool_cidr = typed("poolCIDR", "10.244.0.0/16", Type::Cidr4,
                                 "the IP pool; it must hold a /26 block per node (the default grows)");
    const auto fabric_cidr =
        typed("fabricCIDR", "172.16.0.0/16", Type::Cidr4,
              "IPv4 range of the ToR-spine links, a /31 each (RFC 3021; the default grows)");
    const auto racks = count("racks", "2", 1, 10'000, "racks, each with its own L2 segment and ToR");
    const auto per_rack = count("nodesPerRack", "3", 1, 1'000, "Calico nodes in each rack");
    const auto spines = count("spines", "2", 1, 64, "spine routers; every ToR peers (eBGP) with every spine");
    const auto spine_mode = choice(
        "spineMode", "l2", {"l2", "as-per-spine"},
        "l2: all spines share spineAsNumber; as-per-spine: each spine its own AS, counting down from it");
    const auto spine_as =
        typed("spineAsNumber", "65000", Type::As, "AS of the spines (the first spine's AS)");
    std::vector<ModelDef> d;
    d.push_back(
        {Model::FullMesh,
         "FullMesh",
         "full-mesh",
         "every node peers with every other node (node-to-node mesh)",
         {count("nodes", "5", 1, kMaxGeneratedNodes, "Calico nodes"),
          count("segments", "1", 1, 4096,
                "L2 segments the nodes are spread over; with more than one, a gateway router joins them"),
          node_cidr, pool_cidr,
          typed("asNumber", "", Type::As,
                "AS of every node, written as the cluster's default AS (not set: peerlab's default, 64511)"),
          typed("ipv6", "false", Type::Bool, "dual stack: also an IPv6 address per node and an IPv6 pool"),
          typed("ipv6NodeCIDR", "fd00:10::/48", Type::Cidr6,
                "IPv6 range of the node addresses, a /64 per segment (with ipv6 on)"),
          typed("ipv6PoolCIDR", "fd00:244::/64", Type::Cidr6,
                "the IPv6 pool; it must hold a /122 block per node (with ipv6 on)")}});
    d.push_back(
        {Model::RouteReflectors,
         "RouteReflectors",
         "route-reflectors",
         "clients peer with route reflectors, mesh off",
         {count("clients", "4", 1, kMaxGeneratedNodes, "Calico nodes that are route-reflector clients"),
          count("reflectors", "2", 1, 1'000, "route reflectors"),
          count("clusters", "1", 1, 1'000,
                "reflector clusters; clients and reflectors are spread over them, reflectors peer with all "
                "other reflectors"),
          choice("reflectorKind", "node", {"node", "router"},
                 "node: Calico nodes with a routeReflectorClusterID; router: fabric routers with role "
                 "routeReflector"),
          choice("peering", "selector", {"selector", "global"},
                 "selector: v3 BGPPeers with selectors; global: global BGP peers (one cluster only)"),
          typed("asNumber", "", Type::As,
                "AS of the cluster, written as its default AS (not set: peerlab's default, 64511)"),
          node_cidr, pool_cidr}});
    d.push_back(
        {Model::AsPerRack,
         "AsPerRack",
         "as-per-rack",
         "a ToR and its rack share an AS; eBGP from the ToRs to the spines",
         {racks, per_rack, spines,
          choice("torMode", "reflector", {"reflector", "mesh"},
                 "reflector: the ToR reflects its rack's routes (nodes are its clients); mesh: the rack's "
                 "nodes and ToR are meshed"),
          spine_mode, spine_as,
          typed("rackAsNumber", "65001", Type::As, "AS of the first rack; the racks count up from it"),
          node_cidr, fabric_cidr, pool_cidr}});
    d.push_back(
        {Model::AsPerComputeServer,
         "AsPerComputeServer",
         "as-per-compute-server",
         "every node its own AS, eBGP to its ToRs; ToRs eBGP to the spines",
         {racks, per_rack, count("torsPerRack", "1", 1, 2, "ToRs per rack; every node peers with each"),
          spines, spine_mode, spine_as,
          typed("torAsNumber", "65001", Type::As, "AS of the first ToR; every ToR has its own, counting up"),
          typed("nodeAsNumber", "64512", Type::As,
                "AS of the first node; the nodes count up, skipping the fabric's AS numbers, and continue "
                "at 4200000000 after 65534"),
          node_cidr, fabric_cidr, pool_cidr}});
    return d;
  }();
  return defs;
}

// Lower case without '-' and '_': "nodes-per-rack", "nodesPerRack" and "NodesPerRack" are one name.
std::string canon(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const ModelDef* find_model(std::string_view name) {
  const auto c = canon(name);
  for (const auto& m : models())
    if (canon(m.kind) == c) return &m;
  return nullptr;
}

// ---- reading parameters ---------------------------------------------------------------------------

struct RawParam {
  std::string key;  // as written
  std::string value;
  SourceLoc key_loc, value_loc;
};

struct Request {
  const ModelDef* def = nullptr;
  bool cli = false;        // from `peerlab generate`: parameters are --options
  SourceLoc where;         // problems of no single parameter
  SourceLoc resource_loc;  // given to every generated resource
  std::vector<RawParam> raw;
  bool failed = false;  // the document already had an error: read, report, build nothing
};

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

constexpr const char* kAsHint =
    "an AS number is a whole number from 1 to 4294967294 (or asdot 'a.b'); "
    "private ranges are 64512-65534 and 4200000000-4294967294";

std::optional<AsNumber> parse_as(std::string_view s) {
  auto parse_u64 = [](std::string_view t) -> std::optional<std::uint64_t> {
    if (t.empty() || t.size() > 12) return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
    return v;
  };
  std::optional<std::uint64_t> v;
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    auto hi = parse_u64(s.substr(0, dot)), lo = parse_u64(s.substr(dot + 1));
    if (hi && lo && *hi <= 65535 && *lo <= 65535) v = (*hi << 16) | *lo;
  } else {
    v = parse_u64(s);
  }
  if (!v || *v == 0 || *v > 4294967294ULL) return std::nullopt;
  return static_cast<AsNumber>(*v);
}

// The parameters of one request, typed. Every bad value is reported once, where it was written;
// a getter then returns the default so that reading can go on and find the other problems.
class Params {
 public:
  Params(const Request& req, Diagnostics& diags) : req_(req), diags_(diags), failed_(req.failed) {
    for (const auto& r : req.raw) {
      const ParamDef* d = lookup(r.key);
      if (!d) {
        unknown(r);
        continue;
      }
      if (auto it = given_.find(d->name); it != given_.end()) {
        error(r.key_loc, "E204", "parameter '" + d->name + "' is given twice",
              req_.cli ? "give each parameter once (an --option or a --set, not both)"
                       : "give each field once");
        continue;
      }
      given_[d->name] = &r;
    }
  }

  bool ok() const { return !failed_; }
  bool given(const std::string& name) const { return given_.count(name) > 0; }
  SourceLoc loc(const std::string& name) const {
    auto it = given_.find(name);
    return it == given_.end() ? req_.where : it->second->value_loc;
  }
  void error(const SourceLoc& at, std::string code, std::string msg, std::string hint = {}) {
    diags_.error(std::move(code), at, std::move(msg), std::move(hint));
    failed_ = true;
  }
  // Errors that validate_pool (or another checker) reported straight into the diagnostics.
  void note_failure() { failed_ = true; }
  Diagnostics& diags() { return diags_; }
  const Request& request() const { return req_; }
  std::uint64_t number(const std::string& name) {
    const ParamDef& d = def(name);
    const std::string& s = text(d);
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && p == s.data() + s.size() && !s.empty() && v >= d.lo && v <= d.hi) return v;
    error(loc(name), "E204", "invalid value " + quoted(s) + " for '" + name + "'",
          "expected a whole number from " + std::to_string(d.lo) + " to " + std::to_string(d.hi));
    return fallback_number(d);
  }

  bool flag(const std::string& name) {
    const ParamDef& d = def(name);
    const auto v = ascii_lower(text(d));
    if (v == "true") return true;
    if (v == "false") return false;
    error(loc(name), "E105",
          (req_.cli ? "parameter '" + name + "' of " + req_.def->cli
                    : "field '" + name + "' of " + req_.def->kind + " spec") +
              " must be true or false, found " + quoted(text(d)));
    return ascii_lower(d.default_value) == "true";
  }

  std::string pick(const std::string& name) {
    const ParamDef& d = def(name);
    const auto v = ascii_lower(text(d));
    for (const auto& c : d.choices)
      if (ascii_lower(c) == v) return c;
    std::string hint = "use one of: ";
    for (std::size_t i = 0; i < d.choices.size(); ++i) hint += (i ? ", " : "") + d.choices[i];
    error(loc(name), "E204", "invalid value " + quoted(text(d)) + " for '" + name + "'", hint);
    return d.default_value;
  }

  // A CIDR of the parameter's family; with `masked_only`, host bits must be clear.
  Prefix cidr(const std::string& name, bool masked_only = true) {
    const ParamDef& d = def(name);
    const bool v4 = d.type == Type::Cidr4;
    const std::string example = v4 ? "10.0.0.0/16" : "fd00:10::/48";
    const Prefix fallback = *parse_prefix(d.default_value);
    auto p = parse_prefix(text(d), true);
    if (!p) {
      error(loc(name), "E202", "invalid CIDR " + quoted(text(d)) + " in '" + name + "'",
            "write an address and prefix length, like " + example);
      return fallback;
    }
    if ((p->addr.family == Family::V4) != v4) {
      error(loc(name), "E202",
            "'" + name + "' must be an " + (v4 ? "IPv4" : "IPv6") + " range, found " + quoted(text(d)),
            "e.g. " + example);
      return fallback;
    }
    if (masked_only && !p->is_masked()) {
      error(loc(name), "E202", "'" + name + "' " + text(d) + " has host bits set",
            "did you mean " + to_string(p->masked()) + "?");
      return fallback;
    }
    return *p;
  }

  std::optional<AsNumber> as(const std::string& name) {
    const ParamDef& d = def(name);
    const std::string& s = text(d);
    if (s.empty()) return std::nullopt;
    if (auto v = parse_as(s)) return v;
    error(loc(name), "E203", "invalid AS number " + quoted(s) + " for '" + name + "'", kAsHint);
    return d.default_value.empty() ? std::nullopt : parse_as(d.default_value);
  }

 private:
  const ParamDef* lookup(const std::string& key) const {
    for (const auto& d : req_.def->params)
      if (req_.cli ? canon(d.name) == canon(key) : d.name == key) return &d;
    return nullptr;
  }
  const ParamDef& def(const std::string& name) const {
    for (const auto& d : req_.def->params)
      if (d.name == name) return d;
    static const ParamDef none{};
    return none;  // not reached: every caller names a parameter of its model
  }
  const std::string& text(const ParamDef& d) const {
    auto it = given_.find(d.name);
    return it == given_.end() ? d.default_value : it->second->value;
  }
  static std::uint64_t fallback_number(const ParamDef& d) {
    std::uint64_t v = d.lo;
    std::from_chars(d.default_value.data(), d.default_value.data() + d.default_value.size(), v);
    return v;
  }
  void unknown(const RawParam& r) {
    std::vector<std::string_view> names;
    for (const auto& d : req_.def->params) names.push_back(d.name);
    std::string hint;
    if (auto close = closest_match(r.key, names); !close.empty()) {
      hint = "did you mean '" + close + "'?";
    } else {
      hint = req_.cli ? "parameters of " + req_.def->cli + ": " : "known fields: ";
      for (std::size_t i = 0; i < names.size(); ++i) hint += (i ? ", " : "") + std::string(names[i]);
    }
    if (req_.cli)
      error(r.key_loc, "E104", "unknown parameter '" + r.key + "' of " + req_.def->cli, hint);
    else
      error(r.key_loc, "E104", "unknown field '" + r.key + "' in " + req_.def->kind + " spec", hint);
  }

  const Request& req_;
  Diagnostics& diags_;
  std::map<std::string, const RawParam*> given_;
  bool failed_;
};

// ---- sizes and address ranges ---------------------------------------------------------------------

// The smallest b with 2^b >= n.
int bits_for(std::uint64_t n) {
  int b = 0;
  while ((std::uint64_t{1} << b) < n) ++b;
  return b;
}

// Host bits of the smallest IPv4 subnet with `hosts` usable addresses (network and broadcast
// address excluded).
int host_bits_v4(std::uint64_t hosts) {
  int h = 2;
  while ((std::uint64_t{1} << h) - 2 < hosts) ++h;
  return h;
}

// 2^bits, saturating; 0 for negative bits.
std::uint64_t pow2(int bits) {
  if (bits < 0) return 0;
  return bits >= 64 ? ~std::uint64_t{0} : std::uint64_t{1} << bits;
}

// Usable addresses of an IPv4 subnet with `host_bits` host bits (network and broadcast excluded).
std::uint64_t usable_v4(int host_bits) {
  return host_bits < 2 ? 0 : pow2(host_bits) - 2;
}

// How many subnets of length `sub_len` a prefix holds (saturating).
std::uint64_t subnets_in(const Prefix& p, int sub_len) {
  return sub_len < p.length ? 0 : pow2(sub_len - p.length);
}

// Address `index` of `subnet`, written with the subnet's length ("10.0.1.5/24").
Prefix host(const Prefix& subnet, std::uint64_t index) {
  Prefix h = *nth_subnet(subnet, subnet.addr.bit_width(), index);
  h.length = subnet.length;
  return h;
}

Prefix subnet(const Prefix& range, int len, std::uint64_t index) {
  return *nth_subnet(range, len, index);
}

std::string prefix_len(int len) {
  return "/" + std::to_string(len);
}

// What a design needs of one range parameter: prefixes no longer than `max_len` are big enough.
struct Need {
  std::string what;  // "2000 nodes need 2000 /26 blocks (128000 addresses)"
  int max_len = 0;
  std::function<std::string(const Prefix&)> holds;  // "1024 blocks (65536 addresses)"
  std::string fewer;                                // how else to fit: "or fewer nodes"
};

// The range a CIDR parameter names: as given (it must be big enough), or the default, grown to a
// shorter prefix of the same base when needed, but never shorter than /floor_len (beyond that the
// defaults of a design could overlap one another).
std::optional<Prefix> place(Params& p, const std::string& name, Prefix value, const Need& need,
                            int floor_len) {
  if (p.given(name)) {
    if (value.length <= need.max_len) return value;
    p.error(p.loc(name), "E204",
            "address space exhausted: " + need.what + ", but " + name + " " + to_string(value) + " holds " +
                need.holds(value),
            "use a " + prefix_len(std::max(0, need.max_len)) + " or larger " + name + need.fewer);
    return std::nullopt;
  }
  if (need.max_len >= floor_len) {
    Prefix grown = value;
    grown.length = static_cast<std::uint8_t>(std::min<int>(value.length, need.max_len));
    return grown.masked();
  }
  Prefix largest = value;
  largest.length = static_cast<std::uint8_t>(floor_len);
  largest = largest.masked();
  p.error(p.loc(name), "E204",
          "address space exhausted: " + need.what + ", but the default " + name + " grows only to " +
              to_string(largest) + ", which holds " + need.holds(largest),
          "set " + name + " to a " + prefix_len(std::max(0, need.max_len)) +
              " or larger range that does not overlap the other ranges" + need.fewer);
  return std::nullopt;
}

// The IP pool: a /26 (IPv4) or /122 (IPv6) block per node, checked as calicoctl checks a pool.
std::optional<Prefix> place_pool(Params& p, const std::string& name, const Prefix& value, std::uint64_t nodes,
                                 int floor_len) {
  IpPool probe;
  probe.cidr = value;
  probe.cidr_loc = p.loc(name);
  probe.loc = p.loc(name);
  const auto before = p.diags().error_count();
  validate_pool(probe, p.diags());
  if (p.diags().error_count() != before) {
    p.note_failure();
    return std::nullopt;
  }
  const bool v4 = value.addr.family == Family::V4;
  const int block = v4 ? 26 : 122;
  Need need;
  need.max_len = block - bits_for(nodes);
  need.what = std::to_string(nodes) + (nodes == 1 ? " node needs " : " nodes need ") + std::to_string(nodes) +
              " " + prefix_len(block) + (nodes == 1 ? " block" : " blocks") + " (" +
              std::to_string(nodes * 64) + " addresses)";
  need.holds = [block](const Prefix& c) {
    const auto blocks = subnets_in(c, block);
    const int bits = c.addr.bit_width() - c.length;
    return std::to_string(blocks) + (blocks == 1 ? " block" : " blocks") + " (" +
           (bits >= 64 ? std::string("2^") + std::to_string(bits) : std::to_string(pow2(bits))) +
           " addresses)";
  };
  need.fewer = " (or fewer nodes)";
  return place(p, name, value, need, floor_len);
}

// Two ranges of one design must not overlap: an address would belong to two things.
void check_disjoint(Params& p, const std::vector<std::pair<std::string, Prefix>>& ranges) {
  for (std::size_t i = 0; i < ranges.size(); ++i)
    for (std::size_t j = i + 1; j < ranges.size(); ++j) {
      const auto& [an, a] = ranges[i];
      const auto& [bn, b] = ranges[j];
      if (a.addr.family != b.addr.family || !a.overlaps(b)) continue;
      const std::string& at = p.given(bn) ? bn : an;
      const std::string& other = at == bn ? an : bn;
      const Prefix& at_p = at == bn ? b : a;
      const Prefix& other_p = at == bn ? a : b;
      p.error(p.loc(at), "E204", at + " " + to_string(at_p) + " overlaps " + other + " " + to_string(other_p),
              "node, link and pool ranges must be disjoint: an address belongs to one of them");
    }
}

// ---- AS numbers -------------------------------------------------------------------------------------

// Hands out AS numbers counting up from `first`, skipping `taken` (sorted) and AS_TRANS (23456,
// RFC 6793); after 65534 it continues at 4200000000, the first 4-byte private AS (RFC 6996).
class AsCounter {
 public:
  AsCounter(AsNumber first, const std::vector<AsNumber>& taken) : next_(first), taken_(taken) {}
  std::optional<AsNumber> take() {
    while (next_ <= 4294967294ULL) {
      const auto v = static_cast<AsNumber>(next_);
      next_ = v == 65534 ? 4200000000ULL : next_ + 1;
      if (v == 65535 || v == 23456 || std::binary_search(taken_.begin(), taken_.end(), v)) continue;
      return v;
    }
    return std::nullopt;
  }

 private:
  std::uint64_t next_;
  const std::vector<AsNumber>& taken_;
};

// `n` AS numbers from `first`; an error at the parameter when they run out.
std::optional<std::vector<AsNumber>> take_as(Params& p, const std::string& name, AsNumber first,
                                             std::uint64_t n, const std::vector<AsNumber>& taken,
                                             const std::string& what) {
  AsCounter c(first, taken);
  std::vector<AsNumber> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    auto v = c.take();
    if (!v) {
      p.error(p.loc(name), "E204",
              "AS numbers exhausted: " + std::to_string(n) + " " + what + " counting up from " + name + " " +
                  std::to_string(first) + " run past 4294967294",
              "start from a lower " + name + ", e.g. 4200000000 (the 4-byte private range)");
      return std::nullopt;
    }
    out.push_back(*v);
  }
  return out;
}

// ---- output -----------------------------------------------------------------------------------------

std::string padded(std::uint64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

// Digits to pad names counting to `count` with: at least two.
int width_for(std::uint64_t count) {
  return std::max<int>(2, static_cast<int>(std::to_string(count).size()));
}

// The resources of one design, gathered by kind and handed out in canonical order (as
// save_topology writes a topology), each at the generator's position.
struct Design {
  ClusterConfig config;
  bool v3_config = false;  // BGPConfiguration `default` rather than ClusterConfig
  Topology t;

  std::vector<Resource> finish(const SourceLoc& loc) {
    canonical_sort(t);
    std::vector<Resource> out;
    out.reserve(1 + t.nodes.size() + t.peers.size() + t.pools.size() + t.segments.size() + t.routers.size());
    config.loc = loc;
    if (v3_config)
      out.emplace_back(BgpConfiguration{"default", config, loc});
    else
      out.emplace_back(ClusterConfigResource{config, loc});
    for (auto& n : t.nodes) n.loc = loc, out.emplace_back(std::move(n));
    for (auto& p : t.peers) p.loc = loc, out.emplace_back(std::move(p));
    for (auto& p : t.pools) p.loc = p.cidr_loc = loc, out.emplace_back(std::move(p));
    for (auto& s : t.segments) s.loc = loc, out.emplace_back(std::move(s));
    for (auto& r : t.routers) {
      r.loc = loc;
      for (auto& n : r.neighbors) n.loc = loc;
      for (auto& n : r.neighbor_ranges) n.loc = loc;
      out.emplace_back(std::move(r));
    }
    return out;
  }
};

IpPool make_pool(const Prefix& cidr, ApiFlavor flavor) {
  IpPool p;
  p.cidr = cidr;
  p.flavor = flavor;
  if (flavor == ApiFlavor::V3)
    p.name = cidr.addr.family == Family::V4 ? "default-ipv4-ippool" : "default-ipv6-ippool";
  return p;
}

BgpPeer v1_node_peer(const std::string& node, const IpAddr& ip, AsNumber as) {
  BgpPeer p;
  p.scope = PeerScope::Node;
  p.node = node;
  p.peer_ip = ip;
  p.as_number = as;
  return p;
}

BgpPeer v3_peer(std::string name, std::string node_selector, std::string peer_selector) {
  BgpPeer p;
  p.flavor = ApiFlavor::V3;
  p.name = std::move(name);
  p.node_selector = std::move(node_selector);
  p.peer_selector = std::move(peer_selector);
  return p;
}

// Checks the node count of a design whose parameters are each in range but whose product is not.
bool check_node_count(Params& p, std::uint64_t nodes, const std::string& how) {
  if (nodes <= kMaxGeneratedNodes) return true;
  p.error(p.request().where, "E204",
          "too many nodes: " + how + " make " + std::to_string(nodes) + " nodes; a generator makes at most " +
              kMaxNodesText,
          "use a smaller design; the simulator's cost grows with the number of sessions");
  return false;
}

// ---- FullMesh ---------------------------------------------------------------------------------------

std::vector<Resource> full_mesh(Params& p) {
  const auto n = p.number("nodes");
  const auto s = p.number("segments");
  const auto as = p.as("asNumber");
  const bool v6 = p.flag("ipv6");
  const Prefix node4 = p.cidr("nodeCIDR");
  const Prefix pool4_value = p.cidr("poolCIDR", false);
  const Prefix node6 = p.cidr("ipv6NodeCIDR");
  const Prefix pool6_value = p.cidr("ipv6PoolCIDR", false);
  for (const char* name : {"ipv6NodeCIDR", "ipv6PoolCIDR"})
    if (!v6 && p.given(name))
      p.error(p.loc(name), "E306", std::string("'") + name + "' is set but 'ipv6' is false",
              std::string("turn ipv6 on to give the nodes IPv6 addresses, or leave ") + name + " out");
  if (!p.ok()) return {};
  if (s > n) {
    p.error(p.loc("segments"), "E204",
            "segments " + std::to_string(s) + " is more than nodes " + std::to_string(n),
            "every segment needs at least one node");
    return {};
  }

  // Segments split nodeCIDR evenly; each holds its share of the nodes and, with several, the gateway.
  const int sbits = bits_for(s);
  const std::uint64_t per_segment = (n + s - 1) / s;
  const bool gateway = s > 1;
  const int hbits = host_bits_v4(per_segment + (gateway ? 1 : 0));
  Need need4;
  need4.max_len = 32 - hbits - sbits;
  if (s == 1) {
    need4.what = std::to_string(n) + (n == 1 ? " node needs " : " nodes need ") + std::to_string(n) +
                 (n == 1 ? " address" : " addresses");
    need4.holds = [](const Prefix& c) { return std::to_string(usable_v4(32 - c.length)); };
  } else {
    need4.what = std::to_string(s) + " segments of up to " + std::to_string(per_segment) +
                 (per_segment == 1 ? " node" : " nodes") + " and a gateway need " + std::to_string(s) +
                 " subnets of " + std::to_string(per_segment + 1) + " addresses";
    need4.holds = [sbits](const Prefix& c) {
      return std::to_string(pow2(sbits)) + " subnets of " + std::to_string(usable_v4(32 - c.length - sbits));
    };
  }
  need4.fewer = " (or fewer nodes)";
  auto nodes4 = place(p, "nodeCIDR", node4, need4, 9);
  auto pool4 = place_pool(p, "poolCIDR", pool4_value, n, 9);
  std::optional<Prefix> nodes6, pool6;
  if (v6) {
    Need need6;
    need6.max_len = 64 - sbits;
    need6.what = std::to_string(s) + (s == 1 ? " segment needs " : " segments need ") + std::to_string(s) +
                 (s == 1 ? " /64 subnet" : " /64 subnets");
    need6.holds = [](const Prefix& c) {
      return c.length > 64 ? std::string("no /64 subnet")
                           : std::to_string(subnets_in(c, 64)) + " /64 subnets";
    };
    nodes6 = place(p, "ipv6NodeCIDR", node6, need6, 0);
    pool6 = place_pool(p, "ipv6PoolCIDR", pool6_value, n, 0);
  }
  if (!p.ok()) return {};
  std::vector<std::pair<std::string, Prefix>> ranges = {{"nodeCIDR", *nodes4}, {"poolCIDR", *pool4}};
  if (v6) ranges.insert(ranges.end(), {{"ipv6NodeCIDR", *nodes6}, {"ipv6PoolCIDR", *pool6}});
  check_disjoint(p, ranges);
  if (!p.ok()) return {};

  Design d;
  d.config.node_to_node_mesh = true;
  d.config.as_number = as;
  d.t.pools.push_back(make_pool(*pool4, ApiFlavor::V1));
  if (v6) d.t.pools.push_back(make_pool(*pool6, ApiFlavor::V1));
  const int seg_len = nodes4->length + sbits;
  const std::uint64_t gateway_index = pow2(32 - seg_len) - 2;  // the last usable address
  Router gw;
  gw.name = "gateway";
  gw.role = RouterRole::Router;
  gw.as_number = as.value_or(kDefaultNodeAsNumber);
  const int nwidth = width_for(n), swidth = width_for(s);
  d.t.nodes.reserve(n);
  std::uint64_t k = 0;
  for (std::uint64_t seg = 0; seg < s; ++seg) {
    Segment sg;
    sg.name = "segment-" + padded(seg + 1, swidth);
    const Prefix net4 = subnet(*nodes4, seg_len, seg);
    sg.cidrs.push_back(net4);
    Prefix net6;
    if (v6) sg.cidrs.push_back(net6 = subnet(*nodes6, 64, seg));
    const std::uint64_t here = n / s + (seg < n % s ? 1 : 0);
    for (std::uint64_t j = 0; j < here; ++j, ++k) {
      Node node;
      node.name = "node-" + padded(k + 1, nwidth);
      node.ipv4_address = host(net4, j + 1);
      if (v6) node.ipv6_address = host(net6, j + 1);
      d.t.nodes.push_back(std::move(node));
    }
    if (gateway) {
      gw.addresses.push_back(host(net4, gateway_index));
      if (v6) gw.addresses.push_back(host(net6, gateway_index));
    }
    d.t.segments.push_back(std::move(sg));
  }
  if (gateway) d.t.routers.push_back(std::move(gw));
  return d.finish(p.request().resource_loc);
}

// ---- RouteReflectors --------------------------------------------------------------------------------

// Spreads `total` items over `parts` contiguous groups whose sizes differ by at most one: the group
// of item i.
std::uint64_t group_of(std::uint64_t i, std::uint64_t total, std::uint64_t parts) {
  return i * parts / total;
}

std::vector<Resource> route_reflectors(Params& p) {
  const auto clients = p.number("clients");
  const auto reflectors = p.number("reflectors");
  const auto clusters = p.number("clusters");
  const auto kind = p.pick("reflectorKind");
  const auto peering = p.pick("peering");
  const auto as = p.as("asNumber");
  const Prefix node4 = p.cidr("nodeCIDR");
  const Prefix pool4_value = p.cidr("poolCIDR", false);
  if (!p.ok()) return {};
  const bool routers = kind == "router";
  const bool global = peering == "global";
  if (clusters > reflectors) {
    p.error(p.loc("clusters"), "E204",
            "clusters " + std::to_string(clusters) + " needs at least " + std::to_string(clusters) +
                " reflectors, found " + std::to_string(reflectors),
            "every cluster has its own reflectors: raise reflectors or lower clusters");
    return {};
  }
  if (clusters > clients) {
    p.error(p.loc("clusters"), "E204",
            "clusters " + std::to_string(clusters) + " is more than clients " + std::to_string(clients),
            "every cluster needs at least one client");
    return {};
  }
  if (global && clusters > 1) {
    p.error(
        p.loc("peering"), "E306",
        "peering 'global' cannot spread the clients over " + std::to_string(clusters) + " clusters",
        "a global peer is a peer of every node, so every client would peer with every reflector; use peering "
        "selector, or one cluster");
    return {};
  }
  if (!routers && !check_node_count(p, clients + reflectors,
                                    std::to_string(clients) + " clients and " + std::to_string(reflectors) +
                                        " reflector nodes"))
    return {};

  // One segment: the reflectors first (.1, .2, …), then the clients.
  const std::uint64_t hosts = reflectors + clients;
  Need need4;
  need4.max_len = 32 - host_bits_v4(hosts);
  need4.what = std::to_string(reflectors) + (reflectors == 1 ? " reflector and " : " reflectors and ") +
               std::to_string(clients) + (clients == 1 ? " client need " : " clients need ") +
               std::to_string(hosts) + " addresses";
  need4.holds = [](const Prefix& c) { return std::to_string(usable_v4(32 - c.length)); };
  need4.fewer = " (or fewer clients)";
  auto nodes4 = place(p, "nodeCIDR", node4, need4, 9);
  auto pool4 = place_pool(p, "poolCIDR", pool4_value, routers ? clients : clients + reflectors, 9);
  if (!p.ok()) return {};
  check_disjoint(p, {{"nodeCIDR", *nodes4}, {"poolCIDR", *pool4}});
  if (!p.ok()) return {};

  // Router reflectors with global peers are the source document's world (v1 resources); the other
  // three variants need v3 (routeReflectorClusterID, selectors).
  const ApiFlavor flavor = routers && global ? ApiFlavor::V1 : ApiFlavor::V3;
  const AsNumber cluster_as = as.value_or(kDefaultNodeAsNumber);
  Design d;
  d.v3_config = flavor == ApiFlavor::V3;
  d.config.node_to_node_mesh = false;
  // A router's AS must be written; the nodes then need the same default, so it is written too.
  d.config.as_number = routers ? std::optional<AsNumber>(cluster_as) : as;
  d.t.pools.push_back(make_pool(*pool4, flavor));
  Segment sg;
  sg.name = "segment-01";
  sg.cidrs.push_back(*nodes4);
  d.t.segments.push_back(sg);

  const int rwidth = width_for(reflectors), cwidth = width_for(clients), kwidth = width_for(clusters);
  auto cluster_name = [&](std::uint64_t c) { return "cluster-" + padded(c + 1, kwidth); };
  auto cluster_id = [](std::uint64_t c) {
    return static_cast<std::uint32_t>(0xE0000000U + c + 1);
  };                                               // 224.0.0.c+1
  const bool labelled = clusters > 1;              // (global peering has one cluster)
  std::vector<std::pair<std::string, Prefix>> rr;  // name, address
  for (std::uint64_t i = 0; i < reflectors; ++i)
    rr.emplace_back("rr-" + padded(i + 1, rwidth), host(*nodes4, i + 1));

  for (std::uint64_t i = 0; i < reflectors; ++i) {
    const auto c = group_of(i, reflectors, clusters);
    if (routers) {
      Router r;
      r.name = rr[i].first;
      r.role = RouterRole::RouteReflector;
      r.as_number = cluster_as;
      r.addresses.push_back(rr[i].second);
      r.route_reflector_cluster_id = cluster_id(c);
      // The other reflectors are ordinary iBGP peers; the clients connect from the segment.
      for (std::uint64_t j = 0; j < reflectors; ++j)
        if (j != i) {
          RouterNeighbor nb;
          nb.address = rr[j].second.addr;
          nb.as_number = cluster_as;
          nb.description = rr[j].first;
          r.neighbors.push_back(std::move(nb));
        }
      RouterNeighborRange range;
      range.range = *nodes4;
      range.as_number = cluster_as;
      range.route_reflector_client = true;
      r.neighbor_ranges.push_back(range);
      d.t.routers.push_back(std::move(r));
    } else {
      Node node;
      node.flavor = ApiFlavor::V3;
      node.name = rr[i].first;
      node.ipv4_address = rr[i].second;
      node.route_reflector_cluster_id = cluster_id(c);
      node.labels["route-reflector"] = "true";
      if (labelled) node.labels["rr-cluster"] = cluster_name(c);
      d.t.nodes.push_back(std::move(node));
    }
  }
  d.t.nodes.reserve(d.t.nodes.size() + clients);
  for (std::uint64_t k = 0; k < clients; ++k) {
    Node node;
    node.flavor = flavor;
    node.name = "node-" + padded(k + 1, cwidth);
    node.ipv4_address = host(*nodes4, reflectors + k + 1);
    if (labelled) node.labels["rr-cluster"] = cluster_name(group_of(k, clients, clusters));
    d.t.nodes.push_back(std::move(node));
  }

  if (global) {
    // Every node peers with every reflector. A Calico-node reflector needs the v3 form, whose
    // reverse peering makes it peer back with every node; a router accepts through its range.
    for (const auto& [name, addr] : rr) {
      BgpPeer peer;
      peer.flavor = flavor;
      if (flavor == ApiFlavor::V3) peer.name = "peer-with-" + name;
      peer.peer_ip = addr.addr;
      peer.as_number = cluster_as;
      d.t.peers.push_back(std::move(peer));
    }
  } else if (!routers) {
    if (clusters == 1) {
      d.t.peers.push_back(v3_peer("peer-with-route-reflectors", "all()", "route-reflector == 'true'"));
    } else {
      for (std::uint64_t c = 0; c < clusters; ++c)
        d.t.peers.push_back(v3_peer(cluster_name(c) + "-to-reflectors",
                                    "rr-cluster == '" + cluster_name(c) + "'",
                                    "route-reflector == 'true' && rr-cluster == '" + cluster_name(c) + "'"));
      d.t.peers.push_back(
          v3_peer("reflector-mesh", "route-reflector == 'true'", "route-reflector == 'true'"));
    }
  } else {
    for (std::uint64_t i = 0; i < reflectors; ++i) {
      const auto c = group_of(i, reflectors, clusters);
      BgpPeer peer = v3_peer("peer-with-" + rr[i].first,
                             clusters == 1 ? "all()" : "rr-cluster == '" + cluster_name(c) + "'", "");
      peer.peer_ip = rr[i].second.addr;
      peer.as_number = cluster_as;
      d.t.peers.push_back(std::move(peer));
    }
  }
  return d.finish(p.request().resource_loc);
}

// ---- AsPerRack and AsPerComputeServer ---------------------------------------------------------------

std::vector<Resource> racks_design(Params& p, bool per_server) {
  const auto racks = p.number("racks");
  const auto per_rack = p.number("nodesPerRack");
  const auto spines = p.number("spines");
  const std::uint64_t tors = per_server ? p.number("torsPerRack") : 1;
  const auto spine_mode = p.pick("spineMode");
  const std::string tor_mode = per_server ? "" : p.pick("torMode");
  const auto spine_as = p.as("spineAsNumber");
  const auto first_as = p.as(per_server ? "torAsNumber" : "rackAsNumber");
  const auto node_as = per_server ? p.as("nodeAsNumber") : std::nullopt;
  const Prefix node4 = p.cidr("nodeCIDR");
  const Prefix fabric4 = p.cidr("fabricCIDR");
  const Prefix pool4_value = p.cidr("poolCIDR", false);
  if (!p.ok()) return {};
  const std::uint64_t n = racks * per_rack;
  if (!check_node_count(p, n,
                        std::to_string(racks) + (racks == 1 ? " rack of " : " racks of ") +
                            std::to_string(per_rack) + (per_rack == 1 ? " node" : " nodes")))
    return {};
  const bool as_per_spine = spine_mode == "as-per-spine";
  if (as_per_spine && *spine_as < spines) {
    p.error(p.loc("spineAsNumber"), "E204",
            "spineAsNumber " + std::to_string(*spine_as) + " leaves no AS numbers for " +
                std::to_string(spines) + " spines counting down",
            "with spineMode as-per-spine the spines count down from spineAsNumber; use a larger one");
    return {};
  }

  // A /24 per rack, larger when a rack needs more than 254 addresses.
  const std::uint64_t rack_hosts = tors + per_rack;
  const int rack_len = std::min(24, 32 - host_bits_v4(rack_hosts));
  const int rbits = bits_for(racks);
  Need need_racks;
  need_racks.max_len = rack_len - rbits;
  need_racks.what = std::to_string(racks) + (racks == 1 ? " rack needs " : " racks need ") +
                    std::to_string(racks) + " " + prefix_len(rack_len) +
                    (racks == 1 ? " subnet" : " subnets");
  need_racks.holds = [rack_len](const Prefix& c) { return std::to_string(subnets_in(c, rack_len)); };
  need_racks.fewer = " (or fewer racks)";
  auto nodes4 = place(p, "nodeCIDR", node4, need_racks, 9);
  const std::uint64_t links = racks * tors * spines;
  Need need_links;
  need_links.max_len = 31 - bits_for(links);
  need_links.what = std::to_string(links) +
                    (links == 1 ? " ToR-spine link needs " : " ToR-spine links need ") +
                    std::to_string(links) + (links == 1 ? " /31 subnet" : " /31 subnets");
  need_links.holds = [](const Prefix& c) { return std::to_string(subnets_in(c, 31)); };
  need_links.fewer = " (or fewer racks or spines)";
  auto fabric = place(p, "fabricCIDR", fabric4, need_links, 12);
  auto pool4 = place_pool(p, "poolCIDR", pool4_value, n, 9);
  if (!p.ok()) return {};
  check_disjoint(p, {{"nodeCIDR", *nodes4}, {"fabricCIDR", *fabric}, {"poolCIDR", *pool4}});
  if (!p.ok()) return {};

  // AS numbers: the spines (shared, or counting down), then the racks or ToRs counting up, then
  // (per server) the nodes, each skipping what the earlier ones took.
  std::vector<AsNumber> spine_asns;
  for (std::uint64_t s = 0; s < spines; ++s)
    spine_asns.push_back(as_per_spine ? *spine_as - static_cast<AsNumber>(s) : *spine_as);
  std::vector<AsNumber> taken = spine_asns;
  std::sort(taken.begin(), taken.end());
  taken.erase(std::unique(taken.begin(), taken.end()), taken.end());
  auto tor_asns = take_as(p, per_server ? "torAsNumber" : "rackAsNumber", *first_as, racks * tors, taken,
                          per_server ? "ToRs" : "racks");
  if (!tor_asns) return {};
  std::vector<AsNumber> node_asns;
  if (per_server) {
    taken.insert(taken.end(), tor_asns->begin(), tor_asns->end());
    std::sort(taken.begin(), taken.end());
    auto v = take_as(p, "nodeAsNumber", *node_as, n, taken, "nodes");
    if (!v) return {};
    node_asns = std::move(*v);
  }

  const bool mesh = tor_mode == "mesh";
  const ApiFlavor flavor = mesh ? ApiFlavor::V3 : ApiFlavor::V1;
  Design d;
  d.v3_config = flavor == ApiFlavor::V3;
  d.config.node_to_node_mesh = false;
  d.t.pools.push_back(make_pool(*pool4, flavor));

  const int rwidth = width_for(racks), nwidth = width_for(per_rack), swidth = width_for(spines);
  std::vector<Router> spine_routers(spines);
  for (std::uint64_t s = 0; s < spines; ++s) {
    spine_routers[s].name = "spine-" + padded(s + 1, swidth);
    spine_routers[s].role = RouterRole::Spine;
    spine_routers[s].as_number = spine_asns[s];
  }
  d.t.nodes.reserve(n);
  d.t.peers.reserve(per_server ? n * tors : mesh ? 2 * racks : n);
  std::uint64_t k = 0;
  for (std::uint64_t r = 0; r < racks; ++r) {
    const std::string rack = "rack-" + padded(r + 1, rwidth);
    const Prefix net = subnet(*nodes4, rack_len, r);
    Segment sg;
    sg.name = rack;
    sg.cidrs.push_back(net);
    d.t.segments.push_back(std::move(sg));
    std::vector<std::pair<std::string, Prefix>> rack_tors;  // name, rack address
    for (std::uint64_t t = 0; t < tors; ++t) {
      const AsNumber tor_as = (*tor_asns)[r * tors + t];
      Router tor;
      tor.name = rack + (tors == 1 ? "-tor" : t == 0 ? "-tor-a" : "-tor-b");
      tor.role = RouterRole::Tor;
      tor.rack = rack;
      tor.as_number = tor_as;
      const Prefix addr = host(net, t + 1);
      tor.router_id = addr.addr.v4_value();
      tor.addresses.push_back(addr);
      if (!per_server && !mesh) tor.route_reflector_cluster_id = addr.addr.v4_value();
      for (std::uint64_t s = 0; s < spines; ++s) {
        const Prefix link = subnet(*fabric, 31, (r * tors + t) * spines + s);
        const Prefix tor_end = host(link, 0), spine_end = host(link, 1);
        Segment ls;
        ls.name = tor.name + "-" + spine_routers[s].name;
        ls.cidrs.push_back(link);
        d.t.segments.push_back(std::move(ls));
        tor.addresses.push_back(tor_end);
        RouterNeighbor up;
        up.address = spine_end.addr;
        up.as_number = spine_asns[s];
        up.description = spine_routers[s].name;
        tor.neighbors.push_back(std::move(up));
        spine_routers[s].addresses.push_back(spine_end);
        RouterNeighbor down;
        down.address = tor_end.addr;
        down.as_number = tor_as;
        down.description = tor.name;
        spine_routers[s].neighbors.push_back(std::move(down));
      }
      // The rack's nodes connect from the rack segment: in the rack's AS (as clients, or meshed),
      // or each in its own AS (any AS accepted).
      RouterNeighborRange range;
      range.range = net;
      if (!per_server) range.as_number = tor_as;
      range.route_reflector_client = !per_server && !mesh;
      tor.neighbor_ranges.push_back(range);
      rack_tors.emplace_back(tor.name, addr);
      d.t.routers.push_back(std::move(tor));
    }
    for (std::uint64_t j = 0; j < per_rack; ++j, ++k) {
      Node node;
      node.flavor = flavor;
      node.name = rack + "-node-" + padded(j + 1, nwidth);
      node.as_number = per_server ? node_asns[k] : (*tor_asns)[r];
      node.ipv4_address = host(net, tors + j + 1);
      if (mesh) node.labels["rack"] = rack;
      if (!mesh)
        for (std::uint64_t t = 0; t < tors; ++t)
          d.t.peers.push_back(v1_node_peer(node.name, rack_tors[t].second.addr, (*tor_asns)[r * tors + t]));
      d.t.nodes.push_back(std::move(node));
    }
    if (mesh) {
      // One peer per rack to the ToR, and one meshing the rack's nodes with each other.
      BgpPeer to_tor = v3_peer(rack + "-tor", "rack == '" + rack + "'", "");
      to_tor.peer_ip = rack_tors[0].second.addr;
      to_tor.as_number = (*tor_asns)[r];
      d.t.peers.push_back(std::move(to_tor));
      d.t.peers.push_back(v3_peer(rack + "-mesh", "rack == '" + rack + "'", "rack == '" + rack + "'"));
    }
  }
  for (auto& s : spine_routers) d.t.routers.push_back(std::move(s));
  return d.finish(p.request().resource_loc);
}

std::vector<Resource> expand(const Request& req, Diagnostics& diags) {
  Params p(req, diags);
  switch (req.def->model) {
    case Model::FullMesh:
      return full_mesh(p);
    case Model::RouteReflectors:
      return route_reflectors(p);
    case Model::AsPerRack:
      return racks_design(p, false);
    case Model::AsPerComputeServer:
      return racks_design(p, true);
  }
  return {};
}

// ---- YAML -------------------------------------------------------------------------------------------

SourceLoc mark_loc(const std::string& file, const YAML::Node& n) {
  if (!n.IsDefined()) return {file, 0, 0};
  auto m = n.Mark();
  if (m.line < 0) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

using yaml_reader::describe;

}  // namespace

bool is_generator_kind(std::string_view kind) {
  const auto k = ascii_lower(kind);
  for (const auto& m : models())
    if (ascii_lower(m.kind) == k) return true;
  return false;
}

void expand_generator_document(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                               std::vector<Resource>& out) {
  const ModelDef* def = nullptr;
  const YAML::Node kind_node = doc.IsMap() ? doc["kind"] : YAML::Node(YAML::NodeType::Undefined);
  if (kind_node.IsDefined() && kind_node.IsScalar()) def = find_model(kind_node.Scalar());
  if (!def) {
    diags.error("E106", mark_loc(file, kind_node.IsDefined() ? kind_node : doc), "not a generator document",
                "generator kinds: FullMesh, RouteReflectors, AsPerRack, AsPerComputeServer");
    return;
  }
  const std::size_t errors_before = diags.error_count();
  const std::string& kind = def->kind;
  Request req;
  req.def = def;
  req.resource_loc = mark_loc(file, doc);

  // metadata: {name}
  const YAML::Node meta = doc["metadata"];
  if (!meta.IsDefined() || meta.IsNull()) {
    diags.error("E103", mark_loc(file, doc), kind + " is missing required field 'metadata'",
                "a generator names itself: metadata: {name: my-design}");
  } else if (!meta.IsMap()) {
    diags.error("E102", mark_loc(file, meta), kind + " metadata must be a mapping, found " + describe(meta),
                "write it as 'key: value' lines indented under its parent");
  } else {
    bool named = false;
    for (auto it = meta.begin(); it != meta.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      if (key == "name") {
        named = !it->second.IsNull();
        if (named && !it->second.IsScalar())
          diags.error(
              "E105", mark_loc(file, it->second),
              "field 'name' of " + kind + " metadata must be a single value, found " + describe(it->second));
        continue;
      }
      const std::string close = closest_match(key, {"name"});
      diags.error("E104", mark_loc(file, it->first), "unknown field '" + key + "' in " + kind + " metadata",
                  close.empty() ? kind + " metadata has one field: name" : "did you mean '" + close + "'?");
    }
    if (!named)
      diags.error("E103", mark_loc(file, meta), kind + " metadata is missing required field 'name'",
                  "e.g. name: my-design");
  }

  // spec: the parameters, all optional.
  const YAML::Node spec = doc["spec"];
  const bool has_spec = spec.IsDefined() && !spec.IsNull();
  req.where = mark_loc(file, has_spec ? spec : doc);
  if (has_spec && !spec.IsMap()) {
    diags.error("E102", mark_loc(file, spec), kind + " spec must be a mapping, found " + describe(spec),
                "write the parameters as 'key: value' lines indented under spec");
    return;
  }
  if (has_spec)
    for (auto it = spec.begin(); it != spec.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      if (!it->second.IsScalar()) {
        diags.error(
            "E105", mark_loc(file, it->second),
            "field '" + key + "' of " + kind + " spec must be a single value, found " + describe(it->second));
        continue;
      }
      req.raw.push_back({key, it->second.Scalar(), mark_loc(file, it->first), mark_loc(file, it->second)});
    }
  req.failed = diags.error_count() != errors_before;
  auto resources = expand(req, diags);
  if (diags.error_count() != errors_before) return;
  out.insert(out.end(), std::make_move_iterator(resources.begin()), std::make_move_iterator(resources.end()));
}

std::vector<Resource> generate(const std::string& model,
                               const std::vector<std::pair<std::string, std::string>>& params,
                               Diagnostics& diags) {
  const ModelDef* def = find_model(model);
  if (!def) {
    std::vector<std::string_view> names;
    for (const auto& m : models()) names.push_back(m.cli);
    const std::string close = closest_match(model, names);
    std::string hint = "models: ";
    for (std::size_t i = 0; i < names.size(); ++i) hint += (i ? ", " : "") + std::string(names[i]);
    diags.error("E106", {"generate", 0, 0}, "unknown model '" + model + "'",
                close.empty() ? hint : "did you mean '" + close + "'?");
    return {};
  }
  Request req;
  req.def = def;
  req.cli = true;
  req.where = {"generate " + def->cli, 0, 0};
  for (const auto& [key, value] : params) {
    const SourceLoc at{"--" + key, 0, 0};
    req.raw.push_back({key, value, at, at});
  }
  return expand(req, diags);
}

std::vector<GeneratorParam> generator_params(const std::string& model) {
  std::vector<GeneratorParam> out;
  if (const ModelDef* def = find_model(model))
    for (const auto& d : def->params) out.push_back({d.name, d.default_value, d.description});
  return out;
}

std::vector<GeneratorModel> generator_models() {
  std::vector<GeneratorModel> out;
  for (const auto& m : models()) out.push_back({m.cli, m.kind, m.summary});
  return out;
}

}  // namespace peerlab
