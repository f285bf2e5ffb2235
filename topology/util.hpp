// Small helpers shared by the topology module's files.
#pragma once

#include <cctype>
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

}  // namespace peerlab
