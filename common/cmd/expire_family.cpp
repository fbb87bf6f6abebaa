// The expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT, TTL, PTTL,
// EXPIRETIME, PEXPIRETIME, PERSIST. Every deadline is propagated as PEXPIREAT, and one
// already past as DEL. Introduced in lab 5.
#include <algorithm>
#include <climits>
#include <optional>
#include <string>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"

namespace cmd {

namespace {

enum class Unit { seconds, milliseconds };
enum class Base { now, epoch };  // EXPIRE counts from now, EXPIREAT from the Unix epoch

struct Conditions {
    bool nx = false;  // only if the key has no deadline
    bool xx = false;  // only if it has one
    bool gt = false;  // only if the new deadline is later (no deadline = infinitely late)
    bool lt = false;  // only if it is earlier
};

// Redis's parseExtendedExpireArgumentsOrReply(): the words after the number.
std::optional<Conditions> parse_conditions(Context& ctx) {
    Conditions conditions;
    for (std::size_t i = 3; i < ctx.argv.size(); ++i) {
        const std::string_view word = ctx.argv[i];
        if (equals_ignoring_case(word, "NX")) {
            conditions.nx = true;
        } else if (equals_ignoring_case(word, "XX")) {
            conditions.xx = true;
        } else if (equals_ignoring_case(word, "GT")) {
            conditions.gt = true;
        } else if (equals_ignoring_case(word, "LT")) {
            conditions.lt = true;
        } else {
            ctx.reply.error(errors::unsupported_option(word));
            return std::nullopt;
        }
    }
    if (conditions.nx && (conditions.xx || conditions.gt || conditions.lt)) {
        ctx.reply.error(errors::expire_nx_and_other);
        return std::nullopt;
    }
    if (conditions.gt && conditions.lt) {
        ctx.reply.error(errors::expire_gt_and_lt);
        return std::nullopt;
    }
    return conditions;
}

// Whether the conditions let a deadline of `when` replace `current` (empty = none).
bool allowed(const Conditions& conditions, std::optional<long long> current, long long when) {
    if (conditions.nx && current) return false;
    if (conditions.xx && !current) return false;
    if (conditions.gt && (!current || when <= *current)) return false;
    if (conditions.lt && current && when >= *current) return false;
    return true;
}

// Redis's expireGenericCommand(). Unlike SET's, the number may be negative (a deadline in the
// past deletes the key); only overflow is an invalid expire time.
void expire_generic(Context& ctx, Unit unit, Base base) {
    const std::string key{ctx.argv[1]};
    const auto number = integer_argument(ctx, ctx.argv[2]);
    if (!number) return;
    const auto conditions = parse_conditions(ctx);
    if (!conditions) return;
    long long when = *number;
    if (unit == Unit::seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            return ctx.reply.error(errors::invalid_expire_time(ctx.command.full_name()));
        }
        when *= 1000;
    }
    const long long base_ms = base == Base::now ? unix_ms(ctx.now()) : 0;
    if (when > LLONG_MAX - base_ms) {
        return ctx.reply.error(errors::invalid_expire_time(ctx.command.full_name()));
    }
    when += base_ms;

    auto& keyspace = ctx.db.keyspace();
    if (!keyspace.exists(key)) return ctx.reply.integer(0);
    std::optional<long long> current;
    if (const auto deadline = keyspace.deadline(key)) current = unix_ms(*deadline);
    if (!allowed(*conditions, current, when)) return ctx.reply.integer(0);

