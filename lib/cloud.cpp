// SPDX-License-Identifier: GPL-3.0-or-later
// Token hosts, Graph endpoints and token-exchange audiences of Microsoft's clouds.
#include "cloud.hpp"

namespace cps {

// Hosts: Microsoft Graph "national cloud deployments" (docs-contrib concepts/deployments.md) and,
// for Bleu, Delos and GovSG, the built-in environments of the Graph PowerShell SDK
// (msgraph-sdk-powershell GraphEnvironmentConstants.cs). Audiences: entra-docs workload identity
// federation ("api://AzureADTokenExchange" and its USGov, China, France, Germany, GovSG forms).
const std::array<CloudEndpoints, 7> &known_clouds() {
  static constexpr std::array<CloudEndpoints, 7> clouds{{
      {"global", "https://login.microsoftonline.com", "https://graph.microsoft.com",
       "worldwide, also Microsoft 365 GCC", "api://AzureADTokenExchange"},
      {"usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us",
       "US Government L4, GCC High", "api://AzureADTokenExchangeUSGov"},
      {"usgovdod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us",
       "US Government L5, DoD", "api://AzureADTokenExchangeUSGov"},
      {"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
       "operated by 21Vianet", "api://AzureADTokenExchangeChina"},
      {"bleu", "https://login.sovcloud-identity.fr", "https://graph.svc.sovcloud.fr",
       "France, operated by Bleu", "api://AzureADTokenExchangeFrance"},
      {"delos", "https://login.sovcloud-identity.de", "https://graph.svc.sovcloud.de",
       "Germany, operated by Delos Cloud", "api://AzureADTokenExchangeGermany"},
      {"govsg", "https://login.sovcloud-identity.sg", "https://graph.svc.sovcloud.sg",
       "Singapore Government", "api://AzureADTokenExchangeGovSG"},
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

const CloudEndpoints *cloud_for_authority_host(std::string_view authority_host) {
  while (!authority_host.empty() && authority_host.back() == '/') {
    authority_host.remove_suffix(1);
  }
  for (const CloudEndpoints &cloud : known_clouds()) {
    if (cloud.authority_host == authority_host) {
      return &cloud;
    }
  }
  return nullptr;
}

std::string_view token_exchange_audience(std::string_view authority_host) {
  const CloudEndpoints *cloud = cloud_for_authority_host(authority_host);
  return (cloud != nullptr ? *cloud : known_clouds().front()).token_exchange_audience;
}

} // namespace cps
