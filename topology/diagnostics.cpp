// Formatting and collection of input diagnostics (see diagnostics.hpp).
#include "topology/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace peerlab {

std::string format_loc(const SourceLoc& loc) {
  std::string out = loc.file.empty() ? std::string("<input>") : loc.file;
  if (loc.line > 0) {
    out += ":" + std::to_string(loc.line);
    if (loc.column > 0) out += ":" + std::to_string(loc.column);
  }
  return out;
}

std::string format(const Diagnostic& d) {
  std::string out = format_loc(d.loc) + ": " + (d.severity == Severity::Error ? "error" : "warning") + "[" +
                    d.code + "]: " + d.message;
  if (!d.hint.empty()) out += "\n  hint: " + d.hint;
  return out;
}

void Diagnostics::error(std::string code, SourceLoc loc, std::string message, std::string hint) {
  items_.push_back({Severity::Error, std::move(code), std::move(loc), std::move(message), std::move(hint)});
}

void Diagnostics::warning(std::string code, SourceLoc loc, std::string message, std::string hint) {
  items_.push_back({Severity::Warning, std::move(code), std::move(loc), std::move(message), std::move(hint)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::string Diagnostics::to_string() const {
  // Errors before warnings; within each, in file order, so a reader can walk the file top down.
  std::vector<const Diagnostic*> order;
  for (const auto& d : items_) order.push_back(&d);
  std::stable_sort(order.begin(), order.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return std::tie(a->severity, a->loc.file, a->loc.line, a->loc.column) <
           std::tie(b->severity, b->loc.file, b->loc.line, b->loc.column);
  });
  std::string out;
  for (const auto* d : order) out += format(*d) + "\n";
  return out;
}

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_d = 3;
  for (auto c : candidates) {
    std::size_t d = edit_distance(word, c);
    std::size_t limit = std::min<std::size_t>(2, std::max<std::size_t>(1, c.size() / 3));
    if (d <= limit && d < best_d) best = c, best_d = d;
  }
  return std::string(best);
}

}  // namespace peerlab
