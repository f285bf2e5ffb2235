// YAML → plain structs (style.md practice 9, first layer). Each resource is read field by field;
// every problem is recorded with the position yaml-cpp gives (`Mark`, 0-based, reported 1-based)
// and reading goes on, so one run names every problem in a file. Unknown fields are errors with a
// "did you mean" hint, because calicoctl reads with UnmarshalStrict.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "topology/generators.hpp"
#include "topology/resources.hpp"
#include "topology/util.hpp"
#include "topology/yaml_reader.hpp"

namespace peerlab {

namespace {

// The parse context of yaml_reader, plus the resource count limit (E404) this loader enforces.
struct Ctx : yaml_reader::Ctx {
  std::uint64_t max_resources = InputLimits{}.max_resources;
  bool too_many = false;  // E404 was reported: read no further
};
using yaml_reader::describe;
using yaml_reader::MapReader;

std::optional<AsNumber> parse_as_text(std::string_view s) {
  // Plain ("64512") or asdot ("1.10" = 1*65536+10), as numorstring.ASNumberFromString accepts.
  auto parse_u64 = [](std::string_view t) -> std::optional<std::uint64_t> {
    if (t.empty() || t.size() > 12) return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
    return v;
  };
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    auto hi = parse_u64(s.substr(0, dot)), lo = parse_u64(s.substr(dot + 1));
    if (!hi || !lo || *hi > 65535 || *lo > 65535) return std::nullopt;
    return static_cast<AsNumber>((*hi << 16) | *lo);
  }
  auto v = parse_u64(s);
  if (!v || *v > 4294967295ULL) return std::nullopt;
  return static_cast<AsNumber>(*v);
}

constexpr const char* kAsHint =
    "an AS number is a whole number from 1 to 4294967295 (or asdot 'a.b'); private ranges are 64512-65534 "
    "and "
    "4200000000-4294967294";

std::optional<AsNumber> read_as(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (!n.IsScalar()) {
    ctx.error(n, "E105", "field '" + std::string(field) + "' must be an AS number, found " + describe(n),
              kAsHint);
    return std::nullopt;
  }
  auto v = parse_as_text(n.Scalar());
  if (!v) {
    ctx.error(n, "E203", "invalid AS number '" + n.Scalar() + "'", kAsHint);
    return std::nullopt;
  }
  if (*v == 0)
    ctx.warning(n, "W203", "AS number 0 is reserved (RFC 7607) and cannot be used in a session", kAsHint);
  return v;
}

std::optional<IpAddr> read_ip(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (!n.IsScalar()) {
    ctx.error(n, "E105", "field '" + std::string(field) + "' must be an IP address, found " + describe(n));
    return std::nullopt;
  }
  auto a = parse_ip(n.Scalar());
  if (!a) {
    std::string hint = "write an IPv4 address like 192.20.30.40 or an IPv6 address like aa:bb::ff";
    if (n.Scalar().find('/') != std::string::npos)
      hint = "'" + std::string(field) + "' takes an address without a prefix length";
    ctx.error(n, "E201", "invalid IP address '" + n.Scalar() + "' in '" + std::string(field) + "'", hint);
  }
  return a;
}

// A prefix; with `allow_bare` a plain address is read as a host prefix.
std::optional<Prefix> read_prefix(Ctx& ctx, const YAML::Node& n, std::string_view field, bool allow_bare) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (!n.IsScalar()) {
    ctx.error(n, "E105", "field '" + std::string(field) + "' must be a CIDR, found " + describe(n));
    return std::nullopt;
  }
  auto p = parse_prefix(n.Scalar(), !allow_bare);
  if (!p) {
    ctx.error(n, "E202", "invalid CIDR '" + n.Scalar() + "' in '" + std::string(field) + "'",
              "write an address and prefix length, like 10.0.0.1/24 or fd00::1/64");
  }
  return p;
}

// A 32-bit identifier written as a dotted quad: a cluster id or a router id.
std::optional<std::uint32_t> read_cluster_id(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  auto a = n.IsScalar() ? parse_ip(n.Scalar()) : std::nullopt;
  if (!a || a->family != Family::V4) {
    const bool router_id = field == "routerID";
    ctx.error(n, "E204",
              std::string(router_id ? "invalid router id " : "invalid route reflector cluster id ") +
                  describe(n) + " in '" + std::string(field) + "'",
              std::string(router_id ? "a router id" : "a cluster id") +
                  " is written like an IPv4 address, e.g. " + (router_id ? "10.0.0.1" : "224.0.0.1"));
    return std::nullopt;
  }
  return a->v4_value();
}

std::optional<Micros> parse_duration_text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0 || i == s.size()) return std::nullopt;
  std::string num(s.substr(0, i));
  std::string unit(s.substr(i));
  double scale = 0;
  if (unit == "us")
    scale = 1;
  else if (unit == "ms")
    scale = 1e3;
  else if (unit == "s")
    scale = 1e6;
  else if (unit == "m" || unit == "min")
    scale = 60e6;
  else if (unit == "h")
    scale = 3600e6;  // at most 999999999h: 3.6e18 us, below the 9.2e18 of an int64
  else
    return std::nullopt;
  // Parse integer and fraction separately so "0.1s" is exactly 100000us.
  auto dot = num.find('.');
  std::int64_t whole = 0, frac = 0, frac_scale = 1;
  std::string w = num.substr(0, dot), f = dot == std::string::npos ? "" : num.substr(dot + 1);
  if (f.find('.') != std::string::npos || w.size() > 9 || f.size() > 6) return std::nullopt;
  if (!w.empty()) std::from_chars(w.data(), w.data() + w.size(), whole);
  for (char c : f) frac = frac * 10 + (c - '0'), frac_scale *= 10;
  auto us = static_cast<std::int64_t>(scale) * whole + static_cast<std::int64_t>(scale) * frac / frac_scale;
  return us;
}

