// The string family's byte-range commands: APPEND, STRLEN, GETRANGE, SETRANGE, with Redis's
// index rules (negative = from the end) and its size limit (proto-max-bulk-len).
// Introduced in lab 5.
#include <algorithm>
#include <string>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"

namespace cmd {

namespace {

// Redis's checkStringLength(): would a string of `size + append` bytes be too long? Replies
// the error when it would.
bool too_long(Context& ctx, unsigned long long size, unsigned long long append) {
    const unsigned long long total = size + append;
    if (total > ctx.config.proto_max_bulk_len || total < size) {
        ctx.reply.error(errors::string_too_long);
        return true;
    }
    return false;
}

/* APPEND key value */
void append_command(Context& ctx) {
    const std::string_view key = ctx.argv[1];
    const std::string_view suffix = ctx.argv[2];
    // Looked up for writing: not counted as a hit or miss (Redis's lookupKeyWrite).
    const auto found = ctx.db.keyspace().find<std::string>(key);
    if (reply_if_wrong_type(ctx, found)) return;
    const auto old_value = string_of(found);
    if (!old_value) {
        ctx.db.keyspace().set(key, suffix);
        ctx.db.add_changes();
        return ctx.reply.integer(static_cast<long long>(suffix.size()));
    }
    if (too_long(ctx, old_value->size(), suffix.size())) return;
    std::string value{*old_value};
    value += suffix;
    replace_value(ctx.db, key, value);
    ctx.reply.integer(static_cast<long long>(value.size()));
}

/* STRLEN key */
void strlen_command(Context& ctx) {
    const auto found = ctx.db.lookup_read<std::string>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    ctx.reply.integer(found.found() ? static_cast<long long>(found.value->size()) : 0);
}

/* GETRANGE key start end */
void getrange_command(Context& ctx) {
    const auto start_argument = integer_argument(ctx, ctx.argv[2]);
    if (!start_argument) return;
    const auto end_argument = integer_argument(ctx, ctx.argv[3]);
    if (!end_argument) return;
    const auto found = ctx.db.lookup_read<std::string>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, found)) return;
    if (!found.found()) return ctx.reply.bulk("");  // an empty string, not null, as Redis
    const std::string_view value = *found.value;
    long long start = *start_argument;
    long long end = *end_argument;
    const auto length = static_cast<long long>(value.size());
    // Both from the end and crossed (GETRANGE k -1 -5): empty, before clamping hides it.
    if (start < 0 && end < 0 && start > end) return ctx.reply.bulk("");
    if (start < 0) start = length + start;
    if (end < 0) end = length + end;
    start = std::max(start, 0LL);
    end = std::max(end, 0LL);
    end = std::min(end, length - 1);
    if (start > end || length == 0) return ctx.reply.bulk("");
    ctx.reply.bulk(
        value.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1)));
}

/* SETRANGE key offset value */
void setrange_command(Context& ctx) {
    const std::string_view key = ctx.argv[1];
    const std::string_view patch = ctx.argv[3];
    const auto offset_argument = integer_argument(ctx, ctx.argv[2]);
    if (!offset_argument) return;
    if (*offset_argument < 0) return ctx.reply.error(errors::offset_out_of_range);
    const auto offset = static_cast<unsigned long long>(*offset_argument);
    // Looked up for writing: not counted as a hit or miss (Redis's lookupKeyWrite).
    const auto found = ctx.db.keyspace().find<std::string>(key);
    if (reply_if_wrong_type(ctx, found)) return;
    const auto old_value = string_of(found);
    // Writing nothing creates nothing and changes nothing: reply the current length.
    if (patch.empty()) {
        return ctx.reply.integer(old_value ? static_cast<long long>(old_value->size()) : 0);
    }
    if (too_long(ctx, offset, patch.size())) return;
    std::string value{old_value.value_or("")};
    // Past the end, the gap is filled with zero bytes.
    if (value.size() < offset + patch.size()) value.resize(offset + patch.size(), '\0');
    value.replace(offset, patch.size(), patch);
    if (old_value) {
        replace_value(ctx.db, key, value);
    } else {
        ctx.db.keyspace().set(key, value);
        ctx.db.add_changes();
    }
    ctx.reply.integer(static_cast<long long>(value.size()));
}

Command command(std::string name, int arity, Flags flags, KeySpec keys, Handler handler,
                std::string_view syntax, std::string_view summary, std::string_view since) {
    return make_command(Group::string, std::move(name), arity, flags, keys, handler, syntax,
                        summary, since);
}

}  // namespace

void register_string_range_family(CommandTable& table) {
    table.add(command("append", 3, Flag::write | Flag::denyoom, {1, 1, 1}, append_command,
                      "APPEND key value", "Append a value to a key", "2.0.0"));
    table.add(command("strlen", 2, Flag::readonly | Flag::fast, {1, 1, 1}, strlen_command,
                      "STRLEN key", "Get the length of the value stored in a key", "2.2.0"));
    table.add(command("getrange", 4, Flags{Flag::readonly}, {1, 1, 1}, getrange_command,
                      "GETRANGE key start end", "Get a substring of the string stored at a key",
                      "2.4.0"));
    table.add(command("setrange", 4, Flag::write | Flag::denyoom, {1, 1, 1}, setrange_command,
                      "SETRANGE key offset value",
                      "Overwrite part of a string at key starting at the specified offset",
                      "2.2.0"));
}

}  // namespace cmd
