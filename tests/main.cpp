// SPDX-License-Identifier: GPL-3.0-or-later
// The doctest main for build/unit_tests and build/unit_tests_san.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
