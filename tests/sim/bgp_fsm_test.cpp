#include "sim/bgp_fsm.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace peerlab::bgp {
namespace {

using enum Action;
using S = State;
using E = Event;

constexpr std::array<E, kEventCount> kEvents{E::ManualStart,
                                             E::ManualStop,
                                             E::AutomaticStart,
                                             E::ConnectRetryTimer_Expires,
                                             E::HoldTimer_Expires,
                                             E::KeepaliveTimer_Expires,
                                             E::ConnectDelayTimer_Expires,
                                             E::ErrorWaitTimer_Expires,
                                             E::GracefulRestartTimer_Expires,
                                             E::Tcp_CR_Acked,
                                             E::TcpConnectionConfirmed,
                                             E::TcpConnectionFails,
                                             E::BGPOpen,
                                             E::BGPHeaderErr,
                                             E::BGPOpenMsgErr,
                                             E::NotifMsgVerErr,
                                             E::NotifMsg,
                                             E::KeepAliveMsg,
                                             E::UpdateMsg,
                                             E::UpdateMsgErr};
constexpr std::array<S, kStateCount> kStates{S::Idle,     S::Connect,     S::Active,
                                             S::OpenSent, S::OpenConfirm, S::Established};

// The whole machine for an active session, with every error/notification being "Bad peer AS" (not a
// Cease). Columns follow kEvents.
TEST(BgpFsm, EveryStateAndEventHasTheExpectedNextState) {
  constexpr State ID = State::Idle, CN = State::Connect, AC = State::Active, OS = State::OpenSent,
                  OC = State::OpenConfirm, ES = State::Established;
  // clang-format off
  const std::array<std::array<State, kEventCount>, kStateCount> expected{{
    // Columns: ManualStart, ManualStop, AutomaticStart, ConnectRetry, Hold, Keepalive, ConnectDelay,
    // ErrorWait, GracefulRestart, Tcp_CR_Acked, TcpConnectionConfirmed, TcpConnectionFails, BGPOpen,
    // BGPHeaderErr, BGPOpenMsgErr, NotifMsgVerErr, NotifMsg, KeepAliveMsg, UpdateMsg, UpdateMsgErr.
    //  MSt MSp ASt CRt Hld Kal CDl EWt GR  Ack Cnf Fal Opn Hdr OEr NVE Ntf KA  Upd UEr
    {{AC, ID, AC, ID, ID, ID, ID, AC, ID, ID, ID, ID, ID, ID, ID, ID, ID, ID, ID, ID}},  // Idle
    {{CN, ID, CN, CN, CN, CN, CN, CN, CN, OS, OS, AC, CN, CN, CN, CN, CN, CN, CN, CN}},  // Connect
    {{AC, ID, AC, AC, AC, AC, CN, AC, AC, AC, OS, AC, AC, AC, AC, AC, AC, AC, AC, AC}},  // Active
    {{OS, ID, OS, OS, ID, OS, OS, OS, OS, OS, OS, AC, OC, ID, ID, ID, ID, ID, ID, ID}},  // OpenSent
    {{OC, ID, OC, OC, ID, OC, OC, OC, OC, OC, OC, AC, ID, ID, ID, ID, ID, ES, ES, ID}},  // OpenConfirm
    {{ES, ID, ES, ES, ID, ES, ES, ES, ES, ES, ES, AC, ID, ID, ID, ID, ID, ES, ES, ID}},  // Established
  }};
  // clang-format on
  Context ctx;
  ctx.error = notif::kBadPeerAs;
  int checked = 0;
  for (std::size_t s = 0; s < kStates.size(); ++s) {
    for (std::size_t e = 0; e < kEvents.size(); ++e) {
      const Step st = step(kStates[s], kEvents[e], ctx);
      EXPECT_EQ(st.next, expected[s][e]) << to_string(kStates[s]) << " on " << to_string(kEvents[e])
                                         << ": got " << to_string(st.next) << " " << to_string(st.actions);
      // A NOTIFICATION always has a code.
      if (st.actions.has(SendNotification)) {
        EXPECT_NE(st.notification.code, 0);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, kStateCount * kEventCount);
}

TEST(BgpFsm, EventsThatCannotHappenAreIgnored) {
  const Step a = step(S::Idle, E::HoldTimer_Expires);
  EXPECT_EQ(a, (Step{S::Idle, {}, {}}));
  const Step b = step(S::Active, E::KeepAliveMsg);
  EXPECT_EQ(b, (Step{S::Active, {}, {}}));
  const Step c = step(S::Established, E::ManualStart);
  EXPECT_EQ(c, (Step{S::Established, {}, {}}));
}

TEST(BgpFsm, ActiveSessionStartsByWaitingForTheConnectDelay) {
  const Step st = step(S::Idle, E::ManualStart);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, StartConnectDelayTimer}));
}

