// The counter commands: INCR, DECR, INCRBY, DECRBY on 64-bit integers with Redis's overflow
// checks, and INCRBYFLOAT on long doubles, propagated as SET ... KEEPTTL. Introduced in lab 5.
#include <climits>
#include <cmath>
#include <string>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"

namespace cmd {

namespace {

// Redis's incrDecrCommand(): the key's value (0 when missing) plus `increment`, kept as the
// decimal text a string value is. The key's deadline survives.
void increment_by(Context& ctx, long long increment) {
    const std::string_view key = ctx.argv[1];
    // Looked up for writing: not counted as a hit or miss (Redis's lookupKeyWrite).
    const auto found = ctx.db.keyspace().find<std::string>(key);
    if (reply_if_wrong_type(ctx, found)) return;
    const auto text = string_of(found);
    long long value = 0;
    if (text) {
        const auto parsed = parse_integer(*text);
        if (!parsed) return ctx.reply.error(errors::not_integer);
        value = *parsed;
    }
    if ((increment < 0 && value < 0 && increment < LLONG_MIN - value) ||
        (increment > 0 && value > 0 && increment > LLONG_MAX - value)) {
        return ctx.reply.error(errors::overflow);
    }
    value += increment;
    if (text) {
        replace_value(ctx.db, key, std::to_string(value));
    } else {
        ctx.db.keyspace().set(key, std::to_string(value));
        ctx.db.add_changes();
    }
    ctx.reply.integer(value);
}

/* INCR key */
void incr_command(Context& ctx) {
    increment_by(ctx, 1);
}

/* DECR key */
void decr_command(Context& ctx) {
    increment_by(ctx, -1);
}

/* INCRBY key increment */
void incrby_command(Context& ctx) {
    if (const auto increment = integer_argument(ctx, ctx.argv[2])) increment_by(ctx, *increment);
}

/* DECRBY key decrement */
void decrby_command(Context& ctx) {
    const auto decrement = integer_argument(ctx, ctx.argv[2]);
    if (!decrement) return;
    if (*decrement == LLONG_MIN) return ctx.reply.error(errors::decrement_overflow);
    increment_by(ctx, -*decrement);
}

/* INCRBYFLOAT key increment */
void incrbyfloat_command(Context& ctx) {
    const std::string_view key = ctx.argv[1];
    // Looked up for writing: not counted as a hit or miss (Redis's lookupKeyWrite).
    const auto found = ctx.db.keyspace().find<std::string>(key);
    if (reply_if_wrong_type(ctx, found)) return;
    const auto text = string_of(found);
    long double value = 0;
    if (text) {
        const auto parsed = parse_long_double(*text);
        if (!parsed) return ctx.reply.error(errors::not_float);
        value = *parsed;
    }
    const auto increment = parse_long_double(ctx.argv[2]);
    if (!increment) return ctx.reply.error(errors::not_float);
    value += *increment;
    if (std::isnan(value) || std::isinf(value)) return ctx.reply.error(errors::nan_or_infinity);
    const std::string result = format_long_double(value);
    if (text) {
        replace_value(ctx.db, key, result);
    } else {
        ctx.db.keyspace().set(key, result);
        ctx.db.add_changes();
    }
    ctx.reply.bulk(result);
    // A replica must not redo the long double arithmetic (its precision and formatting may
    // differ): it gets the result.
    ctx.replace_propagation({"SET", std::string{key}, result, "KEEPTTL"});
}

Command command(std::string name, int arity, Handler handler, std::string_view syntax,
                std::string_view summary, std::string_view since) {
    return make_command(Group::string, std::move(name), arity,
                        Flag::write | Flag::denyoom | Flag::fast, KeySpec{1, 1, 1}, handler, syntax,
                        summary, since);
}

}  // namespace

void register_counter_family(CommandTable& table) {
    table.add(command("incr", 2, incr_command, "INCR key",
                      "Increment the integer value of a key by one", "1.0.0"));
    table.add(command("decr", 2, decr_command, "DECR key",
                      "Decrement the integer value of a key by one", "1.0.0"));
    table.add(command("incrby", 3, incrby_command, "INCRBY key increment",
                      "Increment the integer value of a key by the given amount", "1.0.0"));
    table.add(command("decrby", 3, decrby_command, "DECRBY key decrement",
                      "Decrement the integer value of a key by the given number", "1.0.0"));
    table.add(command("incrbyfloat", 3, incrbyfloat_command, "INCRBYFLOAT key increment",
                      "Increment the float value of a key by the given amount", "2.6.0"));
}

}  // namespace cmd
