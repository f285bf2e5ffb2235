// Escaping for the markup reports write by hand (JUnit XML, attributes in HTML): one definition,
// shared by check_report, scenario_report and html_report.
#pragma once

#include <string>
#include <string_view>

namespace peerlab::reports {

// Text for an XML (or HTML) element or attribute value: & < > " ' become entities, and the control
// characters XML 1.0 forbids (all below 0x20 but tab and newline) become '?', since user text could
// carry them.
std::string xml_escape(std::string_view s);

}  // namespace peerlab::reports
