// Graph views of a design (see graph_view.hpp). Pure functions of the model and the network's
// observations; nothing here knows Graphviz.
#include "reports/graph_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

namespace peerlab::reports {

namespace {

// ---- colours and styles -----------------------------------------------------------------------

constexpr const char* kUpColor = "#2e7d32";          // Established
constexpr const char* kConnectingColor = "#e08a00";  // Connect, Active, OpenSent, OpenConfirm
constexpr const char* kDownColor = "#c62828";        // Idle, or the protocol down
constexpr const char* kNeutralFill = "#eeeeee";      // boxes that have no single AS
constexpr const char* kClusterFill = "#f7f7f7";
constexpr const char* kUnderlayEdge = "#555555";

// Past this many vertices drawn one by one, the hierarchical and circular layouts take too long.
constexpr std::size_t kLargeView = 60;

enum class Health : int { Up = 0, Connecting = 1, Down = 2 };

Health health(const sim::SessionStatus& s) {
  if (s.proto == bgp::ProtoState::Down || s.proto == bgp::ProtoState::Stop ||
      s.proto == bgp::ProtoState::Flush)
    return Health::Down;
  switch (s.state) {
    case bgp::State::Established:
      return Health::Up;
    case bgp::State::Connect:
    case bgp::State::Active:
    case bgp::State::OpenSent:
    case bgp::State::OpenConfirm:
      return Health::Connecting;
    case bgp::State::Idle:
      break;
  }
  return Health::Down;
}

const char* health_color(Health h) {
  switch (h) {
    case Health::Up:
      return kUpColor;
    case Health::Connecting:
      return kConnectingColor;
    case Health::Down:
      break;
  }
  return kDownColor;
}

const char* health_name(Health h) {
  switch (h) {
    case Health::Up:
      return "established";
    case Health::Connecting:
      return "connecting";
    case Health::Down:
      break;
  }
  return "down";
}

std::string type_name(PeerType t) {
  return std::string(sim::to_string(t));
}

// Pen widths by session type: thin mesh, medium node specific and fabric, heavy global.
double type_penwidth(const std::string& kind) {
  if (kind == "global") return 3.5;
  if (kind == "node specific" || kind == "fabric") return 2.0;
  return 1.2;
}

// "c:invis:c" draws two parallel lines: an eBGP session.
std::string edge_color(const char* c, bool ebgp) {
  return ebgp ? std::string(c) + ":invis:" + c : std::string(c);
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string as_text(AsNumber as) {
  return "AS " + std::to_string(as);
}

// ---- AS colours -------------------------------------------------------------------------------

class AsColors {
 public:
  void add(AsNumber as) { ases_.insert(as); }
  std::string of(AsNumber as) const {
    const auto& p = as_palette();
    auto it = ases_.find(as);
    if (it == ases_.end()) return kNeutralFill;
    return p[static_cast<std::size_t>(std::distance(ases_.begin(), it)) % p.size()];
  }
  const std::set<AsNumber>& all() const { return ases_; }

 private:
  std::set<AsNumber> ases_;
};

// ---- where a host sits: its rack or L2 segment, as the simulator's underlay places it ---------

struct Home {
  std::string key;    // cluster key; "" for none
  std::string label;  // cluster label
  std::string kind;   // rack, segment, subnet
};

class Placement {
 public:
  explicit Placement(const Topology& t) : t_(t) {}

  // The declared segment an address lies in (the first, as the underlay attaches it), else the
  // implicit segment of its subnet.
  Home segment_of(const Prefix& addr) const {
    for (const auto& s : t_.segments)
      for (const auto& c : s.cidrs)
        if (c.masked().contains(addr.addr)) return declared(s);
    std::string net = to_string(addr.masked());
    return {"subnet " + net, "subnet " + net, "subnet"};
  }

  Home home_of(const Node& n) const {
    if (n.ipv4_address) return segment_of(*n.ipv4_address);
    if (n.ipv6_address) return segment_of(*n.ipv6_address);
    return {};
  }

  Home home_of(const Router& r) const {
    if (!r.rack.empty()) {
      for (const auto& s : t_.segments)
        if (s.name == r.rack) return declared(s);
      return {r.rack, "rack " + r.rack, "rack"};
    }
    if (!r.addresses.empty()) return segment_of(r.addresses.front());
    return {};
  }

  static Home declared(const Segment& s) {
    std::string cidrs;
    for (const auto& c : s.cidrs) cidrs += (cidrs.empty() ? "" : ", ") + to_string(c);
    return {s.name, s.name + (cidrs.empty() ? "" : "  " + cidrs), "segment"};
  }

 private:
  const Topology& t_;
};

// Clusters are drawn unless everything sits in one implicit subnet (a plain calicoctl cluster):
// one frame around the whole picture says nothing.
bool want_clusters(const std::map<std::string, Home>& homes) {
  if (homes.empty()) return false;
  if (homes.size() > 1) return true;
  return homes.begin()->second.kind != "subnet";
}

std::string cluster_id(const std::string& key) {
  return "cluster_" + key;
}

// ---- speakers ---------------------------------------------------------------------------------

// Layout tier: session edges point from the lower tier number to the higher one.
enum Tier : int { kBorder = 0, kRouter = 1, kTor = 2, kReflector = 3, kNode = 4, kAddress = 5 };

struct SpeakerInfo {
  std::string name;
  SpeakerKind kind = SpeakerKind::CalicoNode;
  std::string view_kind;  // calico-node, reflector, router
  std::string role;       // router role ("tor", "spine" …); "" for Calico nodes
  bool reflects = false;  // has route-reflector clients
  AsNumber as = 0;
  std::vector<IpAddr> addresses;
  int tier = kNode;
  Home home;
};

std::string join_addresses(const std::vector<IpAddr>& a, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < a.size() && i < max; ++i) out += (i ? ", " : "") + to_string(a[i]);
  if (a.size() > max) out += ", …";
  return out;
}

// `sessions`: the speaker's, as the network shows them (a reflector is one with a client).
SpeakerInfo describe(const Topology& t, const Placement& place, const SpeakerSettings& cfg,
                     const std::vector<sim::SessionStatus>& sessions) {
  SpeakerInfo s;
  s.name = cfg.name;
  s.kind = cfg.kind;
  s.as = cfg.local_as;
  s.addresses = cfg.addresses;
  for (const auto& n : sessions) s.reflects = s.reflects || n.rr_client;
  for (const auto& r : cfg.neighbor_ranges) s.reflects = s.reflects || r.templ.rr_client;
  if (cfg.kind == SpeakerKind::CalicoNode) {
    const Node* n = t.find_node(cfg.name);
    bool rr = n && n->route_reflector_cluster_id;
    s.view_kind = rr ? "reflector" : "calico-node";
    s.tier = rr ? kReflector : kNode;
    if (n) s.home = place.home_of(*n);
    return s;
  }
  const Router* r = t.find_router(cfg.name);
  RouterRole role = r ? r->role : RouterRole::Router;
  s.role = std::string(to_string(role));
  s.view_kind = role == RouterRole::RouteReflector ? "reflector" : "router";
  switch (role) {
    case RouterRole::Border:
    case RouterRole::Spine:
      s.tier = kBorder;
      break;
    case RouterRole::Router:
      s.tier = kRouter;
      break;
    case RouterRole::Tor:
      s.tier = kTor;
      break;
    case RouterRole::RouteReflector:
      s.tier = kReflector;
      break;
  }
  if (r) s.home = place.home_of(*r);
  return s;
}

GvNode speaker_node(const SpeakerInfo& s, const AsColors& colors) {
  GvNode n;
  n.id = s.name;
  n.kind = s.view_kind;
  n.fill = colors.of(s.as);
  std::string addrs = join_addresses(s.addresses, 2);
  if (s.kind == SpeakerKind::CalicoNode) {
    n.shape = s.view_kind == "reflector" ? "hexagon" : "ellipse";
    n.label = s.name + "\n" + (s.view_kind == "reflector" ? "route reflector, " : "") + as_text(s.as) +
              (addrs.empty() ? "" : "\n" + addrs);
  } else {
    n.shape = s.view_kind == "reflector" ? "hexagon" : "box";
    n.style = s.view_kind == "reflector" ? "filled" : "filled,rounded";
    n.peripheries = s.reflects && s.view_kind != "reflector" ? 2 : 1;
    n.label = s.name + "\n" + s.role + (s.reflects && s.view_kind != "reflector" ? " (reflects)" : "") +
              ", " + as_text(s.as) + (addrs.empty() ? "" : "\n" + addrs);
  }
  n.tooltip = s.name + (s.kind == SpeakerKind::CalicoNode ? " (Calico node" : " (router " + s.role) + ", " +
              as_text(s.as) + (addrs.empty() ? "" : ", " + join_addresses(s.addresses, 99)) + ")";
  return n;
}

// ---- sessions ---------------------------------------------------------------------------------

struct End {
  sim::SpeakerId speaker = 0;
  sim::SessionStatus status;
};

// One session of the picture: both ends, or only one (one-sided).
struct Session {
  std::size_t a = 0;             // index into ends
  std::optional<std::size_t> b;  // the other end, if the peer has a session for this one
  Health worse = Health::Up;
  std::string kind;  // mesh, global, node specific, fabric
  bool ebgp = false;
};

// The ends of every session, paired: the other end of A's session to address P is the session of
// P's owner whose peer address is one of A's addresses of the same family.
std::vector<Session> pair_sessions(const sim::Network& net, const std::vector<SpeakerInfo>& speakers,
                                   std::vector<End>& ends) {
  // Ends by (speaker, peer address), in order: finding the other end is a lookup, not a scan (a
  // mesh of N nodes has N(N-1) ends).
  std::map<std::pair<sim::SpeakerId, IpAddr>, std::vector<std::size_t>> by_peer_address;
  for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id)
    for (auto& s : net.sessions(id)) {
      by_peer_address[{id, s.peer_address}].push_back(ends.size());
      ends.push_back({id, std::move(s)});
    }
  std::vector<std::optional<std::size_t>> partner(ends.size());
  std::vector<Session> out;
  for (std::size_t i = 0; i < ends.size(); ++i) {
    if (partner[i]) continue;
    const auto& e = ends[i];
    if (auto b = net.find_speaker(e.status.peer_speaker)) {
      for (const auto& own : net.speaker_config(e.speaker).addresses) {
        if (own.family != e.status.peer_address.family) continue;
        auto it = by_peer_address.find({*b, own});
        if (it == by_peer_address.end()) continue;
        for (std::size_t j : it->second)
          if (j != i && !partner[j]) {
            partner[i] = j;
            partner[j] = i;
            break;
          }
        if (partner[i]) break;
      }
    }
    Session s;
    s.a = i;
    s.b = partner[i];
    s.worse = health(e.status);
    if (s.b) s.worse = std::max(s.worse, health(ends[*s.b].status));
    // The type a Calico node gives the session (what calicoctl node status shows); between two
    // routers, fabric.
    const End* calico = nullptr;
    if (speakers[e.speaker].kind == SpeakerKind::CalicoNode)
      calico = &e;
    else if (s.b && speakers[ends[*s.b].speaker].kind == SpeakerKind::CalicoNode)
      calico = &ends[*s.b];
    s.kind = type_name(calico ? calico->status.type : PeerType::Fabric);
    AsNumber peer_as = s.b ? speakers[ends[*s.b].speaker].as : e.status.peer_as;
    s.ebgp = speakers[e.speaker].as != peer_as;
    out.push_back(std::move(s));
  }
  return out;
}

std::string end_text(const End& e) {
  return e.status.speaker + " " + e.status.protocol + ": " + std::string(bgp::to_string(e.status.proto)) +
         " " + e.status.info();
}

// ---- legend -----------------------------------------------------------------------------------

void add_node_sample(GraphView& v, const std::string& group, const std::string& text,
                     const std::string& shape, const std::string& fill) {
  LegendEntry e;
  e.group = group;
  e.text = text;
  e.sample = LegendEntry::Sample::Node;
  e.shape = shape;
  e.fill = fill;
  v.legend.push_back(std::move(e));
}

void add_edge_sample(GraphView& v, const std::string& group, const std::string& text,
                     const std::string& color, const std::string& style, double penwidth) {
  LegendEntry e;
  e.group = group;
  e.text = text;
  e.sample = LegendEntry::Sample::Edge;
  e.color = color;
  e.style = style;
  e.penwidth = penwidth;
  v.legend.push_back(std::move(e));
}

void add_note(GraphView& v, const std::string& text) {
  LegendEntry e;
  e.group = "notes";
  e.text = text;
  v.legend.push_back(std::move(e));
}

void add_shape_legend(GraphView& v) {
  std::set<std::string> kinds;
  bool reflecting_router = false;
  for (const auto& n : v.nodes) {
    kinds.insert(n.kind);
    reflecting_router = reflecting_router || (n.kind == "router" && n.peripheries > 1);
  }
  if (kinds.count("calico-node")) add_node_sample(v, "shapes", "Calico node", "ellipse", "");
  if (kinds.count("reflector")) add_node_sample(v, "shapes", "route reflector", "hexagon", "");
  if (kinds.count("router")) add_node_sample(v, "shapes", "router (ToR, spine, border)", "box", "");
  if (reflecting_router) {
    add_node_sample(v, "shapes", "double outline: router that reflects routes", "box", "");
    v.legend.back().style = "double";
  }
  if (kinds.count("group")) add_node_sample(v, "shapes", "Calico nodes of one rack or segment", "box3d", "");
  if (kinds.count("mesh")) add_node_sample(v, "shapes", "node-to-node mesh bundle", "doublecircle", "");
  if (kinds.count("address")) add_node_sample(v, "shapes", "address nobody owns", "plaintext", "");
  if (kinds.count("segment")) add_node_sample(v, "shapes", "L2 segment", "box", kNeutralFill);
}

void add_as_legend(GraphView& v, const AsColors& colors) {
  constexpr std::size_t kMaxListed = 12;
  if (colors.all().size() > kMaxListed) {
    add_note(v, "fill: one colour per AS (" + std::to_string(colors.all().size()) +
                    " ASes; the palette repeats after " + std::to_string(as_palette().size()) + ")");
    return;
  }
  for (AsNumber as : colors.all()) add_node_sample(v, "AS", as_text(as), "box", colors.of(as));
}

void add_session_legend(GraphView& v) {
  add_edge_sample(v, "state", "Established", kUpColor, "solid", 2.0);
  add_edge_sample(v, "state", "Connect, Active, OpenSent, OpenConfirm", kConnectingColor, "solid", 2.0);
  add_edge_sample(v, "state", "Idle or down", kDownColor, "solid", 2.0);
  std::set<std::string> kinds;
  bool ebgp = false, one_sided = false;
  for (const auto& e : v.edges) {
    kinds.insert(e.kind);
    ebgp = ebgp || e.color.find(":invis:") != std::string::npos;
    one_sided = one_sided || e.one_sided;
  }
  for (const char* k : {"node-to-node mesh", "node specific", "global", "fabric"})
    if (kinds.count(k))
      add_edge_sample(v, "type", std::string(k) + (std::string(k) == "fabric" ? " (router to router)" : ""),
                      "#000000", "solid", type_penwidth(k));
  if (ebgp)
    add_edge_sample(v, "type", "double line: eBGP (the ends are in different ASes)", "#000000:invis:#000000",
                    "solid", 1.5);
  if (one_sided)
    add_edge_sample(v, "type", "dashed arrow: one-sided (the peer has no session for it)", "#000000",
                    "dashed", 1.5);
}

// ---- aggregation ------------------------------------------------------------------------------

struct Tally {
  std::size_t sessions = 0;
  std::array<std::size_t, 3> by_health{};
  Health worse = Health::Up;
  std::string kind;
  bool ebgp = false, one_sided = false;
  std::vector<std::string> samples;  // a few session names for the tooltip
  void add(Health h) {
    ++sessions;
    ++by_health[static_cast<std::size_t>(h)];
    worse = std::max(worse, h);
  }
};

std::string tally_label(const Tally& t, const std::string& first) {
  std::string l = first;
  std::string bad;
  if (t.by_health[2]) bad += std::to_string(t.by_health[2]) + " down";
  if (t.by_health[1]) bad += (bad.empty() ? "" : ", ") + std::to_string(t.by_health[1]) + " connecting";
  if (!bad.empty()) l += "\n" + bad;
  return l;
}

double count_penwidth(double base, std::size_t n) {
  return std::min(6.0, base + std::log2(static_cast<double>(std::max<std::size_t>(n, 1))) * 0.4);
}

}  // namespace

