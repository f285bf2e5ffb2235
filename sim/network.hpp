// The simulated network: every speaker (Calico node or fabric router) running BGP over the
// underlay, driven by the event kernel. This is where sessions (FSM + timers + one TCP
// connection), messages and route processing meet (style.md practice 5: sessions and the RIB meet
// only through messages and the actions of the FSM step).
//
// What is modelled
// - TCP (RFC 793 only as far as BGP sees it): a connect to an address nobody owns, or across a
//   path that is down, gets no answer (the session sits in Connect until ConnectRetry); to a host
//   whose BGP process is not running it is refused; to a speaker that has no neighbour (or
//   neighbour range) for the caller's address it is accepted and closed at once, as BIRD does
//   ("Unexpected connect from unknown address"). A speaker whose session is in error wait closes
//   incoming connections too. Collisions (RFC 4271 §6.8) are resolved at the connection: while a
//   speaker's own connect is pending, it accepts the peer's only if its BGP identifier is the
//   lower one, so the connection opened by the higher identifier survives.
// - Messages take the underlay's one-way latency, in order per direction, and are lost when the
//   path is down at delivery.
// - OPEN checks (RFC 4271 §6.2): peer AS ("Bad peer AS", 2/2), BGP identifier equal to ours on
//   iBGP ("Bad BGP identifier", 2/3); hold time negotiation.
// - Route processing is instantaneous at message arrival: import (loop checks), decision, and
//   export of the differences, packed into UPDATEs per neighbour at the end of the event.
// - Timers and jitter follow BIRD (bird-behaviour.md); each session draws from its own seeded
//   random stream, so results do not depend on the order sessions are created in.
// - Graceful restart (receiving side) when both ends enable it: a lost connection keeps the
//   peer's routes as stale until the restart time or the peer's End-of-RIB.
// - Configuration changes arrive as new SpeakerConfigs and are applied like BIRD's reconfigure:
//   only sessions whose configuration changed restart; a changed export set re-announces.
//
// Convergence: the network is converged when no message is in flight and nothing observable (a
// protocol state, an Established session, a best route) has changed for a settle window — zero
// when every session is Established, otherwise the longest retry cycle configured (connect delay,
// connect retry, error wait maximum), since a session that is not up may still come up on its
// next attempt. The run reports the time of the last change as the convergence time.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/bgp_attrs.hpp"
#include "sim/bgp_decision.hpp"
#include "sim/bgp_fsm.hpp"
#include "sim/kernel.hpp"
#include "sim/time.hpp"
#include "topology/model.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::sim {

using SpeakerId = std::uint32_t;
class Underlay;

struct SimOptions {
  std::uint64_t seed = 1;
  // Every run has limits, even when the user sets none.
  Time time_limit = 3600 * kSecond;
  std::uint64_t event_limit = 200'000'000;
  // The wall-clock time that simulated time 0 shows as in "Since" columns.
  Time epoch_of_day = time_of_day(16, 0, 0);
  // When set, every BGP message and FSM transition is written here as one JSON object per line.
  std::ostream* trace = nullptr;
  // Hold and keepalive timers: false (the default) runs them as the kernel's re-armable timers,
  // which cost no queue operation when a message restarts them; true schedules and cancels an
  // event per restart. Both give identical runs (events, order, fingerprint, counters) when
  // keepalives are events (analytic_keepalives false; detailed_timers implies it); the switch
  // exists to check that, and to measure the difference.
  bool detailed_timers = false;
  // Keepalives in steady state: true models them analytically. While a session is Established
  // and its path is up, its keepalives are not events: they are counted when needed and turned
  // back into events before a fault, a reconfiguration or any other FSM event can make them
  // matter. Sessions, routes, timers and counters stay exactly those of the event model; only
  // the kernel's event count and fingerprint differ (fewer events). Needs the re-armable timers
  // (ignored with detailed_timers) and no trace (which lists every keepalive).
  bool analytic_keepalives = true;
};

