// SPDX-License-Identifier: GPL-3.0-or-later
// The one registry of the Entra token endpoint's AADSTS codes the plugin explains.
#include "entra_errors.hpp"

#include "wording.hpp"

namespace cps {
namespace {

// Sources (graph-api reference, section 3 "Common AADSTS codes in this flow", and section 9):
// - Microsoft Entra authentication and authorization error codes (entra-docs
//   docs/identity-platform/reference-error-codes.md): 7000215, 7000222
//   (InvalidClientSecretExpiredKeysProvided), 90002 (InvalidTenantName: "often ... a cross-cloud
//   app was used against the wrong cloud"), 500011 (InvalidResourceServicePrincipalNotFound),
//   700016 (UnauthorizedClient_DoesNotMatchRequest), 700027, 7000112
//   (UnauthorizedClientApplicationDisabled), 53003 (BlockedByConditionalAccess), 70011.
// - Federated identity credential considerations (entra-docs
//   docs/workload-id/workload-identity-federation-considerations.md): 70021, also right after a
//   federated credential is added, until it has replicated.
// - Azure DevOps workload identity errors (azure-devops-docs
//   docs/pipelines/release/includes/errors-workload-identity.md): 700024 (client assertion not
//   within its valid time range), 70021, 700211 (issuer), 700213 (subject).
// - Not in Microsoft's reference, but Entra's own answers as quoted in public reports: 900023
//   ("Specified tenant identifier '...' is neither a valid DNS name, nor a valid external
//   domain", invalid_request: microsoft/Analysis-Services#194, microsoft/aspire#4253) and 700212
//   ("No matching federated identity record found for presented assertion audience '...'").
// - Confirmed by Microsoft, not in its reference: 1000502, "The provided certificate is not within
//   its specified validity window." (invalid_client), Entra's answer to an assertion signed with
//   an expired certificate (AzureAD/microsoft-identity-web issue #2834, PR #2840). The plugin
//   refuses an expired certificate itself before asking (lib/credential_expiry), so this code
//   means Entra's view differs: a certificate not yet valid, or this host's clock.
// Microsoft's own words stay in the message after the hint: codes can change meaning, and the
// description is what support asks for.
constexpr std::array<EntraErrorCode, entra_error_count> codes{{
    {"AADSTS7000215", EntraRejection::Refused, wording::secret_value_hint},
    {"AADSTS7000222", EntraRejection::CredentialExpired, wording::renew_credential_detail},
    {"AADSTS90002", EntraRejection::Refused, wording::tenant_not_found_hint},
    {"AADSTS500011", EntraRejection::Refused, wording::graph_not_in_cloud_hint},
    {"AADSTS900023", EntraRejection::Refused, wording::tenant_malformed_hint},
    {"AADSTS700016", EntraRejection::Refused, wording::app_not_found_hint},
    {"AADSTS700027", EntraRejection::Refused, wording::certificate_not_registered_hint},
    {"AADSTS1000502", EntraRejection::Refused, wording::certificate_window_hint},
    {"AADSTS7000112", EntraRejection::Refused, wording::app_disabled_hint},
    {"AADSTS53003", EntraRejection::Refused, wording::conditional_access_hint},
    {"AADSTS70011", EntraRejection::Refused, wording::invalid_scope_hint},
    {"AADSTS700024", EntraRejection::Refused, wording::assertion_time_hint},
    {"AADSTS70021", EntraRejection::Refused, wording::no_federated_match_hint},
    {"AADSTS700211", EntraRejection::Refused, wording::federated_issuer_hint},
    {"AADSTS700212", EntraRejection::Refused, wording::federated_audience_hint},
    {"AADSTS700213", EntraRejection::Refused, wording::federated_subject_hint},
}};

// A std::array larger than its initialiser pads with empty entries (no code, a null hint) without
// a word: entra_error_count raised without a new entry would be such a silent hole. The code is
// what is checked: a function pointer's comparison with nullptr is not a constant expression
// under the sanitizers (GCC keeps the symbol's address open there).
constexpr bool every_entry_filled() {
  for (const EntraErrorCode &entry : codes) {
    if (entry.code.empty()) {
      return false;
    }
  }
  return true;
}
static_assert(every_entry_filled(), "entra_error_count is larger than the table of codes");

} // namespace

const std::array<EntraErrorCode, entra_error_count> &entra_error_codes() {
  return codes;
}

const EntraErrorCode *find_entra_error(std::string_view code) {
  for (const EntraErrorCode &entry : codes) {
    if (entry.code == code) {
      return &entry;
    }
  }
  return nullptr;
}

} // namespace cps
