// BGP messages as compact values (RFC 4271 §4), exchanged between simulated speakers.
//
// Messages never go through a wire encoding: an UPDATE carries interned ids (`AttrId`, `PrefixId`)
// from the simulation-wide tables, and the simulator charges transmission time by message kind.
// NOTIFICATION texts are BIRD's (proto/bgp/packets.c bgp_msg_table), since `show protocols` and the
// logs print them ("BGP Error: Bad peer AS", "Received: Administrative shutdown").
//
// RFC says / we do:
//  - OPEN carries optional parameters (capabilities, RFC 5492); we model only the outcome: every speaker
//    is AS4-capable (RFC 6793), so `my_as` is the full 4-byte AS (what the AS4 capability carries; the
//    2-byte field would hold AS_TRANS for ASes above 65535). ADD-PATH, route refresh and graceful
//    restart capabilities are the session's business, not the message's.
//  - OPEN checks follow BIRD's order (bgp_rx_open): version, hold time, BGP identifier, peer AS.
//  - The KEEPALIVE and the header (marker, length, type) carry nothing we simulate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/bgp_attrs.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::bgp {

// RFC 4271 §4.5 error code and subcode.
struct NotificationCode {
  std::uint8_t code = 0;
  std::uint8_t subcode = 0;
  bool operator==(const NotificationCode&) const = default;
  bool is_cease() const { return code == 6; }
};

namespace notif {
// Error codes (RFC 4271 §4.5, RFC 7313 for 7).
inline constexpr std::uint8_t kMessageHeaderError = 1;
inline constexpr std::uint8_t kOpenMessageError = 2;
inline constexpr std::uint8_t kUpdateMessageError = 3;
inline constexpr std::uint8_t kHoldTimerExpiredCode = 4;
inline constexpr std::uint8_t kFsmErrorCode = 5;
inline constexpr std::uint8_t kCeaseCode = 6;
inline constexpr std::uint8_t kRouteRefreshError = 7;

// Message header errors (RFC 4271 §6.1).
inline constexpr NotificationCode kConnectionNotSynchronized{1, 1};
inline constexpr NotificationCode kBadMessageLength{1, 2};
inline constexpr NotificationCode kBadMessageType{1, 3};
// OPEN message errors (RFC 4271 §6.2, RFC 5492).
inline constexpr NotificationCode kUnsupportedVersion{2, 1};
inline constexpr NotificationCode kBadPeerAs{2, 2};
inline constexpr NotificationCode kBadBgpIdentifier{2, 3};
inline constexpr NotificationCode kUnsupportedOptionalParameter{2, 4};
inline constexpr NotificationCode kUnacceptableHoldTime{2, 6};
inline constexpr NotificationCode kUnsupportedCapability{2, 7};
// UPDATE message errors (RFC 4271 §6.3).
inline constexpr NotificationCode kMalformedAttributeList{3, 1};
inline constexpr NotificationCode kMissingWellKnownAttribute{3, 3};
inline constexpr NotificationCode kInvalidOrigin{3, 6};
inline constexpr NotificationCode kInvalidNextHop{3, 8};
inline constexpr NotificationCode kInvalidNetworkField{3, 10};
inline constexpr NotificationCode kMalformedAsPath{3, 11};
// Hold timer expired (RFC 4271 §6.5).
inline constexpr NotificationCode kHoldTimerExpired{4, 0};
// FSM errors (RFC 6608 subcodes, which BIRD sends).
inline constexpr NotificationCode kFsmError{5, 0};
inline constexpr NotificationCode kFsmUnexpectedInOpenSent{5, 1};
inline constexpr NotificationCode kFsmUnexpectedInOpenConfirm{5, 2};
inline constexpr NotificationCode kFsmUnexpectedInEstablished{5, 3};
// Cease (RFC 4486 subcodes).
inline constexpr NotificationCode kCease{6, 0};
inline constexpr NotificationCode kMaxPrefixesReached{6, 1};
inline constexpr NotificationCode kAdministrativeShutdown{6, 2};
inline constexpr NotificationCode kPeerDeconfigured{6, 3};
inline constexpr NotificationCode kAdministrativeReset{6, 4};
inline constexpr NotificationCode kConnectionRejected{6, 5};
inline constexpr NotificationCode kOtherConfigurationChange{6, 6};
inline constexpr NotificationCode kConnectionCollisionResolution{6, 7};
inline constexpr NotificationCode kOutOfResources{6, 8};
}  // namespace notif

