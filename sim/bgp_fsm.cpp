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

constexpr Cell go(State next, ActionSet actions) {
  return {Kind::Go, next, actions, {}, false};
}
constexpr Cell start() {
  return {Kind::Start, State::Active, {}, {}, false};
}
constexpr Cell connect() {
  return {Kind::Connect, State::Connect, {}, {}, false};
}
constexpr Cell restart() {
  return {Kind::Restart, State::Active, {}, {}, false};
}
constexpr Cell tcp_lost() {
  return {Kind::TcpLost, State::Active, {}, {}, false};
}
constexpr Cell fail(NotificationCode c) {
  return {Kind::Fail, State::Idle, {}, c, false};
}
// Fail with the code in the Context; `fallback` when the Context carries none.
constexpr Cell fail_ctx(NotificationCode fallback) {
  return {Kind::Fail, State::Idle, {}, fallback, true};
}
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

// The machine: every (state, event) pair not listed is ignored (the event cannot happen in that state).
constexpr auto kTable = [] {
  std::array<std::array<Cell, kEventCount>, kStateCount> t{};
  auto set = [&t](State s, Event e, Cell c) {
    t[static_cast<std::size_t>(s)][static_cast<std::size_t>(e)] = c;
  };
  using S = State;
  using E = Event;

  // Idle: stopped, or waiting for the error wait. An incoming connection is refused (BIRD: "rejected").
  set(S::Idle, E::ManualStart, start());
  set(S::Idle, E::AutomaticStart, start());
  set(S::Idle, E::ErrorWaitTimer_Expires, start());
  set(S::Idle, E::ManualStop, go(S::Idle, kStopIdle));
  set(S::Idle, E::GracefulRestartTimer_Expires, go(S::Idle, {ReleaseResources}));
  set(S::Idle, E::Tcp_CR_Acked, go(S::Idle, {DropTcp}));
  set(S::Idle, E::TcpConnectionConfirmed, go(S::Idle, {DropTcp}));

  // Connect: our TCP connect is pending under the connect retry timer.
  set(S::Connect, E::ManualStop, stop(kStopPending, false));
  set(S::Connect, E::ConnectRetryTimer_Expires,
      go(S::Connect, {DropTcp, InitiateTcp, StartConnectRetryTimer}));
  set(S::Connect, E::GracefulRestartTimer_Expires, go(S::Connect, {ReleaseResources}));
  set(S::Connect, E::Tcp_CR_Acked, go(S::OpenSent, kAcceptConnection));
  set(S::Connect, E::TcpConnectionConfirmed, go(S::OpenSent, kAcceptConnection));
  set(S::Connect, E::TcpConnectionFails, restart());

  // Active: waiting for the connect delay (active session) or for the peer to connect (passive).
  set(S::Active, E::ManualStop, stop(kStopIdle, false));
  set(S::Active, E::ConnectDelayTimer_Expires, connect());
  set(S::Active, E::GracefulRestartTimer_Expires, go(S::Active, {ReleaseResources}));
  set(S::Active, E::TcpConnectionConfirmed, go(S::OpenSent, kAcceptConnection));

  // OpenSent: connection up, our OPEN sent, waiting for the peer's under the startup hold timer.
  set(S::OpenSent, E::ManualStop, stop(kStopConnected, true));
  set(S::OpenSent, E::HoldTimer_Expires, fail(notif::kHoldTimerExpired));
  set(S::OpenSent, E::GracefulRestartTimer_Expires, go(S::OpenSent, {ReleaseResources}));
  set(S::OpenSent, E::TcpConnectionFails, restart());
  set(S::OpenSent, E::BGPOpen, go(S::OpenConfirm, {SendKeepalive, StartHoldTimer, StartKeepaliveTimer}));
  set(S::OpenSent, E::BGPHeaderErr, fail_ctx(kHeaderErrFallback));
  set(S::OpenSent, E::BGPOpenMsgErr, fail_ctx(kOpenErrFallback));
  set(S::OpenSent, E::NotifMsgVerErr, notified(false));
  set(S::OpenSent, E::NotifMsg, notified(false));
  set(S::OpenSent, E::KeepAliveMsg, fail(notif::kFsmUnexpectedInOpenSent));
  set(S::OpenSent, E::UpdateMsg, fail(notif::kFsmUnexpectedInOpenSent));
  set(S::OpenSent, E::UpdateMsgErr, fail(notif::kFsmUnexpectedInOpenSent));

  // OpenConfirm: OPENs exchanged, our KEEPALIVE sent, waiting for the peer's. BIRD checks the state before
  // the content of an OPEN, so any OPEN here is an FSM error.
  set(S::OpenConfirm, E::ManualStop, stop(kStopConnected, true));
  set(S::OpenConfirm, E::HoldTimer_Expires, fail(notif::kHoldTimerExpired));
  set(S::OpenConfirm, E::KeepaliveTimer_Expires, go(S::OpenConfirm, {SendKeepalive, StartKeepaliveTimer}));
  set(S::OpenConfirm, E::GracefulRestartTimer_Expires, go(S::OpenConfirm, {ReleaseResources}));
  set(S::OpenConfirm, E::TcpConnectionFails, restart());
  set(S::OpenConfirm, E::BGPOpen, fail(notif::kFsmUnexpectedInOpenConfirm));
  set(S::OpenConfirm, E::BGPHeaderErr, fail_ctx(kHeaderErrFallback));
  set(S::OpenConfirm, E::BGPOpenMsgErr, fail(notif::kFsmUnexpectedInOpenConfirm));
  set(S::OpenConfirm, E::NotifMsgVerErr, notified(false));
  set(S::OpenConfirm, E::NotifMsg, notified(false));
  set(S::OpenConfirm, E::KeepAliveMsg, go(S::Established, {RestartHoldTimer, SessionUp}));
  set(S::OpenConfirm, E::UpdateMsg, go(S::Established, {RestartHoldTimer, SessionUp, ProcessUpdate}));
  set(S::OpenConfirm, E::UpdateMsgErr, fail_ctx(kUpdateErrFallback));

  // Established.
  set(S::Established, E::ManualStop, stop(kStopConnected, true));
  set(S::Established, E::HoldTimer_Expires, fail(notif::kHoldTimerExpired));
  set(S::Established, E::KeepaliveTimer_Expires, go(S::Established, {SendKeepalive, StartKeepaliveTimer}));
  set(S::Established, E::TcpConnectionFails, tcp_lost());
  set(S::Established, E::BGPOpen, fail(notif::kFsmUnexpectedInEstablished));
  set(S::Established, E::BGPHeaderErr, fail_ctx(kHeaderErrFallback));
  set(S::Established, E::BGPOpenMsgErr, fail(notif::kFsmUnexpectedInEstablished));
  set(S::Established, E::NotifMsgVerErr, notified(true));
  set(S::Established, E::NotifMsg, notified(true));
  set(S::Established, E::KeepAliveMsg, go(S::Established, {RestartHoldTimer}));
  set(S::Established, E::UpdateMsg, go(S::Established, {RestartHoldTimer, ProcessUpdate}));
  set(S::Established, E::UpdateMsgErr, fail_ctx(kUpdateErrFallback));
  return t;
}();

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
      return {
          State::Idle, {StopAllTimers, ReleaseResources, SendNotification, DropTcp, StartErrorWait}, code};
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
  static constexpr std::array<std::string_view, kEventCount> kNames{"ManualStart",
                                                                    "ManualStop",
                                                                    "AutomaticStart",
                                                                    "ConnectRetryTimer_Expires",
                                                                    "HoldTimer_Expires",
                                                                    "KeepaliveTimer_Expires",
                                                                    "ConnectDelayTimer_Expires",
                                                                    "ErrorWaitTimer_Expires",
                                                                    "GracefulRestartTimer_Expires",
                                                                    "Tcp_CR_Acked",
                                                                    "TcpConnectionConfirmed",
                                                                    "TcpConnectionFails",
                                                                    "BGPOpen",
                                                                    "BGPHeaderErr",
                                                                    "BGPOpenMsgErr",
                                                                    "NotifMsgVerErr",
                                                                    "NotifMsg",
                                                                    "KeepAliveMsg",
                                                                    "UpdateMsg",
                                                                    "UpdateMsgErr"};
  const auto i = static_cast<std::size_t>(e);
  return i < kNames.size() ? kNames[i] : "?";
}