std::optional<Micros> read_duration(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  auto d = n.IsScalar() ? parse_duration_text(n.Scalar()) : std::nullopt;
  if (!d) {
    ctx.error(n, "E209", "invalid duration " + describe(n) + " in '" + std::string(field) + "'",
              "write a number with a unit: 250us, 2ms, 1.5s, 4m, 1h");
  }
  return d;
}

std::optional<bool> read_on_off(Ctx& ctx, const YAML::Node& n, std::string_view field) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    auto v = ascii_lower(n.Scalar());
    if (v == "on" || v == "true") return true;
    if (v == "off" || v == "false") return false;
  }
  ctx.error(n, "E204", "invalid value " + describe(n) + " for '" + std::string(field) + "'", "use on or off");
  return std::nullopt;
}

std::optional<int> read_small_int(Ctx& ctx, const YAML::Node& n, std::string_view field, int lo, int hi) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  int v = 0;
  if (n.IsScalar()) {
    const auto& s = n.Scalar();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && p == s.data() + s.size() && v >= lo && v <= hi) return v;
  }
  ctx.error(n, "E204", "invalid value " + describe(n) + " for '" + std::string(field) + "'",
            "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return std::nullopt;
}

std::map<std::string, std::string> read_labels(Ctx& ctx, const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsMap()) {
    ctx.error(n, "E105", "labels must be a mapping of names to values, found " + describe(n));
    return out;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsScalar()) {
      ctx.error(it->first, "E105", "a label must map a name to a single value");
      continue;
    }
    out[it->first.Scalar()] = it->second.Scalar();
  }
  return out;
}

// ---- Calico v1 ------------------------------------------------------------------------------

void parse_v1_bgp_peer(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  BgpPeer p;
  p.flavor = ApiFlavor::V1;
  p.loc = ctx.loc(doc);
  bool ok = true;
  {
    MapReader meta(ctx, doc["metadata"], "bgpPeer metadata", {"scope", "hostname", "node", "peerIP"});
    if (!doc["metadata"].IsDefined()) {
      ctx.error(doc, "E103", "bgpPeer is missing required field 'metadata'",
                "a bgpPeer needs metadata.scope and metadata.peerIP");
      ok = false;
    }
    auto scope_node = meta.get("scope");
    if (auto scope = meta.str("scope", true, "set scope to global or node")) {
      auto s = ascii_lower(*scope);
      if (s == "global")
        p.scope = PeerScope::Global;
      else if (s == "node")
        p.scope = PeerScope::Node;
      else {
        ctx.error(scope_node, "E204", "Unrecognized scope '" + *scope + "', must be one of: global, node");
        ok = false;
      }
    } else {
      ok = false;
    }
    auto host = meta.str("hostname");
    auto node = meta.str("node");
    if (host && node && *host != *node) {
      ctx.error(meta.get("node"), "E306",
                "bgpPeer names its node twice, as hostname '" + *host + "' and node '" + *node + "'",
                "'hostname' (alpha) and 'node' (v1.0) are two spellings of one field: keep one");
      ok = false;
    }
    if (host) p.node = *host;
    if (node) p.node = *node;
    if (ok && p.scope == PeerScope::Node && p.node.empty()) {
      ctx.error(meta.node(), "E307", "insufficient identifiers, missing 'hostname'",
                "a node-scope bgpPeer names its node in metadata.hostname (or metadata.node)");
      ok = false;
    }
    if (ok && p.scope == PeerScope::Global && !p.node.empty()) {
      ctx.error(meta.get(host ? "hostname" : "node"), "E306",
                "no BGP Peer node name should be specified when scope is global",
                "remove metadata.hostname, or set scope: node");
      ok = false;
    }
    auto ipn = meta.require("peerIP", "the peer's address, e.g. peerIP: 192.20.30.40");
    p.peer_ip = read_ip(ctx, ipn, "peerIP");
    if (!p.peer_ip) ok = false;
  }
  {
    MapReader spec(ctx, doc["spec"], "bgpPeer spec", {"asNumber"});
    if (!doc["spec"].IsDefined())
      ctx.error(doc, "E103", "bgpPeer is missing required field 'spec'", "a bgpPeer needs spec.asNumber");
    p.as_number =
        read_as(ctx, spec.require("asNumber", "the peer's AS number, e.g. asNumber: 64567"), "asNumber");
    if (!p.as_number) ok = false;
  }
  if (ok) out.emplace_back(std::move(p));
}

void read_node_bgp(Ctx& ctx, const YAML::Node& bgp, Node& n, bool v3) {
  std::vector<std::string_view> known = {"asNumber", "ipv4Address", "ipv6Address"};
  if (v3) {
    known.push_back("routeReflectorClusterID");
    known.push_back("ipv4IPIPTunnelAddr");
  }
  MapReader r(ctx, bgp, "node spec.bgp", known);
  n.as_number = read_as(ctx, r.get("asNumber"), "asNumber");
  // calicoctl v1.0 took a bare address; v1.1 and later an address with its subnet.
  n.ipv4_address = read_prefix(ctx, r.get("ipv4Address"), "ipv4Address", true);
  n.ipv6_address = read_prefix(ctx, r.get("ipv6Address"), "ipv6Address", true);
  if (n.ipv4_address && n.ipv4_address->addr.family != Family::V4)
    ctx.error(r.get("ipv4Address"), "E201", "ipv4Address holds an IPv6 address", "move it to ipv6Address");
  if (n.ipv6_address && n.ipv6_address->addr.family != Family::V6)
    ctx.error(r.get("ipv6Address"), "E201", "ipv6Address holds an IPv4 address", "move it to ipv4Address");
  if (v3) {
    n.route_reflector_cluster_id =
        read_cluster_id(ctx, r.get("routeReflectorClusterID"), "routeReflectorClusterID");
    (void)r.get("ipv4IPIPTunnelAddr");
  }
}

