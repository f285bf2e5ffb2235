// The discrete-event kernel: one event loop, integer time, total order (practices 1, 2, 11, 12).
//
// Design
//   - An Event is a 40-byte POD: (time, seq) plus three opaque words the layer above defines
//     (kind, target, arg). Scheduling never allocates per event: events live by value in a 4-ary
//     implicit min-heap over one std::vector, which only grows to the peak queue length.
//   - Total order. The key is (time, seq), seq being the kernel-wide insertion counter, so events
//     at the same time fire in the order they were scheduled (ns-3 EventKey{m_ts, m_uid}). Keys
//     are unique, hence the firing order never depends on the heap's layout. Scheduling before
//     now() is a programmer error and aborts, in every build type.
//   - Lazy cancel, always-valid handles (ns-3 EventId). schedule() returns an EventHandle
//     {slot, gen} into a slot table. cancel() only marks the slot (a tombstone); the event stays
//     in the heap and is discarded when it reaches the top. A slot goes back to a free list, with
//     its generation bumped, when its event fires or its tombstone is discarded, so a handle to a
//     fired, cancelled or recycled event never matches again: cancel() on it is a no-op, and so is
//     cancel() on a default-constructed handle. (The generation is 32 bits: a handle kept across
//     2^32 reuses of the same slot could alias; nothing in the simulator keeps one that long.)
//   - Compaction. When a cancel leaves tombstones in more than half of the heap, the heap is
//     rebuilt without them (O(n), amortised O(1) per cancel), so millions of restarted timers
//     cannot accumulate. Memory is bounded by the peak number of queued events.
//   - Hot path. Child selection in sift-down is branch-free (heap comparisons are unpredictable).
//     While a handler runs, the fired event's copy stays at the root; the handler's first
//     schedule() takes its place with a single sift-down, so the common "fire one, schedule one"
//     costs one heap pass instead of two. settle() removes the copy when nothing replaced it;
//     every member that looks at the heap settles it first, so this is invisible from outside.
//   - Running. run_until(limit, max_events, handler) fires events in order while their time is
//     <= limit, calling handler(kernel, event) (or handler.handle(kernel, event) for an
//     EventHandler). Handlers may schedule and cancel. It ends with a typed outcome: Converged
//     when the queue is empty, TimeLimit when the next event is after `limit` (now() then
//     becomes `limit`, so the caller inspects the state "at time limit"), EventLimit after
//     max_events events, or whatever a handler passed to stop(). The kernel knows nothing of
//     BGP; the layer above decides convergence and says so with stop(Outcome::Converged).
//   - Fingerprint. Every fired event folds (time, kind, target, arg) into a running 64-bit hash;
//     layers above fold in their own observations with fold(). Same inputs => same fingerprint.
//   - Re-armable timers (new_timer, arm, disarm). A timer that is restarted far more often than it
//     fires (BGP's hold timer restarts on every message received) costs no queue operation per
//     restart. arm() behaves exactly as cancel() of the previous event followed by schedule(): it
//     takes the next insertion sequence number, so the timer fires at the same (time, seq) place
//     in the total order, with the same kind, target and arg, folded into the fingerprint and
//     counted in the stats exactly as the scheduled event would be. Only the queue differs: it
//     holds at most one *guard* per timer, an entry whose key is <= the timer's current key. When a
//     guard reaches the top and the timer was re-armed later, the guard is re-queued at the
//     timer's key, silently (no handler call, not counted, not hashed); when the timer was disarmed,
//     the guard is dropped silently. Arming earlier than the guard queues a new guard and marks the
//     old one stale. Invariant: a timer's valid guard key <= its armed key, so the guard surfaces
//     no later than the event would, and everything between the two keys fires in between either
//     way.
//   - A Kernel is single-threaded; one simulation owns one kernel.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/time.hpp"

namespace peerlab::sim {

class Kernel;

// Refers to one scheduled event. Default-constructed handles refer to nothing.
struct EventHandle {
  static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();

  std::uint32_t slot = kNoSlot;
  std::uint32_t gen = 0;

  constexpr bool empty() const { return slot == kNoSlot; }
  friend constexpr bool operator==(const EventHandle&, const EventHandle&) = default;
};

struct Event {
  Time time;
  std::uint64_t seq;     // insertion sequence, breaks ties between equal times
  std::uint64_t arg;     // opaque payload (e.g. a message id)
  std::uint32_t kind;    // opaque event kind, defined by the layer above
  std::uint32_t target;  // opaque recipient (e.g. a session id)
  std::uint32_t slot;    // kernel bookkeeping: slot and generation of this event's handle
  std::uint32_t gen;

