// The simulated network (see network.hpp for what is modelled and why).
#include "sim/network.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <map>
#include <numeric>
#include <ostream>
#include <queue>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "sim/bgp_message.hpp"
#include "sim/bgp_policy.hpp"
#include "sim/bgp_rib.hpp"
#include "sim/rng.hpp"
#include "sim/underlay.hpp"
#include "topology/util.hpp"

namespace peerlab::sim {

std::string_view to_string(PeerType t) {
  switch (t) {
    case PeerType::Mesh:
      return "node-to-node mesh";
    case PeerType::Global:
      return "global";
    case PeerType::NodeSpecific:
      return "node specific";
    case PeerType::Fabric:
      return "fabric";
  }
  return "";
}

namespace {

using bgp::Action;
using bgp::State;

constexpr std::uint32_t kNone = 0xFFFFFFFFU;
constexpr Time kNoTime = -1;
// Slot::peer_host before the lookup (kNoHost is the looked-up answer "nobody").
constexpr HostId kUnknownHost = kNoHost - 1;
// The stream id, under a session's own stream, of the key of its keepalive and hold timer draws.
constexpr std::uint64_t kTimerKeyStream = 0x74696d657273ULL;  // "timers"

// Distinct values, each named by a dense id that stays valid (entries are never changed or
// removed). A session end keeps 4-byte ids of the values that most session ends share (every
// session of a mesh node has the same parameters and timers) instead of a copy or a pointer into
// its own configuration: the table stays in cache where a million configurations would not.
// A reference from operator[] is valid until the next intern() (the table may grow).
template <class T, class Hash>
class InternTable {
 public:
  std::uint32_t intern(const T& v) {
    // Consecutive session ends (a speaker's neighbours, in order) mostly share theirs.
    if (last_ < values_.size() && values_[last_] == v) return last_;
    auto [it, added] = index_.try_emplace(v, static_cast<std::uint32_t>(values_.size()));
    if (added) values_.push_back(v);
    return last_ = it->second;
  }
  const T& operator[](std::uint32_t id) const { return values_[id]; }

 private:
  std::vector<T> values_;
  std::unordered_map<T, std::uint32_t, Hash> index_;
  std::uint32_t last_ = 0;  // the id intern() returned last
};

struct TimerConfigHash {
  std::size_t operator()(const TimerConfig& t) const noexcept {
    std::uint64_t h = 0;
    auto pair = [](TimerMillis a, TimerMillis b) {
      return std::uint64_t{static_cast<std::uint32_t>(a)} << 32 | static_cast<std::uint32_t>(b);
    };
    mix_hash(h, pair(t.hold, t.keepalive));
    mix_hash(h, pair(t.startup_hold, t.connect_delay));
    mix_hash(h, pair(t.connect_retry, t.error_wait_min));
    mix_hash(h, pair(t.error_wait_max, t.graceful_restart_time));
    mix_hash(h, static_cast<std::uint64_t>(t.graceful_restart));
    return static_cast<std::size_t>(h);
  }
};

// A neighbour's configuration without what is its own in a mesh: the peer's address (kept once per
// session end, in its speaker's PeerFacts) and the protocol name when that is a prefix followed by
// the address's suffix (Mesh_10_0_0_2; every derived and dynamic session's name is), of which only
// the prefix is kept. A 1,000-node mesh has a million neighbours and two thousand shapes (a node's
// own address, and which end is passive, differ), where a copy each was 128 MB.
struct NeighborShape {
  NeighborConfig cfg;  // peer_address unset; protocol_name: the prefix when name_from_address
  bool name_from_address = false;
  bool operator==(const NeighborShape&) const = default;
};

struct NeighborShapeHash {
  std::size_t operator()(const NeighborShape& s) const noexcept {
    const NeighborConfig& n = s.cfg;
    std::uint64_t h = std::hash<std::string>{}(n.protocol_name);
    mix_hash(h, n.source_address ? IpAddrHash{}(*n.source_address) : 0);
    mix_hash(h, std::uint64_t{n.peer_as} << 32 | n.rr_cluster_id.value_or(0));
    mix_hash(h, static_cast<std::uint64_t>(n.type) | std::uint64_t{n.passive} << 8 |
                    std::uint64_t{n.multihop} << 9 | std::uint64_t{n.rr_client} << 10 |
                    std::uint64_t{n.next_hop_self} << 11 | std::uint64_t{n.next_hop_keep} << 12 |
                    std::uint64_t{s.name_from_address} << 13 |
                    static_cast<std::uint64_t>(static_cast<std::uint32_t>(n.allow_local_as)) << 32);
    mix_hash(h, TimerConfigHash{}(n.timers));
    return static_cast<std::size_t>(h);
  }
};

enum EventKind : std::uint32_t {
  kConnectDelayTimer,  // target: slot
  kConnectRetryTimer,
  kHoldTimer,
  kKeepaliveTimer,
  kErrorWaitTimer,
  kGracefulRestartTimer,
  kSynArrive,     // target: connection; at the acceptor's host
  kSynAckArrive,  // target: connection; at the initiator
  kRstArrive,     // target: connection; refused, at the initiator
  kFinArrive,     // target: connection; arg: the side that receives it (0 initiator, 1 acceptor)
  kMsgArrive,     // target: connection; arg: message id << 1 | receiving side
  kConvergenceCheck,
};

}  // namespace

struct Network::Impl {
  // The hold and keepalive timers of a session. The hold timer restarts on every message received,
  // so by default both are the kernel's re-armable timers (no queue operation per restart, same
  // firing order, events and fingerprint as a cancel plus a schedule; see kernel.hpp), created on
  // first use. SimOptions::detailed_timers schedules and cancels plain events instead. The mode is
  // fixed for the life of the network, so one field serves both: the event's handle, or the timer
  // id in handle.slot (kNone until first use).
  struct SessionTimer {
    EventHandle handle;
    Kernel::TimerId& id() { return handle.slot; }
    Kernel::TimerId id() const { return handle.slot; }
  };
  static_assert(EventHandle::kNoSlot == kNone);

  // One end of one session. A 1,000-node mesh has a million of them, read at random (each event
  // is another session's), so every cache line an event touches here is a miss: the fields most
  // events read come first and together (ids, state, flags, the session timers), then what timer
  // starts read, then what few events read (statistics, errors). No padding: 208 bytes, and every
  // 8 bytes here is 8 MB there.
  struct Slot {
    // ---- read by nearly every event
    SpeakerId speaker = 0;
    bgp::PeerIndex index = 0;            // PeerIndex in the speaker's RIBs
    std::uint32_t conn = kNone;          // the connection the session runs on
    std::uint32_t pending_conn = kNone;  // our outgoing connect in flight
    // What the policy knows about the session (Impl::params_of), 4 bytes instead of 44, and its
    // configured timers (Impl::timers_of), which every timer start reads: ids into tables of the
    // distinct ones (InternTable). Invariant: timers_id names the neighbour's timers (set where
    // `neighbor` is set; asserted in fire()).
    std::uint32_t params_id = 0;
    std::uint32_t timers_id = 0;
    State state = State::Idle;
    bgp::ProtoState proto = bgp::ProtoState::Down;
    // The neighbour's `passive`, which every FSM step reads: kept here too, since the
    // configuration is one more cache miss per event in a large mesh. Invariant: equal to the
    // neighbour's (set where `neighbor` is set; asserted in fire()).
    bool passive = false;
    bool alive = true;     // still configured
    bool dynamic = false;  // created from a neighbour range
    bool gr_negotiated = false;
    bool has_stale = false;  // routes kept by graceful restart wait for End-of-RIB or the timer
    bool out_dirty = false;  // in its speaker's `dirty` list (Speaker::pending_out)
    // Analytic keepalives. ka_lazy: the keepalives this end sends are not events but the chain
    // ka_next, ka_next + jitter, … (advance_keepalives counts them and restarts the peer's hold
    // timer as they arrive); hold_lazy: the peer's keepalives to this end are lazy, so this end's
    // hold timer is not in the queue (it cannot fire while they arrive). Invariant: hold_lazy on
    // one end exactly when ka_lazy on the other.
    bool ka_lazy = false, hold_lazy = false;
    bgp::LastError error;
    SessionTimer hold_timer, keepalive_timer;
    EventHandle connect_timer;
    // ---- read when a timer starts
    bgp::NegotiatedTimers negotiated;
    // When the hold timer last (re)started: its deadline is hold_start + its jitter at that time.
    Time hold_start = 0;
    // Names the counter-based draws of the negotiated keepalive and hold timers (timer_jitter).
    std::uint64_t timer_key = 0;
    Rng rng{0};
    // ---- read by a few events per session
    // The neighbour's configuration (Impl::neighbor_of): its shape's id in Impl::neighbor_shapes,
    // completed by the peer's address in its speaker's PeerFacts. The configuration as given is
    // not kept (128 bytes per session end).
    std::uint32_t neighbor = 0;
    // The host that owns the peer's address (kNoHost: nobody; kUnknownHost: not looked up yet),
    // looked up when the session end is added and again on the first connect after
    // reconfigure() rebuilt the underlay (ownership changes only then; it forgets them).
    HostId peer_host = kUnknownHost;
    EventHandle error_wait_timer, gr_timer;
    Time since = 0;
    Time established_at = kNoTime;  // the last time it became Established (kNoTime: never)
    // Analytic keepalives (SimOptions::analytic_keepalives): see ka_lazy above.
    Time ka_next = 0;
    Time ka_last = kNoTime;  // the last lazy keepalive sent, while it may still be travelling
    std::uint64_t updates_received = 0, updates_sent = 0;
    bgp::ErrorWait error_wait;
  };
  static_assert(sizeof(Slot) <= 208);

  struct Connection {
    std::uint32_t slot[2] = {kNone, kNone};  // [0] initiator, [1] acceptor
    HostId host[2] = {kNoHost, kNoHost};
    // The addresses are the initiator's: its session's local address and peer address (not kept
    // here: they cannot change while the connect is open, a changed configuration restarts the
    // session, which abandons it).
    Time latency = 0;
    Time last_delivery[2] = {0, 0};  // per receiving side, to keep each direction in order
    // underlay.reachable towards each side (reach[to]: from host[1 - to] to host[to]) as of
    // underlay version reach_version (0: not worked out yet). Every message sent and delivered
    // asks; the underlay changes only with faults and reconfiguration (see path_up).
    std::uint32_t reach_version = 0;
    bool reach[2] = {false, false};
    bool open = true;
  };
  static_assert(sizeof(Connection) == 48);

  // The inputs of an exported route's attributes (see exported_attributes): the route's attribute
  // id, the facts about the peer it came from that export_attributes reads, and the target
  // session's parameters as their interned id (equal ids, equal parameters).
  struct ExportKey {
    bgp::AttrId attrs;
    std::uint32_t to_params;
    std::uint32_t from_router_id, from_cluster_id;
    bool local, from_ebgp, from_rr_client;
    bool operator==(const ExportKey&) const = default;
  };
  struct ExportKeyHash {
    std::size_t operator()(const ExportKey& k) const noexcept {
      std::uint64_t h = std::uint64_t{k.attrs} << 32 | k.to_params;
      mix_hash(h, static_cast<std::uint64_t>(k.from_router_id) << 32 | k.from_cluster_id);
      mix_hash(h, static_cast<std::uint64_t>(k.local) | k.from_ebgp << 1 | k.from_rr_client << 2);
      return static_cast<std::size_t>(h);
    }
  };

