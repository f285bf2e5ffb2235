// Session diagnosis (see sessions.hpp).
#include "validators/sessions.hpp"

namespace peerlab::validators {

const sim::SessionStatus* remote_end(const std::vector<sim::SessionStatus>& remote_sessions,
                                     const SpeakerSettings& self) {
  for (const auto& r : remote_sessions)
    for (const auto& a : self.addresses)
      if (r.peer_address == a) return &r;
  return nullptr;
}

std::string explain_session(const sim::Network& net, const sim::SessionStatus& s) {
  if (s.state == bgp::State::Established) return "";
  const auto self_id = net.find_speaker(s.speaker);
  const SpeakerSettings& self = net.speaker_config(*self_id);
  const std::string addr = to_string(s.peer_address);
  using K = bgp::LastError::Kind;
  const auto& e = s.last_error;
  if (s.peer_speaker.empty()) return "nobody has address " + addr + ": connection attempts get no answer";
  auto peer_id = net.find_speaker(s.peer_speaker);
  if (!peer_id) return s.peer_speaker + " runs no BGP";
  const SpeakerSettings& peer = net.speaker_config(*peer_id);
  if ((e.kind == K::Sent || e.kind == K::Received) && e.code == bgp::notif::kBadPeerAs) {
    if (e.kind == K::Sent)
      return "configured peer AS " + std::to_string(s.peer_as) + ", but " + s.peer_speaker + " is AS " +
             std::to_string(peer.local_as);
    const auto remote_sessions = net.sessions(*peer_id);  // keep alive: remote_end points into it
    auto remote = remote_end(remote_sessions, self);
    return s.peer_speaker + " is configured with peer AS " +
           (remote ? std::to_string(remote->peer_as) : "?") + " for this speaker, which is AS " +
           std::to_string(self.local_as);
  }
  if ((e.kind == K::Sent || e.kind == K::Received) && e.code == bgp::notif::kBadBgpIdentifier)
    return "both ends use BGP identifier " + bgp::format_router_id(self.router_id) + " (duplicate router id)";
  if (e.kind == K::Sent && e.code == bgp::notif::kHoldTimerExpired)
    return "nothing heard from " + s.peer_speaker + " within the hold time (the peer or the path is down)";
  if (!net.speaker_running(*peer_id)) return s.peer_speaker + "'s BGP process is not running";
  const auto remote_sessions = net.sessions(*peer_id);  // keep alive: remote_end points into it
  auto remote = remote_end(remote_sessions, self);
  if (!remote)
    return s.peer_speaker + " has no session configured for this speaker's address (one-sided peering)";
  if (s.passive && remote->passive) return "both ends are passive: neither connects";
  if (s.passive) return "passive: waiting for " + s.peer_speaker + " to connect";
  if (e.kind == K::Socket && e.socket == bgp::SocketError::Refused) return "connection refused";
  if (s.state == bgp::State::Connect) return "connection attempts to " + addr + " get no answer (no path)";
  if (s.state == bgp::State::Active)
    return "waiting for the connect delay before connecting to " + s.peer_speaker;
  if (s.state == bgp::State::Idle) return "waiting for the error wait to end before restarting";
  return "the session is being opened";
}

}  // namespace peerlab::validators