  constexpr EventHandle handle() const { return {slot, gen}; }
};
static_assert(sizeof(Event) <= 40);
static_assert(std::is_trivially_copyable_v<Event>);

enum class Outcome : std::uint8_t { Converged, TimeLimit, EventLimit, Stopped };

// "converged", "time limit", "event limit", "stopped".
std::string_view to_string(Outcome outcome);

struct RunOutcome {
  Outcome outcome;
  Time time;             // now() when the run returned
  std::uint64_t events;  // events fired by this run
};

struct KernelStats {
  std::uint64_t processed = 0;     // events fired
  std::uint64_t scheduled = 0;     // schedule() calls
  std::uint64_t cancelled = 0;     // cancel() calls that cancelled a pending event
  std::uint64_t peak_pending = 0;  // largest number of pending (uncancelled) events
  std::uint64_t compactions = 0;   // heap rebuilds that dropped tombstones
};

// A running 64-bit hash of a sequence of 64-bit words. Fully specified so that values can be
// pinned in tests: for each word v, h = rotl(h ^ (v * P2), 31) * P1, starting from the FNV-1a
// offset basis; value() applies the xxHash64 avalanche to h. P1 and P2 are xxHash64's primes.
class Fingerprint {
 public:
  constexpr void add(std::uint64_t v) { h_ = std::rotl(h_ ^ (v * kP2), 31) * kP1; }

  constexpr void add_event(const Event& e) {
    add(static_cast<std::uint64_t>(e.time));
    add(static_cast<std::uint64_t>(e.kind) << 32 | e.target);
    add(e.arg);
  }

  constexpr std::uint64_t value() const {
    std::uint64_t h = h_;
    h ^= h >> 33;
    h *= kP2;
    h ^= h >> 29;
    h *= kP3;
    h ^= h >> 32;
    return h;
  }

 private:
  static constexpr std::uint64_t kP1 = 0x9e3779b185ebca87ULL;
  static constexpr std::uint64_t kP2 = 0xc2b2ae3d27d4eb4fULL;
  static constexpr std::uint64_t kP3 = 0x165667b19e3779f9ULL;
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

// The virtual form of a handler, for callers that prefer an interface to a template argument.
struct EventHandler {
  virtual ~EventHandler() = default;
  virtual void handle(Kernel& kernel, const Event& event) = 0;
};

template <class H>
concept KernelHandler =
    std::derived_from<std::remove_cvref_t<H>, EventHandler> || std::invocable<H&, Kernel&, const Event&>;

namespace detail {
[[noreturn]] void schedule_in_past(Time at, Time now);
[[noreturn]] void too_many_pending_events();
}  // namespace detail

class Kernel {
 public:
  Kernel() = default;

  // Time of the last fired event, or the limit that the last run_until stopped at.
  Time now() const { return now_; }

  // Schedules an event at `at` (>= now(); aborts otherwise) and returns its handle.
  EventHandle schedule(Time at, std::uint32_t kind, std::uint32_t target, std::uint64_t arg = 0) {
    if (at < now_) [[unlikely]] {
      detail::schedule_in_past(at, now_);
    }
    const std::uint32_t slot = acquire_slot();
    const std::uint32_t gen = slots_[slot].gen;
    // The first event scheduled by a handler replaces the fired event at the root: one
    // sift-down instead of a removal plus an insertion.
    insert(Event{at, seq_++, arg, kind, target, slot, gen});
    ++stats_.scheduled;
    const std::uint64_t live = pending_count();
    if (live > stats_.peak_pending) stats_.peak_pending = live;
    return {slot, gen};
  }

  // Schedules an event `delay` (>= 0) after now().
  EventHandle schedule_in(Time delay, std::uint32_t kind, std::uint32_t target, std::uint64_t arg = 0) {
    return schedule(now_ + delay, kind, target, arg);
  }

  // Cancels a pending event; returns whether it was pending. A no-op returning false for a
  // default handle, a fired event, an already-cancelled event or a handle of a recycled slot.
  bool cancel(EventHandle handle) {
    if (!pending(handle)) return false;
    slots_[handle.slot].link = kCancelled;
    ++tombstones_;
    ++stats_.cancelled;
    if ((tombstones_ + stale_guards_) * 2 > heap_size()) compact();
    return true;
  }

