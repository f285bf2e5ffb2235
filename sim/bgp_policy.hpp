// The pure per-route transformations around the RIBs: import checks on what a neighbour sends, the export
// decision (who may receive a route) and the export transformation (which attributes they receive).
//
// Follows RFC 4271 §9.1.1 / §9.1.3 / §5.1, RFC 4456 §6 and §8, and BIRD's proto/bgp/attrs.c
// (bgp_decode_attrs loop checks, bgp_preexport / bgp_import_control, bgp_update_attrs).
//
// Import (RFC 4271 §9.1.1 loop prevention, RFC 4456 §8):
//  - our local AS in the AS_PATH more than `allow local as` times: the route is treated as a withdrawal
//    when the UPDATE is decoded (BIRD; it never reaches the import filter, nothing is logged); this also
//    applies on iBGP sessions (bird-behaviour.md (e));
//  - ORIGINATOR_ID equal to our router id, or CLUSTER_LIST containing the cluster id of the receiving
//    session: treated as a withdrawal as well;
//  - on eBGP sessions LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST are ignored and removed (RFC 4271 §5.1.5;
//    BIRD drops attributes not allowed on eBGP), so they take no part in the loop checks.
// Export decision (RFC 4271 §9.1.3, RFC 4456 §6):
//  - never back to the neighbour the route came from (BIRD "Reject our routes");
//  - iBGP-learnt routes go to iBGP neighbours only by reflection: from a client to everyone, from a
//    non-client to clients only; eBGP-learnt and local routes go everywhere;
//  - not to a client whose session's cluster id is already in the CLUSTER_LIST (BIRD bgp_preexport);
//  - only prefixes inside the export pools when the speaker has them (Calico's `calico_pools` filter,
//    `net ~ pool`).
// Export transformation:
//  - eBGP: prepend our AS; NEXT_HOP = our session address unless `next hop keep`; no LOCAL_PREF, MED,
//    ORIGINATOR_ID or CLUSTER_LIST (MED "MUST NOT be propagated to other neighboring ASes", §5.1.4);
//  - iBGP: keep NEXT_HOP unless `next hop self` or the route is ours (next hop = our address);
//    LOCAL_PREF 100 when absent (BIRD `default bgp_local_pref`);
//  - reflection (iBGP to iBGP): ORIGINATOR_ID = the router id of the neighbour we learnt it from, if absent;
//    prepend the cluster id of the client side (the source session's if the source is a client, else the
//    target session's); between two clients with different cluster ids, prepend the target's too (BIRD).
//
// RFC says / we do:
//  - BIRD reads `rr cluster id` only on `rr client` sessions; elsewhere the session's cluster id is the
//    router id. peerlab adds a speaker-wide default (SpeakerConfig::cluster_id, for fabric routers that
//    use one cluster id on every session) that comes before the router id.
//  - BIRD 1.x keeps a MED as 0 instead of removing it on eBGP export; we remove it (BIRD 2). The decision
//    treats a missing MED as 0, so only `show route all` differs.
//  - BIRD keeps the received NEXT_HOP on a single-hop eBGP session when the next hop is on the shared
//    interface (third-party next hop); we have no interfaces and always set next hop self on eBGP.
//  - Communities (NO_EXPORT...) are not modelled.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/bgp_attrs.hpp"
#include "sim/bgp_decision.hpp"
#include "sim/bgp_rib.hpp"
#include "topology/ip.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::bgp {

// What the policy needs to know about one session, from our side.
// (Ordered by alignment: the simulator keeps one per session end.)
struct SessionParams {
  AsNumber local_as = 0;
  AsNumber peer_as = 0;
  std::uint32_t cluster_id = 0;  // the cluster id in effect on this session
  std::uint32_t router_id = 0;   // our BGP identifier
  int allow_local_as = 0;        // BIRD `allow local as N`
  IpAddr local_address;          // our end of the session: the NEXT_HOP we set
  bool ibgp = false;             // local_as == peer_as
  bool rr_client = false;        // the neighbour is our route-reflector client
  bool next_hop_self = false;
  bool next_hop_keep = false;
  bool operator==(const SessionParams&) const = default;
};

// The session's cluster id: the neighbour's `rr cluster id` on a client session, else the speaker's
// default cluster id, else the router id.
std::uint32_t session_cluster_id(const SpeakerSettings& speaker, const NeighborConfig& neighbor);
// Our address on the session: the neighbour's source address, else the speaker's first address, else
// 0.0.0.0.
IpAddr session_local_address(const SpeakerSettings& speaker, const NeighborConfig& neighbor);
SessionParams session_params(const SpeakerSettings& speaker, const NeighborConfig& neighbor);

// The facts the RIB keeps about a neighbour once its OPEN is in.
PeerFacts peer_facts(const SessionParams& session, const IpAddr& peer_address, std::uint32_t peer_router_id);
// The facts used for the speaker's own routes (kLocalPeer).
PeerFacts self_facts(const SpeakerSettings& speaker);

// ---- import ----

enum class ImportVerdict : std::uint8_t { Accept, AsPathLoop, OriginatorIdLoop, ClusterListLoop };
std::string_view to_string(ImportVerdict v);  // "accepted", "AS_PATH loop", "ORIGINATOR_ID loop", ...

ImportVerdict check_import(const PathAttributes& received, const SessionParams& session);

struct ImportResult {
  ImportVerdict verdict = ImportVerdict::Accept;
  AttrId attrs = kNoAttrs;  // what to store in the Adj-RIB-In; kNoAttrs = treat as withdrawn
  bool operator==(const ImportResult&) const = default;
};
// Checks a received route and returns the attributes to store (stripped of eBGP-ignored attributes).
ImportResult import_route(AttrId received, const SessionParams& session, AttrTable& table);

// ---- export ----

enum class ExportVerdict : std::uint8_t {
  Export,
  ToSourcePeer,      // the neighbour we learnt it from
  IbgpSplitHorizon,  // iBGP-learnt, neither side a route-reflector client
  ClusterListLoop,   // the target client's cluster id is in the CLUSTER_LIST
  OutsideExportPrefixes,
};
std::string_view to_string(ExportVerdict v);

// Whether `prefix` passes the speaker's export filter (nullopt = export everything).
bool export_filter_allows(const Prefix& prefix, const std::optional<std::vector<Prefix>>& only_within);

// May the route learnt from `from` (kLocalPeer for our own) be sent to `to`?
ExportVerdict check_export(const Prefix& prefix, const PathAttributes& attrs, PeerIndex from,
                           const PeerFacts& from_facts, PeerIndex to, const SessionParams& to_session,
                           const std::optional<std::vector<Prefix>>& only_within);

// The attributes `to` receives (assumes check_export said Export).
PathAttributes export_attributes(const PathAttributes& attrs, PeerIndex from, const PeerFacts& from_facts,
                                 const SessionParams& to_session);

// Both steps: the interned attributes to advertise to `to`, or kNoAttrs when the route must not be sent
// (then `why`, if given, says why).
AttrId export_route(const Prefix& prefix, AttrId attrs, PeerIndex from, const PeerFacts& from_facts,
                    PeerIndex to, const SessionParams& to_session,
                    const std::optional<std::vector<Prefix>>& only_within, AttrTable& table,
                    ExportVerdict* why = nullptr);

// The attributes of a route the speaker originates (a Calico block): ORIGIN IGP, empty AS_PATH, no
// NEXT_HOP (export sets it to the session address), as BIRD's static/blackhole routes.
PathAttributes local_route_attributes();

}  // namespace peerlab::bgp
