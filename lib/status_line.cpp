// SPDX-License-Identifier: GPL-3.0-or-later
// The status line's parts, each with a short form, and fitting them into 100 characters.
#include "status_line.hpp"

#include "output.hpp"

#include <algorithm>

namespace cps {
namespace {

std::string join(const std::vector<SummaryItem> &items) {
  std::string text;
  for (const SummaryItem &item : items) {
    text += (text.empty() ? "" : ", ") + item.phrase.text;
  }
  return text;
}

} // namespace

std::string fit_summary(std::vector<SummaryItem> items, State state) {
  std::size_t budget = summary_budget(state);
  if (state == State::Critical || state == State::Unknown || join(items).size() <= budget) {
    return join(items);
  }
  auto drop = [&](Weight weight) {
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const SummaryItem &item) { return item.weight == weight; }),
                items.end());
  };
  drop(Weight::Note);
  for (SummaryItem &item : items) {
    if (item.weight == Weight::Remark && join(items).size() > budget) {
      item.phrase.text = item.phrase.short_text;
    }
  }
  if (join(items).size() > budget) {
    drop(Weight::Age);
  }
  for (auto item = items.rbegin(); item != items.rend() && join(items).size() > budget; ++item) {
    item->phrase.text = item->phrase.short_text;
  }
  return join(items);
}

} // namespace cps
