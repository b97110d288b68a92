// SPDX-License-Identifier: GPL-3.0-or-later
// One deadline for the whole check; every request gets what is left of it.
#pragma once

#include <chrono>
#include <functional>

namespace cps {

class Deadline {
public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  explicit Deadline(std::chrono::milliseconds budget, Now now = Clock::now)
      : now_(std::move(now)), budget_(budget), end_(now_() + budget) {}

  std::chrono::milliseconds budget() const { return budget_; }
  std::chrono::milliseconds remaining() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - now_());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
  }
  bool expired() const { return remaining().count() == 0; }

private:
  Now now_;
  std::chrono::milliseconds budget_;
  Clock::time_point end_;
};

} // namespace cps