TEST(BgpFsm, PassiveSessionWaitsInActiveWithoutAnyTimer) {
  Context passive;
  passive.passive = true;
  const Step st = step(S::Idle, E::ManualStart, passive);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers}));
  EXPECT_EQ(step(S::Active, E::ConnectDelayTimer_Expires, passive), (Step{S::Active, {}, {}}));
}

TEST(BgpFsm, ConnectDelayExpiryStartsAConnectUnderTheConnectRetryTimer) {
  const Step st = step(S::Active, E::ConnectDelayTimer_Expires);
  EXPECT_EQ(st.next, S::Connect);
  EXPECT_EQ(st.actions, (ActionSet{InitiateTcp, StartConnectRetryTimer}));
}

TEST(BgpFsm, ConnectRetryExpiryAbandonsThePendingConnectAndTriesAgain) {
  const Step st = step(S::Connect, E::ConnectRetryTimer_Expires);
  EXPECT_EQ(st.next, S::Connect);
  EXPECT_EQ(st.actions, (ActionSet{DropTcp, InitiateTcp, StartConnectRetryTimer}));
}

TEST(BgpFsm, RefusedConnectWaitsForTheConnectDelayNotTheConnectRetry) {
  const Step st = step(S::Connect, E::TcpConnectionFails);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, DropTcp, StartConnectDelayTimer}));
  EXPECT_FALSE(st.actions.has(StartConnectRetryTimer));
}

TEST(BgpFsm, ConnectionUpSendsOpenUnderTheStartupHoldTimer) {
  const ActionSet expected{StopConnectTimer, SendOpen, StartHoldTimerLarge};
  EXPECT_EQ(step(S::Connect, E::Tcp_CR_Acked), (Step{S::OpenSent, expected, {}}));
  EXPECT_EQ(step(S::Connect, E::TcpConnectionConfirmed), (Step{S::OpenSent, expected, {}}));
  Context passive;
  passive.passive = true;
  EXPECT_EQ(step(S::Active, E::TcpConnectionConfirmed, passive), (Step{S::OpenSent, expected, {}}));
}

TEST(BgpFsm, IncomingConnectionIsRefusedWhileIdle) {
  EXPECT_EQ(step(S::Idle, E::TcpConnectionConfirmed), (Step{S::Idle, {DropTcp}, {}}));
}

TEST(BgpFsm, ValidOpenAnswersWithKeepaliveAndNegotiatedTimers) {
  const Step st = step(S::OpenSent, E::BGPOpen);
  EXPECT_EQ(st.next, S::OpenConfirm);
  EXPECT_EQ(st.actions, (ActionSet{SendKeepalive, StartHoldTimer, StartKeepaliveTimer}));
}

TEST(BgpFsm, KeepaliveInOpenConfirmEstablishesTheSession) {
  const Step st = step(S::OpenConfirm, E::KeepAliveMsg);
  EXPECT_EQ(st.next, S::Established);
  EXPECT_EQ(st.actions, (ActionSet{RestartHoldTimer, SessionUp}));
}

TEST(BgpFsm, UpdateInOpenConfirmEstablishesAndIsProcessedLikeBird) {
  const Step st = step(S::OpenConfirm, E::UpdateMsg);
  EXPECT_EQ(st.next, S::Established);
  EXPECT_EQ(st.actions, (ActionSet{RestartHoldTimer, SessionUp, ProcessUpdate}));
}

TEST(BgpFsm, BadPeerAsSendsTheNotificationAndWaitsInIdle) {
  Context ctx;
  ctx.error = notif::kBadPeerAs;
  const Step st = step(S::OpenSent, E::BGPOpenMsgErr, ctx);
  EXPECT_EQ(st.next, S::Idle);
  EXPECT_EQ(st.notification, (NotificationCode{2, 2}));
  EXPECT_EQ(st.actions,
            (ActionSet{StopAllTimers, ReleaseResources, SendNotification, DropTcp, StartErrorWait}));
}

