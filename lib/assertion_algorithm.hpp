// SPDX-License-Identifier: GPL-3.0-or-later
// The signature algorithm of the client assertion (--assertion-alg).
#pragma once

namespace cps {

// PS256 with the x5t#S256 thumbprint (Microsoft's current recommendation), or RS256 with the SHA-1
// x5t thumbprint for older setups.
enum class AssertionAlgorithm { PS256, RS256 };

inline const char *algorithm_name(AssertionAlgorithm algorithm) {
  return algorithm == AssertionAlgorithm::PS256 ? "PS256" : "RS256";
}

} // namespace cps
