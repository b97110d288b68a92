// SPDX-License-Identifier: GPL-3.0-or-later
// The check's own credential: when it runs out, judged against --credential-warning/-critical.
#pragma once

#include "result.hpp"
#include "sync_status.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cps {

// How a credential kind's end date is read (declared per kind in credential_kinds()).
enum class ExpirySource {
  LocalCertificate,   // notAfter of the certificate in use: no request
  ApplicationSecrets, // the app's passwordCredentials, one optional sub-request of the $batch
  Nothing             // nothing the plugin holds expires (federated token, managed identity)
};

// What the check knows of its own credential. Never the secret: only its first three characters,
// which Graph lists as each secret's hint (passwordCredential.hint), to tell which one is in use.
struct OwnCredential {
  ExpirySource source = ExpirySource::Nothing;
  std::string nothing_expires;        // Nothing: why (the kind's wording, said at -v)
  std::string certificate_subject;    // LocalCertificate
  std::string certificate_thumbprint; // SHA-1, upper-case hex, as the Entra admin center lists it
  std::optional<std::int64_t> not_after;
  std::string secret_hint; // ApplicationSecrets: never printed
};

// Time left below which the credential is WARNING or CRITICAL, in seconds.
struct CredentialThresholds {
  std::int64_t warning = 30 * 86400;
  std::int64_t critical = 7 * 86400;
  // Both 0: no alert comes from an end date, not even an expired one. A client secret's end date
  // is then not asked for; a certificate's, read locally for nothing, is still shown.
  bool off() const { return warning == 0 && critical == 0; }
};

struct CredentialVerdict {
  State state = State::Ok;
  std::string summary;       // for the status line when state is not OK
  std::string short_summary; // without the name, when the line would be too long
  std::vector<std::string> details;
  std::optional<PerfValue> perfdata; // credential_expires_in, when an end date is known
};

// The verdict on the credential in use, at now_unix. A reading Graph would not give, a secret no
// listed one matches or a missing end date adds a detail line and leaves the state OK.
CredentialVerdict judge_credential(const OwnCredential &credential,
                                   const ApplicationSecrets &application,
                                   const CredentialThresholds &thresholds, std::int64_t now_unix);

// Called before a token request: throws CredentialExpiredError when the credential is a
// certificate whose notAfter is past at now_unix, whatever the thresholds say. Entra would refuse
// the request (AADSTS1000502), so it is not sent, and the check is CRITICAL as for an expired
// client secret. Anything else returns.
void refuse_expired_certificate(const OwnCredential &credential, std::int64_t now_unix);

} // namespace cps