TEST(BgpFsm, ReceivedErrorNotificationWaitsInIdle) {
  Context ctx;
  ctx.error = notif::kBadPeerAs;
  const Step st = step(S::OpenSent, E::NotifMsg, ctx);
  EXPECT_EQ(st.next, S::Idle);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, ReleaseResources, DropTcp, StartErrorWait}));
  EXPECT_FALSE(st.actions.has(SendNotification));
}

TEST(BgpFsm, ReceivedCeaseRestartsAtOnceWithoutErrorWait) {
  Context ctx;
  ctx.error = notif::kAdministrativeShutdown;
  const Step st = step(S::Established, E::NotifMsg, ctx);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, ReleaseResources, DropTcp, StartConnectDelayTimer}));
  ctx.passive = true;
  const Step p = step(S::Established, E::NotifMsg, ctx);
  EXPECT_EQ(p.next, S::Active);
  EXPECT_EQ(p.actions, (ActionSet{StopAllTimers, ReleaseResources, DropTcp}));
}

TEST(BgpFsm, ReceivedCeaseBeforeEstablishedKeepsStaleRoutes) {
  Context ctx;
  ctx.error = notif::kConnectionRejected;
  const Step st = step(S::OpenSent, E::NotifMsg, ctx);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_FALSE(st.actions.has(ReleaseResources));
}

TEST(BgpFsm, NotificationWithVersionErrorIsHandledLikeAnyNotification) {
  Context ctx;
  ctx.error = notif::kUnsupportedVersion;
  EXPECT_EQ(step(S::OpenSent, E::NotifMsgVerErr, ctx), step(S::OpenSent, E::NotifMsg, ctx));
}

TEST(BgpFsm, HoldTimerExpirySendsCode4ReleasesRoutesAndWaits) {
  const Step st = step(S::Established, E::HoldTimer_Expires);
  EXPECT_EQ(st.next, S::Idle);
  EXPECT_EQ(st.notification, (NotificationCode{4, 0}));
  EXPECT_EQ(st.actions,
            (ActionSet{StopAllTimers, ReleaseResources, SendNotification, DropTcp, StartErrorWait}));
}

TEST(BgpFsm, HoldTimerExpiryIgnoresGracefulRestart) {
  Context gr;
  gr.graceful_restart = true;
  const Step st = step(S::Established, E::HoldTimer_Expires, gr);
  EXPECT_TRUE(st.actions.has(ReleaseResources));
  EXPECT_FALSE(st.actions.has(RetainStaleRoutes));
}

TEST(BgpFsm, ErrorWaitExpiryRestartsTheSession) {
  const Step st = step(S::Idle, E::ErrorWaitTimer_Expires);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, StartConnectDelayTimer}));
}

TEST(BgpFsm, ManualStopSendsAdministrativeShutdownWhenConnected) {
  const Step st = step(S::Established, E::ManualStop);
  EXPECT_EQ(st.next, S::Idle);
  EXPECT_EQ(st.notification, (NotificationCode{6, 2}));
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, ReleaseResources, SendNotification, DropTcp}));
  EXPECT_FALSE(st.actions.has(StartErrorWait));
}

TEST(BgpFsm, ManualStopSendsTheCeaseSubcodeItIsGiven) {
  Context ctx;
  ctx.error = notif::kOtherConfigurationChange;
  EXPECT_EQ(step(S::OpenConfirm, E::ManualStop, ctx).notification, (NotificationCode{6, 6}));
}

TEST(BgpFsm, ManualStopWithoutConnectionSendsNothing) {
  EXPECT_EQ(step(S::Active, E::ManualStop), (Step{S::Idle, {StopAllTimers, ReleaseResources}, {}}));
  EXPECT_EQ(step(S::Connect, E::ManualStop), (Step{S::Idle, {StopAllTimers, ReleaseResources, DropTcp}, {}}));
}

TEST(BgpFsm, UnexpectedMessagesAreFsmErrorsWithTheStateSubcode) {
  EXPECT_EQ(step(S::OpenSent, E::KeepAliveMsg).notification, (NotificationCode{5, 1}));
  EXPECT_EQ(step(S::OpenSent, E::UpdateMsg).notification, (NotificationCode{5, 1}));
  EXPECT_EQ(step(S::OpenConfirm, E::BGPOpen).notification, (NotificationCode{5, 2}));
  EXPECT_EQ(step(S::Established, E::BGPOpen).notification, (NotificationCode{5, 3}));
  EXPECT_EQ(step(S::Established, E::BGPOpen).next, S::Idle);
}

