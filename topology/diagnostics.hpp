// Diagnostics for user input: every problem found in a file, with its position, a stable code, a
// message saying what was expected, and a hint (style.md practice 13, second channel). Loading and
// validation collect all of them instead of stopping at the first; callers decide whether warnings
// matter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace peerlab {

// A position in an input file, 1-based (0 = unknown). `file` is the name as given by the user.
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
  bool operator==(const SourceLoc&) const = default;
};

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;  // stable, e.g. "E201"; catalogued in docs/topology-format.md
  SourceLoc loc;
  std::string message;
  std::string hint;  // may be empty
};

// "file:line:col: error[E201]: message" followed, when there is a hint, by "\n  hint: ...".
std::string format(const Diagnostic& d);
std::string format_loc(const SourceLoc& loc);

class Diagnostics {
 public:
  void error(std::string code, SourceLoc loc, std::string message, std::string hint = {});
  void warning(std::string code, SourceLoc loc, std::string message, std::string hint = {});
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void append(const Diagnostics& other);

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Errors, then warnings, each group in file order; each formatted on its own line(s).
  std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
};

// The closest candidate to `word` (case-insensitive Levenshtein distance at most 2, or a case-only
// difference), for "did you mean" hints; empty when nothing is close.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace peerlab
