#include "sim/kernel.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

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

void Kernel::EntryVec::grow() {
  const std::uint64_t capacity = capacity_ == 0 ? 1 : std::uint64_t{capacity_} * 2;
  if (capacity > std::numeric_limits<std::uint32_t>::max()) detail::too_many_pending_events();
  auto* data = static_cast<Entry*>(::operator new(capacity * sizeof(Entry)));
  if (size_ != 0) std::memcpy(data, data_, std::size_t{size_} * sizeof(Entry));
  ::operator delete(data_);
  data_ = data;
  capacity_ = static_cast<std::uint32_t>(capacity);
}

void Kernel::EntryVec::erase_front(std::size_t n) {
  std::memmove(data_, data_ + n, (size_ - n) * sizeof(Entry));
  size_ -= static_cast<std::uint32_t>(n);
}

// Moves the origin to `base` (the start of bucket b, <= now()) and files the bucket's entries
// relative to it: they all go to lower levels, in their order. Dead entries move along; they are
// dropped at the front of their level-0 bucket (checking them here would touch the slot table
// once per entry, a cache miss each with millions pending).
void Kernel::refile(std::size_t b, std::uint64_t base) {
  origin_ = base;
  Bucket& source = buckets_[b];
  for (const Entry& e : source.entries) {
    const std::size_t to = bucket_of(e.time);
    Bucket& target = buckets_[to];
    if (target.entries.empty()) {
      mark_nonempty(to);
      target.sorted = source.sorted;  // every target was empty: all levels below b's are
    }
    target.entries.push_back(e);
  }
  clear_bucket(b);
}

// The first pending entry of bucket b (level > 0, base after now()), found without re-filing.
// Returns nullptr when the bucket had none (it is then emptied) or when a guard of a timer
// re-armed later had to be re-queued (it may now be elsewhere): the caller looks again.
const Kernel::Entry* Kernel::scan(std::size_t b) {
  const EntryVec& entries = buckets_[b].entries;
  std::size_t best = kNone;
  bool moved = false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (best != kNone &&
        (e.time > entries[best].time || (e.time == entries[best].time && e.seq > entries[best].seq))) {
      continue;
    }
    if (e.tag == kEventTag) {
      if (slots_[e.ref].link != kCancelled) best = i;
      continue;
    }
    const Timer& t = timers_[e.ref];
    if (t.guard_seq != e.seq || !t.armed()) continue;  // dead
    if (t.seq == e.seq) {
      best = i;
      continue;
    }
    // Re-armed later: re-queue the guard at the timer's key (a push, always allowed). It may
    // land in this very bucket, after i (the loop then sees it) and invalidating `e`.
    ++stale_guards_;
    push_guard(e.ref);
    moved = true;
  }
  if (moved) return nullptr;
  if (best != kNone) return &entries[best];
  // Only dead entries: drop them all.
  Bucket& bucket = buckets_[b];
  for (const Entry& e : bucket.entries) {
    const State state = classify(e);
    (void)state;  // Dead: a Moved guard would have returned above
  }
  queued_ -= bucket.entries.size();
  clear_bucket(b);
  return nullptr;
}

// Sorts a level-0 bucket's remaining entries by seq (they all have one time).
void Kernel::sort_bucket(std::size_t b) {
  Bucket& bucket = buckets_[b];
  std::sort(bucket.entries.begin() + bucket.head, bucket.entries.end(),
            [](const Entry& x, const Entry& y) { return x.seq < y.seq; });
  bucket.sorted = true;
}

// The storage of an emptied bucket larger than kKeepInPlace becomes a spare while the spares'
// capacity stays within 2 * queued + kRetainSlack entries, and is freed otherwise.
void Kernel::release_storage(std::size_t b) {
  Bucket& bucket = buckets_[b];
  const std::size_t capacity = bucket.entries.capacity();
  if (spared_ + capacity > 2 * queued_ + kRetainSlack) {
    bucket.entries.release();
  } else {
    spared_ += capacity;
    spare_.emplace_back().swap(bucket.entries);
  }
}

// Drops every dead entry from every bucket, keeping the order of the others.
void Kernel::compact() {
  std::size_t guards = 0;
  for (std::size_t w = 0; w < kLevels * kFanout / 64; ++w) {
    for (std::uint64_t bits = nonempty_[w]; bits != 0; bits &= bits - 1) {
      const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      Bucket& bucket = buckets_[b];
      std::size_t kept = 0;
      for (std::size_t i = bucket.head; i < bucket.entries.size(); ++i) {
        const Entry& e = bucket.entries[i];
        bool keep;
        if (e.tag == kEventTag) {
          keep = slots_[e.ref].link != kCancelled;
          if (!keep) release_slot(e.ref);
        } else {
          Timer& t = timers_[e.ref];
          const bool valid = t.guard_seq == e.seq;
          if (valid && !t.armed()) t.guard_seq = kNoSeq;  // an idle guard
          keep = valid && t.armed();
        }
        if (keep) {
          guards += e.tag == kGuardTag;
          bucket.entries[kept++] = e;
        }
      }
      queued_ -= bucket.entries.size() - bucket.head - kept;
      if (kept == 0) {
        clear_bucket(b);
      } else {
        bucket.entries.truncate(kept);
        bucket.head = 0;
      }
    }
  }
  tombstones_ = 0;
  stale_guards_ = 0;
  guards_ = guards;
  ++stats_.compactions;
}

}  // namespace peerlab::sim
