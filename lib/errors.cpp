// SPDX-License-Identifier: GPL-3.0-or-later
// The one place where an error becomes a state and a message.
#include "errors.hpp"

#include "result.hpp"

#include <new>

namespace cps {
namespace {

CheckResult failure(State state, std::string summary) {
  CheckResult result;
  result.state = state;
  result.summary = std::move(summary);
  return result;
}

} // namespace

ApiFormatError unexpected_answer(std::string_view source, std::string_view what) {
  return ApiFormatError("unexpected answer from " + std::string(source) + ": " + std::string(what));
}

CheckResult result_for_current_exception(State timeout_state) {
  try {
    throw;
  } catch (const UsageError &error) {
    return failure(State::Unknown, std::string(error.what()) + " (see --help)");
  } catch (const ConfigError &error) {
    return failure(State::Unknown, error.what());
  } catch (const WaitError &error) {
    return failure(State::Unknown, error.what());
  } catch (const TimeoutError &error) {
    return failure(timeout_state, error.what());
  } catch (const TransportError &error) {
    return failure(State::Critical, error.what());
  } catch (const ServiceError &error) {
    return failure(State::Critical, error.what());
  } catch (const ThrottledError &error) {
    return failure(State::Unknown, error.what());
  } catch (const CredentialExpiredError &error) {
    return failure(State::Critical, error.what());
  } catch (const AuthError &error) {
    return failure(State::Unknown, error.what());
  } catch (const GraphError &error) {
    return failure(State::Unknown, error.what());
  } catch (const ApiFormatError &error) {
    return failure(State::Unknown, error.what());
  } catch (const std::bad_alloc &) {
    return failure(State::Unknown, "out of memory");
  } catch (const std::exception &error) {
    return failure(State::Unknown, std::string("internal error: ") + error.what());
  } catch (...) {
    return failure(State::Unknown, "internal error");
  }
}

} // namespace cps