TEST(BgpFsm, ErrorEventsWithoutACodeSendTheGenericOne) {
  EXPECT_EQ(step(S::Established, E::UpdateMsgErr).notification, (NotificationCode{3, 0}));
  EXPECT_EQ(step(S::OpenSent, E::BGPOpenMsgErr).notification, (NotificationCode{2, 0}));
  EXPECT_EQ(step(S::OpenSent, E::BGPHeaderErr).notification, (NotificationCode{1, 0}));
}

TEST(BgpFsm, SendingACeaseForAnErrorRestartsWithoutErrorWait) {
  Context ctx;
  ctx.error = notif::kConnectionRejected;
  const Step st = step(S::OpenSent, E::BGPOpenMsgErr, ctx);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.notification, (NotificationCode{6, 5}));
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, SendNotification, DropTcp, StartConnectDelayTimer}));
}

TEST(BgpFsm, TcpLossInEstablishedReleasesRoutesAndReconnectsAfterConnectDelay) {
  const Step st = step(S::Established, E::TcpConnectionFails);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, ReleaseResources, DropTcp, StartConnectDelayTimer}));
}

TEST(BgpFsm, TcpLossUnderGracefulRestartKeepsRoutesStale) {
  Context gr;
  gr.graceful_restart = true;
  gr.passive = true;
  const Step st = step(S::Established, E::TcpConnectionFails, gr);
  EXPECT_EQ(st.next, S::Active);
  EXPECT_EQ(st.actions, (ActionSet{StopAllTimers, RetainStaleRoutes, DropTcp}));
}

TEST(BgpFsm, GracefulRestartExpiryReleasesTheStaleRoutes) {
  EXPECT_EQ(step(S::Active, E::GracefulRestartTimer_Expires), (Step{S::Active, {ReleaseResources}, {}}));
  EXPECT_EQ(step(S::OpenSent, E::GracefulRestartTimer_Expires), (Step{S::OpenSent, {ReleaseResources}, {}}));
  EXPECT_EQ(step(S::Established, E::GracefulRestartTimer_Expires), (Step{S::Established, {}, {}}));
}

TEST(BgpFsm, EstablishedSessionKeepsItselfAlive) {
  EXPECT_EQ(step(S::Established, E::KeepaliveTimer_Expires),
            (Step{S::Established, {SendKeepalive, StartKeepaliveTimer}, {}}));
  EXPECT_EQ(step(S::Established, E::KeepAliveMsg), (Step{S::Established, {RestartHoldTimer}, {}}));
  EXPECT_EQ(step(S::Established, E::UpdateMsg),
            (Step{S::Established, {RestartHoldTimer, ProcessUpdate}, {}}));
}

TEST(BgpFsm, NamesAreUniqueAndComplete) {
  std::set<std::string_view> names;
  for (S s : kStates) names.insert(to_string(s));
  for (E e : kEvents) names.insert(to_string(e));
  for (int a = 0; a < kActionCount; ++a) names.insert(to_string(static_cast<Action>(a)));
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kStateCount + kEventCount + kActionCount));
  EXPECT_EQ(names.count("?"), 0U);
  EXPECT_EQ(to_string(E::Tcp_CR_Acked), "Tcp_CR_Acked");
  EXPECT_EQ(to_string(S::OpenConfirm), "OpenConfirm");
}

TEST(BgpFsm, TransitionLogReadsPeerOldNewOnEvent) {
  EXPECT_EQ(transition_log("Mesh_10_0_0_2", S::Active, S::Connect, E::ConnectDelayTimer_Expires),
            "Mesh_10_0_0_2 (Active->Connect) on ConnectDelayTimer_Expires");
}

TEST(BgpFsm, ActionSetPrintsActionsInTheOrderTheyApply) {
  const ActionSet a{StartErrorWait, DropTcp, SendNotification, StopAllTimers};
  EXPECT_EQ(to_string(a), "StopAllTimers|SendNotification|DropTcp|StartErrorWait");
  EXPECT_EQ(to_string(ActionSet{}), "-");
  EXPECT_EQ(a.size(), 4);
}

// ---- error wait and timers ----

