#include "sim/bgp_fsm.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace peerlab::bgp {

namespace {

using enum Action;

// How a table cell turns into a Step; the kinds that read the Context are the only context-dependent
// transitions of the machine.
enum class Kind : std::uint8_t {
  Ignore,    // stay, do nothing (the event cannot happen in this state)
  Go,        // go to `next` with `actions`
  Start,     // -> Active; an active session arms its connect delay, a passive one just waits
  Connect,   // connect delay expired: an active session connects; a passive one ignores it
  Restart,   // connection lost without error: -> Active (as Start), after `actions`
  TcpLost,   // Established connection lost: release routes, or keep them stale under graceful restart
  Fail,      // we detected an error: send `code` (or Context::error), -> Idle for the error wait
  Notified,  // NOTIFICATION received: Cease -> Restart, anything else -> Idle for the error wait
  Stop,      // ManualStop: `actions` plus, with a connection up, the Cease from the Context
};

struct Cell {
  Kind kind = Kind::Ignore;
  State next = State::Idle;
  ActionSet actions;
  NotificationCode code{};  // Fail: the code to send (or the fallback when the Context has none)
  bool code_from_ctx = false;
};

constexpr Cell ign() { return {}; }
constexpr Cell go(State next, ActionSet actions) { return {Kind::Go, next, actions, {}, false}; }
constexpr Cell start() { return {Kind::Start, State::Active, {}, {}, false}; }
constexpr Cell connect() { return {Kind::Connect, State::Connect, {}, {}, false}; }
constexpr Cell restart() { return {Kind::Restart, State::Active, {}, {}, false}; }
constexpr Cell tcp_lost() { return {Kind::TcpLost, State::Active, {}, {}, false}; }
constexpr Cell fail(NotificationCode c) { return {Kind::Fail, State::Idle, {}, c, false}; }
// Fail with the code in the Context; `fallback` when the Context carries none.
constexpr Cell fail_ctx(NotificationCode fallback) { return {Kind::Fail, State::Idle, {}, fallback, true}; }
constexpr Cell notified(bool release) {
  return {Kind::Notified, State::Idle, release ? ActionSet{ReleaseResources} : ActionSet{}, {}, true};
}
constexpr Cell stop(ActionSet actions, bool connected) {
  return {Kind::Stop, State::Idle, actions, {}, connected};
}

constexpr NotificationCode kHeaderErrFallback{1, 0};
constexpr NotificationCode kOpenErrFallback{2, 0};
constexpr NotificationCode kUpdateErrFallback{3, 0};

constexpr ActionSet kAcceptConnection{StopConnectTimer, SendOpen, StartHoldTimerLarge};
constexpr ActionSet kStopIdle{StopAllTimers, ReleaseResources};
constexpr ActionSet kStopPending{StopAllTimers, ReleaseResources, DropTcp};
constexpr ActionSet kStopConnected{StopAllTimers, ReleaseResources, SendNotification, DropTcp};

using Row = std::array<Cell, kEventCount>;

// One row per State, one column per Event, in enum order:
//   ManualStart, ManualStop, AutomaticStart, ConnectRetryTimer_Expires, HoldTimer_Expires,
//   KeepaliveTimer_Expires, ConnectDelayTimer_Expires, ErrorWaitTimer_Expires,
//   GracefulRestartTimer_Expires, Tcp_CR_Acked, TcpConnectionConfirmed, TcpConnectionFails, BGPOpen,
//   BGPHeaderErr, BGPOpenMsgErr, NotifMsgVerErr, NotifMsg, KeepAliveMsg, UpdateMsg, UpdateMsgErr
constexpr std::array<Row, kStateCount> kTable{{
    // Idle: stopped, or waiting for the error wait. An incoming connection is refused (BIRD: "rejected").
    {{start(), go(State::Idle, kStopIdle), start(), ign(), ign(), ign(), ign(), start(),
      go(State::Idle, {ReleaseResources}), go(State::Idle, {DropTcp}), go(State::Idle, {DropTcp}), ign(), ign(),
      ign(), ign(), ign(), ign(), ign(), ign(), ign()}},
    // Connect: our TCP connect is pending, connect retry timer running.
    {{ign(), stop(kStopPending, false), ign(), go(State::Connect, {DropTcp, InitiateTcp, StartConnectRetryTimer}),
      ign(), ign(), ign(), ign(), go(State::Connect, {ReleaseResources}), go(State::OpenSent, kAcceptConnection),
      go(State::OpenSent, kAcceptConnection), restart(), ign(), ign(), ign(), ign(), ign(), ign(), ign(), ign()}},
    // Active: waiting for the connect delay (active) or for the peer to connect (passive).
    {{ign(), stop(kStopIdle, false), ign(), ign(), ign(), ign(), connect(), ign(),
      go(State::Active, {ReleaseResources}), ign(), go(State::OpenSent, kAcceptConnection), ign(), ign(), ign(),
      ign(), ign(), ign(), ign(), ign(), ign()}},
    // OpenSent: connection up, our OPEN sent, waiting for theirs under the startup hold timer.
    {{ign(), stop(kStopConnected, true), ign(), ign(), fail(notif::kHoldTimerExpired), ign(), ign(), ign(),
      go(State::OpenSent, {ReleaseResources}), ign(), ign(), restart(),
      go(State::OpenConfirm, {SendKeepalive, StartHoldTimer, StartKeepaliveTimer}), fail_ctx(kHeaderErrFallback),
      fail_ctx(kOpenErrFallback), notified(false), notified(false), fail(notif::kFsmUnexpectedInOpenSent),
      fail(notif::kFsmUnexpectedInOpenSent), fail(notif::kFsmUnexpectedInOpenSent)}},
    // OpenConfirm: OPENs exchanged, our KEEPALIVE sent, waiting for theirs.
    {{ign(), stop(kStopConnected, true), ign(), ign(), fail(notif::kHoldTimerExpired),
      go(State::OpenConfirm, {SendKeepalive, StartKeepaliveTimer}), ign(), ign(),
      go(State::OpenConfirm, {ReleaseResources}), ign(), ign(), restart(),
      fail(notif::kFsmUnexpectedInOpenConfirm), fail_ctx(kHeaderErrFallback),
      fail(notif::kFsmUnexpectedInOpenConfirm), notified(false), notified(false),
      go(State::Established, {RestartHoldTimer, SessionUp}),
      go(State::Established, {RestartHoldTimer, SessionUp, ProcessUpdate}), fail_ctx(kUpdateErrFallback)}},
    // Established.
    {{ign(), stop(kStopConnected, true), ign(), ign(), fail(notif::kHoldTimerExpired),
      go(State::Established, {SendKeepalive, StartKeepaliveTimer}), ign(), ign(), ign(), ign(), ign(), tcp_lost(),
      fail(notif::kFsmUnexpectedInEstablished), fail_ctx(kHeaderErrFallback),
      fail(notif::kFsmUnexpectedInEstablished), notified(true), notified(true),
      go(State::Established, {RestartHoldTimer}), go(State::Established, {RestartHoldTimer, ProcessUpdate}),
      fail_ctx(kUpdateErrFallback)}},
}};

// Back to Active after losing a connection (or at start): an active session waits for its connect delay.
Step to_active(ActionSet actions, const Context& ctx) {
  if (!ctx.passive) actions.add(StartConnectDelayTimer);
  return {State::Active, actions, {}};
}

}  // namespace

