// Peering derivation: what each speaker runs, derived from the model the way calico/node's confd
// renders BIRD's configuration (calico-model.md §3), plus the fabric routers' own declarations.
//
// For a Calico node (v3 template semantics unless noted):
// - local AS: the node's asNumber, else the cluster default;
// - Mesh_<ip>: one per other BGP node with an address of the same family while the mesh is on;
//   "self" is recognised by address; the mesh is one-way: a node is passive towards a peer whose
//   address compares greater *as a string* (the template's `gt`), so the greater side connects;
// - Global_<ip>: every global peer (v1 global bgpPeer, v3 BGPPeer with neither node nor
//   nodeSelector), skipping the node's own address;
// - Node_<ip>: the node's own node-scope peers, v3 peers whose nodeSelector matches the node, and
//   every address of the nodes a peerSelector matches; a node-specific peer to an address that is
//   already a global peer is skipped (v3 confd's dedup);
// - v3 BGPPeers also render their reverse (confd's third pass): the selected peer nodes, or the
//   Calico node owning peerIP with that AS, peer back; an explicit peering wins. v1 resources
//   render as the v1 templates did, without a reverse;
// - route reflection (v3 rule): a session is to an RR client when it is iBGP, this node has a
//   routeReflectorClusterID, and the peer's cluster id differs; `rr cluster id` is set on client
//   sessions only, as calico/node does;
// - originated routes: the node's IPAM blocks (/26 IPv4, /122 IPv6, `blocks_per_node` of each
//   from the first enabled pool of the family); export only within the pools (calico_pools).
//   With no pool declared at all, calico/node's default pools 192.168.0.0/16 and
//   fd80:24e2:f998:72d6::/64 apply.
#pragma once

#include <vector>

#include "topology/model.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab {

struct DeriveOptions {
  int blocks_per_node = 1;
};

// One SpeakerConfig per BGP-running Calico node that has an address (model order), then one per
// router (model order).
std::vector<SpeakerConfig> derive_speakers(const Topology& t, const DeriveOptions& opts = {});

// Calico's default pools, used when a topology declares none.
std::vector<Prefix> default_pools();

}  // namespace peerlab