namespace detail {
struct NotificationTextEntry {
  std::uint8_t code;
  std::uint8_t subcode;
  std::string_view text;
};
// BIRD's bgp_msg_table.
inline constexpr NotificationTextEntry kNotificationTexts[] = {
    {1, 0, "Invalid message header"},
    {1, 1, "Connection not synchronized"},
    {1, 2, "Bad message length"},
    {1, 3, "Bad message type"},
    {2, 0, "Invalid OPEN message"},
    {2, 1, "Unsupported version number"},
    {2, 2, "Bad peer AS"},
    {2, 3, "Bad BGP identifier"},
    {2, 4, "Unsupported optional parameter"},
    {2, 5, "Authentication failure"},
    {2, 6, "Unacceptable hold time"},
    {2, 7, "Required capability missing"},
    {2, 8, "No supported AFI/SAFI"},
    {3, 0, "Invalid UPDATE message"},
    {3, 1, "Malformed attribute list"},
    {3, 2, "Unrecognized well-known attribute"},
    {3, 3, "Missing mandatory attribute"},
    {3, 4, "Invalid attribute flags"},
    {3, 5, "Invalid attribute length"},
    {3, 6, "Invalid ORIGIN attribute"},
    {3, 7, "AS routing loop"},
    {3, 8, "Invalid NEXT_HOP attribute"},
    {3, 9, "Optional attribute error"},
    {3, 10, "Invalid network field"},
    {3, 11, "Malformed AS_PATH"},
    {4, 0, "Hold timer expired"},
    {5, 0, "Finite state machine error"},
    {5, 1, "Unexpected message in OpenSent state"},
    {5, 2, "Unexpected message in OpenConfirm state"},
    {5, 3, "Unexpected message in Established state"},
    {6, 0, "Cease"},
    {6, 1, "Maximum number of prefixes reached"},
    {6, 2, "Administrative shutdown"},
    {6, 3, "Peer de-configured"},
    {6, 4, "Administrative reset"},
    {6, 5, "Connection rejected"},
    {6, 6, "Other configuration change"},
    {6, 7, "Connection collision resolution"},
    {6, 8, "Out of Resources"},
    {7, 0, "Invalid ROUTE-REFRESH message"},
    {7, 1, "Invalid ROUTE-REFRESH message length"},
};
}  // namespace detail

// BIRD's wording for a known code/subcode, or std::nullopt.
inline std::optional<std::string_view> known_notification_text(std::uint8_t code, std::uint8_t subcode) {
  for (const auto& e : detail::kNotificationTexts) {
    if (e.code == code && e.subcode == subcode) return e.text;
  }
  return std::nullopt;
}

// BIRD's text for a NOTIFICATION ("Bad peer AS"); unknown pairs read "Unknown error 9.9" as in BIRD.
inline std::string notification_text(std::uint8_t code, std::uint8_t subcode) {
  if (auto t = known_notification_text(code, subcode)) return std::string(*t);
  return "Unknown error " + std::to_string(code) + "." + std::to_string(subcode);
}
inline std::string notification_text(NotificationCode c) {
  return notification_text(c.code, c.subcode);
}

inline constexpr std::uint8_t kBgpVersion = 4;
inline constexpr AsNumber kAsTrans = 23456;  // RFC 6793 §9

struct Open {
  std::uint8_t version = kBgpVersion;
  AsNumber my_as = 0;           // full 4-byte AS (from the AS4 capability)
  std::uint16_t hold_time = 0;  // seconds, as on the wire; 0 = no keepalives
  std::uint32_t bgp_identifier = 0;
  bool operator==(const Open&) const = default;
};

// The prefixes of an UPDATE: a vector with room for two inline. Almost every UPDATE a Calico
// design sends carries one prefix (each node's block has its own next hop, so blocks rarely share
// attributes), and a route reflector sends hundreds of millions of them: inline storage makes
// building, queueing and delivering one allocate nothing.
class PrefixList {
 public:
  using value_type = PrefixId;
  using iterator = PrefixId*;
  using const_iterator = const PrefixId*;