void parse_node(Ctx& ctx, const YAML::Node& doc, bool v3, std::vector<Resource>& out) {
  Node n;
  n.flavor = v3 ? ApiFlavor::V3 : ApiFlavor::V1;
  n.loc = ctx.loc(doc);
  {
    std::vector<std::string_view> known = {"name", "labels"};
    if (v3) known.insert(known.end(), {"annotations", "uid", "resourceVersion", "creationTimestamp"});
    MapReader meta(ctx, doc["metadata"], "node metadata", known);
    if (!doc["metadata"].IsDefined()) ctx.error(doc, "E103", "node is missing required field 'metadata'");
    if (auto name = meta.str("name", true, "the node's name, as given to calico/node")) n.name = *name;
    n.labels = read_labels(ctx, meta.get("labels"));
    for (auto k : {"annotations", "uid", "resourceVersion", "creationTimestamp"}) (void)meta.get(k);
  }
  {
    MapReader spec(ctx, doc["spec"], "node spec", {"bgp", "orchRefs"});
    auto bgp = spec.get("bgp");
    n.has_bgp = bgp.IsDefined() && !bgp.IsNull();
    if (n.has_bgp) read_node_bgp(ctx, bgp, n, v3);
    (void)spec.get("orchRefs");
  }
  if (!n.name.empty()) out.emplace_back(std::move(n));
}

void read_v1_ipip(Ctx& ctx, const YAML::Node& n, IpPool& pool) {
  MapReader r(ctx, n, "ipPool spec.ipip", {"enabled", "mode"});
  bool enabled = r.boolean("enabled").value_or(false);
  IpipMode mode = IpipMode::Always;
  if (auto m = r.str("mode")) {
    auto v = ascii_lower(*m);
    if (v == "always")
      mode = IpipMode::Always;
    else if (v == "cross-subnet")
      mode = IpipMode::CrossSubnet;
    else
      ctx.error(r.get("mode"), "E204", "invalid IPIP mode '" + *m + "'", "use always or cross-subnet");
  }
  pool.ipip = enabled ? mode : IpipMode::Off;
}

void parse_v1_pool(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  IpPool pool;
  pool.flavor = ApiFlavor::V1;
  pool.loc = ctx.loc(doc);
  bool ok = true;
  {
    MapReader meta(ctx, doc["metadata"], "ipPool metadata", {"cidr"});
    if (!doc["metadata"].IsDefined()) ctx.error(doc, "E103", "ipPool is missing required field 'metadata'");
    auto cn = meta.require("cidr", "the pool's range, e.g. cidr: 192.168.0.0/16");
    pool.cidr_loc = ctx.loc(cn);
    auto c = read_prefix(ctx, cn, "cidr", false);
    if (c)
      pool.cidr = *c;
    else
      ok = false;
  }
  {
    MapReader spec(ctx, doc["spec"], "ipPool spec", {"ipip", "nat-outgoing", "disabled"});
    if (auto ipip = spec.get("ipip"); ipip.IsDefined() && !ipip.IsNull()) read_v1_ipip(ctx, ipip, pool);
    pool.nat_outgoing = spec.boolean("nat-outgoing").value_or(false);
    pool.disabled = spec.boolean("disabled").value_or(false);
  }
  if (ok) out.emplace_back(std::move(pool));
}

// ---- Calico v3 ------------------------------------------------------------------------------

std::string read_v3_name(Ctx& ctx, const YAML::Node& doc, std::string_view kind) {
  MapReader meta(ctx, doc["metadata"], std::string(kind) + " metadata",
                 {"name", "labels", "annotations", "uid", "resourceVersion", "creationTimestamp"});
  if (!doc["metadata"].IsDefined())
    ctx.error(doc, "E103", std::string(kind) + " is missing required field 'metadata'");
  (void)meta.get("labels");
  (void)meta.get("annotations");
  (void)meta.get("uid");
  (void)meta.get("resourceVersion");
  (void)meta.get("creationTimestamp");
  return meta.str("name", true).value_or("");
}