  struct Speaker {
    SpeakerSettings cfg;  // its neighbours are kept per session end (Slot::neighbor)
    // Neighbours in its configuration (BIRD listens while it has one, or a neighbour range).
    std::size_t configured_neighbors = 0;
    HostId host = kNoHost;
    bool running = false;
    bool rows_reserved = false;  // see reserve_rows
    bgp::AdjRibIn in;
    bgp::LocRib loc;
    bgp::AdjRibOut out;
    std::vector<std::uint32_t> slots;  // by PeerIndex
    // The sessions an incoming connection may belong to: peer indexes in (peer address, index)
    // order, the address being the one in `facts`. Empty while that is index order, as it is for
    // derived neighbours (they come in address order), so that a mesh keeps nothing here (it was
    // 24 bytes per session end). A sorted vector rather than a hash multimap: no allocation per
    // entry, and an order that does not depend on the hash table's implementation.
    std::vector<bgp::PeerIndex> by_peer;
    std::vector<bgp::PeerIndex> reflect_targets;  // eBGP peers and RR clients (see route_changed)
    // Prefixes whose best route may go to every peer (local, eBGP- or client-learned); entries
    // are checked against the Loc-RIB when used, so a prefix may linger after it stops qualifying.
    std::vector<bgp::PrefixId> broadcast;
    std::vector<bool> in_broadcast;
    std::vector<bgp::PeerFacts> facts;  // by PeerIndex
    bgp::PeerFacts self;
    // UPDATE changes not yet sent, for every peer, in the order they were made; flushed after each
    // event, peer by peer in `dirty` order. One vector per speaker rather than one per peer: a
    // vector per session end cost ~56 bytes (its header and a heap block), a million in a
    // 1,000-node mesh. Invariant: a peer has entries here only if it is in `dirty`, and it is in
    // `dirty` exactly when its Slot::out_dirty is set.
    std::vector<bgp::OutChange> pending_out;
    std::vector<bgp::PeerIndex> dirty;
    std::vector<bgp::PrefixId> originated;
    // cfg.export_only_within's verdict per PrefixId (0: not known yet, 1: inside, 2: outside);
    // cleared when the filter changes.
    std::vector<std::uint8_t> export_allowed;
    // The export memo's last answer for this speaker: its exports come in runs with one key (its
    // own route to every peer, a session's whole table), and the hash table is the slow path.
    std::optional<std::pair<ExportKey, bgp::AttrId>> last_export;
  };

  // Growing `speakers` must move them, never copy (a speaker's tables are large).
  static_assert(std::is_nothrow_move_constructible_v<Speaker>);

