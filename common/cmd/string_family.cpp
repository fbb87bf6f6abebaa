// The string family: SET and its variants (SETNX, SETEX, PSETEX), GET, GETDEL, GETEX, MGET,
// MSET, MSETNX. Relative expiries are propagated as absolute PXAT / PEXPIREAT. Introduced in
// lab 5; APPEND, STRLEN, GETRANGE, SETRANGE are in string_range_family.cpp.
#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"

namespace cmd {

namespace {

// Which expiry option a SET or GETEX named. Redis allows one of them, repeated at most as
// itself (`EX 1 EX 2` is accepted: the last wins).
enum class Expiry { none, ex, px, exat, pxat, keepttl, persist };
enum class OptionsFor { set, getex };

struct StringOptions {
    bool nx = false;
    bool xx = false;
    bool get = false;
    Expiry expiry = Expiry::none;
    std::string_view expire_text;  // the number after EX, PX, EXAT or PXAT
};

bool takes_number(Expiry expiry) {
    return expiry == Expiry::ex || expiry == Expiry::px || expiry == Expiry::exat ||
           expiry == Expiry::pxat;
}

// The expiry option named by `word`, if any.
std::optional<Expiry> expiry_word(std::string_view word) {
    if (equals_ignoring_case(word, "EX")) return Expiry::ex;
    if (equals_ignoring_case(word, "PX")) return Expiry::px;
    if (equals_ignoring_case(word, "EXAT")) return Expiry::exat;
    if (equals_ignoring_case(word, "PXAT")) return Expiry::pxat;
    if (equals_ignoring_case(word, "KEEPTTL")) return Expiry::keepttl;
    if (equals_ignoring_case(word, "PERSIST")) return Expiry::persist;
    return std::nullopt;
}

// Redis's parseExtendedStringArgumentsOrReply(): options from argv[first] on. Replies
// `ERR syntax error` and returns false for anything it does not accept.
bool parse_options(Context& ctx, std::size_t first, OptionsFor which, StringOptions& options) {
    const bool for_set = which == OptionsFor::set;
    for (std::size_t i = first; i < ctx.argv.size(); ++i) {
        const std::string_view word = ctx.argv[i];
        const bool has_next = i + 1 < ctx.argv.size();
        const auto expiry = expiry_word(word);
        if (for_set && equals_ignoring_case(word, "NX") && !options.xx) {
            options.nx = true;
        } else if (for_set && equals_ignoring_case(word, "XX") && !options.nx) {
            options.xx = true;
        } else if (for_set && equals_ignoring_case(word, "GET")) {
            options.get = true;
        } else if (expiry && (options.expiry == Expiry::none || options.expiry == *expiry) &&
                   (*expiry != Expiry::keepttl || for_set) &&
                   (*expiry != Expiry::persist || !for_set) &&
                   (!takes_number(*expiry) || has_next)) {
            options.expiry = *expiry;
            if (takes_number(*expiry)) options.expire_text = ctx.argv[++i];
        } else {
            ctx.reply.error(errors::syntax);
            return false;
        }
    }
    return true;
}

// Redis's getExpireMillisecondsOrReply(): the absolute deadline in Unix milliseconds, or
// nothing after replying `ERR invalid expire time in '<command>' command`.
std::optional<long long> deadline_ms(Context& ctx, const StringOptions& options) {
    const auto number = integer_argument(ctx, options.expire_text);
    if (!number) return std::nullopt;
    long long milliseconds = *number;
    const bool seconds = options.expiry == Expiry::ex || options.expiry == Expiry::exat;
    const bool relative = options.expiry == Expiry::ex || options.expiry == Expiry::px;
    const long long now = unix_ms(ctx.now());
    if (milliseconds <= 0 || (seconds && milliseconds > LLONG_MAX / 1000) ||
        (relative && milliseconds * (seconds ? 1000 : 1) > LLONG_MAX - now)) {
        ctx.reply.error(errors::invalid_expire_time(ctx.command.full_name()));
        return std::nullopt;
    }
    if (seconds) milliseconds *= 1000;
    if (relative) milliseconds += now;
    return milliseconds;
}

// What SET-like commands reply when they set the key, and when NX/XX stopped them.
struct SetReplies {
    bool integer = false;  // SETNX: :1 / :0 instead of +OK / null
};

// Redis's setGenericCommand(): SET, SETNX, SETEX and PSETEX all end here.
void set_generic(Context& ctx, const StringOptions& options, std::optional<long long> deadline,
                 SetReplies replies, std::string_view key, std::string_view value) {
    auto& keyspace = ctx.db.keyspace();
    std::optional<std::string> old_value;
    if (options.get) {
        // SET ... GET must find a string or nothing; SET alone overwrites any type.
        const auto found = ctx.db.lookup_read<std::string>(key);
        if (reply_if_wrong_type(ctx, found)) return;
        if (found.found()) old_value.emplace(*found.value);
    }
    const bool found = keyspace.exists(key);
    auto reply = [&](bool done) {
        if (options.get) {
            old_value ? ctx.reply.bulk(*old_value) : ctx.reply.null_bulk();
        } else if (replies.integer) {
            ctx.reply.integer(done ? 1 : 0);
        } else {
            done ? ctx.reply_ok() : ctx.reply.null_bulk();
        }
    };
    if ((options.nx && found) || (options.xx && !found)) return reply(false);

    std::optional<store::TimePoint> new_deadline;
    if (options.expiry == Expiry::keepttl) new_deadline = keyspace.deadline(key);
    if (deadline) new_deadline = from_unix_ms(*deadline);
    ctx.db.add_changes();
    if (deadline && already_expired(ctx, *deadline)) {
        // A deadline already past: the key is gone at once, and so it is on the replicas.
        keyspace.del(key);
        ctx.replace_propagation({"DEL", std::string{key}});
        return reply(true);
    }
    keyspace.set(key, value, new_deadline);
    if (deadline) {
        ctx.replace_propagation(
            {"SET", std::string{key}, std::string{value}, "PXAT", std::to_string(*deadline)});
    } else if (options.get) {
        // Without GET, which would make the replica look the old value up for nothing.
        std::vector<std::string> argv;
        for (std::size_t i = 0; i < ctx.argv.size(); ++i) {
            if (i < 3 || !equals_ignoring_case(ctx.argv[i], "GET")) argv.emplace_back(ctx.argv[i]);
        }
        ctx.replace_propagation(std::move(argv));
    }
    reply(true);
}

/* SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
       PXAT unix-time-milliseconds | KEEPTTL] */
void set_command(Context& ctx) {
    StringOptions options;
    if (!parse_options(ctx, 3, OptionsFor::set, options)) return;
    std::optional<long long> deadline;
    if (takes_number(options.expiry)) {
        deadline = deadline_ms(ctx, options);
        if (!deadline) return;
    }
    set_generic(ctx, options, deadline, {}, ctx.argv[1], ctx.argv[2]);
}

/* SETNX key value */
void setnx_command(Context& ctx) {
    StringOptions options;
    options.nx = true;
    set_generic(ctx, options, std::nullopt, SetReplies{.integer = true}, ctx.argv[1], ctx.argv[2]);
}

// SETEX and PSETEX: SET with EX or PX, the number before the value.
void set_with_expiry(Context& ctx, Expiry expiry) {
    StringOptions options;
    options.expiry = expiry;
    options.expire_text = ctx.argv[2];
    const auto deadline = deadline_ms(ctx, options);
    if (deadline) set_generic(ctx, options, deadline, {}, ctx.argv[1], ctx.argv[3]);
}

/* SETEX key seconds value */
void setex_command(Context& ctx) {
    set_with_expiry(ctx, Expiry::ex);
}

/* PSETEX key milliseconds value */
void psetex_command(Context& ctx) {
    set_with_expiry(ctx, Expiry::px);
}

/* GET key */
void get_command(Context& ctx) {
    const auto found = ctx.db.lookup_read<std::string>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    found.found() ? ctx.reply.bulk(*found.value) : ctx.reply.null_bulk();
}

/* GETDEL key */
void getdel_command(Context& ctx) {
    const auto found = ctx.db.lookup_read<std::string>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    if (!found.found()) return ctx.reply.null_bulk();
    ctx.reply.bulk(*found.value);  // before the delete invalidates the pointer
    ctx.db.keyspace().del(ctx.argv[1]);
    ctx.db.add_changes();
    ctx.replace_propagation({"DEL", std::string{ctx.argv[1]}});
}

/* GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
         PXAT unix-time-milliseconds | PERSIST] */
void getex_command(Context& ctx) {
    StringOptions options;
    if (!parse_options(ctx, 2, OptionsFor::getex, options)) return;
    const std::string key{ctx.argv[1]};
    const auto found = ctx.db.lookup_read<std::string>(key);
    if (reply_if_wrong_type(ctx, found)) return;
    if (!found.found()) return ctx.reply.null_bulk();
    // As Redis: the key is looked up and its type checked before the expiry is validated.
    std::optional<long long> deadline;
    if (takes_number(options.expiry)) {
        deadline = deadline_ms(ctx, options);
        if (!deadline) return;
    }
    ctx.reply.bulk(*found.value);
    auto& keyspace = ctx.db.keyspace();
    // Never propagated as GETEX: as DEL, PEXPIREAT or PERSIST, or not at all.
    if (deadline && already_expired(ctx, *deadline)) {
        keyspace.del(key);
        ctx.db.add_changes();
        ctx.replace_propagation({"DEL", key});
    } else if (deadline) {
        keyspace.expire_at(key, from_unix_ms(*deadline));
        ctx.db.add_changes();
        ctx.replace_propagation({"PEXPIREAT", key, std::to_string(*deadline)});
    } else if (options.expiry == Expiry::persist && keyspace.persist(key)) {
        ctx.db.add_changes();
        ctx.replace_propagation({"PERSIST", key});
    }
}

/* MGET key [key ...] */
void mget_command(Context& ctx) {
    ctx.reply.array_header(ctx.argv.size() - 1);
    for (std::size_t i = 1; i < ctx.argv.size(); ++i) {
        // A key of another type reads as nil here, not WRONGTYPE: MGET never fails.
        const auto found = ctx.db.lookup_read<std::string>(ctx.argv[i]);
        found.found() ? ctx.reply.bulk(*found.value) : ctx.reply.null_bulk();
    }
}

void set_pairs(Context& ctx) {
    for (std::size_t i = 1; i + 1 < ctx.argv.size(); i += 2) {
        ctx.db.keyspace().set(ctx.argv[i], ctx.argv[i + 1]);
    }
    ctx.db.add_changes((ctx.argv.size() - 1) / 2);
}

/* MSET key value [key value ...] */
void mset_command(Context& ctx) {
    if (ctx.argv.size() % 2 == 0) return ctx.reply_wrong_arity();
    set_pairs(ctx);
    ctx.reply_ok();
}

/* MSETNX key value [key value ...] */
void msetnx_command(Context& ctx) {
    if (ctx.argv.size() % 2 == 0) return ctx.reply_wrong_arity();
    for (std::size_t i = 1; i < ctx.argv.size(); i += 2) {
        if (ctx.db.keyspace().exists(ctx.argv[i])) return ctx.reply.integer(0);
    }
    set_pairs(ctx);
    ctx.reply.integer(1);
}

Command command(std::string name, int arity, Flags flags, KeySpec keys, Handler handler,
                std::string_view syntax, std::string_view summary, std::string_view since) {
    return make_command(Group::string, std::move(name), arity, flags, keys, handler, syntax,
                        summary, since);
}

}  // namespace

void register_string_family(CommandTable& table) {
    const Flags write = Flag::write | Flag::denyoom;
    const Flags read = Flag::readonly | Flag::fast;
    table.add(command("set", -3, write, {1, 1, 1}, set_command,
                      "SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT "
                      "unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
                      "Set the string value of a key", "1.0.0"));
    table.add(command("setnx", 3, write | Flag::fast, {1, 1, 1}, setnx_command, "SETNX key value",
                      "Set the value of a key, only if the key does not exist", "1.0.0"));
    table.add(command("setex", 4, write, {1, 1, 1}, setex_command, "SETEX key seconds value",
                      "Set the value and expiration of a key", "2.0.0"));
    table.add(command("psetex", 4, write, {1, 1, 1}, psetex_command,
                      "PSETEX key milliseconds value",
                      "Set the value and expiration in milliseconds of a key", "2.6.0"));
    table.add(command("get", 2, read, {1, 1, 1}, get_command, "GET key", "Get the value of a key",
                      "1.0.0"));
    table.add(command("getdel", 2, Flag::write | Flag::fast, {1, 1, 1}, getdel_command,
                      "GETDEL key", "Get the value of a key and delete the key", "6.2.0"));
    table.add(command("getex", -2, Flag::write | Flag::fast, {1, 1, 1}, getex_command,
                      "GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT "
                      "unix-time-milliseconds | PERSIST]",
                      "Get the value of a key and optionally set its expiration", "6.2.0"));
    table.add(command("mget", -2, read, {1, -1, 1}, mget_command, "MGET key [key ...]",
                      "Get the values of all the given keys", "1.0.0"));
    table.add(command("mset", -3, write, {1, -1, 2}, mset_command, "MSET key value [key value ...]",
                      "Set multiple keys to multiple values", "1.0.1"));
    table.add(
        command("msetnx", -3, write, {1, -1, 2}, msetnx_command, "MSETNX key value [key value ...]",
                "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1"));
}

}  // namespace cmd
