// SPDX-License-Identifier: GPL-3.0-or-later
// Token hosts and Graph endpoints of Microsoft's national clouds.
#include "cloud.hpp"

namespace cps {

const std::array<CloudEndpoints, 4> &known_clouds() {
  static constexpr std::array<CloudEndpoints, 4> clouds{{
      {"global", "https://login.microsoftonline.com", "https://graph.microsoft.com",
       "worldwide, also Microsoft 365 GCC"},
      {"usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us",
       "US Government L4, GCC High"},
      {"usgovdod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us",
       "US Government L5, DoD"},
      {"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
       "operated by 21Vianet"},
  }};
  return clouds;
}

const CloudEndpoints *find_cloud(std::string_view name) {
  for (const CloudEndpoints &cloud : known_clouds()) {
    if (cloud.name == name) {
      return &cloud;
    }
  }
  return nullptr;
}

std::string graph_scope(std::string_view graph_endpoint) {
  return std::string(graph_endpoint) + "/.default";
}

} // namespace cps
