#include "sim/kernel.hpp"

#include <cstdio>
#include <cstdlib>

namespace peerlab::sim {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Converged:
      return "converged";
    case Outcome::TimeLimit:
      return "time limit";
    case Outcome::EventLimit:
      return "event limit";
    case Outcome::Stopped:
      return "stopped";
  }
  return "unknown";
}

namespace detail {
void schedule_in_past(Time at, Time now) {
  std::fprintf(stderr, "peerlab::sim::Kernel: event scheduled at %s, before now %s (%lld < %lld us)\n",
               format_time(at).c_str(), format_time(now).c_str(), static_cast<long long>(at),
               static_cast<long long>(now));
  std::abort();
}

void too_many_pending_events() {
  std::fprintf(stderr, "peerlab::sim::Kernel: more than 2^32 - 3 events queued at once\n");
  std::abort();
}
}  // namespace detail

void Kernel::compact() {
  settle();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < heap_.size(); ++i) {
    const Event& event = heap_[i];
    if (event.slot == kGuard) {
      Timer& t = timers_[event.gen];
      const bool valid = t.has_guard && t.guard_gen == event.arg;
      if (valid && !t.armed) t.has_guard = false;  // an idle guard
      if (valid && t.armed) heap_[kept++] = event;
    } else if (slots_[event.slot].link == kCancelled) {
      release_slot(event.slot);
    } else {
      heap_[kept++] = event;
    }
  }
  heap_.resize(kept);
  tombstones_ = 0;
  stale_guards_ = 0;
  guards_ = 0;
  for (const Event& event : heap_) guards_ += event.slot == kGuard;
  // Floyd's bottom-up heap construction: sift every internal node down, last parent first.
  if (kept > 1) {
    for (std::size_t i = (kept - 2) / 4 + 1; i-- > 0;) {
      sift_down(i, Event(heap_[i]));
    }
  }
  ++stats_.compactions;
}

}  // namespace peerlab::sim
