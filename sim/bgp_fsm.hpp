// The BGP session state machine as data plus a pure step function (RFC 4271 §8), and BIRD's view of
// it (`show protocols` state and info columns).
//
// `step(state, event, context)` returns the next state and the set of actions the session must apply
// (send, start/stop timers, release routes...). Nothing here touches time, sockets or RIBs; the session
// (sim/) owns the timers and the single transport connection and applies the actions in `Action` order
// (stops before sends before starts, so one step can stop all timers and then start one).
//
// RFC says / we do (following BIRD 1.6/2.0, proto/bgp/bgp.c and packets.c; bird-behaviour.md):
//  - Timers. The RFC has one ConnectRetryTimer. BIRD has one connect timer armed with two values: the
//    `connect delay` (before the first attempt and after every refused, closed or reset attempt, in
//    Active) and the `connect retry` (only while a TCP connect is pending, in Connect). We name them
//    ConnectDelayTimer and ConnectRetryTimer; they are never armed together.
//  - Active means "waiting": an active session waits for its connect delay before the next attempt
//    (BIRD's BS_ACTIVE); a passive session waits for the peer to connect (BIRD shows "Passive").
//    There is no ConnectRetryCounter and no DampPeerOscillations; BIRD's error wait replaces both.
//  - After a TCP failure (refused, closed, reset) the session goes back to Active with the connect delay
//    (RFC: Idle or Active with ConnectRetryTimer). It does not go through Idle (BIRD passes through Idle
//    for no simulated time).
//  - After a protocol error (we send or receive a NOTIFICATION other than Cease, or the hold timer
//    expires) the session goes Idle for BIRD's error wait (`error wait time min,max`, doubling per
//    consecutive error, forgotten after `error forget time`; see ErrorWait) and restarts on
//    ErrorWaitTimer_Expires (the RFC's optional IdleHoldTimer). A Cease (sent by ManualStop or received)
//    does not count as an error: the session restarts at once (BIRD bgp_rx_notification, bgp_error).
//  - A NOTIFICATION with a version error (NotifMsgVerErr) is handled like any other NOTIFICATION: BIRD
//    speaks only version 4 and does not renegotiate.
//  - BIRD also delays a protocol restart after a non-error session loss (received Cease, TCP loss while
//    Established) by the current error wait when an earlier error is not yet forgotten (bgp_initiate
//    checks startup_delay); we restart at once. Only a session that mixes errors and Ceases within the
//    error forget time sees the difference.
//  - An UPDATE received in OpenConfirm establishes the session and is processed (BIRD's workaround "for
//    some BGP implementations that skip initial KEEPALIVE"; RFC: FSM error).
//  - Unexpected messages send an FSM error with the RFC 6608 subcode of the state (5/1, 5/2, 5/3), as
//    BIRD does.
//  - Events that cannot happen in a state (a timer that is not running, a message without a connection,
//    a start while started) are ignored: next state = same state, no action. A second connection while
//    one is open (collision, RFC 4271 §6.8) is resolved by the session, not here.
//  - Graceful restart (RFC 4724, receiving side): when it was negotiated (Context::graceful_restart) and
//    the TCP connection of an Established session fails, routes learnt from the peer are kept as stale
//    (RetainStaleRoutes) instead of released; GracefulRestartTimer_Expires releases them. A hold timer
//    expiry or a NOTIFICATION releases them at once (observed on BIRD, bird-behaviour.md (f)).
//  - DelayOpenTimer, OpenCollisionDump and the Tcp_CR_Invalid / TcpConnection_Valid events are not
//    modelled.
#pragma once

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sim/bgp_message.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::bgp {

// RFC 4271 §8.2.2.
enum class State : std::uint8_t { Idle, Connect, Active, OpenSent, OpenConfirm, Established };
inline constexpr int kStateCount = 6;

// RFC 4271 §8.1 event names (numbers in comments), plus BIRD's timers.
enum class Event : std::uint8_t {
  ManualStart,                   // 1: protocol started/enabled (passive or not: Context::passive)
  ManualStop,                    // 2: protocol stopped/disabled/removed; sends Cease (Context::error)
  AutomaticStart,                // 3: the speaker restarts the session itself (same transitions as 1)
  ConnectRetryTimer_Expires,     // 9: a pending TCP connect took too long
  HoldTimer_Expires,             // 10
  KeepaliveTimer_Expires,        // 11
  ConnectDelayTimer_Expires,     // BIRD `connect delay time`: time for the next connect attempt
  ErrorWaitTimer_Expires,        // BIRD `error wait time` (RFC IdleHoldTimer, 13): restart after errors
  GracefulRestartTimer_Expires,  // RFC 4724 restart time: flush stale routes
  Tcp_CR_Acked,                  // 16: our outgoing connection is up
  TcpConnectionConfirmed,        // 17: an incoming connection was accepted
  TcpConnectionFails,            // 18: refused, closed or reset
  BGPOpen,                       // 19: a valid OPEN (the session ran check_open)
  BGPHeaderErr,                  // 21: header error; Context::error says which NOTIFICATION to send
  BGPOpenMsgErr,                 // 22: OPEN check failed; Context::error says which NOTIFICATION to send
  NotifMsgVerErr,                // 24: NOTIFICATION with a version error received
  NotifMsg,                      // 25: NOTIFICATION received; Context::error holds its code
  KeepAliveMsg,                  // 26
  UpdateMsg,                     // 27
  UpdateMsgErr,                  // 28: UPDATE error; Context::error says which NOTIFICATION to send
};
inline constexpr int kEventCount = 20;

// What the session does, applied in this order.
enum class Action : std::uint8_t {
  StopAllTimers,      // connect delay/retry, hold, keepalive and error wait (not graceful restart)
  StopConnectTimer,   // connect delay/retry
  ReleaseResources,   // withdraw every route learnt from the peer (and stale ones), clear Adj-RIB-Out
  RetainStaleRoutes,  // graceful restart: mark the peer's routes stale, start the restart timer
  SendNotification,   // Step::notification
  DropTcp,            // close the connection (after the NOTIFICATION, if any, is sent)
  InitiateTcp,        // start an outgoing TCP connect
  SendOpen,
  SendKeepalive,
  StartConnectDelayTimer,  // TimerConfig::connect_delay, jittered
  StartConnectRetryTimer,  // TimerConfig::connect_retry, jittered
  StartHoldTimerLarge,     // TimerConfig::startup_hold, while waiting for the peer's OPEN
  StartHoldTimer,          // negotiated hold time (not started when it is 0)
  RestartHoldTimer,        // negotiated hold time, on every KEEPALIVE/UPDATE received
  StartKeepaliveTimer,     // negotiated keepalive time (restarted each time one is sent)
  ProcessUpdate,           // hand the UPDATE to the RIB
  SessionUp,               // clear the last error, stop the restart timer, export the Loc-RIB to the peer
  StartErrorWait,          // count a consecutive error (ErrorWait::on_error) and start the error wait
};
inline constexpr int kActionCount = 18;

// A small set of actions; iteration follows the Action order.
class ActionSet {
 public:
  constexpr ActionSet() = default;
  constexpr ActionSet(std::initializer_list<Action> actions) {
    for (Action a : actions) add(a);
  }
  constexpr ActionSet& add(Action a) {
    bits_ |= bit(a);
    return *this;
  }
  constexpr bool has(Action a) const { return (bits_ & bit(a)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr int size() const { return std::popcount(bits_); }
  constexpr std::uint32_t bits() const { return bits_; }
  friend constexpr ActionSet operator|(ActionSet a, ActionSet b) {
    a.bits_ |= b.bits_;
    return a;
  }
  constexpr bool operator==(const ActionSet&) const = default;
  template <class F>
  void for_each(F&& f) const {
    // Lowest bit first (the order of Action): one step per action, not per possible action.
    for (std::uint32_t b = bits_; b != 0; b &= b - 1) f(static_cast<Action>(std::countr_zero(b)));
  }

 private:
  static constexpr std::uint32_t bit(Action a) { return 1U << static_cast<unsigned>(a); }
  std::uint32_t bits_ = 0;
};

// The few facts that change a transition.
struct Context {
  bool passive = false;           // BIRD `passive on`: never connect, wait for the peer
  bool graceful_restart = false;  // GR negotiated on this session (both sides GR-capable)
  // BGPHeaderErr / BGPOpenMsgErr / UpdateMsgErr: the NOTIFICATION to send.
  // NotifMsg / NotifMsgVerErr: the NOTIFICATION received (a Cease restarts without error wait).
  // ManualStop: the Cease to send; {0,0} means Administrative shutdown (6/2).
  NotificationCode error{};
};

struct Step {
  State next = State::Idle;
  ActionSet actions;
  NotificationCode notification{};  // meaningful when actions has SendNotification
  bool operator==(const Step&) const = default;
};

Step step(State state, Event event, const Context& ctx = {});

std::string_view to_string(State s);
std::string_view to_string(Event e);
std::string_view to_string(Action a);
// "SendNotification|DropTcp" in Action order; "-" when empty.
std::string to_string(ActionSet actions);
// "Mesh_10_0_0_2 (Active->Connect) on ConnectDelayTimer_Expires" (style.md practice 4).
std::string transition_log(std::string_view peer, State from, State to, Event event);

// ---------------------------------------------------------------------------------------------------
// BIRD's error wait (bgp_update_startup_delay): the delay before a session restarts after a protocol
// error. The first error waits `error_wait_min`; each further error doubles it up to `error_wait_max`;
// an error more than `error forget time` after the previous one starts again from the minimum. A manual
// stop/start forgets it (BIRD bgp_shutdown).
inline constexpr Millis kErrorForgetTime = 300'000;  // BIRD default `error forget time`
inline constexpr Millis kNever = -1;

struct ErrorWait {
  Millis delay = 0;            // current delay (0 = no error yet)
  Millis last_error = kNever;  // when the last error happened

  // Records an error at `now` and returns how long to wait before restarting.
  Millis on_error(Millis now, const TimerConfig& t, Millis forget_after = kErrorForgetTime);
  void reset() { *this = {}; }
  bool operator==(const ErrorWait&) const = default;
};

// Hold and keepalive times of an established session (RFC 4271 §4.2, §10; BIRD bgp_rx_open): hold is the
// smaller of ours and the peer's (0 disables both timers); keepalive is the configured one, else hold/3 in
// whole seconds (BIRD keeps timers in seconds: hold 10 s gives keepalive 3 s).
// Milliseconds in 32 bits, as configured timers are (TimerMillis): the hold time is at most 65,535 s,
// and a session end keeps one of these.
struct NegotiatedTimers {
  TimerMillis hold = 0;
  TimerMillis keepalive = 0;
  bool operator==(const NegotiatedTimers&) const = default;
};
NegotiatedTimers negotiate_timers(const TimerConfig& ours, std::uint16_t peer_hold_seconds);
// The hold time we announce in our OPEN, in whole seconds.
std::uint16_t open_hold_seconds(const TimerConfig& ours);

// ---------------------------------------------------------------------------------------------------
// BIRD's view: `show protocols` State and Info columns.

// BIRD's protocol states (nest/protocol.h); "flush" is a down protocol whose routes are still being
// removed (BIRD 2).
enum class ProtoState : std::uint8_t { Down, Start, Up, Stop, Flush };
std::string_view to_string(ProtoState s);  // "down", "start", "up", "stop", "flush"
// The protocol state while the session is running: "up" when Established, else "start". (Down, Stop and
// Flush are set by the session around a shutdown.)
ProtoState proto_state(State s);

enum class SocketError : std::uint8_t { Closed, Refused, Reset, TimedOut };
// "Connection closed", "Connection refused", "Connection reset by peer", "Connection timed out".
std::string_view to_string(SocketError e);

// The last error BIRD remembers for a protocol (bgp_store_error), 4 bytes. The session records:
//  - Socket(reason) when it delivers TcpConnectionFails;
//  - Sent(code) when it applies SendNotification (BIRD bgp_error), except for a ManualStop, which leaves
//    no visible error (BIRD's BE_MAN_DOWN prints nothing), so it records none();
//  - Received(code) when it delivers NotifMsg / NotifMsgVerErr;
// and clears it on SessionUp.
struct LastError {
  enum class Kind : std::uint8_t { None, Socket, Sent, Received };
  Kind kind = Kind::None;
  SocketError socket = SocketError::Closed;  // when kind == Socket
  NotificationCode code{};                   // when kind == Sent or Received

  static LastError none() { return {}; }
  static LastError socket_error(SocketError e) { return {Kind::Socket, e, {}}; }
  static LastError sent(NotificationCode c) { return {Kind::Sent, SocketError::Closed, c}; }
  static LastError received(NotificationCode c) { return {Kind::Received, SocketError::Closed, c}; }
  bool operator==(const LastError&) const = default;
};
// "Socket: Connection refused", "BGP Error: Bad peer AS", "Received: Administrative shutdown", "" for none.
std::string to_string(const LastError& e);
// BIRD's rule for remembering an error: ignored while the protocol is stopping (the error that caused the
// stop is the one shown). The error is cleared by SessionUp, i.e. stays until Established again.
void store_error(LastError& slot, const LastError& error, ProtoState current);

// The Info column, words separated by one space (what calicoctl splits into columns): "Established",
// "Active Socket: Connection refused", "Passive", "Idle BGP Error: Bad peer AS". Down and Flush show only
// the error ("BGP Error: Hold timer expired"); Stop shows the closing connection ("Close ...", BIRD 1.6).
std::string info_text(ProtoState proto, State state, bool passive, const LastError& error);
// The same, padded exactly as BIRD prints it (bgp_get_status "%-14s%s%s"): "Idle          BGP Error: ...".
std::string bird_info_text(ProtoState proto, State state, bool passive, const LastError& error);
// The state word alone: "Established", "Passive", "Close"...; "" for Down and Flush.
std::string_view info_state_word(ProtoState proto, State state, bool passive);

}  // namespace peerlab::bgp
