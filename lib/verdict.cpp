// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict as it is built: the worst state so far, the status-line parts, the detail lines, the
// perfdata, and which topics alerted (for their troubleshooting links).
#include "verdict.hpp"

#include "wording.hpp"

#include <utility>

namespace cps {

void raise_about(Verdict &verdict, Topic topic, State to) {
  verdict.raise(to);
  (topic == Topic::PasswordSync ? verdict.password_alert : verdict.dirsync_alert) = true;
}

void problem(Verdict &verdict, Topic topic, State to, Phrase phrase) {
  raise_about(verdict, topic, to);
  verdict.summary.push_back({std::move(phrase), Weight::Problem});
}

void add_help_links(Verdict &verdict) {
  if (verdict.password_alert) {
    verdict.details.push_back(wording::password_sync_help_detail());
  }
  if (verdict.dirsync_alert) {
    verdict.details.push_back(wording::dirsync_help_detail());
  }
}

CheckResult result_of(Verdict verdict) {
  CheckResult result;
  result.state = verdict.state;
  result.summary = fit_summary(std::move(verdict.summary), verdict.state);
  result.details = std::move(verdict.details);
  result.perfdata = std::move(verdict.perfdata);
  return result;
}

} // namespace cps
