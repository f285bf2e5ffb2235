// BIRD 2 configuration export (see bird_config.hpp): renders derived SpeakerConfigs in calico/node's
// template shape (calico-model.md §3.2), BIRD 2.0.12 syntax.
#include "reports/bird_config.hpp"

#include <sstream>

namespace peerlab::reports {

namespace {

// BIRD's timer options take whole seconds; a fraction is rounded up (the simulator's profiles are
// whole seconds anyway).
std::int64_t seconds(Millis ms) {
  return (ms + 999) / 1000;
}

std::string family_suffix(Family f) {
  return f == Family::V4 ? "" : "6";
}
std::string channel(Family f) {
  return f == Family::V4 ? "ipv4" : "ipv6";
}
std::string export_filter(Family f) {
  return "calico_export_to_bgp_peers" + family_suffix(f);
}
std::string template_name(const SpeakerConfig& s, Family f) {
  return (s.kind == SpeakerKind::CalicoNode ? "bgp_template" : "fabric_template") + family_suffix(f);
}

std::string port_clause(const BirdExportOptions& o) {
  return o.port ? " port " + std::to_string(*o.port) : std::string();
}

// The channel block: what calico/node's template puts in `ipv4 { … }` (import all, export the
// pools, gateway recursive, add paths), plus the per-session next-hop options.
void write_channel(std::ostream& out, const SpeakerConfig& s, Family f, const NeighborConfig* n,
                   const std::string& indent) {
  out << indent << channel(f) << " {\n";
  out << indent << "  import all;\n";
  if (s.export_only_within)
    out << indent << "  export filter " << export_filter(f) << ";\n";
  else
    out << indent << "  export all;\n";
  out << indent << "  gateway recursive;\n";
  if (s.kind == SpeakerKind::CalicoNode) out << indent << "  add paths on;\n";
  if (n && n->next_hop_self) out << indent << "  next hop self;\n";
  if (n && n->next_hop_keep) out << indent << "  next hop keep;\n";
  out << indent << "};\n";
}

void write_timers(std::ostream& out, const TimerConfig& t) {
  out << "  hold time " << seconds(t.hold) << ";\n";
  if (t.keepalive > 0) out << "  keepalive time " << seconds(t.keepalive) << ";\n";
  out << "  startup hold time " << seconds(t.startup_hold) << ";\n";
  out << "  connect delay time " << seconds(t.connect_delay) << ";\n";
  out << "  connect retry time " << seconds(t.connect_retry) << ";\n";
  out << "  error wait time " << seconds(t.error_wait_min) << "," << seconds(t.error_wait_max) << ";\n";
  // Without `graceful restart` BIRD is GR-aware only, which is what peerlab models as "off": a
  // lost session drops the peer's routes at once (bird-behaviour.md (f), f2).
  if (t.graceful_restart) {
    out << "  graceful restart on;\n";
    out << "  graceful restart time " << seconds(t.graceful_restart_time) << ";\n";
  }
}

// Timers shared by every session of the family, taken from the first one (derive_speakers gives
// every session of a speaker the same timers; a session that differs restates its own).
const TimerConfig* family_timers(const SpeakerConfig& s, Family f) {
  for (const auto& n : s.neighbors)
    if (n.peer_address.family == f) return &n.timers;
  for (const auto& r : s.neighbor_ranges)
    if (r.range.addr.family == f) return &r.templ.timers;
  return nullptr;
}

void write_template(std::ostream& out, const SpeakerConfig& s, Family f, const TimerConfig& timers,
                    const BirdExportOptions& o) {
  out << "template bgp " << template_name(s, f) << " {\n";
  out << "  local as " << s.local_as << ";\n";
  out << "  multihop;\n";
  if (o.strict_bind) out << "  strict bind on;\n";
  write_timers(out, timers);
  write_channel(out, s, f, nullptr, "  ");
  out << "}\n\n";
}

void write_session_options(std::ostream& out, const SpeakerConfig& s, const NeighborConfig& n, Family f,
                           const TimerConfig& base) {
  if (n.passive) out << "  passive on;\n";
  if (!n.multihop) out << "  direct;\n";
  if (n.rr_client) out << "  rr client;\n";
  if (auto id = n.rr_cluster_id ? n.rr_cluster_id : (n.peer_as == s.local_as ? s.cluster_id : std::nullopt))
    out << "  rr cluster id " << format_cluster_id(*id) << ";\n";
  if (n.allow_local_as > 0) out << "  allow local as " << n.allow_local_as << ";\n";
  if (!(n.timers == base)) write_timers(out, n.timers);
  if (n.next_hop_self || n.next_hop_keep) write_channel(out, s, f, &n, "  ");
}

std::string safe_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

}  // namespace

std::string bird_config_file_name(const SpeakerConfig& speaker) {
  return safe_name(speaker.name) + ".conf";
}

std::string bird_config(const SpeakerConfig& s, const BirdExportOptions& o) {
  std::ostringstream out;
  bool node = s.kind == SpeakerKind::CalicoNode;
  out << "# " << s.name << ": " << (node ? "Calico node" : "fabric router") << ", AS " << s.local_as
      << ". BIRD 2 configuration exported by peerlab\n";
  out << "# (calico/node's confd template for nodes; no route is exported to the kernel).\n";
  if (!o.log_file.empty()) out << "log \"" << o.log_file << "\" all;\n";
  out << "router id " << format_cluster_id(s.router_id) << ";\n\n";
  out << "protocol device {\n}\n\n";

  for (Family f : {Family::V4, Family::V6}) {
    std::vector<const Prefix*> routes;
    for (const auto& p : s.originated)
      if (p.addr.family == f) routes.push_back(&p);
    if (routes.empty()) continue;
    out << "# "
        << (node ? "The node's blocks (calico/node's bird_ipam: a blackhole route per block)."
                 : "Routes the router originates.")
        << "\n";
    out << "protocol static static" << (f == Family::V4 ? "4" : "6") << " {\n  " << channel(f) << ";\n";
    for (const auto* p : routes) out << "  route " << to_string(*p) << " blackhole;\n";
    out << "}\n\n";
  }

  if (s.export_only_within) {
    for (Family f : {Family::V4, Family::V6}) {
      if (!family_timers(s, f)) continue;
      out << "# Only routes inside the IP pools go to BGP peers.\n";
      out << "filter " << export_filter(f) << " {\n";
      for (const auto& pool : *s.export_only_within)
        if (pool.addr.family == f) out << "  if ( net ~ " << to_string(pool) << " ) then { accept; }\n";
      out << "  reject;\n}\n\n";
    }
  }

  for (Family f : {Family::V4, Family::V6}) {
    const TimerConfig* timers = family_timers(s, f);
    if (!timers) continue;
    write_template(out, s, f, *timers, o);
    for (const auto& n : s.neighbors) {
      if (n.peer_address.family != f) continue;
      out << "protocol bgp " << n.protocol_name << " from " << template_name(s, f) << " {\n";
      if (n.source_address)
        out << "  local " << to_string(*n.source_address) << port_clause(o) << " as " << s.local_as << ";\n";
      out << "  neighbor " << to_string(n.peer_address) << port_clause(o) << " as " << n.peer_as << ";\n";
      write_session_options(out, s, n, f, *timers);
      out << "}\n\n";
    }
    for (const auto& r : s.neighbor_ranges) {
      if (r.range.addr.family != f) continue;
      // BIRD 2 dynamic BGP: sessions accepted from the range are spawned as <prefix><n>.
      out << "protocol bgp " << r.protocol_prefix << "_" << protocol_suffix(r.range.addr) << "_"
          << int(r.range.length) << " from " << template_name(s, f) << " {\n";
      if (r.templ.source_address)
        out << "  local " << to_string(*r.templ.source_address) << port_clause(o) << " as " << s.local_as
            << ";\n";
      out << "  neighbor range " << to_string(r.range) << port_clause(o);
      if (r.peer_as)
        out << " as " << *r.peer_as << ";\n";
      else
        out << " external;\n";
      out << "  dynamic name \"" << r.protocol_prefix << "_\";\n";
      write_session_options(out, s, r.templ, f, *timers);
      out << "}\n\n";
    }
  }
  std::string text = out.str();
  if (text.size() >= 2 && text.substr(text.size() - 2) == "\n\n") text.pop_back();
  return text;
}

std::string bird_index(const std::vector<SpeakerConfig>& speakers) {
  std::ostringstream out;
  out << "# peerlab export bird: one line per speaker\n";
  out << "# speaker kind as router-id addresses file\n";
  for (const auto& s : speakers) {
    out << s.name << " " << (s.kind == SpeakerKind::CalicoNode ? "calico-node" : "router") << " "
        << s.local_as << " " << format_cluster_id(s.router_id) << " ";
    for (std::size_t i = 0; i < s.addresses.size(); ++i) out << (i ? "," : "") << to_string(s.addresses[i]);
    if (s.addresses.empty()) out << "-";
    out << " " << bird_config_file_name(s) << "\n";
  }
  return out.str();
}

std::map<std::string, std::string> export_bird(const std::vector<SpeakerConfig>& speakers,
                                               const BirdExportOptions& options) {
  std::map<std::string, std::string> files;
  for (const auto& s : speakers) files[bird_config_file_name(s)] = bird_config(s, options);
  files["index.txt"] = bird_index(speakers);
  return files;
}

}  // namespace peerlab::reports