  SimOptions opts;
  Underlay underlay;
  // Faults in force, by name, re-applied when the underlay is rebuilt for a new topology.
  std::set<std::string> hosts_down, segments_down, links_down;
  Kernel kernel;
  bgp::AttrTable attrs;
  bgp::PrefixTable prefixes;
  std::vector<Speaker> speakers;
  std::vector<SpeakerId> dirty_speakers;    // speakers with UPDATEs to flush after this event
  std::vector<SpeakerId> flush_todo;        // flush_all's copy of dirty_speakers
  std::vector<std::uint64_t> pack_scratch;  // reused by every flush (bgp::pack_updates)
  // Reused by group_pending: rank of each dirty peer, group boundaries, the grouped changes.
  std::vector<std::uint32_t> group_rank, group_start;
  std::vector<bgp::OutChange> group_scratch;
  std::vector<std::pair<bgp::PrefixId, bgp::Best>> export_scratch;  // reused by export_all
  std::vector<SpeakerId> speaker_of_host;                           // HostId -> speaker, kNone when none
  std::vector<Slot> slots;
  // The distinct SessionParams and TimerConfigs of the session ends (Slot::params_id, timers_id).
  struct ParamsHash {
    std::size_t operator()(const bgp::SessionParams& p) const noexcept {
      std::uint64_t h = 0;
      mix_hash(h, std::uint64_t{p.local_as} << 32 | p.peer_as);
      mix_hash(h, std::uint64_t{p.cluster_id} << 32 | p.router_id);
      mix_hash(h, static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.allow_local_as)) << 4 | p.ibgp |
                      std::uint64_t{p.rr_client} << 1 | std::uint64_t{p.next_hop_self} << 2 |
                      std::uint64_t{p.next_hop_keep} << 3);
      mix_hash(h, IpAddrHash{}(p.local_address));
      return static_cast<std::size_t>(h);
    }
  };
  InternTable<bgp::SessionParams, ParamsHash> params_table;
  InternTable<TimerConfig, TimerConfigHash> timers_table;
  InternTable<NeighborShape, NeighborShapeHash> neighbor_shapes;  // Slot::neighbor
  // protocol_suffix of the peer addresses seen, formatted once (see intern_neighbor).
  std::unordered_map<IpAddr, std::string, IpAddrHash> address_suffixes;
  std::vector<Connection> conns;
  // Messages travelling. A message id (in the kernel event, hence in the fingerprint) is free
  // again as soon as its message arrives, and the messages sent while it is handled may take it;
  // the message itself stays where it is until handled (no move out of a variant), in a storage
  // slot that is free only after. Storage never moves (messages sent while one is handled are
  // added), and both kinds of free slot are reused, last freed first. The free lists are linked
  // through the tables (no vector to push onto per message): a free id's entry in
  // message_storage, and a free storage slot's entry in storage_next, name the next free one.
  bgp::detail::StableVector<bgp::Message, 10> messages;
  std::vector<std::uint32_t> storage_next;     // by storage slot: the next free one, when free
  std::vector<std::uint32_t> message_storage;  // by message id: its slot in `messages`, or the next free id
  std::vector<std::uint8_t> message_counted;   // by message id: counted in in_flight
  std::uint32_t free_storage = kNone, free_messages = kNone;  // heads of the free lists
  std::unordered_map<std::string, SpeakerId> by_name;
  NetworkCounters counters;
  Fingerprint observations;

  // Convergence bookkeeping.
  // Messages and connection attempts travelling, except keepalives between two Established ends
  // (they change nothing observable, so a network with only those travelling has converged; and
  // analytic keepalives do not travel at all).
  std::uint64_t in_flight = 0;
  Time last_change = 0;
  std::size_t not_established = 0;
  Time settle_window = 0;  // when some session is not Established
  // The convergence check, rescheduled on every observable change (a re-armable timer unless
  // SimOptions::detailed_timers, like the session timers).
  SessionTimer check;
  bool stop_on_convergence = false;
  std::size_t lazy_ends = 0;  // slots with ka_lazy
  // (ka_next, slot) of lazy slots, earliest first, so that counting the keepalives sent by now
  // touches only the slots that sent one since the last count (counters() is read after every
  // step of a scenario). An entry whose slot is no longer lazy, or has moved on, is stale.
  std::priority_queue<std::pair<Time, std::uint32_t>, std::vector<std::pair<Time, std::uint32_t>>,
                      std::greater<>>
      lazy_due;
  std::optional<Time> converged_at;

  Impl(const Topology& t, std::vector<SpeakerConfig> cfgs, SimOptions o) : opts(o), underlay(t) {
    speakers.reserve(cfgs.size());
    // Exact sizes: growing the session table by doubling would briefly hold the old and the new
    // array (a 1,000-node mesh has 999,000 session ends of ~400 bytes).
    std::size_t session_ends = 0;
    for (const auto& c : cfgs) session_ends += c.neighbors.size();
    slots.reserve(session_ends);
    // One connection per session in a cold start where no connects collide (more grow the table).
    conns.reserve(session_ends / 2);
    // The hold and keepalive timers of every session end, and the convergence check.
    if (!opts.detailed_timers) kernel.reserve_timers(2 * session_ends + 1);
    for (auto& c : cfgs) add_speaker(std::move(c));
    map_hosts();
    recompute_settle_window();
    for (SpeakerId s = 0; s < speakers.size(); ++s) start(s);
    flush_all();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  std::uint32_t intern_params(const bgp::SessionParams& p) { return params_table.intern(p); }
  const bgp::SessionParams& params_of(const Slot& sl) const { return params_table[sl.params_id]; }
  const TimerConfig& timers_of(const Slot& sl) const { return timers_table[sl.timers_id]; }

  // A neighbour's shape id (see NeighborShape).
  std::uint32_t intern_neighbor(const NeighborConfig& n) {
    auto [it, added] = address_suffixes.try_emplace(n.peer_address);
    if (added) it->second = protocol_suffix(n.peer_address);
    const std::string& suffix = it->second;
    NeighborShape shape{n, false};
    shape.cfg.peer_address = IpAddr{};
    if (n.protocol_name.ends_with(suffix)) {
      shape.cfg.protocol_name.resize(n.protocol_name.size() - suffix.size());
      shape.name_from_address = true;
    }
    return neighbor_shapes.intern(shape);
  }
  // What a session end's configuration shares with others (all but the address and the name).
  const NeighborConfig& shared_neighbor_config(const Slot& sl) const {
    return neighbor_shapes[sl.neighbor].cfg;
  }
  const IpAddr& peer_address_of(const Slot& sl) const { return speakers[sl.speaker].facts[sl.index].address; }
  std::string protocol_name_of(const Slot& sl) const {
    const NeighborShape& shape = neighbor_shapes[sl.neighbor];
    if (!shape.name_from_address) return shape.cfg.protocol_name;
    return shape.cfg.protocol_name + protocol_suffix(peer_address_of(sl));
  }
  // The neighbour's configuration as given.
  NeighborConfig neighbor_of(const Slot& sl) const {
    NeighborConfig n = shared_neighbor_config(sl);
    n.protocol_name = protocol_name_of(sl);
    n.peer_address = peer_address_of(sl);
    return n;
  }

  Millis now_ms() const { return to_millis(kernel.now()); }

  void note_change() {
    last_change = kernel.now();
    converged_at.reset();
    schedule_check();
  }

  // (start_timer replaces a pending check: it is cancel_timer and a schedule in one.)
  void schedule_check() {
    Time window = not_established > 0 ? settle_window : 0;
    start_timer(check, std::max(kernel.now(), last_change + window) - kernel.now(), kConvergenceCheck, 0);
  }

  void map_hosts() {
    speaker_of_host.assign(underlay.host_count(), kNone);
    for (SpeakerId s = 0; s < speakers.size(); ++s)
      if (speakers[s].host != kNoHost) speaker_of_host[speakers[s].host] = s;
  }

  void recompute_settle_window() {
    Time w = 0;
    for (const auto& s : speakers)
      for (std::uint32_t slot : s.slots) {
        const auto& t = timers_of(slots[slot]);
        w = std::max(
            {w, from_millis(t.connect_delay), from_millis(t.connect_retry), from_millis(t.error_wait_max)});
      }
    settle_window = w + kSecond;
  }

  void trace_line(const std::string& json) {
    if (opts.trace) *opts.trace << json << "\n";
  }

  std::string json_str(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }

  const std::string& speaker_name(std::uint32_t slot) { return speakers[slots[slot].speaker].cfg.name; }

  // ---- speakers and slots -----------------------------------------------------------------------

  void add_speaker(SpeakerConfig cfg) {
    SpeakerId id = static_cast<SpeakerId>(speakers.size());
    Speaker s;
    s.host = underlay.host_by_name(cfg.name);
    s.cfg = std::move(static_cast<SpeakerSettings&>(cfg));  // (not the neighbours, a separate member)
    s.self = bgp::self_facts(s.cfg);
    by_name[s.cfg.name] = id;
    speakers.push_back(std::move(s));
    Speaker& sp = speakers[id];
    const std::size_t n_neighbors = cfg.neighbors.size();
    sp.configured_neighbors = n_neighbors;
    sp.slots.reserve(n_neighbors);
    sp.facts.reserve(n_neighbors);
    for (const auto& n : cfg.neighbors) add_slot(id, n, false);
  }

  // Speaker::by_peer, read as if it were filled in when empty: its size, the peer index at a
  // position, and the first position whose (peer address, peer index) is not below (a, index).
  static std::size_t by_peer_size(const Speaker& sp) {
    return sp.by_peer.empty() ? sp.facts.size() : sp.by_peer.size();
  }
  static bgp::PeerIndex by_peer_at(const Speaker& sp, std::size_t pos) {
    return sp.by_peer.empty() ? static_cast<bgp::PeerIndex>(pos) : sp.by_peer[pos];
  }
  static std::size_t by_peer_bound(const Speaker& sp, const IpAddr& a, bgp::PeerIndex index) {
    std::size_t lo = 0, hi = by_peer_size(sp);
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      const bgp::PeerIndex m = by_peer_at(sp, mid);
      if (std::tie(sp.facts[m].address, m) < std::tie(a, index))
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }
  // Fills Speaker::by_peer in with its first `n` peer indexes, in index order.
  static void fill_by_peer(Speaker& sp, std::size_t n) {
    sp.by_peer.resize(n);
    std::iota(sp.by_peer.begin(), sp.by_peer.end(), bgp::PeerIndex{0});
  }
  // Files peer index `index` in Speaker::by_peer, by its address in `facts`. Every other index
  // is filed already; `index` is the last one, or was taken out with unfile_by_peer.
  static void file_by_peer(Speaker& sp, bgp::PeerIndex index) {
    const IpAddr& a = sp.facts[index].address;
    if (sp.by_peer.empty() && index + 1 == sp.facts.size()) {
      if (index == 0 || !(a < sp.facts[index - 1].address)) return;  // still in index order
      fill_by_peer(sp, index);
    }
    sp.by_peer.insert(sp.by_peer.begin() + static_cast<std::ptrdiff_t>(by_peer_bound(sp, a, index)), index);
  }
  // Takes peer index `index` out of Speaker::by_peer, before its address changes.
  static void unfile_by_peer(Speaker& sp, bgp::PeerIndex index) {
    if (sp.by_peer.empty()) fill_by_peer(sp, sp.facts.size());
    std::erase(sp.by_peer, index);
  }

  // Adds a session end for neighbour `n`.
  std::uint32_t add_slot(SpeakerId sid, const NeighborConfig& n, bool dynamic) {
    Speaker& s = speakers[sid];
    Slot slot;
    slot.speaker = sid;
    slot.index = static_cast<bgp::PeerIndex>(s.slots.size());
    slot.neighbor = intern_neighbor(n);
    slot.passive = n.passive;
    slot.params_id = intern_params(bgp::session_params(s.cfg, n));
    slot.timers_id = timers_table.intern(n.timers);
    // Looked up now, while the configuration is in cache, rather than at the first connect.
    slot.peer_host = underlay.owner_of(n.peer_address);
    slot.dynamic = dynamic;
    // Each session has its own random stream, named by speaker and protocol, so that adding a
    // session elsewhere does not change this one's jitter.
    // (FNV-1a of "speaker/protocol", hashed piece by piece: no string built per session end.)
    std::uint64_t h = 1469598103934665603ULL;
    auto fnv = [&h](std::string_view text) {
      for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    };
    fnv(s.cfg.name);
    fnv("/");
    fnv(n.protocol_name);
    slot.rng = Rng::stream(opts.seed, h);
    slot.timer_key = slot.rng.fork(kTimerKeyStream).next();
    std::uint32_t id = static_cast<std::uint32_t>(slots.size());
    const bool reflect_target = !params_of(slot).ibgp || params_of(slot).rr_client;
    slots.push_back(std::move(slot));
    s.slots.push_back(id);
    if (reflect_target) s.reflect_targets.push_back(slots[id].index);
    s.facts.push_back(bgp::peer_facts(params_of(slots[id]), n.peer_address, 0));
    file_by_peer(s, slots[id].index);
    ++not_established;
    return id;
  }

  // Records the error BIRD would remember; a new Info text is an observable change.
  void record_error(std::uint32_t id, const bgp::LastError& e) {
    Slot& sl = slots[id];
    bgp::LastError before = sl.error;
    bgp::store_error(sl.error, e, sl.proto);
    if (!(before == sl.error)) note_change();
  }

  void set_proto(std::uint32_t id, bgp::ProtoState p) {
    Slot& sl = slots[id];
    if (sl.proto == p) return;
    sl.proto = p;
    sl.since = kernel.now();
    note_change();
  }

  // Starts a speaker's BGP process: originates its routes and starts every session.
  void start(SpeakerId sid) {
    Speaker& s = speakers[sid];
    if (s.running) return;
    if (s.host != kNoHost && !underlay.host_up(s.host)) return;
    s.running = true;
    s.originated.clear();
    bgp::AttrId local = attrs.intern(bgp::local_route_attributes());
    for (const auto& p : s.cfg.originated) {
      bgp::PrefixId pid = prefixes.intern(p);
      s.originated.push_back(pid);
      s.in.update(bgp::kLocalPeer, pid, local);
      route_changed(sid, pid);
    }
    for (std::uint32_t id : s.slots)
      if (slots[id].alive && !slots[id].dynamic) start_slot(id);
  }

  void start_slot(std::uint32_t id) {
    Slot& sl = slots[id];
    sl.state = State::Idle;
    sl.error_wait.reset();
    set_proto(id, bgp::ProtoState::Start);
    fire(id, bgp::Event::ManualStart);
  }

  // Stops a speaker's process. `silent`: the host died, nothing is sent (peers notice by hold
  // timer); otherwise its connections close and peers notice at once.
  void stop(SpeakerId sid, bool silent) {
    Speaker& s = speakers[sid];
    if (!s.running) return;
    s.running = false;
    for (std::uint32_t id : s.slots) {
      Slot& sl = slots[id];
      cancel_timers(sl);
      kernel.cancel(sl.gr_timer);
      for (std::uint32_t* c : {&sl.conn, &sl.pending_conn}) {
        if (*c == kNone) continue;
        close_conn(*c, id, silent);
        *c = kNone;
      }
      if (sl.state == State::Established) ++not_established;
      sl.state = State::Idle;
      set_proto(id, bgp::ProtoState::Down);
    }
    // The process's tables are gone.
    std::vector<bgp::PrefixId> all;
    s.loc.for_each(s.in, [&](bgp::PrefixId p, const bgp::Best&) { all.push_back(p); });
    s.in = bgp::AdjRibIn();
    s.loc = bgp::LocRib();
    s.rows_reserved = false;
    s.broadcast.clear();
    s.in_broadcast.clear();
    s.out = bgp::AdjRibOut();
    s.pending_out.clear();
    for (bgp::PeerIndex to : s.dirty) slots[s.slots[to]].out_dirty = false;
    s.dirty.clear();
    if (!all.empty()) note_change();
    // Dynamic sessions disappear with the process.
    for (std::uint32_t id : s.slots)
      if (slots[id].dynamic && slots[id].alive) slots[id].alive = false, --not_established;
  }

  void cancel_timers(Slot& sl) {
    // Lazy keepalives are materialised before anything stops a session's timers (fire(), and the
    // public calls that change faults, processes or configuration).
    assert(!sl.ka_lazy && !sl.hold_lazy);
    kernel.cancel(sl.connect_timer);
    cancel_timer(sl.hold_timer);
    cancel_timer(sl.keepalive_timer);
    kernel.cancel(sl.error_wait_timer);
  }

  bool check_pending() const {
    if (opts.detailed_timers) return kernel.pending(check.handle);
    return check.id() != kNone && kernel.armed(check.id());
  }

  void cancel_timer(SessionTimer& t) {
    if (opts.detailed_timers)
      kernel.cancel(t.handle);
    else if (t.id() != kNone)
      kernel.disarm(t.id());
  }

  // Equivalent to cancel_timer then scheduling the timer's event `delay` from now.
  void start_timer(SessionTimer& t, Time delay, EventKind kind, std::uint32_t slot) {
    if (opts.detailed_timers) {
      kernel.cancel(t.handle);
      t.handle = kernel.schedule_in(delay, kind, slot);
      return;
    }
    if (t.id() == kNone) t.id() = kernel.new_timer(kind, slot);
    kernel.arm(t.id(), kernel.now() + delay);
  }

  // ---- analytic keepalives (SimOptions::analytic_keepalives) ------------------------------------
  //
  // In an Established session whose path is up, a keepalive changes nothing but the peer's hold
  // timer deadline, and that timer cannot fire while keepalives keep arriving. So once the session
  // is up (both ends Established), and again whenever an end's keepalive timer restarts in
  // Established, if the session is safe (below), the timer is disarmed and so is the peer's hold
  // timer: the keepalives become the chain of send times
  // ka_next, ka_next + jitter(ka_next), … (the jitter is a function of the start time, see
  // timer_jitter, so no draw depends on their order). They turn back into events
  // (materialize_keepalives) before anything can read or stop those timers: any FSM event on
  // either end other than a message that keeps it Established, and every fault and
  // reconfiguration, which may cut the path. Their effects are then exactly those of the events:
  // the keepalives counted, the last one still travelling delivered as a message, the hold timer
  // re-armed at its deadline from its last restart. Only the kernel's event count and fingerprint
  // differ. One approximation: a lazy keepalive due in the very microsecond of the event that
  // materialises it goes after that event (as an event, it might have gone before: same time,
  // earlier sequence number).

  bool analytic() const { return opts.analytic_keepalives && !opts.detailed_timers && !opts.trace; }

  // Arms a re-armable session timer at absolute time `at`.
  void arm_at(SessionTimer& t, Time at, EventKind kind, std::uint32_t slot) {
    if (t.id() == kNone) t.id() = kernel.new_timer(kind, slot);
    kernel.arm(t.id(), at);
  }

  // The other end of slot `id`'s connection (kNone when none).
  std::uint32_t peer_end(std::uint32_t id) const {
    const Slot& sl = slots[id];
    if (sl.conn == kNone) return kNone;
    const Connection& cn = conns[sl.conn];
    return cn.slot[0] == id ? cn.slot[1] : cn.slot[0];
  }

  // Makes slot `id`'s keepalives lazy, the next one due at `next`, and returns true when that is
  // safe; its keepalive timer is then disarmed. Called where its keepalive timer restarts (a
  // keepalive was just sent: `sent_now`) and when its session comes up (start_lazy_session).
  // Safe: both ends Established on an open connection with the path up; the longest gap between
  // keepalives (the keepalive time) shorter than the peer's shortest hold time (3/4 of it, the
  // jitter's low end); the latency shorter than the shortest gap, so that at most one keepalive
  // travels at a time; and the peer's running hold timer due after the next keepalive it relies
  // on arrives: the one just sent, or else the one due at `next`.
  bool start_lazy_keepalives(std::uint32_t id, Time next, bool sent_now) {
    Slot& sl = slots[id];
    if (!analytic() || sl.state != State::Established || sl.conn == kNone) return false;
    Connection& cn = conns[sl.conn];
    const std::uint32_t peer = peer_end(id);
    if (!cn.open || peer == kNone) return false;
    Slot& pl = slots[peer];
    if (pl.state != State::Established || pl.conn != sl.conn || pl.negotiated.hold <= 0) return false;
    if (!path_up(cn, cn.slot[0] == id ? 1 : 0)) return false;
    const Time keepalive = from_millis(sl.negotiated.keepalive), hold = from_millis(pl.negotiated.hold);
    if (4 * keepalive >= 3 * hold || 4 * cn.latency >= 3 * keepalive) return false;
    // The peer's hold timer runs from the last message that got through, which after an outage
    // may be long ago.
    const Time deadline =
        pl.hold_start + timer_jitter(pl, SessionTimerKind::Hold, pl.hold_start, pl.negotiated.hold);
    if (deadline <= (sent_now ? kernel.now() : next) + cn.latency) return false;
    cancel_timer(sl.keepalive_timer);
    sl.ka_lazy = true;
    sl.ka_next = next;
    sl.ka_last = kNoTime;
    pl.hold_lazy = true;
    cancel_timer(pl.hold_timer);
    ++lazy_ends;
    lazy_due.emplace(sl.ka_next, id);
    return true;
  }

  // When slot `id` becomes Established and its peer already is, the keepalive timers both ends
  // armed in OpenConfirm become lazy chains from their deadlines (each end's last keepalive has
  // arrived: the other end became Established on it). Without this a cold start would keep every
  // hold timer in the queue, re-armed by every UPDATE, until the first keepalive timer expires.
  void start_lazy_session(std::uint32_t id) {
    if (!analytic()) return;  // (the timers are then plain events, not re-armable timers)
    const std::uint32_t peer = peer_end(id);
    if (peer == kNone || slots[peer].state != State::Established) return;
    for (const std::uint32_t end : {id, peer}) {
      const SessionTimer& t = slots[end].keepalive_timer;
      if (!slots[end].ka_lazy && t.id() != kNone && kernel.armed(t.id()))
        start_lazy_keepalives(end, kernel.deadline(t.id()), false);
    }
  }

  // When the lazy keepalives are looked at: during an event at the current time (events at this
  // time are still to come: what is due now is not done yet), or between runs (run_until(t) has
  // fired every event at t).
  enum class Moment { DuringAnEvent, BetweenRuns };

  // Counts the keepalives lazy slot `id` has sent by now, as its timer would have, and restarts
  // the peer's (lazy) hold timer at those that have arrived. At most one is travelling at a time
  // (the latency is below the shortest gap), so each has arrived when the next one is sent.
  void advance_keepalives(std::uint32_t id, Moment m) {
    Slot& sl = slots[id];
    Slot& pl = slots[peer_end(id)];
    const Time t = kernel.now() + (m == Moment::BetweenRuns ? 1 : 0);
    const Time latency = conns[sl.conn].latency;
    while (sl.ka_next < t) {
      if (sl.ka_last != kNoTime) pl.hold_start = std::max(pl.hold_start, sl.ka_last + latency);
      sl.ka_last = sl.ka_next;
      ++counters.keepalives;
      sl.ka_next += timer_jitter(sl, SessionTimerKind::Keepalive, sl.ka_next, sl.negotiated.keepalive);
    }
    if (sl.ka_last != kNoTime && sl.ka_last + latency < t) {
      pl.hold_start = std::max(pl.hold_start, sl.ka_last + latency);
      sl.ka_last = kNoTime;
    }
  }

  // Counts every keepalive sent by now (between runs).
  void advance_all_keepalives() {
    const Time t = kernel.now() + 1;
    while (!lazy_due.empty() && lazy_due.top().first < t) {
      const auto [due, id] = lazy_due.top();
      lazy_due.pop();
      Slot& sl = slots[id];
      if (!sl.ka_lazy || sl.ka_next != due) continue;  // stale
      advance_keepalives(id, Moment::BetweenRuns);
      lazy_due.emplace(sl.ka_next, id);
    }
  }

  // Turns slot `id`'s lazy keepalives back into events at the current time: its keepalive timer
  // is armed where the chain is, the keepalive still travelling (sent before now, arriving at or
  // after now) becomes a message, and the peer's hold timer is armed from its last restart.
  void materialize_keepalives(std::uint32_t id, Moment m) {
    advance_keepalives(id, m);
    Slot& sl = slots[id];
    const std::uint32_t peer = peer_end(id);
    Slot& pl = slots[peer];
    const Connection& cn = conns[sl.conn];
    if (sl.ka_last != kNoTime) {  // still travelling
      deliver(sl.conn, cn.slot[0] == id ? 1 : 0, bgp::Keepalive{}, sl.ka_last + cn.latency, false);
      sl.ka_last = kNoTime;
    }
    sl.ka_lazy = false;
    pl.hold_lazy = false;
    --lazy_ends;
    arm_at(sl.keepalive_timer, sl.ka_next, kKeepaliveTimer, id);
    arm_at(pl.hold_timer,
           pl.hold_start + timer_jitter(pl, SessionTimerKind::Hold, pl.hold_start, pl.negotiated.hold),
           kHoldTimer, peer);
  }

  // Both directions of slot `id`'s session.
  void materialize_session(std::uint32_t id, Moment m) {
    if (slots[id].ka_lazy) materialize_keepalives(id, m);
    if (slots[id].hold_lazy) materialize_keepalives(peer_end(id), m);
  }

  // Before a fault, a process stop or start, or a reconfiguration (between runs).
  void materialize_all() {
    if (lazy_ends == 0) return;
    for (std::uint32_t id = 0; id < slots.size(); ++id)
      if (slots[id].ka_lazy) materialize_keepalives(id, Moment::BetweenRuns);
  }

  // ---- the FSM ---------------------------------------------------------------------------------

  void fire(std::uint32_t id, bgp::Event ev, bgp::Context ctx = {}, const bgp::Update* update = nullptr) {
    Slot& sl = slots[id];
    assert(sl.passive == shared_neighbor_config(sl).passive);
    assert(timers_of(sl) == shared_neighbor_config(sl).timers);
    ctx.passive = sl.passive;
    ctx.graceful_restart = sl.gr_negotiated;
    const State from = sl.state;
    // A message in Established, the event that most of a cold start is made of: the transition
    // table's answer is fixed (stay Established; restart the hold timer; process an UPDATE), needs
    // no lazy keepalives made events again (see below) and changes no state, so it is applied
    // here without the table and the action loop. Tracing takes the general path, which logs it.
    if (from == State::Established && (ev == bgp::Event::UpdateMsg || ev == bgp::Event::KeepAliveMsg) &&
        !opts.trace) [[likely]] {
      assert(
          (bgp::step(from, ev, ctx) ==
           bgp::Step{State::Established, ev == bgp::Event::UpdateMsg
                                             ? bgp::ActionSet{Action::RestartHoldTimer, Action::ProcessUpdate}
                                             : bgp::ActionSet{Action::RestartHoldTimer}}));
      restart_hold_timer(id);
      if (update) process_update(id, *update);
      proto_follows(id, State::Established);
      return;
    }
    bgp::Step st = bgp::step(from, ev, ctx);
    // In Established, a message only restarts the hold timer (which a lazy end remembers) and our
    // keepalive timer only sends a keepalive; anything else may stop or read the timers, so they
    // become events again first.
    if ((sl.ka_lazy || sl.hold_lazy) && !(from == State::Established && st.next == State::Established &&
                                          (ev == bgp::Event::UpdateMsg || ev == bgp::Event::KeepAliveMsg ||
                                           ev == bgp::Event::KeepaliveTimer_Expires)))
      materialize_session(id, Moment::DuringAnEvent);
    if (opts.trace && (st.next != from || !st.actions.empty()))
      trace_line("{\"t\":" + std::to_string(kernel.now()) + ",\"speaker\":" + json_str(speaker_name(id)) +
                 ",\"peer\":" + json_str(protocol_name_of(sl)) +
                 ",\"fsm\":" + json_str(bgp::to_string(from)) +
                 ",\"to\":" + json_str(bgp::to_string(st.next)) + ",\"on\":" + json_str(bgp::to_string(ev)) +
                 ",\"actions\":" + json_str(bgp::to_string(st.actions)) + "}");
    sl.state = st.next;
    if ((from == State::Established) != (st.next == State::Established)) {
      if (st.next == State::Established)
        --not_established;
      else
        ++not_established;
      note_change();
    }
    st.actions.for_each([&](Action a) { apply(id, a, st, update); });
    if (st.next == State::Established && from != State::Established) start_lazy_session(id);
    proto_follows(id, st.next);
  }

  // BIRD's protocol state follows the FSM while the speaker runs and the session end is alive.
  // (The slot's own state first: the speaker's is another cache line.)
  void proto_follows(std::uint32_t id, State next) {
    const Slot& sl = slots[id];
    const bgp::ProtoState p = next == State::Established ? bgp::ProtoState::Up : bgp::ProtoState::Start;
    if (sl.proto != p && speakers[sl.speaker].running && sl.alive) set_proto(id, p);
  }

  Time jittered(Slot& sl, Millis value) { return sl.rng.jitter(from_millis(value), 3, 4); }

  // The jitter of a negotiated keepalive or hold timer started at `at`. Not a draw from the
  // session's stream but a function of (session, timer, start time): how many keepalives went
  // before, and in which order they interleaved with other messages, does not matter, so the
  // analytic keepalive model can compute any of them (see SimOptions::analytic_keepalives).
  enum class SessionTimerKind : std::uint64_t { Keepalive = 0, Hold = 1 };
  static Time timer_jitter(const Slot& sl, SessionTimerKind kind, Time at, Millis value) {
    return Rng::keyed_jitter(sl.timer_key,
                             (static_cast<std::uint64_t>(at) << 1) | static_cast<std::uint64_t>(kind),
                             from_millis(value), 3, 4);
  }

  // (Re)starts slot `id`'s hold timer with the negotiated hold time, from now.
  void restart_hold_timer(std::uint32_t id) {
    Slot& sl = slots[id];
    sl.hold_start = kernel.now();
    // While the peer's keepalives are lazy the hold timer cannot fire: only remember its start.
    // It is not in the queue then (disarmed when they turned lazy, armed again only when they
    // stop), so there is nothing to cancel either: reading the kernel's timer to find that out was
    // a cache miss per UPDATE received in a large design.
    if (sl.hold_lazy) {
      assert(opts.detailed_timers || sl.hold_timer.id() == kNone || !kernel.armed(sl.hold_timer.id()));
      return;
    }
    // (start_timer replaces a running timer's deadline; the kernel counts that as a cancel.)
    if (sl.negotiated.hold > 0)
      start_timer(sl.hold_timer, timer_jitter(sl, SessionTimerKind::Hold, kernel.now(), sl.negotiated.hold),
                  kHoldTimer, id);
    else
      cancel_timer(sl.hold_timer);
  }

  void apply(std::uint32_t id, Action a, const bgp::Step& st, const bgp::Update* update) {
    Slot& sl = slots[id];
    Speaker& sp = speakers[sl.speaker];
    const TimerConfig& t = timers_of(sl);
    switch (a) {
      case Action::StopAllTimers:
        cancel_timers(sl);
        break;
      case Action::StopConnectTimer:
        kernel.cancel(sl.connect_timer);
        break;
      case Action::ReleaseResources: {
        kernel.cancel(sl.gr_timer);
        std::vector<bgp::PrefixId> affected;
        sp.in.release_peer(sl.index, affected);
        sp.out.clear_peer(sl.index);
        drop_pending(sp, sl.index);
        for (auto p : affected) route_changed(sl.speaker, p);
        break;
      }
      case Action::RetainStaleRoutes:
        sl.has_stale = sp.in.mark_stale(sl.index) > 0;
        sp.out.clear_peer(sl.index);
        drop_pending(sp, sl.index);
        kernel.cancel(sl.gr_timer);
        sl.gr_timer = kernel.schedule_in(from_millis(t.graceful_restart_time), kGracefulRestartTimer, id);
        break;
      case Action::SendNotification:
        record_error(id, bgp::LastError::sent(st.notification));
        send(id, bgp::Notification{st.notification, {}});
        break;
      case Action::DropTcp:
        if (sl.conn != kNone) close_conn(sl.conn, id, false), sl.conn = kNone;
        if (sl.pending_conn != kNone) abandon(sl.pending_conn), sl.pending_conn = kNone;
        break;
      case Action::InitiateTcp:
        connect(id);
        break;
      case Action::SendOpen:
        send(id, bgp::Open{bgp::kBgpVersion, sp.cfg.local_as, bgp::open_hold_seconds(t), sp.cfg.router_id});
        break;
      case Action::SendKeepalive:
        send(id, bgp::Keepalive{});
        break;
      case Action::StartConnectDelayTimer:
        kernel.cancel(sl.connect_timer);
        sl.connect_timer = kernel.schedule_in(jittered(sl, t.connect_delay), kConnectDelayTimer, id);
        break;
      case Action::StartConnectRetryTimer:
        kernel.cancel(sl.connect_timer);
        sl.connect_timer = kernel.schedule_in(jittered(sl, t.connect_retry), kConnectRetryTimer, id);
        break;
      case Action::StartHoldTimerLarge:
        cancel_timer(sl.hold_timer);
        start_timer(sl.hold_timer, jittered(sl, t.startup_hold), kHoldTimer, id);
        break;
      case Action::StartHoldTimer:
      case Action::RestartHoldTimer:
        restart_hold_timer(id);
        break;
      case Action::StartKeepaliveTimer: {
        cancel_timer(sl.keepalive_timer);
        if (sl.negotiated.keepalive == 0) break;
        const Time next = kernel.now() + timer_jitter(sl, SessionTimerKind::Keepalive, kernel.now(),
                                                      sl.negotiated.keepalive);
        if (!start_lazy_keepalives(id, next, true))
          start_timer(sl.keepalive_timer, next - kernel.now(), kKeepaliveTimer, id);
        break;
      }
      case Action::ProcessUpdate:
        if (update) process_update(id, *update);
        break;
      case Action::SessionUp:
        sl.error = bgp::LastError::none();
        sl.established_at = kernel.now();
        if (!sl.gr_negotiated) kernel.cancel(sl.gr_timer);
        export_all(id);
        break;
      case Action::StartErrorWait: {
        Millis wait = sl.error_wait.on_error(now_ms(), t);
        kernel.cancel(sl.error_wait_timer);
        sl.error_wait_timer = kernel.schedule_in(from_millis(wait), kErrorWaitTimer, id);
        break;
      }
    }
  }

  // ---- TCP -------------------------------------------------------------------------------------

  std::uint32_t new_conn(std::uint32_t id, HostId to, Time latency) {
    Connection c;
    c.slot[0] = id;
    c.host[0] = speakers[slots[id].speaker].host;
    c.host[1] = to;
    c.latency = std::max<Time>(latency, 1);
    conns.push_back(c);
    return static_cast<std::uint32_t>(conns.size() - 1);
  }

  void connect(std::uint32_t id) {
    Slot& sl = slots[id];
    Speaker& sp = speakers[sl.speaker];
    if (sl.pending_conn != kNone) abandon(sl.pending_conn);
    ++counters.connects;
    if (sl.peer_host == kUnknownHost) sl.peer_host = underlay.owner_of(peer_address_of(sl));
    const HostId to = sl.peer_host;
    UnderlayPath path = to == kNoHost ? UnderlayPath{} : underlay.path(sp.host, to);
    sl.pending_conn = new_conn(id, to, path.latency);
    // Nobody there, or no path: the SYN is lost and the connect stays pending.
    if (!path.reachable) return;
    ++in_flight;
    kernel.schedule_in(conns[sl.pending_conn].latency, kSynArrive, sl.pending_conn);
  }

  // Our outgoing attempt is dropped (timer, new attempt, collision): whatever arrives for it later
  // is ignored, and an accepted one is closed.
  void abandon(std::uint32_t c) {
    Connection& cn = conns[c];
    if (!cn.open) return;
    cn.open = false;
    if (cn.slot[1] != kNone) send_fin(c, 1);
  }

  // Closes a connection from slot `id`'s side; the other side hears a FIN unless `silent`.
  void close_conn(std::uint32_t c, std::uint32_t id, bool silent) {
    Connection& cn = conns[c];
    if (!cn.open) return;
    cn.open = false;
    int side = cn.slot[0] == id ? 0 : 1;
    int other = 1 - side;
    if (!silent && cn.slot[other] != kNone) send_fin(c, other);
  }

  void send_fin(std::uint32_t c, int to_side) {
    Connection& cn = conns[c];
    if (!underlay.reachable(cn.host[1 - to_side], cn.host[to_side])) return;
    ++in_flight;
    Time at = std::max(kernel.now() + cn.latency, cn.last_delivery[to_side]);
    cn.last_delivery[to_side] = at;
    kernel.schedule(at, kFinArrive, c, static_cast<std::uint64_t>(to_side));
  }

  // The acceptor's slot for a connection from `from` on speaker `sid`: an explicit neighbour, or a
  // new dynamic session from a neighbour range; kNone when it has neither.
  std::uint32_t find_acceptor(SpeakerId sid, const IpAddr& from, const IpAddr& to) {
    Speaker& sp = speakers[sid];
    // Among the sessions with this peer address: the newest one whose local address is the one
    // called (or a dynamic one), else the oldest.
    const std::size_t lo = by_peer_bound(sp, from, 0);
    std::size_t hi = lo;
    while (hi < by_peer_size(sp) && sp.facts[by_peer_at(sp, hi)].address == from) ++hi;
    std::uint32_t fallback = kNone;
    for (std::size_t pos = hi; pos != lo;) {
      const std::uint32_t id = sp.slots[by_peer_at(sp, --pos)];
      const Slot& sl = slots[id];
      if (!sl.alive) continue;
      if (params_of(sl).local_address == to || sl.dynamic) return id;
      fallback = id;
    }
    if (fallback != kNone) return fallback;
    for (const auto& r : sp.cfg.neighbor_ranges) {
      if (!r.range.contains(from)) continue;
      NeighborConfig n = r.templ;
      n.protocol_name = r.protocol_prefix + "_" + protocol_suffix(from);
      n.peer_address = from;
      n.peer_as = r.peer_as.value_or(0);  // 0: take the AS from the OPEN
      n.source_address = to;
      n.passive = true;  // a dynamic session only ever accepts
      std::uint32_t id = add_slot(sid, n, true);
      recompute_settle_window();
      Slot& sl = slots[id];
      sl.state = State::Idle;
      set_proto(id, bgp::ProtoState::Start);
      fire(id, bgp::Event::ManualStart);
      return id;
    }
    return kNone;
  }

  void on_syn(std::uint32_t c) {
    --in_flight;
    Connection& cn = conns[c];
    if (!cn.open) return;
    HostId to = cn.host[1];
    if (!underlay.host_up(to) || !underlay.reachable(cn.host[0], to)) return;  // lost on the way
    SpeakerId owner = to < speaker_of_host.size() ? speaker_of_host[to] : kNone;
    auto reply = [&](EventKind k) {
      ++in_flight;
      kernel.schedule_in(cn.latency, k, c);
    };
    // BIRD opens its listening socket only while it has a BGP protocol (bgp_open); a speaker with
    // no neighbour and no neighbour range refuses like a stopped one (checked against BIRD 2.0.12).
    bool listening =
        owner != kNone && speakers[owner].running &&
        (speakers[owner].configured_neighbors > 0 || !speakers[owner].cfg.neighbor_ranges.empty());
    if (!listening) {
      cn.open = false;
      reply(kRstArrive);  // nothing listens on port 179: refused
      return;
    }
    SpeakerId sid = owner;
    // Copies: find_acceptor may add a session end (a neighbour range), which moves `slots`. The
    // address called is the initiator's peer address, read from its peer facts (one cache line,
    // where its configuration would be two: the pointer and the configuration).
    const Slot& initiator = slots[cn.slot[0]];
    const IpAddr from = params_of(initiator).local_address,
                 to_addr = speakers[initiator.speaker].facts[initiator.index].address;
    std::uint32_t q = find_acceptor(sid, from, to_addr);
    bool accept = q != kNone;
    if (accept) {
      Slot& ql = slots[q];
      // Accept only a session that is waiting for a connection (BIRD closes incoming connections
      // of a session in error wait, and of one that already has a connection).
      accept = ql.state == State::Active || ql.state == State::Connect;
      if (accept && ql.pending_conn != kNone) {
        // Collision: keep the connection opened by the higher BGP identifier.
        std::uint32_t ours = speakers[sid].cfg.router_id;
        std::uint32_t theirs = speakers[slots[cn.slot[0]].speaker].cfg.router_id;
        accept = ours < theirs;
        if (accept) abandon(ql.pending_conn), ql.pending_conn = kNone;
      }
    }
    if (!accept) {
      // Accepted by the kernel and closed by BIRD: the caller's connect succeeds, then closes.
      cn.slot[1] = kNone;
      reply(kSynAckArrive);
      cn.open = true;
      send_fin(c, 0);
      cn.open = false;
      return;
    }
    cn.slot[1] = q;
    slots[q].conn = c;
    reply(kSynAckArrive);
    fire(q, bgp::Event::TcpConnectionConfirmed);
  }

  void on_synack(std::uint32_t c) {
    --in_flight;
    Connection& cn = conns[c];
    std::uint32_t id = cn.slot[0];
    Slot& sl = slots[id];
    if (sl.pending_conn != c) {
      // Abandoned meanwhile: close what the other side accepted.
      if (cn.open && cn.slot[1] != kNone) send_fin(c, 1), cn.open = false;
      return;
    }
    sl.pending_conn = kNone;
    sl.conn = c;
    fire(id, bgp::Event::Tcp_CR_Acked);
  }

  void on_rst(std::uint32_t c) {
    --in_flight;
    std::uint32_t id = conns[c].slot[0];
    Slot& sl = slots[id];
    if (sl.pending_conn != c) return;
    sl.pending_conn = kNone;
    record_error(id, bgp::LastError::socket_error(bgp::SocketError::Refused));
    fire(id, bgp::Event::TcpConnectionFails);
  }

  void on_fin(std::uint32_t c, int side) {
    --in_flight;
    Connection& cn = conns[c];
    std::uint32_t id = cn.slot[side];
    if (id == kNone) return;
    Slot& sl = slots[id];
    if (sl.conn != c && sl.pending_conn != c) return;
    if (sl.conn == c) sl.conn = kNone;
    if (sl.pending_conn == c) sl.pending_conn = kNone;
    cn.open = false;
    record_error(id, bgp::LastError::socket_error(bgp::SocketError::Closed));
    fire(id, bgp::Event::TcpConnectionFails);
  }

  // ---- messages --------------------------------------------------------------------------------

  // Whether the underlay carries a packet on connection `cn` to its side `to`: underlay.reachable,
  // remembered per connection until the underlay's version changes.
  bool path_up(Connection& cn, int to) {
    if (cn.reach_version != underlay.version()) {
      cn.reach[0] = underlay.reachable(cn.host[1], cn.host[0]);
      cn.reach[1] = underlay.reachable(cn.host[0], cn.host[1]);
      cn.reach_version = underlay.version();
    }
    return cn.reach[to];
  }

  // Sends `m`, one of the alternatives of bgp::Message, on session end `id`'s connection. Messages
  // are built in place in their slot of `messages` rather than moved through a variant.
  template <class M>
  void send(std::uint32_t id, M&& m) {
    using T = std::remove_cvref_t<M>;
    Slot& sl = slots[id];
    if (sl.conn == kNone) return;
    Connection& cn = conns[sl.conn];
    if (!cn.open) return;
    int side = cn.slot[0] == id ? 0 : 1;
    int to = 1 - side;
    if constexpr (std::is_same_v<T, bgp::Open>) {
      ++counters.opens;
    } else if constexpr (std::is_same_v<T, bgp::Update>) {
      ++counters.updates;
      ++sl.updates_sent;
      counters.prefixes_announced += m.nlri.size();
      counters.prefixes_withdrawn += m.withdrawn.size();
    } else if constexpr (std::is_same_v<T, bgp::Keepalive>) {
      ++counters.keepalives;
    } else {
      static_assert(std::is_same_v<T, bgp::Notification>);
      ++counters.notifications;
    }
    if (opts.trace) trace_message(id, bgp::Message(m));
    if (!path_up(cn, to)) return;  // lost: the path is down
    bool steady = false;
    if constexpr (std::is_same_v<T, bgp::Keepalive>)
      steady = sl.state == State::Established && cn.slot[to] != kNone &&
               slots[cn.slot[to]].state == State::Established;
    deliver(sl.conn, to, std::forward<M>(m), std::max(kernel.now() + cn.latency, cn.last_delivery[to]),
            !steady);
  }

  // Puts message `m` on connection `c`, arriving at side `to` at time `at`. `counted`: in in_flight.
  template <class M>
  void deliver(std::uint32_t c, int to, M&& m, Time at, bool counted) {
    using T = std::remove_cvref_t<M>;
    Connection& cn = conns[c];
    std::uint32_t storage;
    if (free_storage != kNone) {
      storage = free_storage;
      free_storage = storage_next[storage];
      bgp::Message& slot = messages[storage];
      if (T* same = std::get_if<T>(&slot))
        *same = std::forward<M>(m);  // reuses the slot's alternative (an UPDATE's prefix lists)
      else
        slot.template emplace<T>(std::forward<M>(m));
    } else {
      storage = static_cast<std::uint32_t>(messages.size());
      messages.push_back(bgp::Message(std::in_place_type<T>, std::forward<M>(m)));
      storage_next.push_back(kNone);
    }
    std::uint32_t mid;
    if (free_messages != kNone) {
      mid = free_messages;
      free_messages = message_storage[mid];
      message_storage[mid] = storage;
      message_counted[mid] = counted;
    } else {
      mid = static_cast<std::uint32_t>(message_storage.size());
      message_storage.push_back(storage);
      message_counted.push_back(counted);
    }
    cn.last_delivery[to] = std::max(at, cn.last_delivery[to]);
    if (counted) ++in_flight;
    kernel.schedule(at, kMsgArrive, c,
                    (static_cast<std::uint64_t>(mid) << 1) | static_cast<std::uint64_t>(to));
  }

  void trace_message(std::uint32_t id, const bgp::Message& m) {
    static const char* names[] = {"", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE"};
    std::string line = "{\"t\":" + std::to_string(kernel.now()) +
                       ",\"speaker\":" + json_str(speaker_name(id)) +
                       ",\"peer\":" + json_str(protocol_name_of(slots[id])) + ",\"send\":\"" +
                       names[static_cast<int>(bgp::type_of(m))] + "\"";
    if (const auto* u = std::get_if<bgp::Update>(&m)) {
      line += ",\"nlri\":[";
      for (std::size_t i = 0; i < u->nlri.size(); ++i)
        line += (i ? "," : "") + json_str(to_string(prefixes.get(u->nlri[i])));
      line += "],\"withdrawn\":[";
      for (std::size_t i = 0; i < u->withdrawn.size(); ++i)
        line += (i ? "," : "") + json_str(to_string(prefixes.get(u->withdrawn[i])));
      line += "]";
      if (u->attrs != bgp::kNoAttrs) {
        const auto& a = attrs.get(u->attrs);
        line += ",\"as_path\":" + json_str(bgp::format_as_path(a.as_path)) +
                ",\"next_hop\":" + json_str(to_string(a.next_hop));
      }
    } else if (const auto* n = std::get_if<bgp::Notification>(&m)) {
      line += ",\"error\":" + json_str(bgp::notification_text(n->error));
    }
    trace_line(line + "}");
  }

  void on_message(std::uint32_t c, std::uint64_t arg) {
    std::uint32_t mid = static_cast<std::uint32_t>(arg >> 1);
    if (message_counted[mid]) --in_flight;
    int side = static_cast<int>(arg & 1);
    // The id is free at once, the message's storage once it has been handled (see `messages`).
    const std::uint32_t storage = message_storage[mid];
    message_storage[mid] = free_messages;
    free_messages = mid;
    Connection& cn = conns[c];
    const std::uint32_t id = cn.slot[side];
    // Dropped when the connection is gone on this side or the path is down.
    if (id != kNone && slots[id].conn == c && path_up(cn, side)) receive(id, c, messages[storage]);
    storage_next[storage] = free_storage;
    free_storage = storage;
  }

  void receive(std::uint32_t id, std::uint32_t c, const bgp::Message& m) {
    Slot& sl = slots[id];
    std::visit(
        [&](const auto& msg) {
          using T = std::decay_t<decltype(msg)>;
          if constexpr (std::is_same_v<T, bgp::Open>) {
            on_open(id, c, msg);
          } else if constexpr (std::is_same_v<T, bgp::Update>) {
            ++sl.updates_received;
            fire(id, bgp::Event::UpdateMsg, {}, &msg);
          } else if constexpr (std::is_same_v<T, bgp::Notification>) {
            record_error(id, bgp::LastError::received(msg.error));
            bgp::Context ctx;
            ctx.error = msg.error;
            fire(id, bgp::Event::NotifMsg, ctx);
          } else {
            fire(id, bgp::Event::KeepAliveMsg);
          }
        },
        m);
  }

  // RFC 4271 §6.2 OPEN message checks, then BGPOpen or BGPOpenMsgErr.
  void on_open(std::uint32_t id, std::uint32_t c, const bgp::Open& open) {
    Slot& sl = slots[id];
    Speaker& sp = speakers[sl.speaker];
    bgp::Context ctx;
    const Connection& cn = conns[c];
    int side = cn.slot[0] == id ? 0 : 1;
    std::uint32_t remote = cn.slot[1 - side];
    if (sl.dynamic && shared_neighbor_config(sl).peer_as == 0) {  // (dynamic first: a cache miss)
      // A neighbour range without an AS takes the peer's.
      NeighborConfig n = neighbor_of(sl);
      n.peer_as = open.my_as;
      sl.neighbor = intern_neighbor(n);
      sl.params_id = intern_params(bgp::session_params(sp.cfg, n));
    }
    if (open.my_as != params_of(sl).peer_as) {
      ctx.error = bgp::notif::kBadPeerAs;
      fire(id, bgp::Event::BGPOpenMsgErr, ctx);
      return;
    }
    if (open.bgp_identifier == sp.cfg.router_id && open.my_as == sp.cfg.local_as) {
      ctx.error = bgp::notif::kBadBgpIdentifier;
      fire(id, bgp::Event::BGPOpenMsgErr, ctx);
      return;
    }
    if (open.hold_time == 1 || open.hold_time == 2) {
      ctx.error = bgp::notif::kUnacceptableHoldTime;
      fire(id, bgp::Event::BGPOpenMsgErr, ctx);
      return;
    }
    // Timers and facts without the session's configuration (a cache miss in a large mesh): the
    // facts already hold the peer's address (set with the configuration).
    sl.negotiated = bgp::negotiate_timers(timers_of(sl), open.hold_time);
    sl.gr_negotiated =
        timers_of(sl).graceful_restart && remote != kNone && timers_of(slots[remote]).graceful_restart;
    bgp::PeerFacts& facts = sp.facts[sl.index];
    facts = bgp::peer_facts(params_of(sl), facts.address, open.bgp_identifier);
    fire(id, bgp::Event::BGPOpen);
  }

  // ---- routes ----------------------------------------------------------------------------------

  void process_update(std::uint32_t id, const bgp::Update& u) {
    Slot& sl = slots[id];
    Speaker& sp = speakers[sl.speaker];
    if (u.end_of_rib()) {
      // The peer has re-sent everything after a restart: what is still stale is gone.
      if (!sl.has_stale) return;
      sl.has_stale = false;
      std::vector<bgp::PrefixId> affected;
      sp.in.flush_stale(sl.index, affected);
      kernel.cancel(sl.gr_timer);
      for (auto p : affected) route_changed(sl.speaker, p);
      return;
    }
    for (auto p : u.withdrawn) {
      sp.in.withdraw(sl.index, p);
      route_changed(sl.speaker, p);
    }
    if (!u.nlri.empty()) {
      if (!sp.rows_reserved) reserve_rows(sp);
      // Routes that fail the loop checks are treated as withdrawn (BIRD: never reach the table).
      bgp::ImportResult r = bgp::import_route(u.attrs, params_of(sl), attrs);
      for (auto p : u.nlri) {
        sp.in.update(sl.index, p, r.attrs);
        route_changed(sl.speaker, p);
      }
    }
  }

  // Sizes a speaker's Adj-RIB-In row (whose slots hold the Loc-RIB's entries too) for every prefix
  // known when it first learns a route: by then every speaker started with the run has originated its
  // prefixes, and in a Calico design every node learns them all. Grown by doubling instead, rows end up
  // about half as large again as their content (heaptrack, 3,000 reflector clients: 269.9 MB of
  // Adj-RIB-In slots for 180 MB of routes). Prefixes interned later grow the rows as before.
  void reserve_rows(Speaker& sp) {
    sp.rows_reserved = true;
    const auto n = static_cast<bgp::PrefixId>(prefixes.size());
    sp.in.reserve(n, static_cast<bgp::PeerIndex>(sp.slots.size()));  // and the Loc-RIB's entries
  }

  void route_changed(SpeakerId sid, bgp::PrefixId pid) {
    Speaker& sp = speakers[sid];
    bgp::BestChange ch = sp.loc.recompute(pid, sp.in, sp.facts, sp.self, attrs);
    if (!ch.changed()) return;
    ++counters.best_changes;
    observations.add((static_cast<std::uint64_t>(sid) << 32) | pid);
    observations.add((static_cast<std::uint64_t>(ch.new_best.peer) << 32) | ch.new_best.attrs);
    note_change();
    // iBGP split horizon (RFC 4271 §9.1.1, RFC 4456 §6): a route learnt from an iBGP peer that is
    // not our client goes only to eBGP peers and clients. When neither the old nor the new best is
    // such a route, every peer may be affected; otherwise only those targets are, which keeps a
    // full mesh linear per route instead of quadratic.
    auto ibgp_nonclient = [&](const bgp::Best& b) {
      if (!b.has_route() || b.peer == bgp::kLocalPeer) return false;
      const auto& f = sp.facts[b.peer];
      return !f.ebgp && !f.rr_client;
    };
    const bool restricted = (ibgp_nonclient(ch.old_best) || !ch.old_best.has_route()) &&
                            (ibgp_nonclient(ch.new_best) || !ch.new_best.has_route());
    if (ch.new_best.has_route() && !ibgp_nonclient(ch.new_best)) {
      if (sp.in_broadcast.size() <= pid) sp.in_broadcast.resize(pid + 1, false);
      if (!sp.in_broadcast[pid]) sp.in_broadcast[pid] = true, sp.broadcast.push_back(pid);
    }
    // One route to many peers: the verdict and attributes are worked out once per kind of peer.
    ExportCache cache;
    if (restricted) {
      for (bgp::PeerIndex to : sp.reflect_targets)
        if (slots[sp.slots[to]].state == State::Established) export_to(sid, to, pid, ch.new_best, &cache);
      return;
    }
    for (std::uint32_t id : sp.slots)
      if (slots[id].state == State::Established) export_to(sid, slots[id].index, pid, ch.new_best, &cache);
  }

  // What export_to sent one route to peers with these session parameters (other than the peer
  // the route came from). The verdict of check_export and the exported attributes depend on the
  // target only through its SessionParams and whether it is the source peer, so for one route
  // (prefix, best) they are the same for every peer whose parameters have this id.
  struct ExportCache {
    std::uint32_t params = kNone;
    bgp::AttrId out = bgp::kNoAttrs;
  };

  // `cache`: for calls with one prefix and one best route only.
  void export_to(SpeakerId sid, bgp::PeerIndex to, bgp::PrefixId pid, const bgp::Best& best,
                 ExportCache* cache = nullptr) {
    Speaker& sp = speakers[sid];
    const Slot& target = slots[sp.slots[to]];
    bgp::AttrId out = bgp::kNoAttrs;
    const bool cached =
        cache != nullptr && best.has_route() && to != best.peer && cache->params == target.params_id;
    if (cached) {
      out = cache->out;
    } else if (best.has_route()) {
      const bgp::PeerFacts& from = best.peer == bgp::kLocalPeer ? sp.self : sp.facts[best.peer];
      // Same verdict and attributes as bgp::export_route, with the attributes memoised.
      // Same verdict as bgp::check_export with the filter: the filter is its last check, and its
      // verdict per prefix is remembered.
      static const std::optional<std::vector<Prefix>> kNoFilter;
      const bgp::ExportVerdict v = bgp::check_export(prefixes.get(pid), attrs.get(best.attrs), best.peer,
                                                     from, to, params_of(target), kNoFilter);
      if (v == bgp::ExportVerdict::Export && export_allowed(sp, pid))
        out = exported_attributes(sp, best.attrs, best.peer, from, target.params_id);
      if (cache != nullptr && to != best.peer) *cache = {target.params_id, out};
    }
    auto oc = sp.out.advertise(to, pid, out);
    if (!oc) return;
    if (sp.dirty.empty()) dirty_speakers.push_back(sid);
    if (Slot& t = slots[sp.slots[to]]; !t.out_dirty) {
      t.out_dirty = true;
      sp.dirty.push_back(to);
    }
    sp.pending_out.push_back(*oc);
  }

  // Forgets the changes not yet sent to one peer (its session went down); it stays in `dirty`.
  static void drop_pending(Speaker& sp, bgp::PeerIndex to) {
    std::erase_if(sp.pending_out, [to](const bgp::OutChange& c) { return c.peer == to; });
  }

  bool export_allowed(Speaker& sp, bgp::PrefixId pid) {
    if (!sp.cfg.export_only_within) return true;
    if (sp.export_allowed.size() <= pid) sp.export_allowed.resize(pid + 1, 0);
    std::uint8_t& known = sp.export_allowed[pid];
    if (known == 0) known = bgp::export_filter_allows(prefixes.get(pid), sp.cfg.export_only_within) ? 1 : 2;
    return known == 1;
  }

  // The interned attributes a route gets when exported: attrs.intern(export_attributes(...)),
  // memoised on every input export_attributes reads. A route reflector sends the same route to
  // hundreds of clients, a mesh node its own route to every peer: without the memo each export
  // copies the attribute set and hashes it. Interned ids are never reused, so a remembered id
  // stays the one intern() would return.
  //
  // Open addressing with the entries in the table: a session's first export misses `last_export`
  // on nearly every route (each has attributes of its own), and in a 10,000-node design the
  // memo is far from the cache, where a node-based map's bucket, node and key were three
  // dependent misses per lookup (~10% of the rack design's time); here a lookup is one.
  class ExportMemo {
   public:
    // The value for `k`, computing and keeping make() when it is not there yet.
    template <class Make>
    bgp::AttrId get(const ExportKey& k, Make&& make) {
      if ((size_ + 1) * 4 > table_.size() * 3) grow();
      const std::size_t mask = table_.size() - 1;
      const std::size_t hash = ExportKeyHash{}(k);
      for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        Entry& e = table_[i];
        if (e.value == bgp::kNoAttrs) {  // not there: interned ids are never kNoAttrs
          e = {k, make()};
          ++size_;
          return e.value;
        }
        if (e.key == k) return e.value;
      }
    }

   private:
    struct alignas(32) Entry {  // two to a cache line
      ExportKey key{};
      bgp::AttrId value = bgp::kNoAttrs;
    };
    void grow() {
      std::vector<Entry> old = std::move(table_);
      table_.assign(old.empty() ? 1024 : old.size() * 2, Entry{});
      const std::size_t mask = table_.size() - 1;
      for (const Entry& e : old) {
        if (e.value == bgp::kNoAttrs) continue;
        std::size_t i = ExportKeyHash{}(e.key) & mask;
        while (table_[i].value != bgp::kNoAttrs) i = (i + 1) & mask;
        table_[i] = e;
      }
    }
    std::vector<Entry> table_;
    std::size_t size_ = 0;
  } export_memo;

  bgp::AttrId exported_attributes(Speaker& sp, bgp::AttrId in, bgp::PeerIndex from, const bgp::PeerFacts& ff,
                                  std::uint32_t to_params) {
    const bool local = from == bgp::kLocalPeer;
    // export_attributes reads only these facts of the source peer (bgp_policy.cpp), and only when
    // the route is reflected (not local), which keeps one key per local route.
    const ExportKey k{in,    to_params,         local ? 0 : ff.router_id, local ? 0 : ff.cluster_id,
                      local, !local && ff.ebgp, !local && ff.rr_client};
    auto& last = sp.last_export;
    if (last && k == last->first) return last->second;
    const bgp::AttrId out = export_memo.get(k, [&] {
      return attrs.intern(bgp::export_attributes(attrs.get(in), from, ff, params_table[to_params]));
    });
    last = {k, out};
    return out;
  }

  void export_all(std::uint32_t id) {
    Slot& sl = slots[id];
    Speaker& sp = speakers[sl.speaker];
    // To an iBGP peer that is not our client, routes learnt from other such peers never go
    // (split horizon): skip them here rather than in export_route, which matters in a full mesh.
    const bool split = params_of(sl).ibgp && !params_of(sl).rr_client;
    auto exportable = [&](const bgp::Best& b) {
      return b.has_route() &&
             (b.peer == bgp::kLocalPeer || sp.facts[b.peer].ebgp || sp.facts[b.peer].rr_client);
    };
    auto& all = export_scratch;  // reused: a session comes up a million times in a large mesh
    all.clear();
    if (split) {
      for (bgp::PrefixId p : sp.broadcast)
        if (const bgp::Best b = sp.loc.best(sp.in, p); exportable(b)) all.emplace_back(p, b);
      std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    } else {
      sp.loc.for_each(sp.in, [&](bgp::PrefixId p, const bgp::Best& b) { all.emplace_back(p, b); });
    }
    for (const auto& [p, b] : all) export_to(sl.speaker, sl.index, p, b);
    if (!sp.dirty.empty()) flush_speaker(sl.speaker);
    send(id, bgp::Update{});  // End-of-RIB (RFC 4724 §2)
  }

  void flush_speaker(SpeakerId sid) {
    Speaker& sp = speakers[sid];
    std::span<const bgp::OutChange> all = group_pending(sp);
    for (bgp::PeerIndex to : sp.dirty) {
      std::size_t n = 0;
      while (n < all.size() && all[n].peer == to) ++n;
      const std::span<const bgp::OutChange> changes = all.first(n);
      all = all.subspan(n);
      std::uint32_t id = sp.slots[to];
      slots[id].out_dirty = false;
      if (slots[id].state == State::Established && !changes.empty())
        bgp::pack_updates(changes, pack_scratch, [&](bgp::Update&& u) { send(id, std::move(u)); });
    }
    sp.pending_out.clear();
    sp.dirty.clear();
  }

  // The speaker's pending changes grouped by peer, the groups in `dirty` order, each peer's in the
  // order they were made (what one vector per peer gave). Usually they already are: most events
  // change one prefix, which goes to each peer once, peer after peer.
  std::span<const bgp::OutChange> group_pending(Speaker& sp) {
    auto& pending = sp.pending_out;
    if (sp.dirty.size() <= 1) return pending;
    if (group_rank.size() < sp.slots.size()) group_rank.resize(sp.slots.size());
    for (std::uint32_t r = 0; r < sp.dirty.size(); ++r) group_rank[sp.dirty[r]] = r;
    bool grouped = true;
    for (std::size_t i = 1; i < pending.size() && grouped; ++i)
      grouped = group_rank[pending[i - 1].peer] <= group_rank[pending[i].peer];
    if (grouped) return pending;
    // A counting sort by rank: stable, linear.
    group_start.assign(sp.dirty.size() + 1, 0);
    for (const bgp::OutChange& c : pending) ++group_start[group_rank[c.peer] + 1];
    for (std::size_t r = 1; r < group_start.size(); ++r) group_start[r] += group_start[r - 1];
    group_scratch.resize(pending.size());
    for (const bgp::OutChange& c : pending) group_scratch[group_start[group_rank[c.peer]]++] = c;
    pending.swap(group_scratch);
    return pending;
  }

  void flush_all() {
    // Flushing sends UPDATEs, which never makes another speaker dirty (messages are delivered
    // later), so one pass suffices.
    if (dirty_speakers.empty()) return;
    // Swapped with a member, not a local: both keep their capacity, so no event allocates here.
    flush_todo.swap(dirty_speakers);
    for (SpeakerId s : flush_todo)
      if (!speakers[s].dirty.empty()) flush_speaker(s);
    flush_todo.clear();
  }

  // ---- events ----------------------------------------------------------------------------------

  // A session timer that fired leaves an empty handle behind, so that stopping the session's
  // timers later costs no look into the kernel's handle table (a cache miss in a large network)
  // to find out that the event is gone. (Cancelling a fired event is a no-op either way.)
  static void forget_fired(EventHandle& handle, const Event& e) {
    if (handle == e.handle()) handle = {};
  }

  void handle(Kernel& k, const Event& e) {
    ++counters.events;
    switch (e.kind) {
      case kConnectDelayTimer:
        forget_fired(slots[e.target].connect_timer, e);
        fire(e.target, bgp::Event::ConnectDelayTimer_Expires);
        break;
      case kConnectRetryTimer:
        forget_fired(slots[e.target].connect_timer, e);
        fire(e.target, bgp::Event::ConnectRetryTimer_Expires);
        break;
      case kHoldTimer: {
        Slot& sl = slots[e.target];
        if (sl.state == State::Established || sl.state == State::OpenConfirm || sl.state == State::OpenSent)
          record_error(e.target, bgp::LastError::sent(bgp::notif::kHoldTimerExpired));
        fire(e.target, bgp::Event::HoldTimer_Expires);
        break;
      }
      case kKeepaliveTimer:
        fire(e.target, bgp::Event::KeepaliveTimer_Expires);
        break;
      case kErrorWaitTimer:
        forget_fired(slots[e.target].error_wait_timer, e);
        fire(e.target, bgp::Event::ErrorWaitTimer_Expires);
        break;
      case kGracefulRestartTimer:
        forget_fired(slots[e.target].gr_timer, e);
        fire(e.target, bgp::Event::GracefulRestartTimer_Expires);
        if (slots[e.target].state != State::Established) {
          Slot& sl = slots[e.target];
          sl.has_stale = false;
          std::vector<bgp::PrefixId> affected;
          speakers[sl.speaker].in.flush_stale(sl.index, affected);
          for (auto p : affected) route_changed(sl.speaker, p);
        }
        break;
      case kSynArrive:
        on_syn(e.target);
        break;
      case kSynAckArrive:
        on_synack(e.target);
        break;
      case kRstArrive:
        on_rst(e.target);
        break;
      case kFinArrive:
        on_fin(e.target, static_cast<int>(e.arg));
        break;
      case kMsgArrive:
        on_message(e.target, e.arg);
        break;
      case kConvergenceCheck: {
        Time window = not_established > 0 ? settle_window : 0;
        if (in_flight == 0 && k.now() >= last_change + window) {
          converged_at = last_change;
          if (stop_on_convergence) k.stop(Outcome::Converged);
        }
        return;
      }
      default:
        break;
    }
    flush_all();
    // The network went quiet: check for convergence. Not when it has converged and nothing has
    // changed since (note_change clears converged_at), as when only keepalives come and go —
    // unless run() waits for the check to stop it.
    if (in_flight == 0 && (!converged_at || stop_on_convergence) && !check_pending()) schedule_check();
  }
};