Step step(State state, Event event, const Context& ctx) {
  const Cell& c = kTable[static_cast<std::size_t>(state)][static_cast<std::size_t>(event)];
  switch (c.kind) {
    case Kind::Ignore:
      return {state, {}, {}};
    case Kind::Go:
      return {c.next, c.actions, {}};
    case Kind::Start:
      return to_active({StopAllTimers}, ctx);
    case Kind::Connect:
      if (ctx.passive) return {state, {}, {}};
      return {State::Connect, {InitiateTcp, StartConnectRetryTimer}, {}};
    case Kind::Restart:
      return to_active({StopAllTimers, DropTcp}, ctx);
    case Kind::TcpLost:
      return to_active({StopAllTimers, DropTcp, ctx.graceful_restart ? RetainStaleRoutes : ReleaseResources},
                       ctx);
    case Kind::Fail: {
      const NotificationCode code = (c.code_from_ctx && ctx.error.code != 0) ? ctx.error : c.code;
      if (code.is_cease()) {  // a Cease is not an error (BIRD bgp_error): restart without error wait
        Step s = to_active({StopAllTimers, SendNotification, DropTcp}, ctx);
        if (state == State::Established) s.actions.add(ReleaseResources);
        s.notification = code;
        return s;
      }
      return {State::Idle, {StopAllTimers, ReleaseResources, SendNotification, DropTcp, StartErrorWait}, code};
    }
    case Kind::Notified:
      if (ctx.error.is_cease()) return to_active(c.actions | ActionSet{StopAllTimers, DropTcp}, ctx);
      return {State::Idle, {StopAllTimers, ReleaseResources, DropTcp, StartErrorWait}, {}};
    case Kind::Stop: {
      Step s{State::Idle, c.actions, {}};
      if (c.code_from_ctx) s.notification = ctx.error.code != 0 ? ctx.error : notif::kAdministrativeShutdown;
      return s;
    }
  }
  return {state, {}, {}};
}

std::string_view to_string(State s) {
  switch (s) {
    case State::Idle:
      return "Idle";
    case State::Connect:
      return "Connect";
    case State::Active:
      return "Active";
    case State::OpenSent:
      return "OpenSent";
    case State::OpenConfirm:
      return "OpenConfirm";
    case State::Established:
      return "Established";
  }
  return "?";
}

