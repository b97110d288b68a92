// SPDX-License-Identifier: GPL-3.0-or-later
// One check end to end: credential, token, one Graph $batch, verdict.
#include "check.hpp"

#include "auth.hpp"
#include "cloud.hpp"
#include "credentials.hpp"
#include "deadline.hpp"
#include "evaluate.hpp"
#include "graph.hpp"
#include "graph_notes.hpp"
#include "http.hpp"
#include "tenant.hpp"
#include "token_cache.hpp"
#include "wording.hpp"

#include <string>
#include <vector>

namespace cps {
namespace {

// Credentials, endpoints and proxy, as -v and -vv describe them.

// Proxy credentials, from --proxy or the variables libcurl reads, are secrets; libcurl's own
// error text quotes a proxy URL it cannot parse.
void protect_proxy_credentials(const Config &config, const Environment &env, Trace &trace) {
  std::vector<std::string> urls{config.proxy};
  for (std::string_view name : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    urls.push_back(env(name).value_or(""));
  }
  for (const std::string &url : urls) {
    for (const std::string &secret : proxy_url_secrets(url)) {
      trace.protect(secret);
    }
  }
}

std::string proxy_description(const Config &config) {
  if (config.proxy.empty()) {
    return "proxy: from the environment (https_proxy/no_proxy), if set";
  }
  return "proxy: " + config.proxy;
}

void describe_setup(const Config &config, const Credential &credential, Trace &trace) {
  trace.note(1, "tenant " + config.tenant + ", client ID " + config.client_id +
                    (config.cloud.empty() ? "" : ", cloud " + config.cloud));
  trace.note(1, "credential: " + credential.description());
  if (credential_kind(credential.kind()).uses_token_endpoint) {
    trace.note(1, "token endpoint " + token_url(config.authority_host, config.tenant));
  }
  trace.note(1, "Graph endpoint " + config.graph_endpoint + "/beta/$batch");
  trace.note(2, proxy_description(config));
}

HttpSettings directory_http_settings(const Config &config) {
  HttpSettings settings;
  settings.ca_file = config.ca_file;
  settings.proxy = config.proxy;
  return settings;
}

// Whether the $batch lists the app's client secrets, as the table decides it.
bool asks_for_application(const GraphQuery &query) {
  const SubRequest *application = find_sub_request("app");
  return application != nullptr && asks_for(*application, query);
}

// What to ask Graph: what the token cache learnt of the tenant's cloud, and the app's secrets
// when the credential in use is one of them and its end date can raise an alert (each kind says
// how its end date is read).
GraphQuery graph_query(const Config &config, const OwnCredential &own,
                       const std::optional<std::string> &notes, std::int64_t now_unix,
                       Trace &trace) {
  GraphQuery query;
  if (notes) {
    apply_graph_notes(*notes, now_unix, query);
  }
  query.credential = policy_from(config).credential;
  if (own.source == ExpirySource::ApplicationSecrets) {
    query.application_client_id = config.client_id;
    if (!asks_for_application(query)) {
      trace.note(1, wording::secret_expiry_not_read());
    }
  } else if (own.source == ExpirySource::Nothing) {
    trace.note(1, "credential expiry: nothing to check: " + own.nothing_expires);
  }
  return query;
}

// What Graph said and the credential's end date into the result, with the tenant named.
CheckResult verdict(const Config &config, const OwnCredential &own, const GraphQuery &query,
                    const SyncStatus &status, std::int64_t now_unix) {
  CheckResult result = evaluate(status, policy_from(config), now_unix, own);
  result.details.insert(result.details.begin(),
                        wording::tenant_detail(describe_tenant(status.tenant)));
  result.details.push_back(wording::checked_detail(asks_for_application(query)));
  return result;
}

} // namespace

CheckResult run_check(const Config &config, const Environment &env, Trace &trace,
                      const WallClock &now) {
  Deadline deadline(config.timeout);
  protect_proxy_credentials(config, env, trace);
  std::unique_ptr<Credential> credential = choose_credential(config, env, trace);
  describe_setup(config, *credential, trace);
  RetryTiming timing;
  timing.now = now; // Retry-After dates read the check's clock
  HttpClient http(directory_http_settings(config), trace, timing);
  // Token cache hook: the token comes from the cache, or from the credential and is then cached.
  TokenSource tokens(
      open_token_cache(config, env, trace),
      token_cache_key({config.authority_host, config.tenant, config.client_id,
                       credential->identity(), graph_scope(config.graph_endpoint)}),
      [&] {
        TokenContext context{config, env, http, deadline, trace, now()};
        return credential->acquire(context);
      },
      deadline, trace, now);
  OwnCredential own = credential->own_credential();
  GraphQuery query = graph_query(config, own, tokens.graph_notes(), now(), trace);
  bool asked_password_time = query.password_sync_time;
  SyncStatus status = with_access_token(tokens, [&](const std::string &access_token) {
    return fetch_sync_status(graph_exchange(http, deadline), config.graph_endpoint, access_token,
                             query, deadline, trace);
  });
  if (asked_password_time && !query.password_sync_time) {
    tokens.keep_graph_notes(graph_notes_text(query, now()));
  }
  // With --managed-identity and no -T, config.tenant is empty: the home tenant is named, not
  // checked.
  verify_tenant(config.tenant, status.tenant);
  CheckResult result = verdict(config, own, query, status, now());
  trace.note(2, std::to_string(http.requests_sent()) + " HTTPS requests");
  return result;
}

} // namespace cps