// ---- public interface ------------------------------------------------------------------------------

Network::Network(const Topology& topology, std::vector<SpeakerConfig> speakers, SimOptions options)
    : impl_(std::make_unique<Impl>(topology, std::move(speakers), options)) {}

Network::~Network() = default;

RunResult Network::run() {
  auto& im = *impl_;
  im.stop_on_convergence = true;
  if (im.converged_at && im.in_flight == 0) return {Outcome::Converged, im.kernel.now(), im.converged_at, 0};
  std::uint64_t budget =
      im.opts.event_limit > im.counters.events ? im.opts.event_limit - im.counters.events : 0;
  auto r =
      im.kernel.run_until(im.opts.time_limit, budget, [&](Kernel& k, const Event& e) { im.handle(k, e); });
  im.stop_on_convergence = false;
  RunResult out{r.outcome, r.time, std::nullopt, r.events};
  if (r.outcome == Outcome::Converged) out.converged_at = im.converged_at.value_or(im.last_change);
  return out;
}

RunResult Network::run_until(Time t) {
  auto& im = *impl_;
  im.stop_on_convergence = false;
  Time limit = std::min(t, im.opts.time_limit);
  std::uint64_t budget =
      im.opts.event_limit > im.counters.events ? im.opts.event_limit - im.counters.events : 0;
  auto r = im.kernel.run_until(limit, budget, [&](Kernel& k, const Event& e) { im.handle(k, e); });
  RunResult out{r.outcome, r.time, im.converged_at, r.events};
  // An empty queue before t is quiescence: the clock still reaches t.
  if (r.outcome == Outcome::Converged) {
    im.kernel.advance_to(limit);
    out.outcome = Outcome::TimeLimit;
    out.time = im.kernel.now();
  }
  return out;
}