std::string_view to_string(Action a) {
  static constexpr std::array<std::string_view, kActionCount> kNames{"StopAllTimers",
                                                                     "StopConnectTimer",
                                                                     "ReleaseResources",
                                                                     "RetainStaleRoutes",
                                                                     "SendNotification",
                                                                     "DropTcp",
                                                                     "InitiateTcp",
                                                                     "SendOpen",
                                                                     "SendKeepalive",
                                                                     "StartConnectDelayTimer",
                                                                     "StartConnectRetryTimer",
                                                                     "StartHoldTimerLarge",
                                                                     "StartHoldTimer",
                                                                     "RestartHoldTimer",
                                                                     "StartKeepaliveTimer",
                                                                     "ProcessUpdate",
                                                                     "SessionUp",
                                                                     "StartErrorWait"};
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
  delay = (delay == 0) ? t.error_wait_min : std::min<Millis>(2 * delay, t.error_wait_max);
  return delay;
}

NegotiatedTimers negotiate_timers(const TimerConfig& ours, std::uint16_t peer_hold_seconds) {
  NegotiatedTimers n;
  n.hold = std::min<TimerMillis>(TimerMillis{peer_hold_seconds} * 1000, ours.hold);  // <= 65,535,000
  n.keepalive = ours.keepalive != 0 ? ours.keepalive : (n.hold / 1000 / 3) * 1000;   // whole seconds, as BIRD
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

ProtoState proto_state(State s) {
  return s == State::Established ? ProtoState::Up : ProtoState::Start;
}

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
