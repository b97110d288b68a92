// SPDX-License-Identifier: GPL-3.0-or-later
// Notes on a tenant's Graph kept next to its token: what its cloud lacks, for a week.
#include "lib/graph_notes.hpp"

#include <cstdint>
#include <doctest/doctest.h>
#include <string>

using namespace cps;

TEST_CASE("graph_notes: notes on a cloud without the password sync time, kept for a week") {
  const std::int64_t learnt = 1764500000;
  GraphQuery narrowed;
  narrowed.password_sync_time = false;
  std::string text = graph_notes_text(narrowed, learnt);
  CHECK(text == "check_password_sync graph notes v1\n"
                "lacks onPremisesLastPasswordSyncDateTime 1764500000\n");
  CHECK(graph_notes_text(GraphQuery{}, learnt).empty()); // nothing learnt, nothing kept

  GraphQuery next_hour;
  apply_graph_notes(text, learnt + 3600, next_hour);
  CHECK_FALSE(next_hour.password_sync_time);
  GraphQuery after_a_week;
  apply_graph_notes(text, learnt + 7 * 86400, after_a_week);
  CHECK(after_a_week.password_sync_time); // asked again: the cloud may have gained it
  for (const char *bad : {"",
                          "check_password_sync graph notes v2\nlacks "
                          "onPremisesLastPasswordSyncDateTime 1764500000\n",
                          "check_password_sync graph notes v1\nlacks "
                          "onPremisesLastPasswordSyncDateTime x\n",
                          "check_password_sync graph notes v1\nlacks "
                          "onPremisesLastPasswordSyncDateTime 1764500000"}) {
    GraphQuery query;
    apply_graph_notes(bad, learnt + 60, query);
    CHECK(query.password_sync_time);
  }
  GraphQuery grown; // a later version's extra lines do not hide what this one knows
  apply_graph_notes("check_password_sync graph notes v1\nsomething new 1\n" +
                        text.substr(text.find("lacks")),
                    learnt + 60, grown);
  CHECK_FALSE(grown.password_sync_time);
}

TEST_CASE("graph_notes: a note dated after now is not trusted") {
  std::string text = "check_password_sync graph notes v1\n"
                     "lacks onPremisesLastPasswordSyncDateTime 1764503600\n";
  GraphQuery query;
  apply_graph_notes(text, 1764500000, query); // an hour before the note's date
  CHECK(query.password_sync_time);
  GraphQuery at_its_time;
  apply_graph_notes(text, 1764503600, at_its_time);
  CHECK_FALSE(at_its_time.password_sync_time);
}
