// The HTML report of `peerlab run --html FILE`: one self-contained page for one or more scenario
// runs. No scripts, no external resources: inline CSS, and pictures as inline SVG (the session graph
// through Graphviz, reports/graphviz_render.hpp; the plots over simulated time through PLplot,
// reports/plot.hpp). The page is filled from a mustache template (mstch, Debian's libmstch-dev)
// compiled into the library; every text that comes from the user (names, commands, messages) goes
// through mustache's HTML escaping ({{var}}), only the SVG pictures are inserted raw ({{{svg}}}).
//
// Layout: an overall verdict banner (id="verdict": PASSED, FAILED or ERROR), an index of the
// scenarios, then per scenario (id="scenario-N"): verdict, description, expectations (pass/fail,
// message, evidence), continuity gaps, steps with their output, plots over simulated time (sessions
// Established of configured, reachable pairs of pairs, best routes, BGP messages cumulative; each
// step a dashed vertical line numbered as in the steps table), the session graph at the end, the
// findings of the final model with explanations and fixes, and `calicoctl node status` of every
// Calico node at the end.
//
// Deterministic: the same runs give the same bytes (no wall clock, no hostnames, no paths but the
// scenario files as given).
#pragma once

#include <string>
#include <vector>

#include "reports/plot.hpp"
#include "scenarios/runner.hpp"

namespace peerlab::reports {

std::string scenarios_html(const std::vector<const scenarios::ScenarioRun*>& runs);

// The four charts of a run's timeline (sessions, reachability, best routes, messages), steps as
// markers numbered from 1; the reachability chart is absent when the timeline never walked it.
// `id_prefix` keeps the charts' SVG ids apart when several runs share a page.
std::vector<LineChart> timeline_charts(const scenarios::ScenarioResult& r, const std::string& id_prefix);

}  // namespace peerlab::reports
