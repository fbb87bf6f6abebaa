// The generic key commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RENAME, RENAMENX,
// RANDOMKEY, DBSIZE, FLUSHALL, FLUSHDB. Introduced in lab 5; lab 6 makes TYPE and RENAME typed.
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/glob.hpp"
#include "cmd/handler_support.hpp"
#include "cmd/scan.hpp"

namespace cmd {

namespace {

// What TYPE replies: the name of the key's type, or "none" for a missing key.
std::string_view type_reply(std::optional<store::Type> type) {
    return type ? store::type_name(*type) : "none";
}

/* DEL key [key ...] */
void del_command(Context& ctx) {
    long long deleted = 0;
    for (std::size_t i = 1; i < ctx.argv.size(); ++i) {
        if (ctx.db.keyspace().del(ctx.argv[i])) ++deleted;
    }
    ctx.db.add_changes(static_cast<std::uint64_t>(deleted));
    ctx.reply.integer(deleted);
}

/* EXISTS key [key ...] */
void exists_command(Context& ctx) {
    long long found = 0;  // a key named twice counts twice, as Redis
    for (std::size_t i = 1; i < ctx.argv.size(); ++i) {
        if (ctx.db.lookup_type(ctx.argv[i])) ++found;
    }
    ctx.reply.integer(found);
}

/* TYPE key */
void type_command(Context& ctx) {
    // Counted as a hit or miss, as Redis.
    ctx.reply.simple_string(type_reply(ctx.db.lookup_type(ctx.argv[1])));
}

/* KEYS pattern */
void keys_command(Context& ctx) {
    const std::string_view pattern = ctx.argv[1];
    const bool everything = pattern == "*";
    std::vector<std::string> keys;
    ctx.db.keyspace().for_each([&](std::string_view key, const store::EntryView&) {
        if (everything || glob_match(pattern, key)) keys.emplace_back(key);
    });
    ctx.reply.array_header(keys.size());
    for (const std::string& key : keys)
        ctx.reply.bulk(key);
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
void scan_command(Context& ctx) {
    const auto cursor = parse_cursor(ctx.argv[1]);
    if (!cursor) return ctx.reply.error(errors::invalid_cursor);
    const auto options = parse_scan_options(ctx, 2, TypeOption::accepted);
    if (!options) return;
    ScanBatch batch = scan_keys(ctx.db.keyspace(), *cursor, options->count);
    // As Redis, COUNT bounds the keys visited; MATCH and TYPE then filter what is returned.
    std::erase_if(batch.keys, [&](const std::string& key) {
        return (options->pattern && !glob_match(*options->pattern, key)) ||
               (options->type &&
                !equals_ignoring_case(*options->type, type_reply(ctx.db.keyspace().type(key))));
    });
    ctx.reply.array_header(2);
    ctx.reply.bulk(std::to_string(batch.next_cursor));
    ctx.reply.array_header(batch.keys.size());
    for (const std::string& key : batch.keys)
        ctx.reply.bulk(key);
}

// Redis's renameGenericCommand(): moves the value and the deadline.
void rename_generic(Context& ctx, bool only_if_new) {
    const std::string_view from = ctx.argv[1];
    const std::string_view to = ctx.argv[2];
    auto& keyspace = ctx.db.keyspace();
    if (!keyspace.exists(from)) return ctx.reply.error(errors::no_such_key);
    auto done = [&](bool renamed) {
        only_if_new ? ctx.reply.integer(renamed ? 1 : 0) : ctx.reply_ok();
    };
    if (from == to) return done(false);
    if (only_if_new && keyspace.exists(to)) return done(false);
    // The entry moves whole, whatever its type: no copy of a long list or a large set.
    std::optional<store::Entry> moved = keyspace.take(from);
    keyspace.replace(to, std::move(moved->value), moved->deadline);
    ctx.db.add_changes();
    done(true);
}

/* RENAME key newkey */
void rename_command(Context& ctx) {
    rename_generic(ctx, false);
}

/* RENAMENX key newkey */
void renamenx_command(Context& ctx) {
    rename_generic(ctx, true);
}

/* RANDOMKEY */
void randomkey_command(Context& ctx) {
    // Reservoir sampling over one pass: the keyspace offers no random access (README.md).
    std::optional<std::string> chosen;
    std::size_t seen = 0;
    ctx.db.keyspace().for_each([&](std::string_view key, const store::EntryView&) {
        ++seen;
        if (std::uniform_int_distribution<std::size_t>{0, seen - 1}(ctx.state.random) == 0) {
            chosen.emplace(key);
        }
    });
    chosen ? ctx.reply.bulk(*chosen) : ctx.reply.null_bulk();
}

/* DBSIZE */
void dbsize_command(Context& ctx) {
    ctx.reply.integer(static_cast<long long>(ctx.db.keyspace().size()));
}

// FLUSHALL and FLUSHDB take one optional word, ASYNC or SYNC. Both flush at once here: there
// is no background freeing thread (Redis's lazyfree) to hand the old table to.
bool valid_flush_option(Context& ctx) {
    if (ctx.argv.size() > 2 ||
        (ctx.argv.size() == 2 && !equals_ignoring_case(ctx.argv[1], "SYNC") &&
         !equals_ignoring_case(ctx.argv[1], "ASYNC"))) {
        ctx.reply.error(errors::syntax);
        return false;
    }
    return true;
}

void flush(Context& ctx) {
    ctx.db.add_changes(ctx.db.keyspace().size());
    ctx.db.keyspace().clear();
    // Even an empty database's flush reaches the AOF and replicas, as in Redis.
    ctx.force_propagation();
}

/* FLUSHDB [ASYNC | SYNC] */
void flushdb_command(Context& ctx) {
    if (!valid_flush_option(ctx)) return;
    flush(ctx);
    ctx.reply_ok();
}

/* FLUSHALL [ASYNC | SYNC] */
void flushall_command(Context& ctx) {
    if (!valid_flush_option(ctx)) return;
    flush(ctx);
    // As Redis: with save points configured, the now empty dataset is saved at once.
    if (!ctx.config.save.empty()) (void)ctx.server.save();
    ctx.db.add_changes();
    ctx.reply_ok();
}

Command command(std::string name, int arity, Flags flags, KeySpec keys, Handler handler,
                std::string_view syntax, std::string_view summary, std::string_view since) {
    return make_command(Group::generic, std::move(name), arity, flags, keys, handler, syntax,
                        summary, since);
}

}  // namespace

void register_keys_family(CommandTable& table) {
    const Flags read = Flag::readonly | Flag::fast;
    table.add(command("del", -2, Flags{Flag::write}, {1, -1, 1}, del_command, "DEL key [key ...]",
                      "Delete a key", "1.0.0"));
    table.add(command("unlink", -2, Flag::write | Flag::fast, {1, -1, 1}, del_command,
                      "UNLINK key [key ...]",
                      "Delete a key asynchronously in another thread. Otherwise it is just as "
                      "DEL, but non blocking.",
                      "4.0.0"));
    table.add(command("exists", -2, read, {1, -1, 1}, exists_command, "EXISTS key [key ...]",
                      "Determine if a key exists", "1.0.0"));
    table.add(command("type", 2, read, {1, 1, 1}, type_command, "TYPE key",
                      "Determine the type stored at key", "1.0.0"));
    table.add(command("keys", 2, Flags{Flag::readonly}, {}, keys_command, "KEYS pattern",
                      "Find all keys matching the given pattern", "1.0.0"));
    table.add(command("scan", -2, Flags{Flag::readonly}, {}, scan_command,
                      "SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]",
                      "Incrementally iterate the keys space", "2.8.0"));
    table.add(command("rename", 3, Flags{Flag::write}, {1, 2, 1}, rename_command,
                      "RENAME key newkey", "Rename a key", "1.0.0"));
    table.add(command("renamenx", 3, Flag::write | Flag::fast, {1, 2, 1}, renamenx_command,
                      "RENAMENX key newkey", "Rename a key, only if the new key does not exist",
                      "1.0.0"));
    table.add(command("randomkey", 1, Flags{Flag::readonly}, {}, randomkey_command, "RANDOMKEY",
                      "Return a random key from the keyspace", "1.0.0"));
    table.add(command("dbsize", 1, read, {}, dbsize_command, "DBSIZE",
                      "Return the number of keys in the selected database", "1.0.0"));
    table.add(command("flushdb", -1, Flags{Flag::write}, {}, flushdb_command,
                      "FLUSHDB [ASYNC | SYNC]", "Remove all keys from the current database",
                      "1.0.0"));
    table.add(command("flushall", -1, Flags{Flag::write}, {}, flushall_command,
                      "FLUSHALL [ASYNC | SYNC]", "Remove all keys from all databases", "1.0.0"));
}

}  // namespace cmd