TEST(ErrorWait, DoublesFromMinimumToMaximumPerConsecutiveError) {
  const TimerConfig calico = TimerConfig::calico_v3();
  ErrorWait w;
  EXPECT_EQ(w.on_error(0, calico), 5'000);
  EXPECT_EQ(w.on_error(10'000, calico), 10'000);
  EXPECT_EQ(w.on_error(30'000, calico), 20'000);
  EXPECT_EQ(w.on_error(60'000, calico), 30'000);
  EXPECT_EQ(w.on_error(100'000, calico), 30'000);
}

TEST(ErrorWait, StartsWithBirdDefaultOf60Seconds) {
  ErrorWait w;
  EXPECT_EQ(w.on_error(0, TimerConfig::bird_defaults()), 60'000);
  EXPECT_EQ(w.on_error(70'000, TimerConfig::bird_defaults()), 120'000);
}

TEST(ErrorWait, IsForgottenAfterTheErrorForgetTime) {
  const TimerConfig calico = TimerConfig::calico_v3();
  ErrorWait w;
  w.on_error(0, calico);
  w.on_error(10'000, calico);
  EXPECT_EQ(w.on_error(310'000, calico), 5'000);
  w.reset();
  EXPECT_EQ(w, ErrorWait{});
}

TEST(NegotiatedTimers, HoldIsTheSmallerAndKeepaliveAThird) {
  TimerConfig t;  // 240 s
  EXPECT_EQ(negotiate_timers(t, 9), (NegotiatedTimers{9'000, 3'000}));
  EXPECT_EQ(negotiate_timers(t, 300), (NegotiatedTimers{240'000, 80'000}));
  EXPECT_EQ(negotiate_timers(t, 10), (NegotiatedTimers{10'000, 3'000}));
  EXPECT_EQ(negotiate_timers(t, 0), (NegotiatedTimers{0, 0}));
  t.keepalive = 3'000;
  EXPECT_EQ(negotiate_timers(t, 240), (NegotiatedTimers{240'000, 3'000}));
  EXPECT_EQ(open_hold_seconds(TimerConfig{}), 240);
}

// ---- messages ----

TEST(Notification, TextsUseBirdsWording) {
  EXPECT_EQ(notification_text(2, 2), "Bad peer AS");
  EXPECT_EQ(notification_text(2, 3), "Bad BGP identifier");
  EXPECT_EQ(notification_text(4, 0), "Hold timer expired");
  EXPECT_EQ(notification_text(6, 2), "Administrative shutdown");
  EXPECT_EQ(notification_text(6, 4), "Administrative reset");
  EXPECT_EQ(notification_text(6, 5), "Connection rejected");
  EXPECT_EQ(notification_text(6, 6), "Other configuration change");
  EXPECT_EQ(notification_text(notif::kFsmUnexpectedInOpenConfirm), "Unexpected message in OpenConfirm state");
  EXPECT_EQ(notification_text(9, 9), "Unknown error 9.9");
}

TEST(Notification, LogTextPrintsTheBadPeerAs) {
  EXPECT_EQ(notification_log_text(bad_peer_as(64511)), "Bad peer AS: 64511");
  EXPECT_EQ(notification_log_text(Notification{notif::kMalformedAsPath, {0x0a, 0x0b}}),
            "Malformed AS_PATH: 0a0b");
  EXPECT_EQ(notification_log_text(Notification{notif::kHoldTimerExpired, {}}), "Hold timer expired");
}

TEST(OpenCheck, AcceptsAMatchingOpen) {
  const Open open{4, 64511, 240, 0x7F00000C};
  EXPECT_EQ(check_open(open, 64511, 64511, 0x7F00000B), std::nullopt);
}

TEST(OpenCheck, RejectsInBirdsOrder) {
  EXPECT_EQ(check_open(Open{3, 64999, 1, 0}, 64511, 64511, 1), notif::kUnsupportedVersion);
  EXPECT_EQ(check_open(Open{4, 64999, 2, 0}, 64511, 64511, 1), notif::kUnacceptableHoldTime);
  EXPECT_EQ(check_open(Open{4, 64999, 240, 0}, 64511, 64511, 1), notif::kBadBgpIdentifier);
  EXPECT_EQ(check_open(Open{4, 64511, 240, 7}, 64511, 64511, 7), notif::kBadBgpIdentifier);
  EXPECT_EQ(check_open(Open{4, 64999, 240, 7}, 64511, 64511, 8), notif::kBadPeerAs);
  // On eBGP the identifiers may be equal (RFC 6286 §2.2 asks for AS-wide uniqueness only).
  EXPECT_EQ(check_open(Open{4, 65001, 240, 7}, 65001, 65000, 7), std::nullopt);
}

TEST(Messages, UpdateWithNothingIsEndOfRib) {
  EXPECT_TRUE(Update{}.end_of_rib());
  EXPECT_FALSE((Update{{1}, kNoAttrs, {}}).end_of_rib());
  EXPECT_EQ(type_of(Message{Keepalive{}}), MessageType::Keepalive);
  EXPECT_EQ(to_string(type_of(Message{Update{}})), "UPDATE");
}

// ---- BIRD's show protocols view ----

TEST(ShowProtocols, ProtoStatesPrintLowercase) {
  EXPECT_EQ(to_string(ProtoState::Down), "down");
  EXPECT_EQ(to_string(ProtoState::Start), "start");
  EXPECT_EQ(to_string(ProtoState::Up), "up");
  EXPECT_EQ(to_string(ProtoState::Stop), "stop");
  EXPECT_EQ(to_string(ProtoState::Flush), "flush");
  EXPECT_EQ(proto_state(S::Established), ProtoState::Up);
  EXPECT_EQ(proto_state(S::OpenConfirm), ProtoState::Start);
  EXPECT_EQ(proto_state(S::Idle), ProtoState::Start);
}

TEST(ShowProtocols, InfoShowsStateThenLastError) {
  const auto none = LastError::none();
  EXPECT_EQ(info_text(ProtoState::Up, S::Established, false, none), "Established");
  EXPECT_EQ(info_text(ProtoState::Start, S::Connect, false, none), "Connect");
  EXPECT_EQ(info_text(ProtoState::Start, S::Active, false, none), "Active");
  EXPECT_EQ(info_text(ProtoState::Start, S::Active, true, none), "Passive");
  EXPECT_EQ(info_text(ProtoState::Start, S::Idle, true, none), "Idle");
  EXPECT_EQ(info_text(ProtoState::Start, S::Active, false, LastError::socket_error(SocketError::Refused)),
            "Active Socket: Connection refused");
  EXPECT_EQ(info_text(ProtoState::Start, S::Active, false, LastError::socket_error(SocketError::Closed)),
            "Active Socket: Connection closed");
  EXPECT_EQ(info_text(ProtoState::Start, S::OpenSent, false, LastError::socket_error(SocketError::Reset)),
            "OpenSent Socket: Connection reset by peer");
  EXPECT_EQ(info_text(ProtoState::Start, S::Idle, false, LastError::sent(notif::kBadPeerAs)),
            "Idle BGP Error: Bad peer AS");
  EXPECT_EQ(info_text(ProtoState::Start, S::Idle, false, LastError::received(notif::kBadPeerAs)),
            "Idle Received: Bad peer AS");
  EXPECT_EQ(info_text(ProtoState::Start, S::Idle, false, LastError::sent(notif::kHoldTimerExpired)),
            "Idle BGP Error: Hold timer expired");
  EXPECT_EQ(
      info_text(ProtoState::Start, S::Active, true, LastError::received(notif::kAdministrativeShutdown)),
      "Passive Received: Administrative shutdown");
}

TEST(ShowProtocols, FlushAndDownShowOnlyTheErrorAndStopShowsClose) {
  const auto hold = LastError::sent(notif::kHoldTimerExpired);
  EXPECT_EQ(info_text(ProtoState::Flush, S::Idle, false, hold), "BGP Error: Hold timer expired");
  EXPECT_EQ(info_text(ProtoState::Down, S::Idle, false, LastError::none()), "");
  EXPECT_EQ(info_text(ProtoState::Stop, S::Idle, false, LastError::sent(notif::kBadPeerAs)),
            "Close BGP Error: Bad peer AS");
}

TEST(ShowProtocols, BirdPadsTheStateToFourteenColumns) {
  EXPECT_EQ(bird_info_text(ProtoState::Start, S::Idle, false, LastError::sent(notif::kBadPeerAs)),
            "Idle          BGP Error: Bad peer AS");
  EXPECT_EQ(bird_info_text(ProtoState::Up, S::Established, false, LastError::none()), "Established   ");
  EXPECT_EQ(bird_info_text(ProtoState::Flush, S::Idle, false, LastError::sent(notif::kHoldTimerExpired)),
            "BGP Error: Hold timer expired");
}

TEST(ShowProtocols, ErrorsAreNotRecordedWhileStopping) {
  LastError slot = LastError::sent(notif::kBadPeerAs);
  store_error(slot, LastError::socket_error(SocketError::Closed), ProtoState::Stop);
  EXPECT_EQ(slot, LastError::sent(notif::kBadPeerAs));
  store_error(slot, LastError::socket_error(SocketError::Closed), ProtoState::Start);
  EXPECT_EQ(to_string(slot), "Socket: Connection closed");
  EXPECT_EQ(to_string(LastError::none()), "");
}

}  // namespace
}  // namespace peerlab::bgp