  // Whether the event is scheduled and neither fired nor cancelled.
  bool pending(EventHandle handle) const {
    return handle.slot < slots_.size() && slots_[handle.slot].gen == handle.gen &&
           slots_[handle.slot].link == kPending;
  }

  // Number of pending (scheduled, not cancelled, not fired) events; an armed timer counts as one.
  std::size_t pending_count() const { return heap_size() - tombstones_ - guards_ + armed_timers_; }
  bool empty() const { return pending_count() == 0; }
  // Entries in the heap, cancelled ones and timer guards included. Without timers: at most the
  // peak, and right after a cancel at most 2 * pending_count() (compaction). Each timer adds at
  // most one valid guard; stale guards count with the tombstones towards compaction.
  std::size_t heap_size() const { return heap_.size() - root_is_fired_; }
  // Entries in the handle slot table (bounded by the peak heap size).
  std::size_t slot_count() const { return slots_.size(); }

  // Time of the next pending event, if any.
  std::optional<Time> next_time() {
    settle();
    if (!discard_cancelled_top()) return std::nullopt;
    return heap_.front().time;
  }

  // Moves the clock forward to `t` when no event is pending before it (a quiet network waiting
  // for the next thing its caller will do). Never moves it back.
  void advance_to(Time t) {
    if (auto next = next_time(); next && *next < t) detail::schedule_in_past(*next, t);
    if (t > now_) now_ = t;
  }

  // Pre-sizes the queue for `events` pending events.
  void reserve(std::size_t events) {
    heap_.reserve(events);
    slots_.reserve(events);
  }

  // ---- re-armable timers (see the header) ----
  using TimerId = std::uint32_t;
  // A timer that fires events of this kind and target; it starts disarmed.
  TimerId new_timer(std::uint32_t kind, std::uint32_t target) {
    timers_.push_back(Timer{});
    timers_.back().kind = kind;
    timers_.back().target = target;
    return static_cast<TimerId>(timers_.size() - 1);
  }
  // Same as cancel(previous event) then schedule(at, kind, target, arg); aborts when at < now().
  void arm(TimerId id, Time at, std::uint64_t arg = 0) {
    if (at < now_) [[unlikely]] {
      detail::schedule_in_past(at, now_);
    }
    Timer& t = timers_[id];
    if (t.armed) {
      ++stats_.cancelled;
    } else {
      t.armed = true;
      ++armed_timers_;
    }
    t.at = at;
    t.seq = seq_++;
    t.arg = arg;
    ++stats_.scheduled;
    // The new key (at, seq) is before the guard's iff at < guard_at: seq is fresh, hence larger
    // than the guard's, so equal times never put the new key first.
    if (!t.has_guard || at < t.guard_at) {
      if (t.has_guard) ++stale_guards_;
      push_guard(id);
    }
    const std::uint64_t live = pending_count();
    if (live > stats_.peak_pending) stats_.peak_pending = live;
    if ((tombstones_ + stale_guards_) * 2 > heap_size()) compact();
  }
  // Same as cancel() of the armed event; returns whether the timer was armed.
  bool disarm(TimerId id) {
    Timer& t = timers_[id];
    if (!t.armed) return false;
    t.armed = false;
    --armed_timers_;
    ++stats_.cancelled;
    return true;
  }
  bool armed(TimerId id) const { return timers_[id].armed; }
  // When an armed timer fires.
  Time deadline(TimerId id) const { return timers_[id].at; }
  std::size_t timer_count() const { return timers_.size(); }

  // Asks the current run_until to return `why` after the event being handled. Called outside a
  // run (or from a handler under step()), it makes the next run_until return at once.
  void stop(Outcome why = Outcome::Stopped) {
    stop_requested_ = true;
    stop_reason_ = why;
  }

  // Fires events in (time, seq) order while their time is <= limit, at most max_events of them.
  template <KernelHandler Handler>
  RunOutcome run_until(Time limit, std::uint64_t max_events, Handler&& handler) {
    settle();  // in case of a run nested in a handler
    std::uint64_t fired = 0;
    for (;;) {
      if (stop_requested_) [[unlikely]] {
        stop_requested_ = false;
        return {stop_reason_, now_, fired};
      }
      if (!discard_cancelled_top()) return {Outcome::Converged, now_, fired};
      if (heap_.front().time > limit) {
        if (limit > now_) now_ = limit;
        return {Outcome::TimeLimit, now_, fired};
      }
      if (fired == max_events) return {Outcome::EventLimit, now_, fired};
      fire_top(handler);
      ++fired;
    }
  }

