// Secrets in memory (wiped when dropped) and reading the client secret from a file or the environment.
#pragma once

#include <string>
#include <string_view>

#include "options.hpp"

namespace cps {

// Move-only holder for a secret or token; its bytes are overwritten on destruction.
class Secret {
public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret &) = delete;
  Secret &operator=(const Secret &) = delete;
  Secret(Secret &&other) noexcept;
  Secret &operator=(Secret &&other) noexcept;
  ~Secret();

  const std::string &reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

private:
  void wipe() noexcept;
  std::string value_;
};

// Reads a secret file: a regular file of at most 64 KiB, trailing CR/LF removed. Throws ConfigError.
Secret read_secret_file(const std::string &path, std::string_view what);

// The client secret from --client-secret-file, else AZURE_CLIENT_SECRET. Throws ConfigError.
Secret load_client_secret(const Config &config, const Environment &env);

} // namespace cps
