// What people see of a simulation: calicoctl's `node status` table (the source document's form),
// the whole-cluster session table of `peerlab status` (both ends of every session, with the reason
// a session is not up, in BIRD's words and in plain words), a speaker's routes with the rule that
// made each best, and the summary of `peerlab simulate`. Pure functions of observations.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/network.hpp"

namespace peerlab::reports {

// calicoctl node status for one Calico node: the "calico-node container is running" line, then
// an IPv4 and an IPv6 section as the source document shows them.
std::string node_status(const sim::Network& net, sim::SpeakerId node);
// The same table from sessions observed earlier (a scenario's `calicoctl node status` step): the
// container's uptime, and the start-of-day offset of the Since column (SimOptions::epoch_of_day).
std::string node_status(const std::vector<sim::SessionStatus>& sessions, sim::Time uptime,
                        sim::Time epoch_of_day = sim::SimOptions{}.epoch_of_day);

// Every session of the network (or of one speaker), one row per session end, with the other
// end's view beside it.
std::string cluster_status(const sim::Network& net, std::optional<sim::SpeakerId> only);

// A speaker's routes: prefix, next hop, AS path, origin, local pref, originator, cluster list,
// where it came from, and which decision rule made the best one best.
std::string routes_table(const sim::Network& net, sim::SpeakerId speaker, const std::optional<Prefix>& prefix);

// The summary of a run: outcome, when sessions came up, when the network converged, counts.
std::string simulate_summary(const sim::Network& net, const sim::RunResult& result);

}  // namespace peerlab::reports