Time Network::now() const {
  return impl_->kernel.now();
}

std::optional<Time> Network::next_event_time() const {
  return impl_->kernel.next_time();
}

void Network::reconfigure(const Topology& topology, const std::vector<SpeakerConfig>& configs) {
  auto& im = *impl_;
  im.materialize_all();  // the path or the sessions may change
  im.underlay = Underlay(topology);
  for (auto& sl : im.slots) sl.peer_host = kUnknownHost;
  for (const auto& h : im.hosts_down) im.underlay.set_host_up(h, false);
  for (const auto& g : im.segments_down) im.underlay.set_segment_up(g, false);
  for (const auto& l : im.links_down) im.underlay.set_link_up(l, false);
  for (auto& sp : im.speakers) sp.host = im.underlay.host_by_name(sp.cfg.name);
  im.map_hosts();
  for (const auto& cfg : configs) {
    auto it = im.by_name.find(cfg.name);
    if (it == im.by_name.end()) {
      im.add_speaker(cfg);
      im.map_hosts();
      im.start(static_cast<SpeakerId>(im.speakers.size() - 1));
      continue;
    }
    SpeakerId sid = it->second;
    auto& sp = im.speakers[sid];
    const bool identity_changed = sp.cfg.local_as != cfg.local_as || sp.cfg.router_id != cfg.router_id;
    // Sessions: removed, changed (restarted), added — matched by protocol name, as BIRD does
    // (the first neighbour of a name counts).
    std::unordered_map<std::string_view, const NeighborConfig*> by_protocol;
    by_protocol.reserve(cfg.neighbors.size());
    for (const auto& n : cfg.neighbors) by_protocol.try_emplace(n.protocol_name, &n);
    sp.configured_neighbors = cfg.neighbors.size();
    for (std::uint32_t id : sp.slots) {
      if (!im.slots[id].alive || im.slots[id].dynamic) continue;
      const NeighborConfig old = im.neighbor_of(im.slots[id]);
      auto found = by_protocol.find(old.protocol_name);
      const bool remove = found == by_protocol.end();
      const bool restart = !remove && (!(*found->second == old) || identity_changed);
      if (!remove && !restart) continue;
      bgp::Context ctx;
      ctx.error = remove ? bgp::notif::kPeerDeconfigured : bgp::notif::kOtherConfigurationChange;
      if (sp.running) im.fire(id, bgp::Event::ManualStop, ctx);
      auto& sl = im.slots[id];
      if (remove) {
        sl.alive = false;  // (it keeps its configuration, for what it last showed)
        if (sl.state != State::Established) --im.not_established;
        im.set_proto(id, bgp::ProtoState::Down);
        continue;
      }
      const NeighborConfig& n = *found->second;
      sl.neighbor = im.intern_neighbor(n);
      sl.passive = n.passive;
      sl.timers_id = im.timers_table.intern(n.timers);
      sp.cfg.local_as = cfg.local_as;
      sp.cfg.router_id = cfg.router_id;
      sl.params_id = im.intern_params(bgp::session_params(cfg, n));
      const bool moved = n.peer_address != old.peer_address;  // the same name, another address
      if (moved) im.unfile_by_peer(sp, sl.index);
      sp.facts[sl.index] = bgp::peer_facts(im.params_of(sl), n.peer_address, 0);
      if (moved) im.file_by_peer(sp, sl.index);
      if (sp.running) {
        sl.error_wait.reset();
        im.fire(id, bgp::Event::ManualStart);
      }
    }
    const std::vector<Prefix> old_originated = sp.cfg.originated;
    const auto old_export_only_within = sp.cfg.export_only_within;
    std::unordered_set<std::string> alive;  // protocol names of the sessions now configured
    for (std::uint32_t id : sp.slots)
      if (im.slots[id].alive) alive.insert(im.protocol_name_of(im.slots[id]));
    for (const auto& n : cfg.neighbors) {
      if (!alive.insert(n.protocol_name).second) continue;
      std::uint32_t id = im.add_slot(sid, n, false);
      if (im.speakers[sid].running) im.start_slot(id);
    }
    auto& spk = im.speakers[sid];
    spk.cfg.neighbor_ranges = cfg.neighbor_ranges;
    spk.cfg.local_as = cfg.local_as;
    spk.cfg.router_id = cfg.router_id;
    spk.self = bgp::self_facts(cfg);
    // Originated routes and the export filter change without a session reset ("Reloading").
    const bool export_changed = old_export_only_within != cfg.export_only_within;
    spk.cfg.export_only_within = cfg.export_only_within;
    if (export_changed) spk.export_allowed.clear();
    if (old_originated != cfg.originated && spk.running) {
      bgp::AttrId local = im.attrs.intern(bgp::local_route_attributes());
      for (const auto& p : old_originated)
        if (std::find(cfg.originated.begin(), cfg.originated.end(), p) == cfg.originated.end()) {
          auto pid = im.prefixes.intern(p);
          spk.in.withdraw(bgp::kLocalPeer, pid);
          im.route_changed(sid, pid);
        }
      for (const auto& p : cfg.originated)
        if (std::find(old_originated.begin(), old_originated.end(), p) == old_originated.end()) {
          auto pid = im.prefixes.intern(p);
          im.speakers[sid].in.update(bgp::kLocalPeer, pid, local);
          im.route_changed(sid, pid);
        }
    }
    im.speakers[sid].cfg.originated = cfg.originated;
    if (export_changed && im.speakers[sid].running) {
      for (std::uint32_t id : im.speakers[sid].slots)
        if (im.slots[id].state == State::Established) {
          auto& s2 = im.speakers[sid];
          std::vector<std::pair<bgp::PrefixId, bgp::Best>> all;
          s2.loc.for_each(s2.in, [&](bgp::PrefixId p, const bgp::Best& b) { all.emplace_back(p, b); });
          for (const auto& [p, b] : all) im.export_to(sid, im.slots[id].index, p, b);
        }
    }
  }
  // Speakers that are gone stop.
  for (SpeakerId sid = 0; sid < im.speakers.size(); ++sid) {
    bool present = std::any_of(configs.begin(), configs.end(),
                               [&](const SpeakerConfig& c) { return c.name == im.speakers[sid].cfg.name; });
    if (!present && im.speakers[sid].running) im.stop(sid, false);
  }
  im.recompute_settle_window();
  im.flush_all();
  im.note_change();
}

