#include "sim/time.hpp"

#include <cstdio>

namespace peerlab::sim {

std::string format_time(Time t) {
  // Work on the magnitude as unsigned so that the most negative Time does not overflow.
  const bool negative = t < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(t) : static_cast<std::uint64_t>(t);
  const std::uint64_t millis = magnitude / static_cast<std::uint64_t>(kMillisecond);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu.%03llus", negative ? "-" : "",
                static_cast<unsigned long long>(millis / 1000),
                static_cast<unsigned long long>(millis % 1000));
  return buf;
}

std::string format_clock(Time t, Time epoch_of_day) {
  // Floor division so that instants before the epoch still land on the previous second.
  const Time total = epoch_of_day + t;
  Time seconds = total / kSecond;
  if (total % kSecond < 0) --seconds;
  Time of_day = seconds % (kDay / kSecond);
  if (of_day < 0) of_day += kDay / kSecond;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(of_day / 3600),
                static_cast<int>(of_day / 60 % 60), static_cast<int>(of_day % 60));
  return buf;
}

}  // namespace peerlab::sim
