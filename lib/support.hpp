// SPDX-License-Identifier: GPL-3.0-or-later
// Support identifiers: the client-request-id sent with each Graph and Entra request, and the IDs
// Microsoft support asks for, read from a failed answer.
#pragma once

#include "http.hpp"

#include <string>

namespace cps {

// A fresh client-request-id: a random version 4 GUID (OpenSSL RAND_bytes).
std::string new_client_request_id();

// "Graph request-id …, client-request-id …, date …": from the answer's headers, else from its
// error body's innerError (errors.md); the ID that was sent when nothing came back.
std::string graph_support_line(const HttpResponse &response, const std::string &sent_id);

// "Entra trace_id …, correlation_id …, timestamp …" from a token endpoint error body.
std::string entra_support_line(const HttpResponse &response, const std::string &sent_id);

} // namespace cps
