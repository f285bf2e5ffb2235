// The fidelity harness's laboratory: real BIRD 2 daemons on loopback addresses, one per speaker,
// started as foreground children (`bird -f`) with their own control socket and pid file, queried
// with `birdc`, and always stopped by pid (SIGTERM, then SIGKILL) when the lab goes out of scope,
// even when a test fails; PR_SET_PDEATHSIG kills them too if the test program itself is killed.
//
// Also here: remapping a model onto 127.0.0.0/8 (so no packet leaves the machine) and the parsing of
// `show protocols all` / `show route all` into the comparable views, plus peerlab's same views.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/network.hpp"
#include "topology/model.hpp"

namespace peerlab::fidelity {

// One session as compared: BIRD protocol state and the Info text, normalized (normalize_info).
struct SessionKey {
  std::string state;
  std::string info;
  auto operator<=>(const SessionKey&) const = default;
};

// One best route as compared. Locally originated routes compare as next hop "local".
struct RouteKey {
  std::string next_hop;
  std::string as_path;
  std::string originator;
  std::string cluster_list;
  auto operator<=>(const RouteKey&) const = default;
};

struct SpeakerView {
  std::map<std::string, SessionKey> sessions;   // by protocol name
  std::map<std::string, std::string> raw_info;  // by protocol name, as BIRD/peerlab printed it
  std::map<std::string, RouteKey> best;         // by prefix
  bool operator==(const SpeakerView& o) const { return sessions == o.sessions && best == o.best; }
};

using NetworkView = std::map<std::string, SpeakerView>;  // by speaker name

// The documented normalizations (docs/fidelity.md, "Normalizations"): whitespace collapsed;
// "Connection reset by peer" read as "Connection closed"; while the protocol is `start` the FSM
// word of an active session (Idle/Connect/Active/OpenSent/OpenConfirm) is replaced by "Retrying",
// since BIRD cycles through them on every attempt; "Passive" is kept.
std::string normalize_info(const std::string& state, const std::string& info);

// Parses birdc's `show protocols all` (BGP protocols only) and `show route all` (best routes).
// N5: a neighbour range's listening protocol is dropped, and the sessions BIRD spawns from it
// (<prefix>_<n>) are named <prefix>_<neighbour address> as peerlab names them.
void parse_protocols(const std::string& text, SpeakerView& view);
void parse_routes(const std::string& text, SpeakerView& view);

// peerlab's view of one running speaker, in the same terms.
SpeakerView peerlab_view(const sim::Network& net, sim::SpeakerId id);

// Moves every IPv4 address of the model (node addresses, peer IPs, router addresses and
// neighbours, segments) onto 127.<second>.<third>.<host>: each distinct /24 of the model gets its
// own third octet, counted from `third_base`; the host byte is kept. Workload pools and blocks
// stay as they are (they are only prefixes). Returns the old → new address map.
std::map<IpAddr, IpAddr> remap_to_loopback(Topology& t, std::uint8_t second, std::uint8_t third_base);

std::string describe(const NetworkView& v);
// Lines "speaker: what differs" between the two views; empty when they agree.
std::vector<std::string> differences(const NetworkView& bird, const NetworkView& peerlab);

// Where a BIRD program is: the one on PATH, else Debian's /usr/sbin (not on every user's PATH);
// empty when it is not installed.
std::string bird_program(const std::string& name);

class BirdLab {
 public:
  // Makes a private directory under $TMPDIR (or /tmp).
  explicit BirdLab(const std::string& case_name);
  ~BirdLab();  // stops every daemon it started (by pid) and removes the directory
  BirdLab(const BirdLab&) = delete;
  BirdLab& operator=(const BirdLab&) = delete;

  const std::string& dir() const { return dir_; }
  std::string config_path(const std::string& speaker) const { return dir_ + "/" + speaker + ".conf"; }
  std::string log_path(const std::string& speaker) const { return dir_ + "/" + speaker + ".log"; }
  void write_config(const std::string& speaker, const std::string& text);

  // Starts `bird -f -c <conf> -s <sock> -P <pid>`; false (and `error`) if it exits at once.
  bool start(const std::string& speaker, std::string& error);
  // Waits until every started daemon answers on its control socket.
  bool wait_ready(std::chrono::milliseconds timeout, std::string& error);
  // Sends `signal` to one daemon; SIGKILL/SIGTERM also reap it.
  bool signal(const std::string& speaker, int signal);
  // `birdc -s <sock> <command>`; the output, or nullopt when birdc failed.
  std::optional<std::string> birdc(const std::string& speaker, const std::string& command) const;
  // Both queries, parsed.
  SpeakerView view(const std::string& speaker) const;
  NetworkView view_all() const;
  std::vector<std::string> running() const;
  void stop_all();

 private:
  std::string dir_;
  std::map<std::string, pid_t> pids_;
};

// Polls until BIRD's view has not changed for `settle` (normalized), or `deadline`. Records when
// every session that is up at the end first was up, and when the last change was seen.
struct Observation {
  NetworkView view;
  bool stable = false;
  double all_established_s = -1;  // since `start`
  double last_change_s = 0;
  std::vector<std::string> info_seen;  // every distinct raw (speaker protocol: info) seen
};
Observation observe(const BirdLab& lab, std::chrono::steady_clock::time_point start,
                    std::chrono::milliseconds settle_all_up, std::chrono::milliseconds settle_otherwise,
                    std::chrono::milliseconds deadline);

}  // namespace peerlab::fidelity
