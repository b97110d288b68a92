// One check end to end: credential, token, one Graph $batch, verdict.
#include "check.hpp"

#include <ctime>

#include "auth.hpp"
#include "deadline.hpp"
#include "evaluate.hpp"
#include "graph.hpp"
#include "http.hpp"
#include "secret.hpp"
#include "token_cache.hpp"

namespace cps {
namespace {

void describe_setup(const Config &config, Trace &trace) {
  trace.note(1, "tenant " + config.tenant + ", client ID " + config.client_id);
  trace.note(1, "token endpoint " + token_url(config.authority_host, config.tenant));
  trace.note(1, "Graph endpoint " + config.graph_endpoint + "/beta/$batch");
  trace.note(2, std::string("credential: client secret from ") +
                    (config.client_secret_file.empty() ? "AZURE_CLIENT_SECRET"
                                                       : config.client_secret_file));
}

} // namespace

WallClock system_wall_clock() {
  return [] { return static_cast<std::int64_t>(std::time(nullptr)); };
}

CheckResult run_check(const Config &config, const Environment &env, Trace &trace,
                      const WallClock &now) {
  Deadline deadline(config.timeout);
  describe_setup(config, trace);
  CredentialFields credential;
  credential.emplace_back("client_secret", load_client_secret(config, env));
  std::string credential_identity = client_secret_identity(credential.back().second);
  HttpClient http(HttpSettings{config.ca_file}, trace);
  TokenRequest token_request{token_url(config.authority_host, config.tenant), config.client_id,
                             config.graph_endpoint + "/.default"};
  // Token cache hook: the token comes from the cache, or from one request that is then cached.
  TokenSource tokens(
      open_token_cache(config, env, trace),
      token_cache_key({config.authority_host, config.tenant, config.client_id, credential_identity,
                       token_request.scope}),
      [&] { return request_token(http, token_request, credential, deadline, trace, now()); },
      deadline, trace, now);
  SyncStatus status = with_access_token(tokens, [&](const std::string &access_token) {
    return fetch_sync_status(http, config.graph_endpoint, access_token, deadline, trace);
  });
  CheckResult result = evaluate(status, policy_from(config), now());
  result.details.insert(result.details.begin(), "tenant: " + config.tenant);
  result.details.push_back("checked: Graph beta organization and "
                           "directory/onPremisesSynchronization in one $batch");
  trace.note(2, std::to_string(http.requests_sent()) + " HTTPS requests");
  return result;
}

} // namespace cps
