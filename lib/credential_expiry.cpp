// SPDX-License-Identifier: GPL-3.0-or-later
// The check's own credential: which one is in use, how long it has left, and the verdict on it.
#include "credential_expiry.hpp"

#include "duration.hpp"
#include "errors.hpp"
#include "timestamp.hpp"
#include "wording.hpp"

#include <algorithm>

namespace cps {
namespace {

// An end date to judge, named as the status line names it.
struct Expiry {
  std::string name;    // "client secret 'monitoring'", "certificate 'CN=monitoring'"
  std::string kind;    // "client secret", "certificate": the short form
  std::string details; // what identifies it in the detail line, e.g. the key ID
  std::int64_t end = 0;
};

std::string date_of(std::int64_t unix_seconds) {
  return format_utc(unix_seconds).substr(0, 10); // "2026-12-10"
}

std::string limits(const CredentialThresholds &thresholds) {
  if (thresholds.off()) {
    return wording::credential_alerts_off();
  }
  return wording::credential_limits(format_duration(thresholds.warning),
                                    format_duration(thresholds.critical));
}

PerfValue expiry_perfdata(std::int64_t left, const CredentialThresholds &thresholds) {
  if (thresholds.off()) {
    // Empty fields, as for an age without a range: "0:" would mark an expired one as an alert.
    return {"credential_expires_in", left, "", ""};
  }
  // "alert below" as Monitoring Plugins ranges write it: W: and C:.
  return {"credential_expires_in", left, std::to_string(thresholds.warning) + ":",
          std::to_string(thresholds.critical) + ":"};
}

State state_for(std::int64_t left, const CredentialThresholds &thresholds) {
  if (thresholds.off()) {
    return State::Ok;
  }
  // Expired is CRITICAL whichever one threshold is 0: the next token request will fail.
  if (left <= 0 || left < thresholds.critical) {
    return State::Critical;
  }
  return left < thresholds.warning ? State::Warning : State::Ok;
}

void judge_end(CredentialVerdict &verdict, const Expiry &expiry,
               const CredentialThresholds &thresholds, std::int64_t now_unix) {
  std::int64_t left = expiry.end - now_unix;
  verdict.state = state_for(left, thresholds);
  if (verdict.state != State::Ok) {
    Phrase phrase = wording::credential_expiry(expiry.name, expiry.kind, left, date_of(expiry.end));
    verdict.summary = phrase.text;
    verdict.short_summary = phrase.short_text;
  }
  verdict.details.push_back(wording::credential_expiry_detail(
      expiry.name, expiry.details, left, format_utc(expiry.end), limits(thresholds)));
  if (verdict.state != State::Ok) {
    verdict.details.push_back(wording::renew_credential_detail());
  }
  verdict.perfdata = expiry_perfdata(left, thresholds);
}

Expiry certificate_expiry(const OwnCredential &credential) {
  std::string subject = credential.certificate_subject.substr(0, 80);
  return {wording::certificate_name(subject), "certificate",
          wording::certificate_identified(credential.certificate_thumbprint),
          credential.not_after.value_or(0)};
}

// A secret as the admin center names it: its description (displayName), else its secret ID
// (keyId). The hint is never shown: it is three characters of the secret.
Expiry secret_expiry(const PasswordCredential &secret) {
  return {wording::secret_name(secret.display_name, secret.key_id), "client secret",
          wording::secret_identified(secret.key_id), secret.end.value_or(0)};
}

// The listed secrets that begin like the one in use; a hint that is not three characters matches
// nothing (Graph documents it as "the first three characters of the password").
std::vector<const PasswordCredential *> matching_secrets(const ApplicationSecrets &application,
                                                         const std::string &hint) {
  std::vector<const PasswordCredential *> matches;
  for (const PasswordCredential &secret : application.secrets) {
    if (hint.size() == 3 && secret.hint == hint) {
      matches.push_back(&secret);
    }
  }
  return matches;
}

// The earliest end date first; a secret without one comes last (it never runs out).
const PasswordCredential *earliest(const std::vector<const PasswordCredential *> &matches) {
  return *std::min_element(matches.begin(), matches.end(), [](const auto *a, const auto *b) {
    return a->end && (!b->end || *a->end < *b->end);
  });
}

void judge_secret(CredentialVerdict &verdict, const OwnCredential &credential,
                  const ApplicationSecrets &application, const CredentialThresholds &thresholds,
                  std::int64_t now_unix) {
  if (!application.read) {
    if (!application.note.empty()) {
      verdict.details.push_back(wording::credential_note_detail(application.note));
    }
    return;
  }
  auto matches = matching_secrets(application, credential.secret_hint);
  if (matches.empty()) {
    // The token request took the secret, so it is the app's: Graph lists it without a hint
    // (older secrets), or not yet (a new one, before replication).
    verdict.details.push_back(wording::no_secret_matches_detail(application.secrets.size()));
    return;
  }
  if (matches.size() > 1) {
    verdict.details.push_back(wording::several_secrets_match_detail(matches.size()));
  }
  const PasswordCredential &secret = *earliest(matches);
  if (!secret.end) {
    verdict.details.push_back(wording::secret_without_end_detail(secret_expiry(secret).name));
    return;
  }
  judge_end(verdict, secret_expiry(secret), thresholds, now_unix);
}

} // namespace

CredentialVerdict judge_credential(const OwnCredential &credential,
                                   const ApplicationSecrets &application,
                                   const CredentialThresholds &thresholds, std::int64_t now_unix) {
  CredentialVerdict verdict;
  switch (credential.source) {
  case ExpirySource::LocalCertificate:
    if (credential.not_after) {
      judge_end(verdict, certificate_expiry(credential), thresholds, now_unix);
    }
    break;
  case ExpirySource::ApplicationSecrets:
    judge_secret(verdict, credential, application, thresholds, now_unix);
    break;
  case ExpirySource::Nothing:
    break; // said at -v by the check, which owns the trace
  }
  return verdict;
}

void refuse_expired_certificate(const OwnCredential &credential, std::int64_t now_unix) {
  if (credential.source != ExpirySource::LocalCertificate || !credential.not_after ||
      *credential.not_after > now_unix) {
    return;
  }
  Expiry expiry = certificate_expiry(credential);
  throw CredentialExpiredError(wording::certificate_expired_before_request(
      expiry.name + expiry.details, expiry.end - now_unix, date_of(expiry.end)));
}

} // namespace cps
