#include "sim/bgp_policy.hpp"

#include <algorithm>
#include <utility>

namespace peerlab::bgp {

namespace {

bool is_unspecified(const IpAddr& a) {
  return std::all_of(a.bytes.begin(), a.bytes.end(), [](std::uint8_t b) { return b == 0; });
}

bool contains(const std::vector<std::uint32_t>& v, std::uint32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::uint32_t session_cluster_id(const SpeakerSettings& speaker, const NeighborConfig& neighbor) {
  if (neighbor.rr_client && neighbor.rr_cluster_id) return *neighbor.rr_cluster_id;
  return speaker.cluster_id.value_or(speaker.router_id);
}

IpAddr session_local_address(const SpeakerSettings& speaker, const NeighborConfig& neighbor) {
  if (neighbor.source_address) return *neighbor.source_address;
  if (!speaker.addresses.empty()) return speaker.addresses.front();
  return IpAddr{};
}

SessionParams session_params(const SpeakerSettings& speaker, const NeighborConfig& neighbor) {
  SessionParams s;
  s.local_as = speaker.local_as;
  s.peer_as = neighbor.peer_as;
  s.ibgp = speaker.local_as == neighbor.peer_as;
  s.rr_client = neighbor.rr_client;
  s.cluster_id = session_cluster_id(speaker, neighbor);
  s.router_id = speaker.router_id;
  s.local_address = session_local_address(speaker, neighbor);
  s.allow_local_as = neighbor.allow_local_as;
  s.next_hop_self = neighbor.next_hop_self;
  s.next_hop_keep = neighbor.next_hop_keep;
  return s;
}

PeerFacts peer_facts(const SessionParams& session, const IpAddr& peer_address, std::uint32_t peer_router_id) {
  PeerFacts f;
  f.address = peer_address;
  f.router_id = peer_router_id;
  f.as = session.peer_as;
  f.ebgp = !session.ibgp;
  f.rr_client = session.rr_client;
  f.cluster_id = session.cluster_id;
  return f;
}

PeerFacts self_facts(const SpeakerSettings& speaker) {
  PeerFacts f;
  f.address = speaker.addresses.empty() ? IpAddr{} : speaker.addresses.front();
  f.router_id = speaker.router_id;
  f.as = speaker.local_as;
  f.cluster_id = speaker.cluster_id.value_or(speaker.router_id);
  return f;
}

// ---- import ----

std::string_view to_string(ImportVerdict v) {
  switch (v) {
    case ImportVerdict::Accept:
      return "accepted";
    case ImportVerdict::AsPathLoop:
      return "AS_PATH loop";
    case ImportVerdict::OriginatorIdLoop:
      return "ORIGINATOR_ID loop";
    case ImportVerdict::ClusterListLoop:
      return "CLUSTER_LIST loop";
  }
  return "?";
}

ImportVerdict check_import(const PathAttributes& received, const SessionParams& session) {
  if (count_as(received, session.local_as) > session.allow_local_as) return ImportVerdict::AsPathLoop;
  if (!session.ibgp) return ImportVerdict::Accept;  // RR attributes are ignored on eBGP
  if (received.originator_id && *received.originator_id == session.router_id) {
    return ImportVerdict::OriginatorIdLoop;
  }
  if (contains(received.cluster_list, session.cluster_id)) return ImportVerdict::ClusterListLoop;
  return ImportVerdict::Accept;
}

ImportResult import_route(AttrId received, const SessionParams& session, AttrTable& table) {
  const PathAttributes& a = table.get(received);
  const ImportVerdict v = check_import(a, session);
  if (v != ImportVerdict::Accept) return {v, kNoAttrs};
  if (session.ibgp || (!a.local_pref && !a.originator_id && a.cluster_list.empty())) return {v, received};
  PathAttributes copy = a;
  copy.local_pref.reset();
  copy.originator_id.reset();
  copy.cluster_list.clear();
  return {v, table.intern(std::move(copy))};
}

// ---- export ----

std::string_view to_string(ExportVerdict v) {
  switch (v) {
    case ExportVerdict::Export:
      return "exported";
    case ExportVerdict::ToSourcePeer:
      return "learnt from this peer";
    case ExportVerdict::IbgpSplitHorizon:
      return "iBGP split horizon";
    case ExportVerdict::ClusterListLoop:
      return "CLUSTER_LIST loop";
    case ExportVerdict::OutsideExportPrefixes:
      return "outside the export prefixes";
  }
  return "?";
}

bool export_filter_allows(const Prefix& prefix, const std::optional<std::vector<Prefix>>& only_within) {
  if (!only_within) return true;
  return std::any_of(only_within->begin(), only_within->end(),
                     [&](const Prefix& pool) { return pool.contains(prefix); });
}

ExportVerdict check_export(const Prefix& prefix, const PathAttributes& attrs, PeerIndex from,
                           const PeerFacts& from_facts, PeerIndex to, const SessionParams& to_session,
                           const std::optional<std::vector<Prefix>>& only_within) {
  if (from == to) return ExportVerdict::ToSourcePeer;
  const bool local = from == kLocalPeer;
  const bool from_ibgp = !local && !from_facts.ebgp;
  if (from_ibgp && to_session.ibgp) {
    if (!from_facts.rr_client && !to_session.rr_client) return ExportVerdict::IbgpSplitHorizon;
    if (to_session.rr_client && contains(attrs.cluster_list, to_session.cluster_id)) {
      return ExportVerdict::ClusterListLoop;
    }
  }
  if (!export_filter_allows(prefix, only_within)) return ExportVerdict::OutsideExportPrefixes;
  return ExportVerdict::Export;
}

PathAttributes export_attributes(const PathAttributes& attrs, PeerIndex from, const PeerFacts& from_facts,
                                 const SessionParams& to_session) {
  PathAttributes out = attrs;
  const bool local = from == kLocalPeer;
  if (!to_session.ibgp) {
    out.as_path.insert(out.as_path.begin(), to_session.local_as);
    const bool keep =
        to_session.next_hop_keep && !to_session.next_hop_self && !local && !is_unspecified(out.next_hop);
    if (!keep) out.next_hop = to_session.local_address;
    out.med.reset();
    out.local_pref.reset();
    out.originator_id.reset();
    out.cluster_list.clear();
    return out;
  }
  if (to_session.next_hop_self || local || is_unspecified(out.next_hop))
    out.next_hop = to_session.local_address;
  if (!out.local_pref) out.local_pref = kDefaultLocalPref;
  const bool reflecting = !local && !from_facts.ebgp;
  if (reflecting) {
    if (!out.originator_id) out.originator_id = from_facts.router_id;
    const std::uint32_t cid = from_facts.rr_client ? from_facts.cluster_id : to_session.cluster_id;
    out.cluster_list.insert(out.cluster_list.begin(), cid);
    if (from_facts.rr_client && to_session.rr_client && from_facts.cluster_id != to_session.cluster_id) {
      out.cluster_list.insert(out.cluster_list.begin(), to_session.cluster_id);
    }
  }
  return out;
}

AttrId export_route(const Prefix& prefix, AttrId attrs, PeerIndex from, const PeerFacts& from_facts,
                    PeerIndex to, const SessionParams& to_session,
                    const std::optional<std::vector<Prefix>>& only_within, AttrTable& table,
                    ExportVerdict* why) {
  const PathAttributes& a = table.get(attrs);
  const ExportVerdict v = check_export(prefix, a, from, from_facts, to, to_session, only_within);
  if (why != nullptr) *why = v;
  if (v != ExportVerdict::Export) return kNoAttrs;
  return table.intern(export_attributes(a, from, from_facts, to_session));
}

PathAttributes local_route_attributes() {
  PathAttributes a;
  a.origin = Origin::Igp;
  return a;
}

}  // namespace peerlab::bgp
