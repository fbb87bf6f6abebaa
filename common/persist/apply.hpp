// apply(): executes the few write commands lab 4's append-only file holds (SET with optional
// PXAT, DEL, PEXPIREAT, PERSIST) on a Keyspace. Introduced in lab 4 as a stand-in: lab 5's
// command table (common/cmd/) replaces it, and replay then goes through the real commands.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "store/keyspace.hpp"

namespace persist {

/// How apply() ended.
enum class ApplyStatus {
    ok,
    unknown_command,    ///< not one of the four commands lab 4 knows
    invalid_arguments,  ///< wrong arity, unknown option, or a number that does not parse
};

/// The outcome of apply(): a status, and Redis's error text when it is not ok.
struct ApplyResult {
    ApplyStatus status = ApplyStatus::ok;
    /// e.g. "ERR syntax error"; empty when status is ok.
    std::string message;
};

/// Executes one command on `keyspace`. The name is case-insensitive, as in Redis; arguments
/// are bytes. Deadlines are absolute (PXAT, PEXPIREAT) because that is what a log must hold:
/// a relative EX 10 replayed next week would mean a different instant.
///
///     SET key value [PXAT unix-time-milliseconds]
///     DEL key [key ...]
///     PEXPIREAT key unix-time-milliseconds
///     PERSIST key
[[nodiscard]] ApplyResult apply(store::Keyspace& keyspace, std::span<const std::string_view> argv);

}  // namespace persist
