// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the Azure Arc managed-identity challenge: the realm path read from WWW-Authenticate.
#include "lib/managed_identity.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string header(reinterpret_cast<const char *>(data), size);
  std::string realm = cps::basic_realm(header);
  cps::fuzz::require(realm.size() <= header.size(), "the realm is part of the header", realm);
  return 0;
}