void parse_v3_bgp_peer(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  BgpPeer p;
  p.flavor = ApiFlavor::V3;
  p.loc = ctx.loc(doc);
  p.name = read_v3_name(ctx, doc, "BGPPeer");
  bool ok = !p.name.empty();
  MapReader spec(ctx, doc["spec"], "BGPPeer spec",
                 {"node", "peerIP", "asNumber", "nodeSelector", "peerSelector", "keepOriginalNextHop",
                  "numAllowedLocalASNumbers", "sourceAddress", "maxRestartTime", "password"});
  if (auto node = spec.str("node")) {
    p.scope = PeerScope::Node;
    p.node = *node;
  }
  p.node_selector = spec.str("nodeSelector").value_or("");
  p.peer_selector = spec.str("peerSelector").value_or("");
  if (auto ipn = spec.get("peerIP"); ipn.IsDefined() && !ipn.IsNull()) {
    // "IP", "IP:port" or "[IPv6]:port".
    std::string text = ipn.IsScalar() ? ipn.Scalar() : std::string();
    std::string addr = text;
    if (!text.empty() && text.front() == '[') {
      auto close = text.find(']');
      if (close != std::string::npos && close + 2 < text.size() && text[close + 1] == ':') {
        addr = text.substr(1, close - 1);
        int port = 0;
        auto ps = text.substr(close + 2);
        auto [ptr, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
        if (ec == std::errc{} && ptr == ps.data() + ps.size() && port > 0 && port < 65536)
          p.port = static_cast<std::uint16_t>(port);
        else
          addr = text;  // reported as a bad address below
      }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
      auto colon = text.find(':');
      addr = text.substr(0, colon);
      int port = 0;
      auto ps = text.substr(colon + 1);
      auto [ptr, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
      if (ec == std::errc{} && ptr == ps.data() + ps.size() && port > 0 && port < 65536)
        p.port = static_cast<std::uint16_t>(port);
      else
        addr = text;  // reported as a bad address below
    }
    p.peer_ip = parse_ip(addr);
    if (!p.peer_ip) {
      ctx.error(ipn, "E201", "invalid IP address " + describe(ipn) + " in 'peerIP'",
                "write an address, optionally with a port: 10.0.0.1, 10.0.0.1:1790, [fd00::1]:1790");
      ok = false;
    }
  }
  p.as_number = read_as(ctx, spec.get("asNumber"), "asNumber");
  p.keep_original_next_hop = spec.boolean("keepOriginalNextHop").value_or(false);
  p.num_allowed_local_as =
      read_small_int(ctx, spec.get("numAllowedLocalASNumbers"), "numAllowedLocalASNumbers", 0, 10)
          .value_or(0);
  (void)spec.get("sourceAddress");
  (void)spec.get("maxRestartTime");
  (void)spec.get("password");
  if (!p.node.empty() && !p.node_selector.empty()) {
    ctx.error(spec.get("nodeSelector"), "E306", "BGPPeer sets both 'node' and 'nodeSelector'",
              "use node for one node, or nodeSelector for several, not both");
    ok = false;
  }
  if (!p.peer_selector.empty() && (p.peer_ip || p.as_number)) {
    ctx.error(spec.get("peerSelector"), "E306",
              "BGPPeer sets 'peerSelector' together with 'peerIP' or 'asNumber'",
              "a peerSelector takes the peers' addresses and AS numbers from the selected nodes");
    ok = false;
  }
  if (p.peer_selector.empty() && ok) {
    if (!p.peer_ip) {
      ctx.error(spec.node().IsDefined() ? spec.node() : doc, "E103",
                "BGPPeer spec is missing required field 'peerIP'",
                "set peerIP and asNumber, or peerSelector");
      ok = false;
    }
    if (auto asn = spec.get("asNumber"); !p.as_number && (!asn.IsDefined() || asn.IsNull())) {
      ctx.error(spec.node().IsDefined() ? spec.node() : doc, "E103",
                "BGPPeer spec is missing required field 'asNumber'",
                "set peerIP and asNumber, or peerSelector");
      ok = false;
    }
  }
  if (ok) out.emplace_back(std::move(p));
}

void parse_v3_pool(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  IpPool pool;
  pool.flavor = ApiFlavor::V3;
  pool.loc = ctx.loc(doc);
  pool.name = read_v3_name(ctx, doc, "IPPool");
  MapReader spec(ctx, doc["spec"], "IPPool spec",
                 {"cidr", "ipipMode", "vxlanMode", "natOutgoing", "disabled", "blockSize", "nodeSelector"});
  auto cn = spec.require("cidr");
  pool.cidr_loc = ctx.loc(cn);
  auto c = read_prefix(ctx, cn, "cidr", false);
  if (auto m = spec.str("ipipMode")) {
    auto v = ascii_lower(*m);
    if (v == "always")
      pool.ipip = IpipMode::Always;
    else if (v == "crosssubnet")
      pool.ipip = IpipMode::CrossSubnet;
    else if (v == "never")
      pool.ipip = IpipMode::Off;
    else
      ctx.error(spec.get("ipipMode"), "E204", "invalid ipipMode '" + *m + "'",
                "use Always, CrossSubnet or Never");
  }
  (void)spec.get("vxlanMode");
  (void)spec.get("blockSize");
  (void)spec.get("nodeSelector");
  pool.nat_outgoing = spec.boolean("natOutgoing").value_or(false);
  pool.disabled = spec.boolean("disabled").value_or(false);
  if (c && !pool.name.empty()) {
    pool.cidr = *c;
    out.emplace_back(std::move(pool));
  }
}

void parse_v3_bgp_configuration(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  BgpConfiguration c;
  c.loc = ctx.loc(doc);
  c.values.loc = c.loc;
  c.name = read_v3_name(ctx, doc, "BGPConfiguration");
  MapReader spec(ctx, doc["spec"], "BGPConfiguration spec",
                 {"logSeverityScreen", "nodeToNodeMeshEnabled", "asNumber", "listenPort", "serviceClusterIPs",
                  "serviceExternalIPs", "serviceLoadBalancerIPs", "communities", "prefixAdvertisements"});
  bool is_default = c.name == "default";
  if (!is_default && c.name.rfind("node.", 0) != 0 && !c.name.empty())
    ctx.error(doc["metadata"]["name"], "E204",
              "BGPConfiguration name '" + c.name + "' is neither 'default' nor 'node.<name>'",
              "cluster settings go in 'default'; per-node settings in 'node.<node name>'");
  if (auto lvl = spec.str("logSeverityScreen")) {
    if (is_default)
      c.values.log_level = ascii_lower(*lvl);
    else if (c.name.size() > 5)
      c.values.node_log_level[c.name.substr(5)] = ascii_lower(*lvl);
  }
  if (auto mesh = spec.boolean("nodeToNodeMeshEnabled")) {
    if (is_default)
      c.values.node_to_node_mesh = *mesh;
    else
      ctx.error(spec.get("nodeToNodeMeshEnabled"), "E306",
                "nodeToNodeMeshEnabled is only valid on the global 'default' BGPConfiguration");
  }
  if (auto as = read_as(ctx, spec.get("asNumber"), "asNumber")) {
    if (is_default)
      c.values.as_number = *as;
    else
      ctx.error(spec.get("asNumber"), "E306",
                "asNumber is only valid on the global 'default' BGPConfiguration",
                "set a node's AS in its Node resource (spec.bgp.asNumber)");
  }
  for (auto k : {"listenPort", "serviceClusterIPs", "serviceExternalIPs", "serviceLoadBalancerIPs",
                 "communities", "prefixAdvertisements"})
    (void)spec.get(k);
  if (!c.name.empty()) out.emplace_back(std::move(c));
}

// ---- peerlab/v1 ------------------------------------------------------------------------------

std::string read_plain_name(Ctx& ctx, const YAML::Node& doc, std::string_view kind) {
  MapReader meta(ctx, doc["metadata"], std::string(kind) + " metadata", {"name"});
  if (!doc["metadata"].IsDefined())
    ctx.error(doc, "E103", std::string(kind) + " is missing required field 'metadata'");
  return meta.str("name", true).value_or("");
}

void parse_cluster_config(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  ClusterConfigResource c;
  c.loc = ctx.loc(doc);
  c.values.loc = c.loc;
  {
    MapReader meta(ctx, doc["metadata"], "ClusterConfig metadata", {"name"});
    (void)meta.get("name");
  }
  MapReader spec(ctx, doc["spec"], "ClusterConfig spec",
                 {"defaultNodeASNumber", "asNumber", "nodeToNodeMesh", "logLevel", "ipip", "nodeLogLevels"});
  auto as1 = read_as(ctx, spec.get("defaultNodeASNumber"), "defaultNodeASNumber");
  auto as2 = read_as(ctx, spec.get("asNumber"), "asNumber");
  c.values.as_number = as1 ? as1 : as2;
  c.values.node_to_node_mesh = read_on_off(ctx, spec.get("nodeToNodeMesh"), "nodeToNodeMesh");
  if (auto l = spec.str("logLevel")) c.values.log_level = *l;
  c.values.ipip = read_on_off(ctx, spec.get("ipip"), "ipip");
  if (auto nl = spec.get("nodeLogLevels"); nl.IsDefined()) c.values.node_log_level = read_labels(ctx, nl);
  out.emplace_back(std::move(c));
}

void parse_segment(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  Segment s;
  s.loc = ctx.loc(doc);
  s.name = read_plain_name(ctx, doc, "Segment");
  if (!doc["spec"].IsDefined() || doc["spec"].IsNull())
    ctx.error(doc, "E103", "Segment is missing required field 'spec'",
              "see docs/topology-format.md for its fields");
  MapReader spec(ctx, doc["spec"], "Segment spec", {"cidr", "cidrs", "latency"});
  if (auto c = read_prefix(ctx, spec.get("cidr"), "cidr", false)) s.cidrs.push_back(*c);
  if (auto cs = spec.get("cidrs"); cs.IsDefined()) {
    if (!cs.IsSequence())
      ctx.error(cs, "E105", "'cidrs' must be a list of CIDRs, found " + describe(cs));
    else
      for (const auto& item : cs)
        if (auto c = read_prefix(ctx, item, "cidrs", false)) s.cidrs.push_back(*c);
  }
  if (s.cidrs.empty() && spec.valid())
    ctx.error(spec.node(), "E103", "Segment spec is missing required field 'cidr'", "e.g. cidr: 10.0.0.0/24");
  if (auto l = read_duration(ctx, spec.get("latency"), "latency")) s.latency = *l;
  if (!s.name.empty()) out.emplace_back(std::move(s));
}

template <typename T>
void read_neighbor_common(Ctx& ctx, MapReader& r, T& n) {
  n.route_reflector_client = r.boolean("routeReflectorClient").value_or(false);
  n.next_hop_self = r.boolean("nextHopSelf").value_or(false);
  n.allow_local_as = read_small_int(ctx, r.get("allowLocalAS"), "allowLocalAS", 0, 10);
}

void parse_router(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  Router rt;
  rt.loc = ctx.loc(doc);
  rt.name = read_plain_name(ctx, doc, "Router");
  if (!doc["spec"].IsDefined() || doc["spec"].IsNull())
    ctx.error(doc, "E103", "Router is missing required field 'spec'",
              "see docs/topology-format.md for its fields");
  MapReader spec(ctx, doc["spec"], "Router spec",
                 {"role", "asNumber", "routerID", "addresses", "routeReflectorClusterID", "neighbors",
                  "neighborRanges", "allowLocalAS", "originate", "rack"});
  if (auto role = spec.str("role")) {
    auto v = ascii_lower(*role);
    if (v == "router")
      rt.role = RouterRole::Router;
    else if (v == "tor")
      rt.role = RouterRole::Tor;
    else if (v == "spine")
      rt.role = RouterRole::Spine;
    else if (v == "border")
      rt.role = RouterRole::Border;
    else if (v == "routereflector")
      rt.role = RouterRole::RouteReflector;
    else
      ctx.error(spec.get("role"), "E204", "invalid router role '" + *role + "'",
                "use one of: router, tor, spine, border, routeReflector");
  }
  if (auto as = read_as(ctx, spec.require("asNumber", "the router's own AS number"), "asNumber"))
    rt.as_number = *as;
  if (auto id = read_cluster_id(ctx, spec.get("routerID"), "routerID")) rt.router_id = *id;
  rt.route_reflector_cluster_id =
      read_cluster_id(ctx, spec.get("routeReflectorClusterID"), "routeReflectorClusterID");
  rt.allow_local_as = read_small_int(ctx, spec.get("allowLocalAS"), "allowLocalAS", 0, 10).value_or(0);
  if (auto rack = spec.str("rack")) rt.rack = *rack;
  auto read_prefix_list = [&](const char* field, std::vector<Prefix>& dst, bool allow_bare) {
    auto n = spec.get(field);
    if (!n.IsDefined() || n.IsNull()) return;
    if (!n.IsSequence()) {
      ctx.error(n, "E105", std::string("'") + field + "' must be a list, found " + describe(n));
      return;
    }
    for (const auto& item : n)
      if (auto p = read_prefix(ctx, item, field, allow_bare)) dst.push_back(*p);
  };
  read_prefix_list("addresses", rt.addresses, false);
  if (rt.addresses.empty() && spec.valid())
    ctx.error(spec.node(), "E103", "Router spec needs at least one entry in 'addresses'",
              "give the router an address and subnet, e.g. addresses: [10.0.0.254/24]");
  read_prefix_list("originate", rt.originate, false);
  if (auto ns = spec.get("neighbors"); ns.IsDefined() && !ns.IsNull()) {
    if (!ns.IsSequence())
      ctx.error(ns, "E105", "'neighbors' must be a list, found " + describe(ns));
    else
      for (const auto& item : ns) {
        RouterNeighbor n;
        n.loc = ctx.loc(item);
        MapReader r(ctx, item, "Router neighbor",
                    {"address", "asNumber", "description", "routeReflectorClient", "nextHopSelf", "passive",
                     "allowLocalAS"});
        auto a = read_ip(ctx, r.require("address"), "address");
        auto as = read_as(ctx, r.require("asNumber"), "asNumber");
        n.description = r.str("description").value_or("");
        n.passive = r.boolean("passive").value_or(false);
        read_neighbor_common(ctx, r, n);
        if (a && as) {
          n.address = *a;
          n.as_number = *as;
          rt.neighbors.push_back(std::move(n));
        }
      }
  }
  if (auto ns = spec.get("neighborRanges"); ns.IsDefined() && !ns.IsNull()) {
    if (!ns.IsSequence())
      ctx.error(ns, "E105", "'neighborRanges' must be a list, found " + describe(ns));
    else
      for (const auto& item : ns) {
        RouterNeighborRange n;
        n.loc = ctx.loc(item);
        MapReader r(ctx, item, "Router neighbor range",
                    {"cidr", "asNumber", "routeReflectorClient", "nextHopSelf", "allowLocalAS"});
        auto c = read_prefix(ctx, r.require("cidr"), "cidr", false);
        n.as_number = read_as(ctx, r.get("asNumber"), "asNumber");
        read_neighbor_common(ctx, r, n);
        if (c) {
          n.range = *c;
          rt.neighbor_ranges.push_back(std::move(n));
        }
      }
  }
  if (!rt.name.empty()) out.emplace_back(std::move(rt));
}

void parse_link(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  Link l;
  l.loc = ctx.loc(doc);
  l.name = read_plain_name(ctx, doc, "Link");
  if (!doc["spec"].IsDefined() || doc["spec"].IsNull())
    ctx.error(doc, "E103", "Link is missing required field 'spec'",
              "see docs/topology-format.md for its fields");
  MapReader spec(ctx, doc["spec"], "Link spec", {"a", "b", "latency"});
  l.a = spec.str("a", true, "the name of a router or segment at one end").value_or("");
  l.b = spec.str("b", true, "the name of a router or segment at the other end").value_or("");
  if (auto d = read_duration(ctx, spec.get("latency"), "latency")) l.latency = *d;
  if (!l.name.empty() && !l.a.empty() && !l.b.empty()) out.emplace_back(std::move(l));
}

void parse_timers(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  TimerSettings t;
  t.present = true;
  t.loc = ctx.loc(doc);
  {
    MapReader meta(ctx, doc["metadata"], "BGPTimers metadata", {"name"});
    (void)meta.get("name");
  }
  MapReader spec(ctx, doc["spec"], "BGPTimers spec",
                 {"profile", "holdTime", "keepaliveTime", "connectDelayTime", "connectRetryTime",
                  "errorWaitMin", "errorWaitMax", "gracefulRestart", "gracefulRestartTime"});
  if (auto p = spec.str("profile")) {
    auto v = ascii_lower(*p);
    if (v == "bird" || v == "calico")
      t.profile = v;
    else
      ctx.error(spec.get("profile"), "E204", "invalid timer profile '" + *p + "'",
                "use bird (BIRD 2 defaults) or calico (calico/node v3 template)");
  }
  auto ms = [&](const char* field) -> std::optional<Millis> {
    auto d = read_duration(ctx, spec.get(field), field);
    if (!d) return std::nullopt;
    if (*d % 1000 != 0) {
      // BGP timers tick in milliseconds; truncating silently could turn 250us into 0 ("hold/3").
      ctx.error(spec.get(field), "E209",
                "timer '" + std::string(field) + "' must be a whole number of milliseconds",
                "write it in ms or s, e.g. 250ms or 3s");
      return std::nullopt;
    }
    if (*d / 1000 > kMaxTimerMillis) {
      ctx.error(spec.get(field), "E204",
                "timer '" + std::string(field) + "' is too long: at most 35791m (2^31 - 1 ms)",
                "a timer that long never fires in a simulation (the default time limit is 60m)");
      return std::nullopt;
    }
    return *d / 1000;
  };
  t.hold = ms("holdTime");
  t.keepalive = ms("keepaliveTime");
  t.connect_delay = ms("connectDelayTime");
  t.connect_retry = ms("connectRetryTime");
  t.error_wait_min = ms("errorWaitMin");
  t.error_wait_max = ms("errorWaitMax");
  t.graceful_restart_time = ms("gracefulRestartTime");
  t.graceful_restart = spec.boolean("gracefulRestart");
  if (t.hold && *t.hold != 0 && *t.hold < 3000)
    ctx.error(spec.get("holdTime"), "E204", "holdTime must be 0 or at least 3s (RFC 4271 §4.2)");
  out.emplace_back(std::move(t));
}

// peerlab/v1 CheckLimits: the limits of `peerlab check`, each value with its position.
void parse_check_limits(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  CheckLimitSettings l;
  l.present = true;
  l.loc = ctx.loc(doc);
  {
    MapReader meta(ctx, doc["metadata"], "CheckLimits metadata", {"name"});
    (void)meta.get("name");
  }
  MapReader spec(ctx, doc["spec"], "CheckLimits spec",
                 {"maxSessionsPerNode", "maxRoutesPerRouter", "maxRoutesPerNode", "maxConvergence",
                  "meshLimit", "reflectorClientLimit"});
  auto count = [&](const char* field, CheckLimitValue& v) {
    auto n = spec.get(field);
    if (auto x = read_small_int(ctx, n, field, 1, 1'000'000'000)) v = {*x, ctx.loc(n)};
  };
  count("maxSessionsPerNode", l.max_sessions_per_node);
  count("maxRoutesPerRouter", l.max_routes_per_router);
  count("maxRoutesPerNode", l.max_routes_per_node);
  count("meshLimit", l.mesh_limit);
  count("reflectorClientLimit", l.reflector_client_limit);
  auto conv = spec.get("maxConvergence");
  if (auto d = read_duration(ctx, conv, "maxConvergence")) l.max_convergence = {*d, ctx.loc(conv)};
  out.emplace_back(std::move(l));
}

// ---- dispatch --------------------------------------------------------------------------------

// Canonical v1 kinds and the aliases calicoctl accepts for them (case-insensitive).
struct KindAliases {
  const char* canonical;
  std::vector<std::string_view> aliases;
};
const std::vector<KindAliases>& v1_kinds() {
  static const std::vector<KindAliases> k = {
      {"node", {"node", "nodes", "no", "nos"}},
      {"bgpPeer", {"bgppeer", "bgppeers", "bgpp", "bgpps", "bp", "bps"}},
      {"ipPool", {"ippool", "ippools", "ipp", "ipps", "pool", "pools"}},
  };
  return k;
}

const std::vector<std::string_view> kOtherCalicoKinds = {"policy",
                                                         "profile",
                                                         "hostendpoint",
                                                         "workloadendpoint",
                                                         "networkpolicy",
                                                         "globalnetworkpolicy",
                                                         "felixconfiguration",
                                                         "clusterinformation",
                                                         "kubecontrollersconfiguration"};

void parse_document(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out, int depth);

bool too_many_resources(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out);

void parse_list(Ctx& ctx, const YAML::Node& items, std::vector<Resource>& out, int depth) {
  for (const auto& item : items) {
    parse_document(ctx, item, out, depth + 1);
    if (too_many_resources(ctx, item, out)) return;
  }
}

// E404, once, at the document that passes the limit; what is past it is dropped.
bool too_many_resources(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out) {
  if (out.size() <= ctx.max_resources && !ctx.too_many) return false;
  if (!ctx.too_many)
    ctx.error(doc, "E404",
              "too many resources: more than " + std::to_string(ctx.max_resources) +
                  " (generators count what they expand into)",
              "split the input, or raise the limit with --max-resources");
  ctx.too_many = true;
  if (out.size() > ctx.max_resources) out.resize(ctx.max_resources);
  return true;
}

void parse_document(Ctx& ctx, const YAML::Node& doc, std::vector<Resource>& out, int depth) {
  if (!doc.IsDefined() || doc.IsNull()) return;
  if (ctx.too_many) return;
  if (depth > 4) {
    ctx.error(doc, "E102", "resource lists are nested too deeply",
              "a list may hold resources, not further lists");
    return;
  }
  if (doc.IsSequence()) {
    parse_list(ctx, doc, out, depth);
    return;
  }
  if (!doc.IsMap()) {
    ctx.error(doc, "E102", "expected a resource (a mapping with apiVersion and kind), found " + describe(doc),
              "each document holds one resource, a list of resources, or a kind: List");
    return;
  }
  auto kind_node = doc["kind"];
  auto api_node = doc["apiVersion"];
  if (!kind_node.IsDefined() || !kind_node.IsScalar()) {
    ctx.error(doc, "E103", "resource is missing required field 'kind'", "e.g. kind: bgpPeer");
    return;
  }
  if (!api_node.IsDefined() || !api_node.IsScalar()) {
    ctx.error(doc, "E103", "resource is missing required field 'apiVersion'",
              "use v1 (calicoctl v1), projectcalico.org/v3, or peerlab/v1 (fabric)");
    return;
  }
  const std::string kind = kind_node.Scalar();
  const std::string api = api_node.Scalar();
  const std::string k = ascii_lower(kind);
  // Envelope fields are checked once for every kind.
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
    static const std::vector<std::string_view> envelope = {"apiVersion", "kind", "metadata", "spec", "items"};
    if (std::find(envelope.begin(), envelope.end(), key) == envelope.end()) {
      auto close = closest_match(key, envelope);
      ctx.error(it->first, "E104", "unknown field '" + key + "' in " + kind,
                close.empty() ? "a resource has apiVersion, kind, metadata and spec"
                              : "did you mean '" + close + "'?");
    }
  }
  if (k == "list" || (k.size() > 4 && k.ends_with("list"))) {
    auto items = doc["items"];
    if (!items.IsDefined() || !items.IsSequence()) {
      ctx.error(doc, "E103", kind + " is missing its 'items' list");
      return;
    }
    parse_list(ctx, items, out, depth);
    return;
  }
  if (api == "v1") {
    for (const auto& kv : v1_kinds()) {
      if (std::find(kv.aliases.begin(), kv.aliases.end(), k) == kv.aliases.end()) continue;
      std::string c = kv.canonical;
      if (c == "node")
        parse_node(ctx, doc, false, out);
      else if (c == "bgpPeer")
        parse_v1_bgp_peer(ctx, doc, out);
      else
        parse_v1_pool(ctx, doc, out);
      return;
    }
  } else if (api == "projectcalico.org/v3") {
    if (k == "bgppeer") return parse_v3_bgp_peer(ctx, doc, out);
    if (k == "node") return parse_node(ctx, doc, true, out);
    if (k == "ippool") return parse_v3_pool(ctx, doc, out);
    if (k == "bgpconfiguration") return parse_v3_bgp_configuration(ctx, doc, out);
  } else if (api == "peerlab/v1") {
    if (is_generator_kind(k)) return expand_generator_document(doc, ctx.file, ctx.diags, out);
    if (k == "segment") return parse_segment(ctx, doc, out);
    if (k == "router") return parse_router(ctx, doc, out);
    if (k == "link") return parse_link(ctx, doc, out);
    if (k == "bgptimers") return parse_timers(ctx, doc, out);
    if (k == "checklimits") return parse_check_limits(ctx, doc, out);
    if (k == "clusterconfig") return parse_cluster_config(ctx, doc, out);
  } else {
    ctx.error(api_node, "E107", "Unknown resource type (" + kind + ") and/or version (" + api + ")",
              "apiVersion is v1 (calicoctl v1), projectcalico.org/v3, or peerlab/v1 (fabric)");
    return;
  }
  std::vector<std::string_view> known;
  if (api == "v1")
    known = {"node", "bgpPeer", "ipPool", "pool"};
  else if (api == "peerlab/v1")
    known = {"Segment",  "Router",          "Link",      "BGPTimers",          "ClusterConfig",
             "FullMesh", "RouteReflectors", "AsPerRack", "AsPerComputeServer", "CheckLimits"};
  else
    known = {"BGPPeer", "Node", "IPPool", "BGPConfiguration"};
  std::string hint;
  if (std::find(kOtherCalicoKinds.begin(), kOtherCalicoKinds.end(), k) != kOtherCalicoKinds.end())
    hint = "'" + kind + "' is a Calico resource that does not affect BGP; peerlab does not model it";
  else if (auto close = closest_match(kind, known); !close.empty())
    hint = "did you mean '" + close + "'?";
  else {
    hint = "kinds for apiVersion " + api + ": ";
    for (std::size_t i = 0; i < known.size(); ++i) hint += (i ? ", " : "") + std::string(known[i]);
  }
  ctx.error(kind_node, "E106", "Unknown resource type (" + kind + ") and/or version (" + api + ")", hint);
}

}  // namespace

ParsedFile parse_resources(std::string_view text, const std::string& filename, const InputLimits& limits) {
  ParsedFile out;
  Ctx ctx{{filename, out.diagnostics}, limits.max_resources};
  auto loaded = yaml_reader::load_documents(text, ctx, limits);
  if (!loaded) return out;
  const auto& docs = *loaded;
  for (const auto& d : docs) {
    parse_document(ctx, d, out.resources, 0);
    if (too_many_resources(ctx, d, out.resources)) break;
  }
  return out;
}

namespace {

// Reads at most max + 1 bytes, so that a larger input (or an endless one: a pipe, /dev/zero) is
// refused without reading it all.
std::string read_bounded(std::istream& in, std::uint64_t max) {
  std::string text;
  std::vector<char> buf(64 * 1024);
  while (text.size() <= max) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() <= 0) break;
    text.append(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

}  // namespace

std::optional<std::string> read_input(const std::string& path, const InputLimits& limits,
                                      Diagnostics& diags) {
  const std::string name = path == "-" ? "<stdin>" : path;
  std::string text;
  if (path == "-") {
    text = read_bounded(std::cin, limits.max_file_bytes);
  } else {
    // A regular file is measured first and not read when it is too large.
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      auto size = std::filesystem::file_size(path, ec);
      if (!ec && !check_file_size(size, limits, path, diags)) return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diags.error("E001", {path, 0, 0}, "cannot read file: " + std::string(std::strerror(errno)),
                  "check the path and its permissions");
      return std::nullopt;
    }
    text = read_bounded(in, limits.max_file_bytes);
  }
  if (text.size() > limits.max_file_bytes) {
    diags.error("E401", {name, 0, 0},
                "input is too large: more than " + std::to_string(limits.max_file_bytes) + " bytes (" +
                    format_bytes(limits.max_file_bytes) + ")",
                "split the input, or raise the limit with --max-file-size");
    return std::nullopt;
  }
  return text;
}

ParsedFile parse_file(const std::string& path, const InputLimits& limits) {
  ParsedFile out;
  auto text = read_input(path, limits, out.diagnostics);
  if (!text) return out;
  return parse_resources(*text, path == "-" ? "<stdin>" : path, limits);
}

std::optional<Micros> parse_duration(std::string_view text) {
  return parse_duration_text(text);
}

std::string resolve_kind_alias(std::string_view kind) {
  auto k = ascii_lower(kind);
  for (const auto& kv : v1_kinds())
    if (std::find(kv.aliases.begin(), kv.aliases.end(), k) != kv.aliases.end()) return kv.canonical;
  return {};
}

}  // namespace peerlab
