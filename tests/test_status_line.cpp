// SPDX-License-Identifier: GPL-3.0-or-later
// Fitting the status line's parts into 100 characters, by their weight.
#include "lib/status_line.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

SummaryItem item(const std::string &text, const std::string &short_text, Weight weight) {
  return {{text, short_text}, weight};
}

// A problem of exactly n characters whose short form is "short".
SummaryItem problem_of(std::size_t n) {
  return item(std::string(n, 'p'), "short", Weight::Problem);
}

} // namespace

TEST_CASE("status_line: parts that fit are joined whole, in order") {
  std::vector<SummaryItem> items{item("password hash sync enabled", "x", Weight::Note),
                                 item("password sync 31m ago", "x", Weight::Age),
                                 item("directory sync 12m ago", "x", Weight::Age)};
  CHECK(fit_summary(items, State::Ok) ==
        "password hash sync enabled, password sync 31m ago, directory sync 12m ago");
}

TEST_CASE("status_line: an OK summary of 81 characters fits, 82 does not") {
  // "PASSWORD_SYNC OK - " takes 19 of the line's 100 characters.
  CHECK(fit_summary({item(std::string(81, 'a'), "short", Weight::Problem)}, State::Ok) ==
        std::string(81, 'a'));
  CHECK(fit_summary({item(std::string(82, 'a'), "short", Weight::Problem)}, State::Ok) == "short");
}

TEST_CASE(
    "status_line: notes go first, then remarks shorten, then ages go, then problems shorten") {
  SummaryItem note = item("password hash sync enabled", "password hash sync enabled", Weight::Note);
  SummaryItem remark = item(std::string(40, 'r'), "remark", Weight::Remark);
  SummaryItem age = item(std::string(30, 'a'), "age", Weight::Age);
  // "PASSWORD_SYNC WARNING - " leaves 76. 40 + 2 + 30 = 72 after the note goes: it fits.
  CHECK(fit_summary({note, remark, age}, State::Warning) ==
        std::string(40, 'r') + ", " + std::string(30, 'a'));
  // With a 30-character problem: the remark shortens (6 + 2 + 30 + 2 + 30 = 70).
  CHECK(fit_summary({note, remark, age, problem_of(30)}, State::Warning) ==
        "remark, " + std::string(30, 'a') + ", " + std::string(30, 'p'));
  // Two 40-character problems: the age goes, then the last problem shortens.
  CHECK(fit_summary({age, problem_of(40), problem_of(40)}, State::Warning) ==
        std::string(40, 'p') + ", short");
}

TEST_CASE("status_line: CRITICAL and UNKNOWN keep their whole explanation") {
  std::vector<SummaryItem> items{problem_of(90), item("note", "note", Weight::Note)};
  std::string whole = std::string(90, 'p') + ", note";
  CHECK(fit_summary(items, State::Critical) == whole);
  CHECK(fit_summary(items, State::Unknown) == whole);
  CHECK(fit_summary(items, State::Warning) == "short");
}
