// Small helpers shared by the topology module's files (and the layers above it).
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

namespace peerlab {

// The visitor idiom for std::visit over the Resource variant.
template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

// ASCII lower case: kind names, enum values and option names compare case-insensitively.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Folds `v` into the hash `h` (a multiply and an xor-shift). For the keys of hash tables that are
// only looked up, never iterated, so no output depends on the values.
constexpr void mix_hash(std::uint64_t& h, std::uint64_t v) {
  h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
}

}  // namespace peerlab