  // Fires the next pending event, ignoring stop requests; returns false if there is none.
  template <KernelHandler Handler>
  bool step(Handler&& handler) {
    settle();
    if (!discard_cancelled_top()) return false;
    fire_top(handler);
    return true;
  }

  const KernelStats& stats() const { return stats_; }

  // The running hash of fired events and of every value passed to fold().
  std::uint64_t fingerprint() const { return fingerprint_.value(); }
  void fold(std::uint64_t observation) { fingerprint_.add(observation); }

 private:
  // Slot::link while the slot is in use; otherwise the index of the next free slot.
  static constexpr std::uint32_t kPending = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kCancelled = kPending - 1;
  static constexpr std::uint32_t kEndOfFreeList = kPending - 2;
  // Heaps larger than this (320 KiB of events) no longer fit in a core's L2 cache.
  static constexpr std::size_t kPrefetchAbove = std::size_t{1} << 13;

  struct Slot {
    std::uint32_t gen;
    std::uint32_t link;
  };

  // Event::slot of a timer guard; its Event::gen is the timer and its Event::arg the guard's
  // generation (the real arg lives in the Timer).
  static constexpr std::uint32_t kGuard = EventHandle::kNoSlot;

  struct Timer {
    Time at = 0;  // the armed key (at, seq)
    std::uint64_t seq = 0;
    std::uint64_t arg = 0;
    Time guard_at = 0;  // the valid guard's time, when has_guard (its seq is older than seq)
    std::uint32_t kind = 0, target = 0;
    std::uint32_t guard_gen = 0;  // identifies the valid guard; older guards are stale
    bool armed = false;
    bool has_guard = false;
  };
  static_assert(sizeof(Timer) <= 48);  // two per BGP session end

  void push_guard(TimerId id) {
    Timer& t = timers_[id];
    ++t.guard_gen;
    t.has_guard = true;
    t.guard_at = t.at;
    ++guards_;
    insert(Event{t.at, t.seq, t.guard_gen, t.kind, t.target, kGuard, id});
  }

  // Inserts an event, taking the place of a fired root when there is one.
  void insert(const Event& event) {
    if (root_is_fired_) {
      root_is_fired_ = false;
      sift_down(0, event);
    } else {
      heap_.emplace_back();
      sift_up(heap_.size() - 1, event);
    }
  }

  // The total order: (time, seq), compared as one unsigned 128-bit number (time's sign bit
  // flipped), which compiles to a branch-free cmp/sbb.
  __extension__ using Key = unsigned __int128;
  static Key key(Time time, std::uint64_t seq) {
    return static_cast<Key>(static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63)) << 64 | seq;
  }
  static bool before(const Event& a, const Event& b) { return key(a.time, a.seq) < key(b.time, b.seq); }

  // `condition ? if_true : if_false` as mask arithmetic. Heap comparisons are unpredictable by
  // nature, and the compiler otherwise tends to turn such selections into branches.
  static std::uint64_t select(bool condition, std::uint64_t if_true, std::uint64_t if_false) {
    const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(condition);
    return if_false ^ ((if_false ^ if_true) & mask);
  }

  std::uint32_t acquire_slot() {
    if (free_head_ != kEndOfFreeList) {
      const std::uint32_t slot = free_head_;
      free_head_ = slots_[slot].link;
      slots_[slot].link = kPending;
      return slot;
    }
    if (slots_.size() >= kEndOfFreeList) [[unlikely]] {
      detail::too_many_pending_events();
    }
    slots_.push_back({1, kPending});
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }

  void release_slot(std::uint32_t slot) {
    Slot& s = slots_[slot];
    if (++s.gen == 0) s.gen = 1;  // generation 0 is never live
    s.link = free_head_;
    free_head_ = slot;
  }