  PrefixList() noexcept : inline_{} {}
  PrefixList(std::initializer_list<PrefixId> ids) : PrefixList() {
    for (PrefixId p : ids) push_back(p);
  }
  PrefixList(const PrefixList& o) : PrefixList() { append(o); }
  PrefixList(PrefixList&& o) noexcept : PrefixList() { take(o); }
  PrefixList& operator=(const PrefixList& o) {
    if (this != &o) clear(), append(o);
    return *this;
  }
  PrefixList& operator=(PrefixList&& o) noexcept {
    if (this != &o) release(), take(o);
    return *this;
  }
  ~PrefixList() { release(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  PrefixId* data() { return on_heap() ? heap_ : inline_; }
  const PrefixId* data() const { return on_heap() ? heap_ : inline_; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  PrefixId operator[](std::size_t i) const { return data()[i]; }
  void clear() { size_ = 0; }
  void push_back(PrefixId p) {
    if (size_ == capacity_) grow();
    data()[size_++] = p;
  }
  bool operator==(const PrefixList& o) const {
    return size_ == o.size_ && std::equal(begin(), end(), o.begin());
  }

 private:
  static constexpr std::uint32_t kInline = 2;
  bool on_heap() const { return capacity_ > kInline; }
  void append(const PrefixList& o) {
    for (PrefixId p : o) push_back(p);
  }
  void take(PrefixList& o) noexcept {
    size_ = o.size_;
    capacity_ = o.capacity_;
    if (o.on_heap()) {
      heap_ = o.heap_;
    } else {
      std::copy(o.inline_, o.inline_ + kInline, inline_);
    }
    o.size_ = 0;
    o.capacity_ = kInline;
  }
  void release() noexcept {
    if (on_heap()) delete[] heap_;
    size_ = 0;
    capacity_ = kInline;
  }
  void grow() {
    const std::uint32_t cap = capacity_ * 2;
    auto* bigger = new PrefixId[cap];
    std::copy(begin(), end(), bigger);
    if (on_heap()) delete[] heap_;
    heap_ = bigger;
    capacity_ = cap;
  }

  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = kInline;  // > kInline: the prefixes are in heap_
  union {
    PrefixId inline_[kInline];
    PrefixId* heap_;
  };
};

struct Update {
  PrefixList withdrawn;
  AttrId attrs = kNoAttrs;  // the attributes of every prefix in `nlri`
  PrefixList nlri;
  // An UPDATE with nothing in it is the End-of-RIB marker (RFC 4724 §2).
  bool end_of_rib() const { return withdrawn.empty() && nlri.empty() && attrs == kNoAttrs; }
  bool operator==(const Update&) const = default;
};

struct Notification {
  NotificationCode error;
  std::vector<std::uint8_t> data;  // e.g. the offending AS for Bad peer AS (4 bytes, network order)
  bool operator==(const Notification&) const = default;
};

struct Keepalive {
  bool operator==(const Keepalive&) const = default;
};

// RFC 4271 §4.1 type codes.
enum class MessageType : std::uint8_t { Open = 1, Update = 2, Notification = 3, Keepalive = 4 };

using Message = std::variant<Open, Update, Notification, Keepalive>;

inline MessageType type_of(const Message& m) {
  switch (m.index()) {
    case 0:
      return MessageType::Open;
    case 1:
      return MessageType::Update;
    case 2:
      return MessageType::Notification;
    default:
      return MessageType::Keepalive;
  }
}

inline std::string_view to_string(MessageType t) {
  switch (t) {
    case MessageType::Open:
      return "OPEN";
    case MessageType::Update:
      return "UPDATE";
    case MessageType::Notification:
      return "NOTIFICATION";
    case MessageType::Keepalive:
      return "KEEPALIVE";
  }
  return "?";
}

// A NOTIFICATION for Bad peer AS carrying the AS the peer announced, as BIRD sends it with AS4.
inline Notification bad_peer_as(AsNumber announced) {
  return Notification{notif::kBadPeerAs,
                      {static_cast<std::uint8_t>(announced >> 24), static_cast<std::uint8_t>(announced >> 16),
                       static_cast<std::uint8_t>(announced >> 8), static_cast<std::uint8_t>(announced)}};
}

// BIRD's log line suffix for a NOTIFICATION: "Bad peer AS: 64511" (AS data printed as a number), else
// the text plus up to 16 data bytes in hex ("Malformed AS_PATH: 0a0b").
inline std::string notification_log_text(const Notification& n) {
  std::string out = notification_text(n.error);
  const auto& d = n.data;
  if (d.empty()) return out;
  if (n.error == notif::kBadPeerAs && (d.size() == 2 || d.size() == 4)) {
    std::uint32_t as = 0;
    for (std::uint8_t b : d) as = (as << 8) | b;
    return out + ": " + std::to_string(as);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += ": ";
  for (std::size_t i = 0; i < d.size() && i < 16; ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 0xF];
  }
  return out;
}

// What the receiver of an OPEN checks before it answers with a KEEPALIVE (BIRD bgp_rx_open, same order):
// version 4 (2/1), hold time 0 or >= 3 s (2/6), BGP identifier non-zero and, on iBGP, different from ours
// (RFC 6286 §2.2; 2/3), and the announced AS equal to the configured neighbour AS (2/2).
// Returns the NOTIFICATION to send, or std::nullopt when the OPEN is acceptable.
inline std::optional<NotificationCode> check_open(const Open& open, AsNumber expected_peer_as,
                                                  AsNumber local_as, std::uint32_t local_router_id) {
  if (open.version != kBgpVersion) return notif::kUnsupportedVersion;
  if (open.hold_time > 0 && open.hold_time < 3) return notif::kUnacceptableHoldTime;
  const bool ibgp = expected_peer_as == local_as;
  if (open.bgp_identifier == 0 || (ibgp && open.bgp_identifier == local_router_id))
    return notif::kBadBgpIdentifier;
  if (open.my_as != expected_peer_as) return notif::kBadPeerAs;
  return std::nullopt;
}

}  // namespace peerlab::bgp