// One end of one BGP session, as BIRD's `show protocols` and calicoctl's `node status` see it.
struct SessionStatus {
  std::string speaker;
  std::string protocol;  // Mesh_10_0_0_2, Global_…, Node_…, Peer_…, Dyn_…
  PeerType type = PeerType::Mesh;
  IpAddr peer_address;
  AsNumber peer_as = 0;
  std::string peer_speaker;  // who owns peer_address; empty when nobody does
  bgp::ProtoState proto = bgp::ProtoState::Start;
  bgp::State state = bgp::State::Idle;
  bool passive = false;
  bool rr_client = false;  // RFC 4456: the neighbour is our route-reflector client
  bgp::LastError last_error;
  Time since = 0;                      // last protocol state change
  std::optional<Time> established_at;  // the last time it became Established
  std::uint64_t updates_received = 0, updates_sent = 0;
  std::size_t routes_imported = 0;  // routes from this peer in the Adj-RIB-In

  std::string info() const { return bgp::info_text(proto, state, passive, last_error); }
};

// A route in a speaker's tables: every candidate per prefix, the best one marked with the rule
// that made it best.
struct RouteView {
  Prefix prefix;
  bool best = false;
  bool local = false;    // originated by this speaker
  bool stale = false;    // kept by graceful restart
  std::string protocol;  // the session it came from ("" for local routes)
  IpAddr from;           // the neighbour's address
  bgp::PathAttributes attrs;
  bgp::Rule rule = bgp::Rule::OnlyCandidate;  // for the best route
};

struct NetworkCounters {
  std::uint64_t events = 0;
  std::uint64_t opens = 0, updates = 0, keepalives = 0, notifications = 0;
  std::uint64_t prefixes_announced = 0, prefixes_withdrawn = 0;
  std::uint64_t connects = 0;
  std::uint64_t best_changes = 0;
};

struct RunResult {
  Outcome outcome = Outcome::TimeLimit;
  Time time = 0;                     // simulated time when the run returned
  std::optional<Time> converged_at;  // the last observable change, when converged
  std::uint64_t events = 0;          // events of this run
};

class Network {
 public:
  // The topology is read here (for the underlay) and not kept.
  Network(const Topology& topology, std::vector<SpeakerConfig> speakers, SimOptions options = {});
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Runs until converged or a limit; the limits of SimOptions apply to the whole life of the network.
  RunResult run();
  // Runs until simulated time `t` (inclusive) and stops there whatever the state, so that the
  // state "at t" can be inspected or changed before going on.
  RunResult run_until(Time t);
  Time now() const;
  // The time of the earliest pending event (nullopt when none), so that a caller can step event
  // time by event time with run_until and observe the network after each.
  std::optional<Time> next_event_time() const;

  // Configuration change (a calicoctl command applied to the live model, re-derived). The
  // topology gives the underlay (nodes may have been added or moved); faults in force stay.
  void reconfigure(const Topology& topology, const std::vector<SpeakerConfig>& speakers);
  // Faults. stop/start: the BGP process is killed (its TCP connections close at once) and started.
  // fail/recover: the host goes silent (powered off, its peers notice by hold timer) and returns.
  bool stop_speaker(const std::string& name);
  bool start_speaker(const std::string& name);
  bool fail_host(const std::string& name);
  bool recover_host(const std::string& name);
  bool set_link_up(const std::string& name, bool up);
  bool set_segment_up(const std::string& name, bool up);

  // Observations.
  std::size_t speaker_count() const;
  // The underlay as it is now (with the faults in force).
  const Underlay& underlay() const;
  std::optional<SpeakerId> find_speaker(const std::string& name) const;
  // The speaker's configuration but its neighbours (see sessions() for those).
  const SpeakerSettings& speaker_config(SpeakerId id) const;
  bool speaker_running(SpeakerId id) const;
  std::vector<SessionStatus> sessions(SpeakerId id) const;
  std::vector<RouteView> routes(SpeakerId id) const;
  std::size_t best_route_count(SpeakerId id) const;
  // Session ends (both ends of a session count) that are configured and Established, over all
  // speakers; cheaper than summing sessions().
  std::size_t established_session_ends() const;
  const NetworkCounters& counters() const;
  std::uint64_t fingerprint() const;
  // When nothing has changed since: the time of the last observable change.
  Time last_change() const;
  Time epoch_of_day() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

std::string_view to_string(PeerType t);  // "node-to-node mesh", "global", "node specific", "fabric"

}  // namespace peerlab::sim
