// Table rendering (see tables.hpp).
#include "reports/tables.hpp"

#include <algorithm>

namespace peerlab::reports {

std::string tabwriter_table(const Row& header, const std::vector<Row>& rows) {
  constexpr std::size_t kMinWidth = 5, kPadding = 3;
  std::vector<std::size_t> width(header.size(), 0);
  auto measure = [&](const Row& r) {
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  };
  measure(header);
  for (const auto& r : rows) measure(r);
  for (auto& w : width) w = std::max(kMinWidth, w + kPadding);
  std::string out;
  auto line = [&](const Row& r) {
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < r.size() ? r[i] : std::string();
      out += cell;
      out.append(width[i] - cell.size(), ' ');
    }
    out += '\n';
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

std::string bordered_table(const Row& header, const std::vector<Row>& rows, CellAlign cells) {
  std::vector<std::size_t> width(header.size(), 0);
  auto measure = [&](const Row& r) {
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  };
  measure(header);
  for (const auto& r : rows) measure(r);
  std::string sep = "+";
  for (auto w : width) sep += std::string(w + 2, '-') + "+";
  sep += "\n";
  // Centring as Python's prettytable does it (the source of the document's sample): when the
  // excess is odd, the extra space goes right of odd-length text and left of even-length text.
  auto centred = [](const std::string& s, std::size_t w) {
    std::size_t excess = w - s.size();
    std::size_t left = excess / 2 + ((excess % 2 == 1 && s.size() % 2 == 0) ? 1 : 0);
    return std::string(left, ' ') + s + std::string(excess - left, ' ');
  };
  auto line = [&](const Row& r, bool is_header) {
    std::string out = "|";
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < r.size() ? r[i] : std::string();
      std::string body = is_header || cells == CellAlign::Center
                             ? centred(cell, width[i])
                             : cell + std::string(width[i] - cell.size(), ' ');
      out += " " + body + " |";
    }
    return out + "\n";
  };
  std::string out = sep + line(header, true) + sep;
  for (const auto& r : rows) out += line(r, false);
  out += sep;
  return out;
}

}  // namespace peerlab::reports