std::string_view to_string(Event e) {
  static constexpr std::array<std::string_view, kEventCount> kNames{
      "ManualStart",          "ManualStop",
      "AutomaticStart",       "ConnectRetryTimer_Expires",
      "HoldTimer_Expires",    "KeepaliveTimer_Expires",
      "ConnectDelayTimer_Expires", "ErrorWaitTimer_Expires",
      "GracefulRestartTimer_Expires", "Tcp_CR_Acked",
      "TcpConnectionConfirmed", "TcpConnectionFails",
      "BGPOpen",              "BGPHeaderErr",
      "BGPOpenMsgErr",        "NotifMsgVerErr",
      "NotifMsg",             "KeepAliveMsg",
      "UpdateMsg",            "UpdateMsgErr"};
  const auto i = static_cast<std::size_t>(e);
  return i < kNames.size() ? kNames[i] : "?";
}

std::string_view to_string(Action a) {
  static constexpr std::array<std::string_view, kActionCount> kNames{
      "StopAllTimers",   "StopConnectTimer",       "ReleaseResources",       "RetainStaleRoutes",
      "SendNotification", "DropTcp",               "InitiateTcp",            "SendOpen",
      "SendKeepalive",   "StartConnectDelayTimer", "StartConnectRetryTimer", "StartHoldTimerLarge",
      "StartHoldTimer",  "RestartHoldTimer",       "StartKeepaliveTimer",    "ProcessUpdate",
      "SessionUp",       "StartErrorWait"};
  const auto i = static_cast<std::size_t>(a);
  return i < kNames.size() ? kNames[i] : "?";
}

std::string to_string(ActionSet actions) {
  if (actions.empty()) return "-";
  std::string out;
  actions.for_each([&](Action a) {
    if (!out.empty()) out += '|';
    out += to_string(a);
  });
  return out;
}

std::string transition_log(std::string_view peer, State from, State to, Event event) {
  std::string out(peer);
  out += " (";
  out += to_string(from);
  out += "->";
  out += to_string(to);
  out += ") on ";
  out += to_string(event);
  return out;
}

Millis ErrorWait::on_error(Millis now, const TimerConfig& t, Millis forget_after) {
  if (last_error != kNever && now - last_error >= forget_after) delay = 0;
  last_error = now;
  delay = (delay == 0) ? t.error_wait_min : std::min(2 * delay, t.error_wait_max);
  return delay;
}

NegotiatedTimers negotiate_timers(const TimerConfig& ours, std::uint16_t peer_hold_seconds) {
  NegotiatedTimers n;
  n.hold = std::min<Millis>(Millis{peer_hold_seconds} * 1000, ours.hold);
  n.keepalive = ours.keepalive != 0 ? ours.keepalive : n.hold / 3;
  return n;
}

std::uint16_t open_hold_seconds(const TimerConfig& ours) {
  return static_cast<std::uint16_t>(std::clamp<Millis>(ours.hold / 1000, 0, 65535));
}

std::string_view to_string(ProtoState s) {
  switch (s) {
    case ProtoState::Down:
      return "down";
    case ProtoState::Start:
      return "start";
    case ProtoState::Up:
      return "up";
    case ProtoState::Stop:
      return "stop";
    case ProtoState::Flush:
      return "flush";
  }
  return "?";
}

ProtoState proto_state(State s) { return s == State::Established ? ProtoState::Up : ProtoState::Start; }

std::string_view to_string(SocketError e) {
  switch (e) {
    case SocketError::Closed:
      return "Connection closed";
    case SocketError::Refused:
      return "Connection refused";
    case SocketError::Reset:
      return "Connection reset by peer";
    case SocketError::TimedOut:
      return "Connection timed out";
  }
  return "?";
}

std::string to_string(const LastError& e) {
  switch (e.kind) {
    case LastError::Kind::None:
      return "";
    case LastError::Kind::Socket:
      return "Socket: " + std::string(to_string(e.socket));
    case LastError::Kind::Sent:
      return "BGP Error: " + notification_text(e.code);
    case LastError::Kind::Received:
      return "Received: " + notification_text(e.code);
  }
  return "";
}

void store_error(LastError& slot, const LastError& error, ProtoState current) {
  if (current == ProtoState::Stop) return;
  slot = error;
}

std::string_view info_state_word(ProtoState proto, State state, bool passive) {
  switch (proto) {
    case ProtoState::Down:
    case ProtoState::Flush:
      return "";
    case ProtoState::Stop:
      return "Close";
    case ProtoState::Start:
    case ProtoState::Up:
      break;
  }
  if (state == State::Active && passive) return "Passive";
  return to_string(state);
}

std::string info_text(ProtoState proto, State state, bool passive, const LastError& error) {
  std::string out(info_state_word(proto, state, passive));
  const std::string err = to_string(error);
  if (!out.empty() && !err.empty()) out += ' ';
  return out + err;
}

std::string bird_info_text(ProtoState proto, State state, bool passive, const LastError& error) {
  std::string out(info_state_word(proto, state, passive));
  if (proto != ProtoState::Down && proto != ProtoState::Flush && out.size() < 14) out.resize(14, ' ');
  return out + to_string(error);
}

}  // namespace peerlab::bgp
