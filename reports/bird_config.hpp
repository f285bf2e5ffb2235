// BIRD 2 configuration export: for every speaker of a model (each Calico node and each fabric
// router), the bird.conf that expresses the same peerings calico/node's confd would render
// (calico-model.md §3.2, v3 template semantics), written in BIRD 2 syntax (bird.sgml, 2.0.12).
//
// A pure layer: model → file name → text, no I/O. It reads only the derived SpeakerConfigs
// (topology/peerings.hpp), so what BIRD is told is exactly what peerlab simulates:
// - `router id`; `protocol device`; no kernel protocol at all (routes are never exported to the
//   kernel: the files are for comparison and review, not for forwarding);
// - the node's blocks as static `blackhole` routes (calico/node's bird_ipam), exported through
//   `calico_export_to_bgp_peers` (only prefixes inside the IP pools); routers export everything;
// - `template bgp bgp_template` with the local AS, `multihop`, `gateway recursive`, `import all`,
//   `add paths on` (Calico nodes), the timers (`hold time`, `keepalive time`, `startup hold time`,
//   `connect delay time`, `connect retry time`, `error wait time`, `graceful restart`);
// - one `protocol bgp <name> from bgp_template` per neighbour (Mesh_/Global_/Node_/Peer_): the
//   `local` (source) address, `neighbor … as …`, `passive on`, `rr client` and `rr cluster id`,
//   `allow local as`, `next hop self`/`next hop keep`;
// - neighbour ranges as BIRD 2 dynamic BGP (`neighbor range …`; BIRD names the spawned protocols
//   itself, so they are not called Dyn_<ip> as in peerlab).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "topology/model.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::reports {

struct BirdExportOptions {
  // When set, every session listens and connects on this TCP port (`local … port N`,
  // `neighbor … port N`) instead of 179, so unprivileged daemons can run side by side.
  std::optional<std::uint16_t> port;
  // BIRD `strict bind`: each protocol's listening socket is bound to its local address, so one
  // daemon per loopback address can share a machine (the fidelity harness).
  bool strict_bind = false;
  // Optional `log "FILE" all;` line (the harness keeps one log per daemon).
  std::string log_file;
};

// The configuration of one speaker.
std::string bird_config(const SpeakerConfig& speaker, const BirdExportOptions& options = {});

// The file a speaker's configuration is written to: "<name>.conf".
std::string bird_config_file_name(const SpeakerConfig& speaker);

// The index: one line per speaker with its kind, router id, addresses and file, in derivation order.
std::string bird_index(const std::vector<SpeakerConfig>& speakers);

// Every file of an export: each speaker's configuration and "index.txt".
std::map<std::string, std::string> export_bird(const std::vector<SpeakerConfig>& speakers,
                                               const BirdExportOptions& options = {});

}  // namespace peerlab::reports