// ---- public -----------------------------------------------------------------------------------

const std::vector<std::string>& as_palette() {
  // Light, distinguishable fills (ColorBrewer Paired/Set3 lights) that keep black text readable.
  static const std::vector<std::string> palette = {"#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6",
                                                   "#ffff99", "#8dd3c7", "#fccde5", "#d9d9d9",
                                                   "#bebada", "#ccebc5", "#ffed6f", "#80b1d3"};
  return palette;
}

const GvNode* GraphView::find_node(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

bool GraphView::legend_mentions(const std::string& text) const {
  return std::any_of(legend.begin(), legend.end(),
                     [&](const LegendEntry& e) { return e.text.find(text) != std::string::npos; });
}

GraphView sessions_view(const Topology& t, const sim::Network& net, const ViewOptions& o) {
  GraphView v;
  Placement place(t);
  AsColors colors;
  std::vector<SpeakerInfo> speakers;
  for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id) {
    speakers.push_back(describe(t, place, net.speaker_config(id), net.sessions(id)));
    colors.add(speakers.back().as);
  }
  std::vector<End> ends;
  auto sessions = pair_sessions(net, speakers, ends);
  v.aggregated = net.speaker_count() > o.aggregate_above;

  // Clusters (racks, segments), in the order of their first speaker.
  std::map<std::string, Home> homes;
  std::vector<std::string> home_order;
  for (const auto& s : speakers)
    if (!s.home.key.empty() && homes.emplace(s.home.key, s.home).second) home_order.push_back(s.home.key);
  const bool clusters = want_clusters(homes);
  auto cluster_of = [&](const Home& h) {
    return clusters && !h.key.empty() ? cluster_id(h.key) : std::string();
  };

  // Which vertex stands for a speaker: itself, or (aggregated) its rack's or segment's box.
  auto individual = [&](const SpeakerInfo& s) { return !v.aggregated || s.view_kind != "calico-node"; };
  auto group_id = [](const Home& h) {
    return "group " + (h.key.empty() ? std::string("(no segment)") : h.key);
  };
  std::vector<std::string> rep(speakers.size());
  struct Group {
    Home home;
    std::size_t count = 0;
    std::set<AsNumber> ases;
  };
  std::map<std::string, Group> groups;
  std::vector<std::string> group_order;
  for (std::size_t i = 0; i < speakers.size(); ++i) {
    const auto& s = speakers[i];
    if (individual(s)) {
      rep[i] = s.name;
      continue;
    }
    rep[i] = group_id(s.home);
    auto [it, inserted] = groups.try_emplace(rep[i]);
    if (inserted) {
      it->second.home = s.home;
      group_order.push_back(rep[i]);
    }
    ++it->second.count;
    it->second.ases.insert(s.as);
  }

  // Vertices: speakers (or their boxes) in speaker order, then the addresses nobody owns.
  std::set<std::string> drawn;
  std::set<std::string> used_clusters;
  for (std::size_t i = 0; i < speakers.size(); ++i) {
    if (!drawn.insert(rep[i]).second) continue;
    const auto& s = speakers[i];
    if (individual(s)) {
      GvNode n = speaker_node(s, colors);
      n.cluster = cluster_of(s.home);
      v.nodes.push_back(std::move(n));
    } else {
      const Group& g = groups[rep[i]];
      GvNode n;
      n.id = rep[i];
      n.kind = "group";
      n.shape = "box3d";
      n.fill = g.ases.size() == 1 ? colors.of(*g.ases.begin()) : kNeutralFill;
      std::string ases;
      for (AsNumber as : g.ases) ases += (ases.empty() ? "" : ", ") + std::to_string(as);
      // The rack or segment is named by its cluster's frame, or (without one) on the box itself.
      n.label = plural(g.count, "Calico node", "Calico nodes") + "\n" +
                (g.ases.size() == 1 ? "AS " : "ASes ") + ases;
      n.tooltip = (g.home.label.empty() ? std::string("no segment") : g.home.label) + ": " + n.label;
      n.cluster = cluster_of(g.home);
      v.nodes.push_back(std::move(n));
    }
    if (!v.nodes.back().cluster.empty()) used_clusters.insert(v.nodes.back().cluster);
  }
  auto address_vertex = [&](const End& e) {
    const auto& st = e.status;
    std::string id = "addr " + to_string(st.peer_address);
    if (drawn.insert(id).second) {
      GvNode n;
      n.id = id;
      n.kind = "address";
      n.shape = "plaintext";
      n.style = "solid";
      n.label = to_string(st.peer_address) + "\n" +
                (st.peer_speaker.empty() ? std::string("(nobody)") : "(" + st.peer_speaker + ", no BGP)");
      n.tooltip = "nobody running BGP has address " + to_string(st.peer_address);
      v.nodes.push_back(std::move(n));
    }
    return id;
  };

  // Edges.
  auto peer_vertex = [&](const Session& s) -> std::pair<std::string, int> {
    const End& a = ends[s.a];
    if (s.b) return {rep[ends[*s.b].speaker], speakers[ends[*s.b].speaker].tier};
    if (auto b = net.find_speaker(a.status.peer_speaker)) return {rep[*b], speakers[*b].tier};
    return {address_vertex(a), kAddress};
  };
  std::size_t established = 0, one_sided = 0;
  for (const auto& s : sessions) {
    established += s.worse == Health::Up;
    one_sided += !s.b;
  }

  if (!v.aggregated) {
    std::vector<Family> families;  // of each edge's session
    for (const auto& s : sessions) {
      const End& a = ends[s.a];
      auto [peer, peer_tier] = peer_vertex(s);
      GvEdge e;
      e.kind = s.kind;
      e.state = health_name(s.worse);
      e.color = edge_color(health_color(s.worse), s.ebgp);
      e.penwidth = type_penwidth(s.kind);
      e.one_sided = !s.b;
      const std::string self = rep[a.speaker];
      int self_tier = speakers[a.speaker].tier;
      bool self_first =
          self_tier < peer_tier || (self_tier == peer_tier && (!s.b || a.speaker < ends[*s.b].speaker));
      e.from = self_first ? self : peer;
      e.to = self_first ? peer : self;
      if (e.one_sided) {
        e.style = "dashed";
        e.dir = self_first ? "forward" : "back";
      }
      // Ends that are not up say why, in BIRD's words.
      const End* worse = &a;
      if (s.b && health(ends[*s.b].status) > health(a.status)) worse = &ends[*s.b];
      if (s.worse != Health::Up)
        e.label = (e.one_sided ? "one-sided: " : "") + worse->status.info();
      else if (e.one_sided)
        e.label = "one-sided";
      e.tooltip = end_text(a) +
                  (s.b ? "\n" + end_text(ends[*s.b])
                       : "\n" + to_string(a.status.peer_address) + ": no session for " + a.status.speaker);
      v.edges.push_back(std::move(e));
      families.push_back(a.status.peer_address.family);
    }
    // Two speakers with sessions over both families (a dual-stack mesh): say which edge is which.
    std::map<std::pair<std::string, std::string>, std::set<Family>> between;
    for (std::size_t i = 0; i < v.edges.size(); ++i)
      between[std::minmax(v.edges[i].from, v.edges[i].to)].insert(families[i]);
    for (std::size_t i = 0; i < v.edges.size(); ++i)
      if (between[std::minmax(v.edges[i].from, v.edges[i].to)].size() > 1) {
        std::string family = families[i] == Family::V4 ? "IPv4" : "IPv6";
        v.edges[i].label = v.edges[i].label.empty() ? family : family + ": " + v.edges[i].label;
      }
  } else {
    // Sessions between the same two vertices, of one type, become one edge with a count; the mesh
    // becomes one bundle.
    std::map<std::tuple<std::string, std::string, std::string, bool, bool>, Tally> tallies;
    std::vector<std::tuple<std::string, std::string, std::string, bool, bool>> tally_order;
    std::set<sim::SpeakerId> mesh_members;
    std::map<std::string, Tally> mesh_by_rep;  // sessions touching each vertex's members
    std::vector<std::string> mesh_rep_order;
    Tally mesh_all;
    for (const auto& s : sessions) {
      const End& a = ends[s.a];
      if (s.kind == type_name(PeerType::Mesh)) {
        mesh_all.add(s.worse);
        std::vector<sim::SpeakerId> members{a.speaker};
        if (s.b) members.push_back(ends[*s.b].speaker);
        std::set<std::string> reps;
        for (auto m : members) {
          mesh_members.insert(m);
          reps.insert(rep[m]);
        }
        for (const auto& r : reps) {
          auto [it, inserted] = mesh_by_rep.try_emplace(r);
          if (inserted) mesh_rep_order.push_back(r);
          it->second.add(s.worse);
        }
        continue;
      }
      auto [peer, peer_tier] = peer_vertex(s);
      const std::string self = rep[a.speaker];
      int self_tier = speakers[a.speaker].tier;
      bool self_first = self_tier < peer_tier || (self_tier == peer_tier && self <= peer);
      auto key = std::make_tuple(self_first ? self : peer, self_first ? peer : self, s.kind, s.ebgp, !s.b);
      auto [it, inserted] = tallies.try_emplace(key);
      if (inserted) {
        tally_order.push_back(key);
        it->second.kind = s.kind;
        it->second.ebgp = s.ebgp;
        it->second.one_sided = !s.b;
      }
      it->second.add(s.worse);
      if (it->second.samples.size() < 3) it->second.samples.push_back(end_text(a));
    }
    for (const auto& key : tally_order) {
      const Tally& tl = tallies[key];
      GvEdge e;
      e.from = std::get<0>(key);
      e.to = std::get<1>(key);
      e.kind = tl.kind;
      e.state = health_name(tl.worse);
      e.color = edge_color(health_color(tl.worse), tl.ebgp);
      e.penwidth = count_penwidth(type_penwidth(tl.kind), tl.sessions);
      e.one_sided = tl.one_sided;
      e.sessions = tl.sessions;
      if (tl.one_sided) {
        e.style = "dashed";
        e.dir = "forward";
        e.penwidth = std::min(e.penwidth, 3.0);  // thick dashes read as blocks
      }
      if (tl.sessions > 1 || tl.worse != Health::Up)
        e.label =
            tally_label(tl, (tl.one_sided ? "one-sided: " : "") + plural(tl.sessions, "session", "sessions"));
      for (const auto& x : tl.samples) e.tooltip += (e.tooltip.empty() ? "" : "\n") + x;
      if (tl.sessions > tl.samples.size()) e.tooltip += "\n…";
      v.edges.push_back(std::move(e));
    }
    if (mesh_all.sessions) {
      const std::string head = "mesh: " + plural(mesh_members.size(), "node", "nodes") + ", " +
                               plural(mesh_all.sessions, "session", "sessions");
      if (mesh_by_rep.size() == 1) {
        GvEdge e;
        e.from = e.to = mesh_rep_order.front();
        e.kind = type_name(PeerType::Mesh);
        e.state = health_name(mesh_all.worse);
        e.color = health_color(mesh_all.worse);
        e.penwidth = count_penwidth(type_penwidth(e.kind), mesh_all.sessions);
        e.sessions = mesh_all.sessions;
        e.label = tally_label(mesh_all, head);
        e.tooltip = e.label;
        v.edges.push_back(std::move(e));
      } else {
        GvNode hub;
        hub.id = "mesh";
        hub.kind = "mesh";
        hub.shape = "doublecircle";
        hub.fill = "#ffffff";
        hub.label = tally_label(mesh_all, "mesh: " + plural(mesh_members.size(), "node", "nodes") + ",\n" +
                                              plural(mesh_all.sessions, "session", "sessions"));
        hub.tooltip = head;
        v.nodes.push_back(std::move(hub));
        for (const auto& r : mesh_rep_order) {
          const Tally& tl = mesh_by_rep[r];
          std::size_t members = 0;
          for (auto m : mesh_members) members += rep[m] == r;
          GvEdge e;
          e.from = r;
          e.to = "mesh";
          e.kind = type_name(PeerType::Mesh);
          e.state = health_name(tl.worse);
          e.color = health_color(tl.worse);
          e.penwidth = count_penwidth(type_penwidth(e.kind), tl.sessions);
          e.sessions = tl.sessions;
          e.label = tally_label(tl, plural(members, "node", "nodes"));
          e.tooltip = plural(tl.sessions, "mesh session", "mesh sessions") + " with an end here";
          v.edges.push_back(std::move(e));
        }
      }
    }
  }

  for (const auto& key : home_order) {
    const std::string id = cluster_of(homes[key]);
    if (id.empty() || !used_clusters.count(id)) continue;
    // A box that is alone in its cluster is the cluster: draw it without the frame.
    std::size_t members = 0;
    const GvNode* only = nullptr;
    for (const auto& n : v.nodes)
      if (n.cluster == id) {
        ++members;
        only = &n;
      }
    if (members == 1 && only->kind == "group") {
      for (auto& n : v.nodes)
        if (n.cluster == id) n.cluster.clear();
      continue;
    }
    v.clusters.push_back({id, homes[key].label, homes[key].kind, kClusterFill, ""});
  }
  for (auto& n : v.nodes)
    if (n.kind == "group" && n.cluster.empty()) {
      const Home& h = groups[n.id].home;
      n.label = (h.label.empty() ? std::string("no segment") : h.label) + "\n" + n.label;
    }

  // A mesh-dominated picture without racks or segments reads best in a circle.
  std::size_t mesh_edges = 0;
  for (const auto& e : v.edges) mesh_edges += e.kind == type_name(PeerType::Mesh);
  if (!v.aggregated && v.clusters.empty() && speakers.size() >= 3 && 2 * mesh_edges >= v.edges.size())
    v.layout = "circo";
  // Drawn one by one although big (a raised --aggregate-above): a force-directed layout copes.
  if (!v.aggregated && v.nodes.size() > kLargeView) v.layout = "sfdp";

  // Title and legend.
  std::size_t calico = 0, routers = 0;
  for (const auto& s : speakers) (s.kind == SpeakerKind::CalicoNode ? calico : routers) += 1;
  std::size_t session_ends = ends.size();
  v.title =
      (o.name.empty() ? std::string("BGP sessions") : o.name + ": BGP sessions") + "\n" +
      plural(calico, "Calico node", "Calico nodes") + ", " + plural(routers, "router", "routers") + ", " +
      plural(sessions.size(), "session", "sessions") + " (" + std::to_string(established) + " Established" +
      (one_sided ? ", " + std::to_string(one_sided) + " one-sided" : "") + "), " +
      fixed1(speakers.empty() ? 0.0
                              : static_cast<double>(session_ends) / static_cast<double>(speakers.size())) +
      " sessions per speaker" + (o.when.empty() ? "" : "\n" + o.when);
  add_shape_legend(v);
  add_as_legend(v, colors);
  add_session_legend(v);
  if (v.aggregated)
    add_note(v,
             "aggregated: " + std::to_string(speakers.size()) + " speakers (more than " +
                 std::to_string(o.aggregate_above) +
                 "): the Calico nodes of a rack or segment are drawn as one box, sessions between two "
                 "boxes as one edge with a count, the mesh as one bundle; routers and reflectors one by one");
  return v;
}

