// The list family: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM
// LTRIM LPOS LMOVE RPOPLPUSH, and the blocking pops BLPOP BRPOP BLMOVE BRPOPLPUSH. Handlers parse,
// check the type, call one function of store/list.hpp and write the reply, in the order Redis 7's
// t_list.c checks things. Introduced in lab 6.
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"
#include "store/keyspace.hpp"
#include "store/list.hpp"

namespace cmd {

namespace {

using store::Access;
using store::Create;
using store::End;
using store::List;

// Whether a push creates a missing key (LPUSH) or leaves it alone (LPUSHX).
enum class IfMissing { create, skip };

// LEFT or RIGHT, as LMOVE names an end; nothing for any other word.
std::optional<End> end_word(std::string_view word) {
    if (equals_ignoring_case(word, "LEFT")) return End::head;
    if (equals_ignoring_case(word, "RIGHT")) return End::tail;
    return std::nullopt;
}

// Redis's pushGenericCommand(): LPUSH, RPUSH, LPUSHX, RPUSHX.
void push_generic(Context& ctx, End end, IfMissing if_missing) {
    const std::string_view key = ctx.argv[1];
    auto list = ctx.db.keyspace().edit<List>(
        key, if_missing == IfMissing::create ? Create::if_missing : Create::no);
    if (list.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!list.found()) return ctx.reply.integer(0);
    const auto elements = ctx.argv.subspan(2);
    const std::size_t length = store::push(*list, end, elements);
    ctx.db.add_changes(elements.size());
    ctx.db.signal_key_ready(key);  // a blocked BLPOP may now be served
    ctx.reply.integer(static_cast<long long>(length));
}

// Redis's popGenericCommand(): LPOP and RPOP. Without a count the reply is one bulk string (or
// nil); with one it is an array, nil for a missing key, and empty for a count of 0.
void pop_generic(Context& ctx, End end) {
    if (ctx.argv.size() > 3) return ctx.reply_wrong_arity();  // at most one count
    std::optional<std::size_t> count;
    if (ctx.argv.size() == 3) {
        // Redis's getPositiveLongFromObjectOrReply(): one message for "x" and for "-1".
        const auto number = parse_integer(ctx.argv[2]);
        if (!number || *number < 0) return ctx.reply.error(errors::count_not_positive);
        count = static_cast<std::size_t>(*number);
    }
    auto list = ctx.db.keyspace().edit<List>(ctx.argv[1]);
    if (list.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!list.found()) return count ? ctx.reply.null_array() : ctx.reply.null_bulk();
    if (!count) {
        const auto popped = store::pop(*list, end, 1);
        ctx.db.add_changes();
        return ctx.reply.bulk(popped.front());
    }
    const auto popped = store::pop(*list, end, *count);
    ctx.db.add_changes(popped.size());  // none for a count of 0: nothing is propagated
    ctx.reply.array_header(popped.size());
    for (const std::string& element : popped)
        ctx.reply.bulk(element);
}  // the handle closes here and deletes the key if the list is now empty

// Redis's lmoveGenericCommand(): LMOVE and RPOPLPUSH. A missing source answers nil before the
// destination's type is looked at, as Redis does.
void move_generic(Context& ctx, End from, End to) {
    const std::string_view source_key = ctx.argv[1];
    const std::string_view destination_key = ctx.argv[2];
    auto& keyspace = ctx.db.keyspace();
    auto source = keyspace.edit<List>(source_key);
    if (source.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!source.found()) return ctx.reply.null_bulk();
    auto destination = keyspace.edit<List>(destination_key, Create::if_missing);
    if (destination.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    const auto moved = store::move_element(*source, from, *destination, to);
    if (!moved) return ctx.reply.null_bulk();
    ctx.reply.bulk(*moved);  // before the handles close: the view lives in the destination
    ctx.db.add_changes();
    ctx.db.signal_key_ready(destination_key);
}

/* LPUSH key element [element ...] */
void lpush_command(Context& ctx) {
    push_generic(ctx, End::head, IfMissing::create);
}

/* RPUSH key element [element ...] */
void rpush_command(Context& ctx) {
    push_generic(ctx, End::tail, IfMissing::create);
}

/* LPUSHX key element [element ...] */
void lpushx_command(Context& ctx) {
    push_generic(ctx, End::head, IfMissing::skip);
}

/* RPUSHX key element [element ...] */
void rpushx_command(Context& ctx) {
    push_generic(ctx, End::tail, IfMissing::skip);
}

/* LPOP key [count] */
void lpop_command(Context& ctx) {
    pop_generic(ctx, End::head);
}

/* RPOP key [count] */
void rpop_command(Context& ctx) {
    pop_generic(ctx, End::tail);
}

/* LLEN key */
void llen_command(Context& ctx) {
    const auto found = ctx.db.lookup_read<List>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    ctx.reply.integer(found.found() ? static_cast<long long>(found.value->size()) : 0);
}

/* LRANGE key start stop */
void lrange_command(Context& ctx) {
    const auto start = integer_argument(ctx, ctx.argv[2]);
    if (!start) return;
    const auto stop = integer_argument(ctx, ctx.argv[3]);
    if (!stop) return;
    const auto found = ctx.db.lookup_read<List>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    if (!found.found()) return ctx.reply.array_header(0);
    const auto elements = store::range(*found.value, *start, *stop);
    ctx.reply.array_header(elements.size());
    for (const std::string_view element : elements)
        ctx.reply.bulk(element);
}

/* LINDEX key index */
void lindex_command(Context& ctx) {
    // Redis looks the key up before it reads the index: a missing key is nil whatever follows.
    const auto found = ctx.db.lookup_read<List>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    if (!found.found()) return ctx.reply.null_bulk();
    const auto index = integer_argument(ctx, ctx.argv[2]);
    if (!index) return;
    const auto element = store::element_at(*found.value, *index);
    element ? ctx.reply.bulk(*element) : ctx.reply.null_bulk();
}

/* LSET key index element */
void lset_command(Context& ctx) {
    auto list = ctx.db.keyspace().edit<List>(ctx.argv[1]);
    if (list.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!list.found()) return ctx.reply.error(errors::no_such_key);
    const auto index = integer_argument(ctx, ctx.argv[2]);
    if (!index) return;
    if (store::set(*list, *index, ctx.argv[3]) == store::SetStatus::index_out_of_range) {
        return ctx.reply.error(errors::index_out_of_range);
    }
    ctx.db.add_changes();
    ctx.reply_ok();
}

/* LINSERT key <BEFORE | AFTER> pivot element */
void linsert_command(Context& ctx) {
    store::Side side = store::Side::before;
    if (equals_ignoring_case(ctx.argv[2], "AFTER")) {
        side = store::Side::after;
    } else if (!equals_ignoring_case(ctx.argv[2], "BEFORE")) {
        return ctx.reply.error(errors::syntax);
    }
    auto list = ctx.db.keyspace().edit<List>(ctx.argv[1]);
    if (list.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!list.found()) return ctx.reply.integer(0);
    const long long length = store::insert(*list, side, ctx.argv[3], ctx.argv[4]);
    if (length > 0) ctx.db.add_changes();  // -1: no pivot, nothing changed
    ctx.reply.integer(length);
}

/* LREM key count element */
void lrem_command(Context& ctx) {
    const auto count = integer_argument(ctx, ctx.argv[2]);
    if (!count) return;
    auto list = ctx.db.keyspace().edit<List>(ctx.argv[1]);
    if (list.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!list.found()) return ctx.reply.integer(0);
    const std::size_t removed = store::remove(*list, *count, ctx.argv[3]);
    ctx.db.add_changes(removed);
    ctx.reply.integer(static_cast<long long>(removed));
}

/* LTRIM key start stop */
void ltrim_command(Context& ctx) {
    const auto start = integer_argument(ctx, ctx.argv[2]);
    if (!start) return;
    const auto stop = integer_argument(ctx, ctx.argv[3]);
    if (!stop) return;
    auto list = ctx.db.keyspace().edit<List>(ctx.argv[1]);
    if (list.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!list.found()) return ctx.reply_ok();
    const std::size_t before = list->size();
    store::trim(*list, *start, *stop);
    ctx.db.add_changes(before - list->size());  // a trim that keeps everything is not propagated
    ctx.reply_ok();
}

// LPOS's options, parsed before the key is looked up, as Redis does.
struct PositionOptions {
    store::PositionQuery query;
    bool has_count = false;
};

// A COUNT or MAXLEN argument: a non-negative integer, or nothing after replying `message`
// (Redis gives the same message for "x" and for "-1").
std::optional<std::size_t> non_negative(Context& ctx, std::string_view text,
                                        std::string_view message) {
    const auto number = parse_integer(text);
    if (!number || *number < 0) {
        ctx.reply.error(message);
        return std::nullopt;
    }
    return static_cast<std::size_t>(*number);
}

// Redis's lposCommand() option loop: [RANK rank] [COUNT num-matches] [MAXLEN len], in any
// order, each word followed by its number.
std::optional<PositionOptions> parse_position_options(Context& ctx) {
    PositionOptions options;
    options.query.count = 1;
    for (std::size_t i = 3; i < ctx.argv.size(); ++i) {
        const std::string_view word = ctx.argv[i];
        if (i + 1 == ctx.argv.size()) {
            ctx.reply.error(errors::syntax);
            return std::nullopt;
        }
        const std::string_view number = ctx.argv[++i];
        if (equals_ignoring_case(word, "RANK")) {
            const auto rank = integer_argument(ctx, number);
            if (!rank) return std::nullopt;
            const auto status = store::check_rank(*rank);
            if (status != store::RankStatus::ok) {
                ctx.reply.error(status == store::RankStatus::zero ? errors::lpos_rank_zero
                                                                  : errors::lpos_rank_out_of_range);
                return std::nullopt;
            }
            options.query.rank = *rank;
        } else if (equals_ignoring_case(word, "COUNT")) {
            const auto count = non_negative(ctx, number, errors::lpos_count_negative);
            if (!count) return std::nullopt;
            options.query.count = *count;
            options.has_count = true;
        } else if (equals_ignoring_case(word, "MAXLEN")) {
            const auto maxlen = non_negative(ctx, number, errors::lpos_maxlen_negative);
            if (!maxlen) return std::nullopt;
            options.query.maxlen = *maxlen;
        } else {
            ctx.reply.error(errors::syntax);
            return std::nullopt;
        }
    }
    return options;
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
void lpos_command(Context& ctx) {
    const auto options = parse_position_options(ctx);
    if (!options) return;
    const auto found = ctx.db.lookup_read<List>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    if (!found.found()) return options->has_count ? ctx.reply.array_header(0) : ctx.reply.null();
    const auto matches = store::positions(*found.value, ctx.argv[2], options->query);
    if (!options->has_count) {
        if (matches.empty()) return ctx.reply.null();
        return ctx.reply.integer(static_cast<long long>(matches.front()));
    }
    ctx.reply.array_header(matches.size());
    for (const std::size_t index : matches)
        ctx.reply.integer(static_cast<long long>(index));
}

/* LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> */
void lmove_command(Context& ctx) {
    const auto from = end_word(ctx.argv[3]);
    const auto to = end_word(ctx.argv[4]);
    if (!from || !to) return ctx.reply.error(errors::syntax);
    move_generic(ctx, *from, *to);
}

/* RPOPLPUSH source destination */
void rpoplpush_command(Context& ctx) {
    move_generic(ctx, End::tail, End::head);
}

// Redis 7.0's getTimeoutFromObjectOrReply() for seconds: a float, rounded up to whole
// milliseconds. A value too large for a long long of milliseconds (1e30, inf) wraps to a
// negative number in Redis's cast, so Redis 7.0.15 answers "timeout is negative": so do we.
// Returns the deadline (nothing = for ever) or replies and returns false in `ok`.
struct Timeout {
    bool ok = false;
    std::optional<store::TimePoint> deadline;
};

Timeout parse_timeout(Context& ctx, std::string_view text) {
    const auto seconds = parse_long_double(text);
    if (!seconds) {
        ctx.reply.error(errors::timeout_not_float);
        return {};
    }
    const long double milliseconds = std::ceil(*seconds * 1000.0L);
    constexpr auto max_ms = static_cast<long double>(std::numeric_limits<long long>::max());
    if (!std::isfinite(milliseconds) || milliseconds < 0 || milliseconds >= max_ms) {
        ctx.reply.error(errors::timeout_negative);
        return {};
    }
    const auto ms = static_cast<long long>(milliseconds);
    if (ms == 0) return {.ok = true, .deadline = std::nullopt};
    const long long now = unix_ms(ctx.now());
    // A deadline beyond what a time point holds is as good as for ever.
    if (ms > std::numeric_limits<long long>::max() - now) return {.ok = true, .deadline = {}};
    return {.ok = true, .deadline = from_unix_ms(now + ms)};
}

// Redis's blockingPopGenericCommand(): BLPOP and BRPOP. The first key, in argument order, that
// holds a non-empty list is served at once; a key of another type is WRONGTYPE when it is
// reached first. Served, the command is propagated as LPOP key / RPOP key.
void blocking_pop_generic(Context& ctx, End end) {
    const Timeout timeout = parse_timeout(ctx, ctx.argv.back());
    if (!timeout.ok) return;
    const auto keys = ctx.argv.subspan(1, ctx.argv.size() - 2);
    for (const std::string_view key : keys) {
        auto list = ctx.db.keyspace().edit<List>(key);
        if (list.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
        if (!list.found()) continue;
        const auto popped = store::pop(*list, end, 1);
        ctx.db.add_changes();
        ctx.reply.array_header(2);
        ctx.reply.bulk(key);
        ctx.reply.bulk(popped.front());
        ctx.replace_propagation({end == End::head ? "LPOP" : "RPOP", std::string{key}});
        return;  // the handle closes here and deletes the key if the list is now empty
    }
    BlockRequest request;
    request.keys.assign(keys.begin(), keys.end());
    request.deadline = timeout.deadline;
    request.timeout_reply = BlockRequest::TimeoutReply::null_array;
    ctx.block(std::move(request));
}

// Redis's blmoveGenericCommand(): BLMOVE and BRPOPLPUSH. A non-empty source is moved at once
// (LMOVE's code, WRONGTYPE checks included) and propagated as `propagated`; a missing one
// blocks on the source.
void blocking_move_generic(Context& ctx, End from, End to, std::string_view timeout_text,
                           std::vector<std::string> propagated) {
    const Timeout timeout = parse_timeout(ctx, timeout_text);
    if (!timeout.ok) return;
    const std::string_view source_key = ctx.argv[1];
    {
        const auto source = ctx.db.keyspace().find<List>(source_key);
        if (source.access == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
        if (source.found()) {
            ctx.replace_propagation(std::move(propagated));
            return move_generic(ctx, from, to);
        }
    }
    BlockRequest request;
    request.keys.emplace_back(source_key);
    request.deadline = timeout.deadline;
    request.timeout_reply = BlockRequest::TimeoutReply::null_bulk;
    ctx.block(std::move(request));
}

/* BLPOP key [key ...] timeout */
void blpop_command(Context& ctx) {
    blocking_pop_generic(ctx, End::head);
}

/* BRPOP key [key ...] timeout */
void brpop_command(Context& ctx) {
    blocking_pop_generic(ctx, End::tail);
}

/* BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout */
void blmove_command(Context& ctx) {
    const auto from = end_word(ctx.argv[3]);
    const auto to = end_word(ctx.argv[4]);
    if (!from || !to) return ctx.reply.error(errors::syntax);
    blocking_move_generic(
        ctx, *from, *to, ctx.argv[5],
        {"LMOVE", std::string{ctx.argv[1]}, std::string{ctx.argv[2]},
         *from == End::head ? "LEFT" : "RIGHT", *to == End::head ? "LEFT" : "RIGHT"});
}

/* BRPOPLPUSH source destination timeout */
void brpoplpush_command(Context& ctx) {
    blocking_move_generic(ctx, End::tail, End::head, ctx.argv[3],
                          {"RPOPLPUSH", std::string{ctx.argv[1]}, std::string{ctx.argv[2]}});
}

Command command(std::string name, int arity, Flags flags, KeySpec keys, Handler handler,
                std::string_view syntax, std::string_view summary, std::string_view since) {
    return make_command(Group::list, std::move(name), arity, flags, keys, handler, syntax, summary,
                        since);
}

}  // namespace

void register_list_family(CommandTable& table) {
    // Flags as Redis 7.0's COMMAND INFO shows them.
    const Flags push = Flag::write | Flag::denyoom | Flag::fast;
    const Flags pop = Flag::write | Flag::fast;
    const Flags grow = Flag::write | Flag::denyoom;
    const Flags read = Flag::readonly;
    const KeySpec one{1, 1, 1};
    const KeySpec two{1, 2, 1};
    table.add(command("lpush", -3, push, one, lpush_command, "LPUSH key element [element ...]",
                      "Prepend one or multiple elements to a list", "1.0.0"));
    table.add(command("rpush", -3, push, one, rpush_command, "RPUSH key element [element ...]",
                      "Append one or multiple elements to a list", "1.0.0"));
    table.add(command("lpushx", -3, push, one, lpushx_command, "LPUSHX key element [element ...]",
                      "Prepend an element to a list, only if the list exists", "2.2.0"));
    table.add(command("rpushx", -3, push, one, rpushx_command, "RPUSHX key element [element ...]",
                      "Append an element to a list, only if the list exists", "2.2.0"));
    table.add(command("lpop", -2, pop, one, lpop_command, "LPOP key [count]",
                      "Remove and get the first elements in a list", "1.0.0"));
    table.add(command("rpop", -2, pop, one, rpop_command, "RPOP key [count]",
                      "Remove and get the last elements in a list", "1.0.0"));
    table.add(command("llen", 2, read | Flag::fast, one, llen_command, "LLEN key",
                      "Get the length of a list", "1.0.0"));
    table.add(command("lrange", 4, read, one, lrange_command, "LRANGE key start stop",
                      "Get a range of elements from a list", "1.0.0"));
    table.add(command("lindex", 3, read, one, lindex_command, "LINDEX key index",
                      "Get an element from a list by its index", "1.0.0"));
    table.add(command("lset", 4, grow, one, lset_command, "LSET key index element",
                      "Set the value of an element in a list by its index", "1.0.0"));
    table.add(command("linsert", 5, grow, one, linsert_command,
                      "LINSERT key <BEFORE | AFTER> pivot element",
                      "Insert an element before or after another element in a list", "2.2.0"));
    table.add(command("lrem", 4, Flag::write, one, lrem_command, "LREM key count element",
                      "Remove elements from a list", "1.0.0"));
    table.add(command("ltrim", 4, Flag::write, one, ltrim_command, "LTRIM key start stop",
                      "Trim a list to the specified range", "1.0.0"));
    table.add(command("lpos", -3, read, one, lpos_command,
                      "LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
                      "Return the index of matching elements on a list", "6.0.6"));
    table.add(command("lmove", 5, grow, two, lmove_command,
                      "LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>",
                      "Pop an element from a list, push it to another list and return it",
                      "6.2.0"));
    table.add(command("rpoplpush", 3, grow, two, rpoplpush_command, "RPOPLPUSH source destination",
                      "Remove the last element in a list, prepend it to another list and return it",
                      "1.2.0"));
    const Flags blocking = Flag::write | Flag::noscript | Flag::blocking;
    table.add(command(
        "blpop", -3, blocking, KeySpec{1, -2, 1}, blpop_command, "BLPOP key [key ...] timeout",
        "Remove and get the first element in a list, or block until one is available", "2.0.0"));
    table.add(command(
        "brpop", -3, blocking, KeySpec{1, -2, 1}, brpop_command, "BRPOP key [key ...] timeout",
        "Remove and get the last element in a list, or block until one is available", "2.0.0"));
    table.add(command("blmove", 6, blocking | Flag::denyoom, two, blmove_command,
                      "BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout",
                      "Pop an element from a list, push it to another list and return it; or "
                      "block until one is available",
                      "6.2.0"));
    table.add(command("brpoplpush", 4, blocking | Flag::denyoom, two, brpoplpush_command,
                      "BRPOPLPUSH source destination timeout",
                      "Pop an element from a list, push it to another list and return it; or "
                      "block until one is available",
                      "2.2.0"));
}

}  // namespace cmd
