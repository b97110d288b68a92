// SPDX-License-Identifier: GPL-3.0-or-later
// The tenant check: -T as a GUID or a verified domain against the tenant Graph answered for.
#include "lib/errors.hpp"
#include "lib/tenant.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace cps;

namespace {

TenantIdentity contoso() {
  TenantIdentity tenant;
  tenant.id = "0c0c0c0c-1111-2222-3333-444444444444";
  tenant.verified_domains = {"contoso.com", "contoso.onmicrosoft.com"};
  tenant.initial_domain = "contoso.onmicrosoft.com";
  return tenant;
}

} // namespace

TEST_CASE("tenant: is_guid") {
  CHECK(is_guid("0c0c0c0c-1111-2222-3333-444444444444"));
  CHECK(is_guid("0C0C0C0C-AAAA-bbbb-3333-444444444444"));
  CHECK_FALSE(is_guid("0c0c0c0c-1111-2222-3333-44444444444"));
  CHECK_FALSE(is_guid("0c0c0c0c11112222333344444444444444444"));
  CHECK_FALSE(is_guid("contoso.onmicrosoft.com"));
  CHECK_FALSE(is_guid("0c0c0c0c-1111-2222-3333-44444444444g"));
}

TEST_CASE("tenant: a GUID must equal the id, a domain must be verified, in any case") {
  CHECK_NOTHROW(verify_tenant("0c0c0c0c-1111-2222-3333-444444444444", contoso()));
  CHECK_NOTHROW(verify_tenant("0C0C0C0C-1111-2222-3333-444444444444", contoso()));
  CHECK_NOTHROW(verify_tenant("contoso.com", contoso()));
  CHECK_NOTHROW(verify_tenant("Contoso.OnMicrosoft.com", contoso()));
  CHECK_NOTHROW(verify_tenant("", contoso())); // managed identity without -T: its home tenant
}

TEST_CASE("tenant: another tenant is a ConfigError naming both") {
  CHECK_THROWS_WITH_AS(verify_tenant("0b0b0b0b-1111-2222-3333-444444444444", contoso()),
                       "signed in to tenant 0c0c0c0c-1111-2222-3333-444444444444 "
                       "(contoso.onmicrosoft.com), not 0b0b0b0b-1111-2222-3333-444444444444",
                       ConfigError);
  CHECK_THROWS_WITH_AS(verify_tenant("customer.example", contoso()),
                       doctest::Contains("(contoso.onmicrosoft.com), not customer.example (not one "
                                         "of its verified domains)"),
                       ConfigError);
  TenantIdentity unnamed; // Graph named no domains: a domain cannot be verified
  unnamed.id = "0c0c0c0c-1111-2222-3333-444444444444";
  CHECK_THROWS_AS(verify_tenant("contoso.com", unnamed), ConfigError);
  CHECK_THROWS_AS(verify_tenant("contoso", contoso()), ConfigError); // no suffix matching
}
