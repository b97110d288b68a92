// SPDX-License-Identifier: GPL-3.0-or-later
// What a check learnt about a tenant's Graph (a property its cloud lacks), kept next to its token.
#include "graph_notes.hpp"

#include <cstdlib>

namespace cps {
namespace {

constexpr std::string_view graph_notes_magic = "check_password_sync graph notes v1\n";
constexpr std::string_view lacks_password_time = "lacks onPremisesLastPasswordSyncDateTime ";
constexpr std::int64_t graph_notes_lifetime = 7 * 86400;

} // namespace

std::string graph_notes_text(const GraphQuery &query, std::int64_t now_unix) {
  if (query.password_sync_time) {
    return {};
  }
  return std::string(graph_notes_magic) + std::string(lacks_password_time) +
         std::to_string(now_unix) + "\n";
}

void apply_graph_notes(std::string_view text, std::int64_t now_unix, GraphQuery &query) {
  if (text.substr(0, graph_notes_magic.size()) != graph_notes_magic) {
    return;
  }
  std::size_t at = text.find(lacks_password_time);
  if (at == std::string_view::npos) {
    return;
  }
  std::string rest(text.substr(at + lacks_password_time.size(), 20));
  char *end = nullptr;
  long long learnt = std::strtoll(rest.c_str(), &end, 10);
  if (end != rest.c_str() && *end == '\n' && learnt <= now_unix &&
      now_unix - learnt < graph_notes_lifetime) {
    query.password_sync_time = false;
  }
}

} // namespace cps