bool Network::stop_speaker(const std::string& name) {
  auto s = find_speaker(name);
  if (!s) return false;
  impl_->materialize_all();
  impl_->stop(*s, false);
  impl_->flush_all();
  return true;
}

bool Network::start_speaker(const std::string& name) {
  auto s = find_speaker(name);
  if (!s) return false;
  impl_->materialize_all();
  impl_->start(*s);
  impl_->flush_all();
  return true;
}

bool Network::fail_host(const std::string& name) {
  auto s = find_speaker(name);
  if (!s) return false;
  impl_->materialize_all();
  impl_->stop(*s, true);
  impl_->underlay.set_host_up(name, false);
  impl_->hosts_down.insert(name);
  impl_->note_change();
  return true;
}

bool Network::recover_host(const std::string& name) {
  auto s = find_speaker(name);
  if (!s) return false;
  impl_->materialize_all();
  impl_->underlay.set_host_up(name, true);
  impl_->hosts_down.erase(name);
  impl_->start(*s);
  impl_->flush_all();
  return true;
}

bool Network::set_link_up(const std::string& name, bool up) {
  impl_->materialize_all();
  bool ok = impl_->underlay.set_link_up(name, up);
  if (ok) up ? (void)impl_->links_down.erase(name) : (void)impl_->links_down.insert(name);
  if (ok) impl_->note_change();
  return ok;
}

