// Calico label selectors (as used by v3 BGPPeer nodeSelector/peerSelector): all(), has(k), !has(k),
// k == 'v', k != 'v', k in {'a','b'}, k not in {…}, !, &&, || and parentheses. Parsed once into a
// small expression tree; matching is a pure function of a node's labels.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace peerlab {

class Selector {
 public:
  // Parses `text`; on failure `error` is set and the selector matches nothing.
  static Selector parse(std::string_view text);
  bool matches(const std::map<std::string, std::string>& labels) const;
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  struct Expr;

 private:
  std::shared_ptr<const Expr> root_;
  std::string error_;
};

// Empty when `text` parses; otherwise what is wrong.
std::string selector_error(std::string_view text);

}  // namespace peerlab
