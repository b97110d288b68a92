// SPDX-License-Identifier: GPL-3.0-or-later
// The shared access-token cache: one file per (authority, tenant, client, credential, scope), a
// lock so that concurrent checks fetch one token, and one retry when Graph rejects a cached token.
#pragma once

#include "auth.hpp"
#include "deadline.hpp"
#include "errors.hpp"
#include "fd.hpp"
#include "options.hpp"
#include "trace.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cps {

// A cached token is used until this many seconds before it expires.
constexpr std::int64_t token_reuse_margin = 300;

// Lower-case hex SHA-256 of data. Throws std::runtime_error if OpenSSL fails.
std::string sha256_hex(std::string_view data);

// The credential identity of a client secret: a hash of it, never the secret itself.
std::string client_secret_identity(const Secret &secret);

struct TokenCacheKey {
  std::string authority;           // https://login.microsoftonline.com
  std::string tenant;              // as given with -T
  std::string client_id;           // as given with -C
  std::string credential_identity; // client_secret_identity(), a certificate thumbprint, ...
  std::string scope;               // https://graph.microsoft.com/.default
};

// SHA-256 hex of the length-prefixed fields: the cache file's name.
std::string token_cache_key(const TokenCacheKey &key);

// A check that waits for another check's token request keeps this much of its -t for its own
// Graph request: 40% of -t, at most 3 s (a $batch answers in well under a second; the rest covers a
// retry). With -t 10 it waits up to 7 s for the other check's token.
std::chrono::milliseconds graph_reserve(std::chrono::milliseconds budget);

// The exclusive lock on one key: held, not acquired in time (another check holds it), or not
// possible at all (error says why: a read-only folder, no permission).
struct CacheLock {
  Fd fd;
  std::string error;
  bool held() const { return fd.valid(); }
};

// A cache directory that is known to be safe: a real directory (not a symlink) owned by the user
// and not writable by group or others. All files are opened relative to it.
class TokenCache {
public:
  // Opens dir, creating it (mode 0700) when missing. On refusal returns nullopt and sets why_not.
  // A symbolic link is refused however dir is spelt (`DIR`, `DIR/`, `DIR/.`): the last component is
  // opened with O_NOFOLLOW relative to its parent, and what was opened is checked (fstat).
  static std::optional<TokenCache> open(const std::string &dir, bool create_parent,
                                        std::string &why_not);

  // The cached token, if present, safe (0600, owned by the user, well formed) and valid for more
  // than token_reuse_margin seconds after now.
  std::optional<AccessToken> load(const std::string &key, std::int64_t now) const;

  // Writes the token atomically (temp file, mode 0600, rename). False when it was not stored:
  // why_not names the error (EFBIG, ENOSPC, EROFS, EACCES...), or stays empty when the token
  // expires too soon for anybody to reuse it.
  bool store(const std::string &key, const AccessToken &token, std::int64_t now,
             std::string &why_not) const;

  void drop(const std::string &key) const;

  // What a check learnt about the tenant's Graph (a property its cloud lacks), kept next to the
  // key's token in <key>.graph so that later checks send one request. Small text, not secret;
  // written like the token (0600, temp file, rename). nullopt when absent or unsafe.
  std::optional<std::string> load_graph_notes(const std::string &key) const;
  bool store_graph_notes(const std::string &key, const std::string &text) const;

  // An exclusive flock on the key's lock file, waiting at most `wait`.
  CacheLock lock(const std::string &key, std::chrono::milliseconds wait) const;

  const std::string &path() const { return path_; }

private:
  TokenCache(Fd dir, std::string path) : dir_(std::move(dir)), path_(std::move(path)) {}
  Fd dir_;
  std::string path_;
};

// The cache the configuration asks for, or nullopt (disabled, or refused with one line in the
// output).
std::optional<TokenCache> open_token_cache(const Config &config, const Environment &env,
                                           Trace &trace);

// Hands out the access token for one check: from the cache, else fetched once (single flight
// across processes) and stored. A check that finds another one fetching waits for it until
// graph_reserve() of its -t is left, then uses its token; if that check is still fetching, it
// throws WaitError (UNKNOWN, "cannot tell"), never a timeout. A cache that cannot be written is
// given up with one detail line naming the error; the check goes on without it.
class TokenSource {
public:
  using Fetch = std::function<AccessToken()>;
  using Now = std::function<std::int64_t()>;

  TokenSource(std::optional<TokenCache> cache, std::string key, Fetch fetch,
              const Deadline &deadline, Trace &trace, Now now);

  const AccessToken &get();
  bool from_cache() const { return from_cache_; }

  // Graph rejected the current token: forget it here and in the cache.
  void reject();

  // The notes on the tenant's Graph kept next to the token (TokenCache::load_graph_notes).
  std::optional<std::string> graph_notes() const;
  void keep_graph_notes(const std::string &text);

private:
  bool take_cached();
  void hold(AccessToken token, bool from_cache);
  void fetch_and_store();
  void give_up_cache(const std::string &why);

  std::optional<TokenCache> cache_;
  std::string key_;
  Fetch fetch_;
  const Deadline &deadline_;
  Trace &trace_;
  Now now_;
  std::optional<AccessToken> token_;
  bool from_cache_ = false;
};

// Graph's answer to an expired or revoked token (401 InvalidAuthenticationToken), or a 403: an
// app-only token carries the roles of the moment it was issued, so after an admin grants
// Organization.Read.All only a new token has it.
bool is_rejected_token(const GraphError &error);

// Calls use(token). When Graph rejects a cached token, drops it, gets a new one and calls use once
// more; a rejected token is never kept in the cache.
template <typename Use>
auto with_access_token(TokenSource &tokens, Use &&use) -> decltype(use(std::string())) {
  try {
    return use(tokens.get().value.reveal());
  } catch (const GraphError &error) {
    if (!is_rejected_token(error)) {
      throw;
    }
    bool retry = tokens.from_cache();
    tokens.reject();
    if (!retry) {
      throw;
    }
  }
  try {
    return use(tokens.get().value.reveal());
  } catch (const GraphError &error) {
    if (is_rejected_token(error)) {
      tokens.reject();
    }
    throw;
  }
}

} // namespace cps
