// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict as it is built: the worst state so far, the status-line parts, the detail lines, the
// perfdata, and which topics alerted (for their troubleshooting links).
#pragma once

#include "result.hpp"
#include "state.hpp"
#include "status_line.hpp"

#include <string>
#include <vector>

namespace cps {

enum class Topic { PasswordSync, DirectorySync };

struct Verdict {
  State state = State::Ok;
  std::vector<SummaryItem> summary;
  std::vector<std::string> details;
  std::vector<PerfValue> perfdata;

  bool password_alert = false; // a WARNING or CRITICAL about password hash sync
  bool dirsync_alert = false;  // ... about directory sync

  void raise(State to) { state = worst(state, to); }
};

// Raises the state for a topic and remembers that the topic alerted.
void raise_about(Verdict &verdict, Topic topic, State to);

// A problem about a topic: raises the state, and says why in the summary.
void problem(Verdict &verdict, Topic topic, State to, Phrase phrase);

// The troubleshooting page of each topic that alerted, as detail lines.
void add_help_links(Verdict &verdict);

// The finished verdict as a result: the status line fit to its budget.
CheckResult result_of(Verdict verdict);

} // namespace cps
