// Small helpers the family files share: reading integer arguments with Redis's error reply,
// replacing a value while keeping its deadline, millisecond conversions, and (lab 6) the
// WRONGTYPE check. Introduced in lab 5.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/numbers.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace cmd {

/// The integer in `text`, or nothing after replying `ERR value is not an integer or out of
/// range` (Redis's getLongLongFromObjectOrReply).
[[nodiscard]] inline std::optional<long long> integer_argument(Context& ctx,
                                                               std::string_view text) {
    auto value = parse_integer(text);
    if (!value) ctx.reply.error(errors::not_integer);
    return value;
}

/// Redis's checkType(): true, after replying WRONGTYPE, when the lookup found a key of another
/// type. A missing key is not an error: each command treats it as an empty value.
template <class T>
[[nodiscard]] bool reply_if_wrong_type(Context& ctx, const store::Lookup<T>& found) {
    if (found.access != store::Access::wrong_type) return false;
    ctx.reply.error(errors::wrong_type);
    return true;
}

/// The string a lookup found, as an optional view: nothing for a missing key.
[[nodiscard]] inline std::optional<std::string_view> string_of(
    const store::Lookup<std::string>& found) {
    if (!found.found()) return std::nullopt;
    return std::string_view{*found.value};
}

/// Milliseconds since the Unix epoch: how deadlines travel on the wire (PXAT, PEXPIREAT).
[[nodiscard]] inline long long unix_ms(store::TimePoint time) {
    return time.time_since_epoch().count();
}

[[nodiscard]] inline store::TimePoint from_unix_ms(long long milliseconds) {
    return store::TimePoint{std::chrono::milliseconds{milliseconds}};
}

/// Replaces the value of `key` and keeps its deadline (APPEND, SETRANGE, INCR keep a key's
/// TTL; only SET and friends drop it). Counts one change.
inline void replace_value(Database& db, std::string_view key, std::string_view value) {
    const auto deadline = db.keyspace().deadline(key);
    db.keyspace().set(key, value, deadline);
    db.add_changes();
}

/// Redis's checkAlreadyExpired(): a deadline at or before now means the key is gone at once
/// (note `<=`, where the keyspace's lazy expiry uses `>`: Redis has the same asymmetry).
[[nodiscard]] inline bool already_expired(const Context& ctx, long long deadline_ms) {
    return deadline_ms <= unix_ms(ctx.now()) && ctx.session.kind == ClientKind::normal;
}

}  // namespace cmd
