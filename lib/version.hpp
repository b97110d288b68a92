// SPDX-License-Identifier: GPL-3.0-or-later
// The release version, shown by --version and in the Debian package.
#pragma once

#define CHECK_PASSWORD_SYNC_VERSION "0.1.0"
