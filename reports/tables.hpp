// Text tables in the two styles calicoctl prints:
// - `tabwriter_table`: Go's text/tabwriter as calicoctl configures it (minwidth 5, padding 3,
//   spaces; every cell, the last included, is padded, so lines carry trailing spaces), used by
//   `get` and the alpha `config view`;
// - `bordered_table`: the boxed form of `node status`, with a choice of
//   centred cells (the source document's Python-era sample) or left-aligned cells (Go calicoctl).
// Pure functions of their input.
#pragma once

#include <string>
#include <vector>

namespace peerlab::reports {

using Row = std::vector<std::string>;

std::string tabwriter_table(const Row& header, const std::vector<Row>& rows);

enum class CellAlign { Center, Left };
std::string bordered_table(const Row& header, const std::vector<Row>& rows, CellAlign cells);

}  // namespace peerlab::reports
