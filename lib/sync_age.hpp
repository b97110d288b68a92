// SPDX-License-Identifier: GPL-3.0-or-later
// Judging how long ago a sync ran: its thresholds, a sync time in the future, a null one.
#pragma once

#include "config.hpp"
#include "verdict.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace cps {

struct AgeCheck {
  const char *label;    // perfdata label
  const char *name;     // "password sync", "directory sync"
  const char *property; // Graph property name, for the null case
  std::optional<std::int64_t> last;
  const Thresholds &thresholds;
  Topic topic;
  std::string server; // the sync server, named when this age alerts (whom to log in to)
};

// Judges one timestamp against its ranges at now_unix and records summary, detail and perfdata:
// null is a WARNING, more than 15 minutes in the future is UNKNOWN (a clock is wrong).
void judge_age(Verdict &verdict, const AgeCheck &check, std::int64_t now_unix);

} // namespace cps
