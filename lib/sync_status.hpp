// SPDX-License-Identifier: GPL-3.0-or-later
// What Graph said about a tenant's sync, as a plain value: the model the verdict reads (no HTTP, no
// JSON here, so evaluate depends on neither).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cps {

enum class SyncEnabled { True, False, Null };
enum class PasswordSyncFeature { Enabled, Disabled, Unreadable };

// The tenant Graph answered for: the organization's id and verifiedDomains names.
struct TenantIdentity {
  std::string id;
  std::vector<std::string> verified_domains;
  std::string initial_domain; // the isInitial one (<name>.onmicrosoft.com), when listed
};

// The Entra Connect server behind the sync, from onPremisesSynchronization's configuration (beta
// only: v1.0-Prod.csdl's configuration has accidentalDeletionPrevention alone). Each part may be
// missing or null: empty or 0 then.
struct SyncClient {
  std::string version;                         // synchronizationClientVersion
  std::string machine;                         // currentExportData.clientMachineName
  std::string service_account;                 // currentExportData.serviceAccount
  std::int64_t interval_seconds = 0;           // synchronizationInterval
  std::int64_t requested_interval_seconds = 0; // customerRequestedSynchronizationInterval
};

// One of the app's client secrets as Graph lists it (passwordCredential: displayName, keyId,
// hint "the first three characters of the password", endDateTime, which is optional).
struct PasswordCredential {
  std::string display_name;
  std::string key_id;
  std::string hint;                // never printed
  std::optional<std::int64_t> end; // endDateTime, Unix seconds; none: no end date
};

// The app's client secrets, from /applications(appId='...')?$select=passwordCredentials.
struct ApplicationSecrets {
  bool read = false; // Graph answered with the list
  std::string note;  // why not, when it was asked for and did not answer (403, 404, throttled)
  std::vector<PasswordCredential> secrets;
};

struct SyncStatus {
  TenantIdentity tenant;
  SyncClient sync_client;
  SyncEnabled sync_enabled = SyncEnabled::Null;
  std::optional<std::int64_t> last_dirsync;       // onPremisesLastSyncDateTime, Unix seconds
  std::optional<std::int64_t> last_password_sync; // onPremisesLastPasswordSyncDateTime
  PasswordSyncFeature password_sync_feature = PasswordSyncFeature::Unreadable;
  std::string feature_note; // why the feature flag could not be read
  // False where the cloud's Graph schema lacks onPremisesLastPasswordSyncDateTime (it is beta-only
  // and absent from some clouds' beta schema: msgraph-metadata schemas/beta-USNat.csdl).
  bool password_sync_time_reported = true;
  ApplicationSecrets application; // read only when the credential in use is a client secret
};

} // namespace cps