bool Network::set_segment_up(const std::string& name, bool up) {
  impl_->materialize_all();
  bool ok = impl_->underlay.set_segment_up(name, up);
  if (ok) up ? (void)impl_->segments_down.erase(name) : (void)impl_->segments_down.insert(name);
  if (ok) impl_->note_change();
  return ok;
}

std::size_t Network::speaker_count() const {
  return impl_->speakers.size();
}
const Underlay& Network::underlay() const {
  return impl_->underlay;
}

std::optional<SpeakerId> Network::find_speaker(const std::string& name) const {
  auto it = impl_->by_name.find(name);
  if (it == impl_->by_name.end()) return std::nullopt;
  return it->second;
}

const SpeakerSettings& Network::speaker_config(SpeakerId id) const {
  return impl_->speakers[id].cfg;
}
bool Network::speaker_running(SpeakerId id) const {
  return impl_->speakers[id].running;
}

std::vector<SessionStatus> Network::sessions(SpeakerId id) const {
  const auto& im = *impl_;
  const auto& sp = im.speakers[id];
  std::vector<SessionStatus> out;
  for (std::uint32_t sid : sp.slots) {
    const auto& sl = im.slots[sid];
    if (!sl.alive) continue;
    SessionStatus s;
    s.speaker = sp.cfg.name;
    const NeighborConfig& shared = im.shared_neighbor_config(sl);
    s.protocol = im.protocol_name_of(sl);
    s.type = shared.type;
    s.peer_address = im.peer_address_of(sl);
    s.peer_as = shared.peer_as;
    HostId owner = im.underlay.owner_of(s.peer_address);
    if (owner != kNoHost) s.peer_speaker = im.underlay.host_name(owner);
    s.proto = sl.proto;
    s.state = sl.state;
    s.passive = sl.passive;
    s.rr_client = shared.rr_client;
    s.last_error = sl.error;
    s.since = sl.since;
    s.established_at = sl.state == State::Established && sl.established_at != kNoTime
                           ? std::optional<Time>(sl.established_at)
                           : std::nullopt;
    s.updates_received = sl.updates_received;
    s.updates_sent = sl.updates_sent;
    s.routes_imported = sp.in.route_count(sl.index);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<RouteView> Network::routes(SpeakerId id) const {
  const auto& im = *impl_;
  const auto& sp = im.speakers[id];
  std::vector<RouteView> out;
  for (bgp::PrefixId p = 0; p < sp.in.prefix_bound(); ++p) {
    const bgp::Best best = sp.loc.best(sp.in, p);
    for (const auto& e : sp.in.candidates(p)) {
      if (e.attrs() == bgp::kNoAttrs) continue;
      RouteView r;
      r.prefix = im.prefixes.get(p);
      r.local = e.peer == bgp::kLocalPeer;
      r.stale = e.stale();
      r.attrs = im.attrs.get(e.attrs());
      if (!r.local) {
        const auto& sl = im.slots[sp.slots[e.peer]];
        r.protocol = im.protocol_name_of(sl);
        r.from = im.peer_address_of(sl);
      }
      r.best = best.has_route() && best.peer == e.peer && best.attrs == e.attrs();
      if (r.best) r.rule = best.rule;
      out.push_back(std::move(r));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const RouteView& a, const RouteView& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return a.best > b.best;
  });
  return out;
}

std::size_t Network::best_route_count(SpeakerId id) const {
  return impl_->speakers[id].loc.size();
}
const NetworkCounters& Network::counters() const {
  // Lazy keepalives sent so far are counted now (this changes only how the state is kept).
  impl_->advance_all_keepalives();
  return impl_->counters;
}

std::uint64_t Network::fingerprint() const {
  Fingerprint f;
  f.add(impl_->kernel.fingerprint());
  f.add(impl_->observations.value());
  return f.value();
}

Time Network::last_change() const {
  return impl_->last_change;
}

std::size_t Network::established_session_ends() const {
  std::size_t n = 0;
  for (const auto& sl : impl_->slots) n += sl.alive && sl.state == State::Established;
  return n;
}
Time Network::epoch_of_day() const {
  return impl_->opts.epoch_of_day;
}

}  // namespace peerlab::sim
