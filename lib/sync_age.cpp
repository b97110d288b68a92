// SPDX-License-Identifier: GPL-3.0-or-later
// Judging how long ago a sync ran: its thresholds, a sync time in the future, a null one.
#include "sync_age.hpp"

#include "duration.hpp"
#include "timestamp.hpp"
#include "wording.hpp"

#include <algorithm>

namespace cps {
namespace {

// Graph's timestamps come from Microsoft's clocks, the age from this host's. A sync time up to
// 15 minutes ahead is ordinary skew between the two and counts as 0 s old; further ahead, one
// of the clocks is wrong and no age can be trusted.
constexpr std::int64_t tolerated_clock_skew = 15 * 60;

bool same_verdict(const Thresholds &thresholds, std::int64_t a, std::int64_t b) {
  return alerts(thresholds.warning, a) == alerts(thresholds.warning, b) &&
         (!thresholds.critical ||
          alerts(*thresholds.critical, a) == alerts(*thresholds.critical, b));
}

// The age rounded for humans, with more units where the rounding would cross a threshold: never
// "3d ago (warning above 3d)", but "3d0h0m1s ago (warning above 3d)".
std::string shown_age(std::int64_t age, const Thresholds &thresholds) {
  std::string text = format_age(age);
  for (int precision = 3; precision <= 4 && !same_verdict(thresholds, parse_duration(text), age);
       ++precision) {
    text = format_age(age, precision);
  }
  return text;
}

// A sync time further ahead than the tolerated skew: UNKNOWN, naming the clock to check.
void judge_future(Verdict &verdict, const AgeCheck &check, std::int64_t ahead) {
  verdict.raise(State::Unknown); // not a sync problem: no troubleshooting link
  verdict.summary.push_back(
      {wording::sync_in_future(check.name, format_age(ahead)), Weight::Problem});
  verdict.details.push_back(
      wording::sync_in_future_detail(check.name, format_utc(*check.last), format_age(ahead)));
}

void judge_never(Verdict &verdict, const AgeCheck &check) {
  problem(verdict, check.topic, State::Warning,
          wording::never_recorded(check.name, check.property));
  verdict.details.push_back(wording::never_recorded_detail(check.name, check.property));
}

// Which threshold the age crossed ("warning above 3d"), raising the state; empty when none.
std::string crossed_threshold(Verdict &verdict, const AgeCheck &check, std::int64_t age) {
  if (check.thresholds.critical && alerts(*check.thresholds.critical, age)) {
    raise_about(verdict, check.topic, State::Critical);
    return wording::threshold_crossed("critical", describe_alert(*check.thresholds.critical));
  }
  if (alerts(check.thresholds.warning, age)) {
    raise_about(verdict, check.topic, State::Warning);
    return wording::threshold_crossed("warning", describe_alert(check.thresholds.warning));
  }
  return "";
}

} // namespace

void judge_age(Verdict &verdict, const AgeCheck &check, std::int64_t now_unix) {
  if (!check.last) {
    judge_never(verdict, check);
    return;
  }
  std::int64_t ahead = *check.last - now_unix;
  if (ahead > tolerated_clock_skew) {
    judge_future(verdict, check, ahead);
    return;
  }
  std::int64_t age = std::max<std::int64_t>(0, -ahead);
  std::string crossed = crossed_threshold(verdict, check, age);
  std::string shown = shown_age(age, check.thresholds);
  verdict.summary.push_back(
      {wording::sync_age(check.name, crossed.empty() ? "" : check.server, shown, crossed),
       crossed.empty() ? Weight::Age : Weight::Problem});
  verdict.details.push_back(
      wording::sync_age_detail(check.name, format_utc(*check.last), shown, crossed));
  verdict.perfdata.push_back(
      {check.label, age, range_in_seconds(check.thresholds.warning),
       check.thresholds.critical ? range_in_seconds(*check.thresholds.critical) : ""});
}

} // namespace cps
