// Seeded pseudo-random numbers, byte-identical on every platform and standard library.
//
// std::mt19937 itself is portable but std::uniform_int_distribution and friends are
// implementation-defined, so the simulator uses only the algorithms below, fully specified here:
//   - seeding:     SplitMix64 (Steele, Lea, Flood 2014) expands a 64-bit seed into 256 bits;
//   - generator:   xoshiro256** 1.0 (Blackman, Vigna 2018);
//   - uniform(n):  Lemire's nearly divisionless method (2019) on a 64x64->128-bit product;
//   - fork(id):    a new generator seeded with SplitMix64's finaliser of the parent's 256-bit
//                  state folded with the stream id; the parent is not advanced;
//   - keyed_jitter(k, c, …): SplitMix64 as the generator, seeded with k xor SplitMix64's output
//                  for counter c, then the same uniform method.
// Each speaker or session takes its own stream (Rng::stream(seed, id)), so adding a draw in one
// place does not shift the numbers that every other component sees.
#pragma once

#include <bit>
#include <cstdint>

#include "sim/time.hpp"

namespace peerlab::sim {

// One step of SplitMix64: advances `state` and returns the next output.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace detail {

// Uniform in [0, n) from generator `g` (anything with next()), without modulo bias: Lemire's
// nearly divisionless method. Precondition: n > 0 (0 gives 0).
template <class Gen>
constexpr std::uint64_t uniform(Gen& g, std::uint64_t n) {
  __extension__ using u128 = unsigned __int128;
  u128 m = static_cast<u128>(g.next()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<u128>(g.next()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// Uniform in [value * num / den, value] (the lower bound rounded toward zero).
template <class Gen>
constexpr Time jitter(Gen& g, Time value, int num, int den) {
  __extension__ using i128 = __int128;
  const auto low = static_cast<Time>(static_cast<i128>(value) * num / den);
  return low + static_cast<Time>(uniform(g, static_cast<std::uint64_t>(value - low) + 1));
}

// SplitMix64 as a generator of its own: one word of state, cheap to seed.
struct SplitMix {
  std::uint64_t state;
  constexpr std::uint64_t next() { return splitmix64(state); }
};

}  // namespace detail

class Rng {
 public:
  explicit constexpr Rng(std::uint64_t seed) {
    for (std::uint64_t& word : s_) word = splitmix64(seed);
  }

  // An independent stream for component `stream_id` of a run seeded with `seed`.
  static constexpr Rng stream(std::uint64_t seed, std::uint64_t stream_id) {
    return Rng(seed).fork(stream_id);
  }

  // The next 64 random bits (xoshiro256**).
  constexpr std::uint64_t next() {
    const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), without modulo bias. Precondition: n > 0 (uniform(0) returns 0).
  constexpr std::uint64_t uniform(std::uint64_t n) { return detail::uniform(*this, n); }

  // Uniform in [value * num / den, value] (the lower bound rounded toward zero), e.g. (3, 4)
  // for BIRD's timer jitter of 0.75..1.0. Preconditions: value >= 0, 0 <= num <= den, den > 0.
  constexpr Time jitter(Time value, int num, int den) { return detail::jitter(*this, value, num, den); }

  // A counter-based draw: jitter(value, num, den) for member `counter` of the sequence named by
  // `key`, had without drawing the members before it (the simulator keys the jitter of a BGP
  // session's keepalive and hold timers by the time they start, so that it can compute a
  // keepalive's effect without simulating the keepalives before it). Drawn from SplitMix64
  // seeded with key ^ SplitMix64(counter): seeding xoshiro's 256 bits would cost more than the
  // draw, and this runs on every message received.
  static constexpr Time keyed_jitter(std::uint64_t key, std::uint64_t counter, Time value, int num, int den) {
    std::uint64_t c = counter;
    detail::SplitMix g{key ^ splitmix64(c)};
    return detail::jitter(g, value, num, den);
  }

  // A new generator for `stream_id`, derived from the current state; *this is not advanced.
  constexpr Rng fork(std::uint64_t stream_id) const {
    std::uint64_t folded = s_[0] ^ std::rotl(s_[1], 16) ^ std::rotl(s_[2], 32) ^ std::rotl(s_[3], 48);
    std::uint64_t id = stream_id;
    return Rng(splitmix64(folded) ^ splitmix64(id));
  }

  friend constexpr bool operator==(const Rng&, const Rng&) = default;

 private:
  std::uint64_t s_[4]{};
};

}  // namespace peerlab::sim
