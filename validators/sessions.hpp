// Session diagnosis: why a session is not Established, in plain words, from what both ends of it
// show after simulation (the error BIRD remembers, who owns the peer address, whether the peer
// has a session back, passive ends). Used by `peerlab status` and by the session check.
#pragma once

#include <string>

#include "sim/network.hpp"

namespace peerlab::validators {

// "" when the session is Established.
std::string explain_session(const sim::Network& net, const sim::SessionStatus& s);

// The session on the peer speaker that points back at `self` (by address), or nullptr.
const sim::SessionStatus* remote_end(const std::vector<sim::SessionStatus>& remote_sessions,
                                     const SpeakerSettings& self);
// The result points into the vector: a temporary would dangle.
const sim::SessionStatus* remote_end(std::vector<sim::SessionStatus>&& remote_sessions,
                                     const SpeakerSettings& self) = delete;

}  // namespace peerlab::validators
