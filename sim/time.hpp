// Simulated time.
//
// Time is an integer count of MICROSECONDS since the start of the simulation (practice 1: never a
// double). Every duration in the simulator (timers, link delays, jitter) is a Time as well. The
// simulator never reads the wall clock; format_clock() only renders simulated time as a
// wall-clock-like string, relative to a start-of-day offset chosen by the scenario.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace peerlab::sim {

using Time = std::int64_t;

inline constexpr Time kMicrosecond = 1;
inline constexpr Time kMillisecond = 1'000 * kMicrosecond;
inline constexpr Time kSecond = 1'000 * kMillisecond;
inline constexpr Time kMinute = 60 * kSecond;
inline constexpr Time kHour = 60 * kMinute;
inline constexpr Time kDay = 24 * kHour;

// The largest representable time; run_until(kTimeMax, ...) means "no time limit".
inline constexpr Time kTimeMax = std::numeric_limits<Time>::max();

constexpr Time from_millis(std::int64_t ms) {
  return ms * kMillisecond;
}
constexpr Time from_seconds(std::int64_t s) {
  return s * kSecond;
}
// Truncates toward zero, like integer division.
constexpr std::int64_t to_millis(Time t) {
  return t / kMillisecond;
}
constexpr std::int64_t to_seconds(Time t) {
  return t / kSecond;
}

// An offset from midnight, for format_clock's epoch_of_day: time_of_day(16, 0, 0) is 16:00:00.
constexpr Time time_of_day(int hours, int minutes, int seconds) {
  return hours * kHour + minutes * kMinute + seconds * kSecond;
}

// Seconds with millisecond precision, truncated toward zero: 12'345'678 -> "12.345s",
// 0 -> "0.000s", -1'500 -> "-0.001s".
std::string format_time(Time t);

// A wall-clock-like "HH:MM:SS" for the instant t after a start-of-day offset (BIRD's "Since"
// column): format_clock(2'500'000, time_of_day(16, 0, 0)) == "16:00:02". Sub-second parts are
// dropped (floor), and the clock wraps at midnight.
std::string format_clock(Time t, Time epoch_of_day);

}  // namespace peerlab::sim
