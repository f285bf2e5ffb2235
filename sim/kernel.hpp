// The discrete-event kernel: one event loop, integer time, total order (practices 1, 2, 11, 12).
//
// Design
//   - An Event is a 40-byte POD: (time, seq) plus three opaque words the layer above defines
//     (kind, target, arg). The queue itself holds 24-byte entries, (time, seq) and a reference:
//     the payload of a scheduled event waits in its handle slot, that of a timer in the timer
//     (kind and target: a timer's events carry arg 0, which keeps a timer 8 bytes smaller).
//     Scheduling never allocates per event: entries live in reusable vectors.
//   - Total order. The key is (time, seq), seq being the kernel-wide insertion counter, so events
//     at the same time fire in the order they were scheduled (ns-3 EventKey{m_ts, m_uid}). Keys
//     are unique, hence the firing order never depends on the queue's layout. Scheduling before
//     now() is a programmer error and aborts, in every build type.
//   - The queue is a radix-256 heap on time. Nothing is ever scheduled before now(), so entries
//     are filed relative to an *origin* <= now(): an entry whose time first differs from the
//     origin in byte L (counting from the least significant) goes to bucket (L, byte L of its
//     time); an entry at the origin's time to bucket (0, byte 0). Every key of a bucket is below
//     every key of a bucket to its right in the same level and of every higher level, so the
//     minimum is in the leftmost non-empty bucket of the lowest non-empty level (bitmaps, a few
//     instructions). A level-0 bucket holds one time only; its entries are in seq order (see
//     below), so it is a FIFO queue. To take the minimum from a bucket (L > 0, j) its entries
//     are re-filed relative to the bucket's base (the origin with byte L set to j and the lower
//     bytes cleared), which moves them to levels below L. Each entry thus moves at most 7 times
//     and in practice once or twice: schedule and fire are O(1) amortised, and buckets are
//     scanned sequentially, so millions pending stay cache-friendly where a heap misses on every
//     level.
//   - Seq order inside buckets. Entries are appended in seq order (each schedule takes a fresh,
//     larger seq) and re-filing is stable and only ever fills buckets that are empty (all levels
//     below the one re-filed are), so buckets are sorted by seq. The one exception is a timer
//     guard re-queued at its timer's key, whose seq may be older than entries already there: the
//     bucket is then flagged unsorted, the flag passes on through re-filing, and a level-0 bucket
//     is sorted by seq before its front is taken. Scans compare whole (time, seq) keys.
//   - The origin moves only forward and only to a base <= now(): a later schedule() may still
//     use any time >= now(). Peeking at a bucket whose base is after now() (next_time(), or
//     run_until deciding that the next event is after its limit) therefore does not re-file; it
//     scans the bucket for its first pending entry. Firing an event sets now() first, so the
//     bucket is then re-filed: run_until scans a bucket at most once per event it fires from it
//     (amortised O(1) per entry). Peeks that do not fire (next_time() called again and again,
//     each time after cancelling the event it returned) scan the same bucket each time.
//   - Lazy cancel, always-valid handles (ns-3 EventId). schedule() returns an EventHandle
//     {slot, gen} into a slot table. cancel() only marks the slot (a tombstone); the entry stays
//     queued (re-filing moves it along without looking, which saves a slot-table access per
//     entry) and is dropped when it reaches the front of a level-0 bucket, when a scan finds
//     nothing else in its bucket, or by compaction. A slot
//     goes back to a free list, with its generation bumped, when its event fires or its tombstone
//     is dropped, so a handle to a fired, cancelled or recycled event never matches again:
//     cancel() on it is a no-op, and so is cancel() on a default-constructed handle. (The
//     generation is 32 bits: a handle kept across 2^32 reuses of the same slot could alias;
//     nothing in the simulator keeps one that long.)
//   - Compaction. When dead entries (tombstones, stale timer guards, and the guards of timers
//     disarmed since) make up more than half of the queued entries, every bucket is filtered in place (O(n),
//     amortised O(1) per cancel, order kept), so millions of restarted timers cannot accumulate. An emptied
//     bucket keeps a small vector (up to kKeepInPlace entries); larger ones are kept for reuse by other
//     buckets only within a budget (twice the queued entries plus a constant), so memory is bounded by a
//     small multiple of the peak number of queued events plus a constant.
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
//     in the total order, with the same kind and target (arg 0), folded into the fingerprint and
//     counted in the stats exactly as the scheduled event would be. Only the queue differs: it
//     holds at most one *guard* per timer, an entry whose key is <= the timer's current key. When a
//     guard reaches the top and the timer was re-armed later, the guard is re-queued at the
//     timer's key, silently (no handler call, not counted, not hashed); when the timer was disarmed,
//     the guard is dropped silently. Arming earlier than the guard queues a new guard and marks the
//     old one stale (a guard is the valid one when its seq is the timer's guard_seq). Invariant: a timer's
//     valid guard key <= its armed key, so the guard surfaces no later than the event would, and everything
//     between the two keys fires in between either way.
//   - A Kernel is single-threaded; one simulation owns one kernel.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
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
  std::uint64_t compactions = 0;   // queue compactions that dropped tombstones
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
    Slot& s = slots_[slot];
    s.kind = kind;
    s.target = target;
    s.arg = arg;
    push(Entry{biased(at), seq_++, slot, kEventTag});
    ++stats_.scheduled;
    const std::uint64_t live = pending_count();
    if (live > stats_.peak_pending) stats_.peak_pending = live;
    return {slot, s.gen};
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
    if (dead_entries() * 2 > heap_size()) compact();
    return true;
  }

  // Whether the event is scheduled and neither fired nor cancelled.
  bool pending(EventHandle handle) const {
    return handle.slot < slots_.size() && slots_[handle.slot].gen == handle.gen &&
           slots_[handle.slot].link == kPending;
  }

  // Number of pending (scheduled, not cancelled, not fired) events; an armed timer counts as one.
  std::size_t pending_count() const { return queued_ - tombstones_ - guards_ + armed_timers_; }
  bool empty() const { return pending_count() == 0; }
  // Entries in the queue, cancelled ones and timer guards included. At most the peak, and right
  // after a cancel, an arm or a disarm at most 2 * pending_count() (they compact): every entry
  // that stands for no pending event is dead (a tombstone, a stale guard, the guard of a timer
  // disarmed since; each armed timer has exactly one valid guard).
  std::size_t heap_size() const { return queued_; }
  // Queued entries that stand for no pending event (see heap_size).
  std::size_t dead_entries() const { return queued_ - pending_count(); }
  // Entries in the handle slot table (bounded by the peak queue size).
  std::size_t slot_count() const { return slots_.size(); }

  // Time of the next pending event, if any.
  std::optional<Time> next_time() {
    const Entry* top = peek();
    if (top == nullptr) return std::nullopt;
    return unbiased(top->time);
  }

  // Moves the clock forward to `t` when no event is pending before it (a quiet network waiting
  // for the next thing its caller will do). Never moves it back.
  void advance_to(Time t) {
    if (auto next = next_time(); next && *next < t) detail::schedule_in_past(*next, t);
    if (t > now_) now_ = t;
  }

  // Pre-sizes the handle table for `events` pending events (the buckets grow as they are used).
  void reserve(std::size_t events) { slots_.reserve(events); }
  // Pre-sizes the timer table for `timers` re-armable timers: growing it by doubling would hold
  // the old and the new table at once (40 bytes per timer; a 1,000-node mesh has two million).
  void reserve_timers(std::size_t timers) { timers_.reserve(timers); }

  // ---- re-armable timers (see the header) ----
  using TimerId = std::uint32_t;
  // A timer that fires events of this kind and target; it starts disarmed.
  TimerId new_timer(std::uint32_t kind, std::uint32_t target) {
    timers_.push_back(Timer{});
    timers_.back().kind = kind;
    timers_.back().target = target;
    return static_cast<TimerId>(timers_.size() - 1);
  }
  // Same as cancel(previous event) then schedule(at, kind, target); aborts when at < now().
  void arm(TimerId id, Time at) {
    if (at < now_) [[unlikely]] {
      detail::schedule_in_past(at, now_);
    }
    Timer& t = timers_[id];
    if (t.armed())
      ++stats_.cancelled;
    else
      ++armed_timers_;
    t.at = at;
    t.seq = seq_++;
    ++stats_.scheduled;
    // The new key (at, seq) is before the guard's iff at < guard_at: seq is fresh, hence larger
    // than the guard's, so equal times never put the new key first.
    if (!t.has_guard() || at < t.guard_at) {
      if (t.has_guard()) ++stale_guards_;
      push_guard(id);
    }
    const std::uint64_t live = pending_count();
    if (live > stats_.peak_pending) stats_.peak_pending = live;
    if (dead_entries() * 2 > heap_size()) compact();
  }
  // Same as cancel() of the armed event; returns whether the timer was armed.
  bool disarm(TimerId id) {
    Timer& t = timers_[id];
    if (!t.armed()) return false;
    t.seq = kNoSeq;
    --armed_timers_;
    ++stats_.cancelled;
    if (dead_entries() * 2 > heap_size()) compact();
    return true;
  }
  bool armed(TimerId id) const { return timers_[id].armed(); }
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
    std::uint64_t fired = 0;
    for (;;) {
      if (stop_requested_) [[unlikely]] {
        stop_requested_ = false;
        return {stop_reason_, now_, fired};
      }
      const Entry* top = peek();
      if (top == nullptr) return {Outcome::Converged, now_, fired};
      const Time at = unbiased(top->time);
      if (at > limit) {
        if (limit > now_) now_ = limit;
        return {Outcome::TimeLimit, now_, fired};
      }
      if (fired == max_events) return {Outcome::EventLimit, now_, fired};
      fire_next(top, handler);
      ++fired;
    }
  }

  // Fires the next pending event, ignoring stop requests; returns false if there is none.
  template <KernelHandler Handler>
  bool step(Handler&& handler) {
    const Entry* top = peek();
    if (top == nullptr) return false;
    fire_next(top, handler);
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

  // A scheduled event's handle slot, which also keeps the event's payload while it is queued.
  struct Slot {
    std::uint32_t gen;
    std::uint32_t link;
    std::uint32_t kind;
    std::uint32_t target;
    std::uint64_t arg;
  };

  // A queue entry: the key (time with its sign bit flipped, so that unsigned order is time
  // order; seq) and what it stands for, a scheduled event (ref = its slot) or a timer guard
  // (ref = the timer).
  static constexpr std::uint32_t kEventTag = 0;
  static constexpr std::uint32_t kGuardTag = 1;
  struct Entry {
    std::uint64_t time;
    std::uint64_t seq;
    std::uint32_t ref;
    std::uint32_t tag;
  };
  static_assert(sizeof(Entry) == 24);
  static_assert(std::is_trivially_copyable_v<Entry>);

  // No sequence number is ever kNoSeq (it would take 2^64 insertions), so it marks "none" in a
  // Timer instead of two flags (which would cost 8 bytes more per timer, with padding).
  static constexpr std::uint64_t kNoSeq = std::numeric_limits<std::uint64_t>::max();
  struct Timer {
    Time at = 0;                       // the armed key (at, seq)
    std::uint64_t seq = kNoSeq;        // kNoSeq: disarmed
    Time guard_at = 0;                 // the valid guard's key (its seq is older than seq); a
    std::uint64_t guard_seq = kNoSeq;  // guard entry with another seq is stale. kNoSeq: none
    std::uint32_t kind = 0, target = 0;
    bool armed() const { return seq != kNoSeq; }
    bool has_guard() const { return guard_seq != kNoSeq; }
  };
  static_assert(sizeof(Timer) <= 40);  // two per BGP session end: 8 bytes more were 16 MB at 1,000 nodes

  // 8 levels of 256 buckets, one level per byte of the 64-bit (biased) time.
  static constexpr int kLevels = 8;
  static constexpr int kFanout = 256;
  // Entries kept at the head of a level-0 bucket after being taken; the prefix is cut off
  // once it is this long and longer than the rest (a chain of events at one time).
  static constexpr std::uint32_t kMaxTakenPrefix = 64;

  // A bucket's entries: a vector whose append is inline, grown by doubling out of line. (GCC
  // did not inline std::vector::push_back into schedule() and refile(): ~26 instructions per
  // append, where this takes a handful.) Entries are trivially copyable, hence moved with memcpy.
  class EntryVec {
   public:
    EntryVec() = default;
    EntryVec(const EntryVec&) = delete;
    EntryVec& operator=(const EntryVec&) = delete;
    EntryVec(EntryVec&& o) noexcept { swap(o); }
    EntryVec& operator=(EntryVec&& o) noexcept {
      EntryVec(std::move(o)).swap(*this);
      return *this;
    }
    ~EntryVec() { ::operator delete(data_); }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }
    Entry& operator[](std::size_t i) { return data_[i]; }
    const Entry& operator[](std::size_t i) const { return data_[i]; }
    const Entry& back() const { return data_[size_ - 1]; }
    Entry* begin() { return data_; }
    Entry* end() { return data_ + size_; }
    const Entry* begin() const { return data_; }
    const Entry* end() const { return data_ + size_; }

    void push_back(const Entry& e) {
      if (size_ == capacity_) [[unlikely]]
        grow();
      data_[size_++] = e;
    }
    void clear() { size_ = 0; }
    void truncate(std::size_t n) { size_ = static_cast<std::uint32_t>(n); }  // n <= size()
    // Removes the first n entries, keeping the order of the others.
    void erase_front(std::size_t n);
    // Frees the storage.
    void release() { EntryVec().swap(*this); }
    void swap(EntryVec& o) noexcept {
      std::swap(data_, o.data_);
      std::swap(size_, o.size_);
      std::swap(capacity_, o.capacity_);
    }

   private:
    void grow();
    Entry* data_ = nullptr;
    std::uint32_t size_ = 0, capacity_ = 0;
  };

  // Buckets are sorted by seq except after a guard was re-queued (its seq is the timer's, older
  // than the newest entries): the flag passes on through re-filing, and a level-0 bucket is
  // sorted before its front is taken.
  struct Bucket {
    EntryVec entries;
    std::uint32_t head = 0;  // entries before head were taken (level 0 only)
    bool sorted = true;
  };
  // Capacity (in entries) that spare vectors may keep beyond twice the number of queued entries.
  // Buckets keep vectors of up to this many entries when emptied (at most 2048 * 8 entries,
  // 384 KiB, in all); larger ones go to the spares.
  static constexpr std::size_t kKeepInPlace = 8;
  static constexpr std::size_t kRetainSlack = std::size_t{1} << 12;

  static std::uint64_t biased(Time t) { return static_cast<std::uint64_t>(t) ^ (std::uint64_t{1} << 63); }
  static Time unbiased(std::uint64_t t) { return static_cast<Time>(t ^ (std::uint64_t{1} << 63)); }

  // The bucket (level * kFanout + byte) of a time relative to the origin.
  std::size_t bucket_of(std::uint64_t time) const {
    const std::uint64_t diff = time ^ origin_;
    const int level = diff == 0 ? 0 : (63 - std::countl_zero(diff)) >> 3;
    return static_cast<std::size_t>(level) * kFanout + ((time >> (8 * level)) & 0xff);
  }

  [[gnu::always_inline]] void push(const Entry& entry) {
    const std::size_t b = bucket_of(entry.time);
    Bucket& bucket = buckets_[b];
    if (bucket.entries.empty()) mark_nonempty(b);
    bucket.entries.push_back(entry);
    ++queued_;
  }

  // Called before the first entry goes into an empty bucket: it gets a spare vector if it has
  // none (vectors move between buckets, so a few dozen serve thousands of buckets over time).
  void mark_nonempty(std::size_t b) {
    nonempty_[b >> 6] |= std::uint64_t{1} << (b & 63);
    EntryVec& entries = buckets_[b].entries;
    if (entries.capacity() == 0 && !spare_.empty()) {
      spared_ -= spare_.back().capacity();
      entries.swap(spare_.back());
      spare_.pop_back();
    }
  }

  // The leftmost non-empty bucket of the lowest non-empty level, or kNone.
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::size_t first_bucket() const {
    for (std::size_t w = 0; w < kLevels * kFanout / 64; ++w) {
      if (nonempty_[w] != 0) return w * 64 + static_cast<std::size_t>(std::countr_zero(nonempty_[w]));
    }
    return kNone;
  }

  void push_guard(TimerId id) {
    Timer& t = timers_[id];
    t.guard_at = t.at;
    t.guard_seq = t.seq;
    ++guards_;
    const std::size_t b = bucket_of(biased(t.at));
    const EntryVec& entries = buckets_[b].entries;
    if (!entries.empty() && entries.back().seq > t.seq) buckets_[b].sorted = false;  // a re-queue
    push(Entry{biased(t.at), t.seq, id, kGuardTag});
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
    slots_.push_back({1, kPending, 0, 0, 0});
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }

  void release_slot(std::uint32_t slot) {
    Slot& s = slots_[slot];
    if (++s.gen == 0) s.gen = 1;  // generation 0 is never live
    s.link = free_head_;
    free_head_ = slot;
  }

  // What a queued entry is now.
  enum class State : std::uint8_t { Fires, Dead, Moved };
  // Classifies an entry. Dead entries (a cancelled event, a stale guard, the guard of a timer
  // disarmed since) are unaccounted for here and must be dropped by the caller; a guard whose
  // timer was re-armed later is re-queued at the timer's key (Moved), the old entry then being a
  // stale guard, still queued.
  State classify(const Entry& e) {
    if (e.tag == kEventTag) {
      if (slots_[e.ref].link != kCancelled) return State::Fires;
      release_slot(e.ref);
      --tombstones_;
      return State::Dead;
    }
    Timer& t = timers_[e.ref];
    if (t.guard_seq != e.seq) {  // superseded by an earlier guard
      --stale_guards_;
      --guards_;
      return State::Dead;
    }
    if (!t.armed()) {  // disarmed since
      t.guard_seq = kNoSeq;
      --guards_;
      return State::Dead;
    }
    if (t.seq == e.seq) return State::Fires;  // the timer's own key
    // Re-armed later: the guard moves to the armed key (a valid guard key <= the armed key).
    ++stale_guards_;
    push_guard(e.ref);
    return State::Moved;
  }

  // The entry of the next pending event, or nullptr. Drops dead entries on the way and re-files
  // buckets whose base is <= now(); does not move the origin past now() (see the header).
  const Entry* peek() {
    for (;;) {
      const std::size_t b = first_bucket();
      if (b == kNone) return nullptr;
      Bucket& bucket = buckets_[b];
      if (b < kFanout) {
        if (!bucket.sorted) sort_bucket(b);
        const Entry& front = bucket.entries[bucket.head];
        const State state = classify(front);
        if (state == State::Fires) {
          top_bucket_ = b;
          return &front;
        }
        if (state == State::Moved) {  // re-queued: the old entry is a stale guard, dropped here
          --stale_guards_;
          --guards_;
        }
        take_front(b);
        continue;
      }
      const std::uint64_t base = base_of(b);
      if (base <= biased(now_)) {
        refile(b, base);
        continue;
      }
      if (const Entry* first = scan(b)) {
        top_bucket_ = b;
        return first;
      }
    }
  }

  // The time at which bucket b (level > 0) starts: the origin with byte `level` replaced by the
  // bucket's byte and the lower bytes cleared.
  std::uint64_t base_of(std::size_t b) const {
    const int level = static_cast<int>(b / kFanout);
    const std::uint64_t byte = b % kFanout;
    const std::uint64_t above =
        level == kLevels - 1 ? 0 : origin_ & ~((std::uint64_t{1} << (8 * level + 8)) - 1);
    return above | byte << (8 * level);
  }

  // Removes the front entry of level-0 bucket b.
  void take_front(std::size_t b) {
    Bucket& bucket = buckets_[b];
    ++bucket.head;
    --queued_;
    if (bucket.head == bucket.entries.size()) {
      clear_bucket(b);
    } else if (bucket.head >= kMaxTakenPrefix && bucket.head * 2 > bucket.entries.size()) {
      bucket.entries.erase_front(bucket.head);
      bucket.head = 0;
    }
  }

  // Fires the entry that peek() just returned: sets now(), brings the entry to the front of its
  // level-0 bucket if a scan found it (re-filing is allowed now that its base is <= now()),
  // takes it and calls the handler.
  template <class Handler>
  void fire_next(const Entry* top, Handler& handler) {
    now_ = unbiased(top->time);
    if (top_bucket_ >= kFanout) top = peek();
    const std::size_t b = top_bucket_;
    Event event{};
    event.time = now_;
    event.seq = top->seq;
    if (top->tag == kGuardTag) {
      // A timer at its own key: the event is the one arm() stood for.
      Timer& t = timers_[top->ref];
      t.seq = kNoSeq;
      t.guard_seq = kNoSeq;
      --armed_timers_;
      --guards_;
      event.arg = 0;
      event.kind = t.kind;
      event.target = t.target;
      event.slot = EventHandle::kNoSlot;
      event.gen = top->ref;
    } else {
      const Slot& s = slots_[top->ref];
      event.arg = s.arg;
      event.kind = s.kind;
      event.target = s.target;
      event.slot = top->ref;
      event.gen = s.gen;
      release_slot(top->ref);  // the handle stops being pending before the handler runs
    }
    take_front(b);
    ++stats_.processed;
    fingerprint_.add_event(event);
    if constexpr (std::derived_from<std::remove_cvref_t<Handler>, EventHandler>) {
      handler.handle(*this, event);
    } else {
      handler(*this, event);
    }
  }

  void refile(std::size_t b, std::uint64_t base);
  void sort_bucket(std::size_t b);
  const Entry* scan(std::size_t b);
  // Empties bucket b. A small vector stays in place (the common case, inline: a level-0 bucket
  // usually holds one time's one or two entries and is emptied by every event it fires).
  void clear_bucket(std::size_t b) {
    Bucket& bucket = buckets_[b];
    bucket.entries.clear();
    bucket.head = 0;
    bucket.sorted = true;
    nonempty_[b >> 6] &= ~(std::uint64_t{1} << (b & 63));
    if (bucket.entries.capacity() > kKeepInPlace) release_storage(b);
  }
  void release_storage(std::size_t b);
  void compact();

  std::vector<Bucket> buckets_ = std::vector<Bucket>(kLevels * kFanout);
  std::uint64_t nonempty_[kLevels * kFanout / 64] = {};
  std::uint64_t origin_ = biased(0);  // <= every queued time and <= now()
  std::size_t top_bucket_ = kNone;    // where peek() found the entry it returned last
  std::size_t queued_ = 0;            // entries in the buckets, dead ones included
  std::vector<EntryVec> spare_;       // emptied buckets' vectors, kept for reuse
  std::size_t spared_ = 0;            // their total capacity, in entries
  std::vector<Slot> slots_;
  std::vector<Timer> timers_;
  std::size_t guards_ = 0;        // guard entries queued (valid or stale)
  std::size_t stale_guards_ = 0;  // guard entries superseded by an earlier guard of their timer
  std::size_t armed_timers_ = 0;
  std::uint32_t free_head_ = kEndOfFreeList;
  std::size_t tombstones_ = 0;
  Time now_ = 0;
  std::uint64_t seq_ = 0;
  bool stop_requested_ = false;
  Outcome stop_reason_ = Outcome::Stopped;
  KernelStats stats_;
  Fingerprint fingerprint_;
};

}  // namespace peerlab::sim