  // Moves `event` up from the hole at index i to its place.
  void sift_up(std::size_t i, const Event& event) {
    Event* h = heap_.data();
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!before(event, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = event;
  }

  // Moves `event` down from the hole at index i to its place. The smallest child is selected
  // with mask arithmetic, so a level costs one round of loads and no branch mispredictions.
  void sift_down(std::size_t i, const Event& event) {
    Event* h = heap_.data();
    const std::size_t n = heap_.size();
    const Key event_key = key(event.time, event.seq);
    for (;;) {
      const std::size_t c = 4 * i + 1;
      std::size_t m;
      Key m_key;
      if (c + 3 < n) {
        if (n > kPrefetchAbove && 4 * c + 16 < n) {
          // Large heaps miss the cache on every level: fetch all four grandchild groups while
          // this level is being compared.
          for (std::size_t g = 4 * c + 1; g < 4 * c + 17; g += 4) {
            __builtin_prefetch(&h[g]);
            __builtin_prefetch(&h[g + 3]);
          }
        }
        const Key k0 = key(h[c].time, h[c].seq);
        const Key k1 = key(h[c + 1].time, h[c + 1].seq);
        const Key k2 = key(h[c + 2].time, h[c + 2].seq);
        const Key k3 = key(h[c + 3].time, h[c + 3].seq);
        const bool lt01 = k1 < k0;
        const bool lt23 = k3 < k2;
        const Key ka = lt01 ? k1 : k0;
        const Key kb = lt23 ? k3 : k2;
        const bool lt = kb < ka;
        m = select(lt, c + 2 + lt23, c + lt01);
        m_key = lt ? kb : ka;
      } else if (c < n) {
        m = c;
        m_key = key(h[c].time, h[c].seq);
        for (std::size_t k = c + 1; k < n; ++k) {
          const Key k_key = key(h[k].time, h[k].seq);
          if (k_key < m_key) {
            m = k;
            m_key = k_key;
          }
        }
      } else {
        break;
      }
      if (!(m_key < event_key)) break;
      h[i] = h[m];
      i = m;
    }
    h[i] = event;
  }

  // Removes the root: the last event fills the hole and sinks to its place.
  void remove_top() {
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
  }

  // Drops cancelled events and idle timer guards from the top, and re-queues guards of timers
  // re-armed later; returns whether a pending event remains (then at the top, ready to fire).
  bool discard_cancelled_top() {
    while (!heap_.empty()) {
      const Event& top = heap_.front();
      const std::uint32_t slot = top.slot;
      if (slot == kGuard) {
        Timer& t = timers_[top.gen];
        if (!t.has_guard || t.guard_gen != top.arg) {  // superseded by an earlier guard
          --stale_guards_;
        } else if (t.armed) {
          if (t.at == top.time && t.seq == top.seq) return true;  // the timer's own key: it fires
          // Re-armed later: the guard moves to the armed key (a valid guard key <= the armed key).
          ++t.guard_gen;
          t.guard_at = t.at;
          sift_down(0, Event{t.at, t.seq, t.guard_gen, t.kind, t.target, kGuard, top.gen});
          continue;
        } else {
          t.has_guard = false;  // disarmed since
        }
        --guards_;
        remove_top();
        continue;
      }
      if (slots_[slot].link != kCancelled) return true;
      remove_top();
      release_slot(slot);
      --tombstones_;
    }
    return false;
  }

  // Fires the event at the root. The root stays in place, marked fired, while the handler runs
  // (schedule() may reuse the position); settle() removes it if the handler did not.
  template <class Handler>
  void fire_top(Handler& handler) {
    Event event = heap_.front();
    root_is_fired_ = true;
    if (event.slot == kGuard) {
      // A timer at its own key: the event is the one arm() stood for.
      Timer& t = timers_[event.gen];
      t.armed = false;
      t.has_guard = false;
      --armed_timers_;
      --guards_;
      event.arg = t.arg;
    } else {
      release_slot(event.slot);  // the handle stops being pending before the handler runs
    }
    now_ = event.time;
    ++stats_.processed;
    fingerprint_.add_event(event);
    if constexpr (std::derived_from<std::remove_cvref_t<Handler>, EventHandler>) {
      handler.handle(*this, event);
    } else {
      handler(*this, event);
    }
    settle();
  }

  // Removes a fired event left at the root, restoring the heap invariant.
  void settle() {
    if (root_is_fired_) {
      root_is_fired_ = false;
      remove_top();
    }
  }

  void compact();

  std::vector<Event> heap_;
  std::vector<Slot> slots_;
  std::vector<Timer> timers_;
  std::size_t guards_ = 0;        // guard entries in heap_ (valid or stale)
  std::size_t stale_guards_ = 0;  // guard entries superseded by an earlier guard of their timer
  std::size_t armed_timers_ = 0;
  std::uint32_t free_head_ = kEndOfFreeList;
  std::size_t tombstones_ = 0;
  Time now_ = 0;
  std::uint64_t seq_ = 0;
  bool root_is_fired_ = false;  // heap_[0] is an already-fired event awaiting removal
  bool stop_requested_ = false;
  Outcome stop_reason_ = Outcome::Stopped;
  KernelStats stats_;
  Fingerprint fingerprint_;
};

}  // namespace peerlab::sim