GraphView underlay_view(const Topology& t, const ViewOptions& o) {
  GraphView v;
  Placement place(t);
  AsColors colors;

  struct Host {
    std::string name;
    bool router = false;
    std::string view_kind, role;
    bool reflects = false;
    AsNumber as = 0;
    int tier = kNode;
    std::vector<Prefix> addresses;
    std::vector<Home> segments;  // one per address
  };
  std::vector<Host> hosts;
  for (const auto& n : t.nodes) {
    if (!n.has_bgp || (!n.ipv4_address && !n.ipv6_address)) continue;
    Host h;
    h.name = n.name;
    h.as = n.as_number.value_or(t.config.effective_as());
    h.view_kind = n.route_reflector_cluster_id ? "reflector" : "calico-node";
    h.tier = n.route_reflector_cluster_id ? kReflector : kNode;
    if (n.ipv4_address) h.addresses.push_back(*n.ipv4_address);
    if (n.ipv6_address) h.addresses.push_back(*n.ipv6_address);
    hosts.push_back(std::move(h));
  }
  for (const auto& r : t.routers) {
    Host h;
    h.name = r.name;
    h.router = true;
    h.as = r.as_number;
    h.role = std::string(to_string(r.role));
    h.view_kind = r.role == RouterRole::RouteReflector ? "reflector" : "router";
    for (const auto& n : r.neighbors) h.reflects = h.reflects || n.route_reflector_client;
    for (const auto& n : r.neighbor_ranges) h.reflects = h.reflects || n.route_reflector_client;
    h.tier = r.role == RouterRole::Spine || r.role == RouterRole::Border ? kBorder
             : r.role == RouterRole::Tor                                 ? kTor
             : r.role == RouterRole::RouteReflector                      ? kReflector
                                                                         : kRouter;
    h.addresses = r.addresses;
    hosts.push_back(std::move(h));
  }
  for (auto& h : hosts) {
    colors.add(h.as);
    for (const auto& a : h.addresses) h.segments.push_back(place.segment_of(a));
  }
  v.aggregated = hosts.size() > o.aggregate_above;

  // Segments: declared ones in model order, then the implicit subnets in order of first use.
  struct Seg {
    Home home;
    std::string detail;
    int top_tier = kAddress;  // the highest router tier on it
  };
  std::map<std::string, Seg> segs;
  std::vector<std::string> seg_order;
  for (const auto& s : t.segments) {
    Home h = Placement::declared(s);
    if (segs.emplace(h.key, Seg{h, format_duration(s.latency), kAddress}).second) seg_order.push_back(h.key);
  }
  for (const auto& h : hosts)
    for (const auto& s : h.segments)
      if (segs.emplace(s.key, Seg{s, format_duration(100), kAddress}).second) seg_order.push_back(s.key);
  for (const auto& h : hosts)
    if (h.router)
      for (const auto& s : h.segments) segs[s.key].top_tier = std::min(segs[s.key].top_tier, h.tier);

  auto seg_node_id = [](const std::string& key) { return "segment " + key; };
  // A host attached to one segment only is drawn inside that segment's cluster.
  auto single_segment = [](const Host& h) -> std::string {
    std::set<std::string> keys;
    for (const auto& s : h.segments) keys.insert(s.key);
    return keys.size() == 1 ? *keys.begin() : std::string();
  };
  std::set<std::string> clustered;

  for (const auto& key : seg_order) {
    const Seg& s = segs[key];
    GvNode n;
    n.id = seg_node_id(key);
    n.kind = "segment";
    n.shape = "box";
    n.style = "filled,rounded";
    n.fill = kNeutralFill;
    n.label = s.home.label + "\n" + s.detail;
    n.tooltip = "L2 segment " + s.home.label + ", one-way latency " + s.detail;
    n.cluster = cluster_id(key);
    v.nodes.push_back(std::move(n));
  }

  // Hosts (aggregated: plain Calico nodes per segment as one box).
  std::map<std::string, std::size_t> group_count;
  std::map<std::string, std::set<AsNumber>> group_ases;
  std::vector<std::string> group_order;
  for (const auto& h : hosts) {
    std::string home = single_segment(h);
    if (v.aggregated && h.view_kind == "calico-node") {
      std::string key = home.empty() ? h.segments.front().key : home;
      if (group_count[key]++ == 0) group_order.push_back(key);
      group_ases[key].insert(h.as);
      continue;
    }
    SpeakerInfo si;
    si.name = h.name;
    si.kind = h.router ? SpeakerKind::Router : SpeakerKind::CalicoNode;
    si.view_kind = h.view_kind;
    si.role = h.role;
    si.reflects = h.reflects;
    si.as = h.as;
    for (const auto& a : h.addresses) si.addresses.push_back(a.addr);
    GvNode n = speaker_node(si, colors);
    if (!home.empty()) n.cluster = cluster_id(home);
    v.nodes.push_back(std::move(n));
    // Attachments: one edge per address, labelled with it. The highest-tier router of a segment
    // is drawn above it; everything else below.
    for (std::size_t i = 0; i < h.addresses.size(); ++i) {
      const Seg& s = segs[h.segments[i].key];
      GvEdge e;
      bool above = h.router && h.tier <= s.top_tier;
      e.from = above ? h.name : seg_node_id(h.segments[i].key);
      e.to = above ? seg_node_id(h.segments[i].key) : h.name;
      e.kind = "attach";
      e.color = kUnderlayEdge;
      e.label = to_string(h.addresses[i].addr);
      e.tooltip = h.name + " " + to_string(h.addresses[i]) + " on " + s.home.label;
      v.edges.push_back(std::move(e));
    }
  }
  for (const auto& key : group_order) {
    GvNode n;
    n.id = "group " + key;
    n.kind = "group";
    n.shape = "box3d";
    const auto& ases = group_ases[key];
    n.fill = ases.size() == 1 ? colors.of(*ases.begin()) : kNeutralFill;
    std::string as_list;
    for (AsNumber as : ases) as_list += (as_list.empty() ? "" : ", ") + std::to_string(as);
    n.label = plural(group_count[key], "Calico node", "Calico nodes") + "\n" +
              (ases.size() == 1 ? "AS " : "ASes ") + as_list;
    n.tooltip = n.label + " on " + segs[key].home.label;
    n.cluster = cluster_id(key);
    v.nodes.push_back(std::move(n));
    GvEdge e;
    e.from = seg_node_id(key);
    e.to = "group " + key;
    e.kind = "attach";
    e.color = kUnderlayEdge;
    e.sessions = group_count[key];
    e.penwidth = count_penwidth(1.0, group_count[key]);
    e.label = plural(group_count[key], "node", "nodes");
    v.edges.push_back(std::move(e));
  }

  // Links: router to router, or router to segment.
  std::map<std::string, int> tier_of;
  for (const auto& h : hosts) tier_of[h.name] = h.tier;
  for (const auto& l : t.links) {
    auto vertex = [&](const std::string& name) -> std::pair<std::string, int> {
      if (auto it = tier_of.find(name); it != tier_of.end()) return {name, it->second};
      for (const auto& s : t.segments)
        if (s.name == name) return {seg_node_id(Placement::declared(s).key), kAddress};
      return {};
    };
    auto [a, ta] = vertex(l.a);
    auto [b, tb] = vertex(l.b);
    if (a.empty() || b.empty()) continue;  // validation reports unknown link ends
    GvEdge e;
    bool a_first = ta < tb || (ta == tb && a <= b);
    e.from = a_first ? a : b;
    e.to = a_first ? b : a;
    e.kind = "link";
    e.color = "#1f4e79";
    e.penwidth = 2.5;
    e.label = l.name + "\n" + format_duration(l.latency);
    e.tooltip =
        "link " + l.name + " (" + l.a + " - " + l.b + "), one-way latency " + format_duration(l.latency);
    v.edges.push_back(std::move(e));
  }

  for (const auto& key : seg_order) {
    const Seg& s = segs[key];
    v.clusters.push_back({cluster_id(key), "", s.home.kind, kClusterFill, ""});
  }
  // Remove clusters that hold the segment box only.
  for (auto it = v.clusters.begin(); it != v.clusters.end();) {
    std::size_t members = 0;
    for (const auto& n : v.nodes) members += n.cluster == it->id;
    if (members <= 1) {
      for (auto& n : v.nodes)
        if (n.cluster == it->id) n.cluster.clear();
      it = v.clusters.erase(it);
    } else {
      ++it;
    }
  }

  std::size_t calico = 0, routers = 0;
  for (const auto& h : hosts) (h.router ? routers : calico) += 1;
  v.title = (o.name.empty() ? std::string("Underlay") : o.name + ": underlay") + "\n" +
            plural(calico, "Calico node", "Calico nodes") + ", " + plural(routers, "router", "routers") +
            ", " + plural(segs.size(), "L2 segment", "L2 segments") + ", " +
            plural(t.links.size(), "link", "links") + (o.when.empty() ? "" : "\n" + o.when);
  add_shape_legend(v);
  add_as_legend(v, colors);
  add_edge_sample(v, "type", "attachment (labelled with the host's address)", kUnderlayEdge, "solid", 1.0);
  if (!t.links.empty())
    add_edge_sample(v, "type", "link (name and one-way latency)", "#1f4e79", "solid", 2.5);
  if (v.aggregated)
    add_note(v, "aggregated: " + std::to_string(hosts.size()) + " hosts (more than " +
                    std::to_string(o.aggregate_above) +
                    "): the Calico nodes of a segment are drawn as one box with their count");
  return v;
}

}  // namespace peerlab::reports