    ctx.db.add_changes();
    if (already_expired(ctx, when)) {
        keyspace.del(key);
        ctx.replace_propagation({"DEL", key});
    } else {
        keyspace.expire_at(key, from_unix_ms(when));
        if (ctx.command.name != "pexpireat") {
            ctx.replace_propagation({"PEXPIREAT", key, std::to_string(when)});
        }
    }
    ctx.reply.integer(1);
}

/* EXPIRE key seconds [NX | XX | GT | LT] */
void expire_command(Context& ctx) {
    expire_generic(ctx, Unit::seconds, Base::now);
}

/* PEXPIRE key milliseconds [NX | XX | GT | LT] */
void pexpire_command(Context& ctx) {
    expire_generic(ctx, Unit::milliseconds, Base::now);
}

/* EXPIREAT key unix-time-seconds [NX | XX | GT | LT] */
void expireat_command(Context& ctx) {
    expire_generic(ctx, Unit::seconds, Base::epoch);
}

/* PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] */
void pexpireat_command(Context& ctx) {
    expire_generic(ctx, Unit::milliseconds, Base::epoch);
}

// What TTL and friends report.
enum class Report { remaining, deadline };

// -2 for a missing key, -1 for a key without deadline, else the time left or the deadline.
void ttl_generic(Context& ctx, Unit unit, Report report) {
    const std::string_view key = ctx.argv[1];
    if (!ctx.db.lookup_type(key)) return ctx.reply.integer(-2);
    const auto deadline = ctx.db.keyspace().deadline(key);
    if (!deadline) return ctx.reply.integer(-1);
    long long value = unix_ms(*deadline);
    if (report == Report::remaining) {
        value = std::max(value - unix_ms(ctx.now()), 0LL);
        // TTL rounds to the nearest second, as Redis: 1.5 s left reads as 2.
        if (unit == Unit::seconds) value = (value + 500) / 1000;
    } else if (unit == Unit::seconds) {
        value /= 1000;
    }
    ctx.reply.integer(value);
}

/* TTL key */
void ttl_command(Context& ctx) {
    ttl_generic(ctx, Unit::seconds, Report::remaining);
}

/* PTTL key */
void pttl_command(Context& ctx) {
    ttl_generic(ctx, Unit::milliseconds, Report::remaining);
}

/* EXPIRETIME key */
void expiretime_command(Context& ctx) {
    ttl_generic(ctx, Unit::seconds, Report::deadline);
}

/* PEXPIRETIME key */
void pexpiretime_command(Context& ctx) {
    ttl_generic(ctx, Unit::milliseconds, Report::deadline);
}

/* PERSIST key */
void persist_command(Context& ctx) {
    const bool removed = ctx.db.keyspace().persist(ctx.argv[1]);
    if (removed) ctx.db.add_changes();
    ctx.reply.integer(removed ? 1 : 0);
}

Command command(std::string name, int arity, Flags flags, Handler handler, std::string_view syntax,
                std::string_view summary, std::string_view since) {
    return make_command(Group::generic, std::move(name), arity, flags, KeySpec{1, 1, 1}, handler,
                        syntax, summary, since);
}

}  // namespace

void register_expire_family(CommandTable& table) {
    const Flags write = Flag::write | Flag::fast;
    const Flags read = Flag::readonly | Flag::fast;
    table.add(command("expire", -3, write, expire_command, "EXPIRE key seconds [NX | XX | GT | LT]",
                      "Set a key's time to live in seconds", "1.0.0"));
    table.add(command("pexpire", -3, write, pexpire_command,
                      "PEXPIRE key milliseconds [NX | XX | GT | LT]",
                      "Set a key's time to live in milliseconds", "2.6.0"));
    table.add(command("expireat", -3, write, expireat_command,
                      "EXPIREAT key unix-time-seconds [NX | XX | GT | LT]",
                      "Set the expiration for a key as a UNIX timestamp", "1.2.0"));
    table.add(command("pexpireat", -3, write, pexpireat_command,
                      "PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]",
                      "Set the expiration for a key as a UNIX timestamp specified in "
                      "milliseconds",
                      "2.6.0"));
    table.add(command("ttl", 2, read, ttl_command, "TTL key",
                      "Get the time to live for a key "
                      "in seconds",
                      "1.0.0"));
    table.add(command("pttl", 2, read, pttl_command, "PTTL key",
                      "Get the time to live for a key in milliseconds", "2.6.0"));
    table.add(command("expiretime", 2, read, expiretime_command, "EXPIRETIME key",
                      "Get the expiration Unix timestamp for a key", "7.0.0"));
    table.add(command("pexpiretime", 2, read, pexpiretime_command, "PEXPIRETIME key",
                      "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"));
    table.add(command("persist", 2, write, persist_command, "PERSIST key",
                      "Remove the expiration from a key", "2.2.0"));
}

}  // namespace cmd
