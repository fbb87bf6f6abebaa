// The set family: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE,
// the algebra (SINTER, SUNION, SDIFF, their STORE forms, SINTERCARD) and SSCAN. The semantics
// live in store/set.hpp; the handlers parse, check types in Redis's order, call, reply.
// Introduced in lab 6.
#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/glob.hpp"
#include "cmd/handler_support.hpp"
#include "cmd/scan.hpp"
#include "store/set.hpp"

namespace cmd {

namespace {

using store::Access;
using store::Set;

// SPOP propagates the members it removed as SREM commands of at most this many members
// (Redis's SPOP_MOVE_STRATEGY batch of 1024), so one huge SPOP is not one huge command.
constexpr std::size_t srem_batch = 1024;

// The most members a negative SRANDMEMBER count may ask for. The reply is built whole, and
// Redis would try to send 2^63 of them; a bounded count answers the same range error as
// Redis's own bound (LLONG_MIN, whose negation does not exist).
constexpr long long max_random_members = 1LL << 24;

// The generator behind SPOP and SRANDMEMBER: one per process, seeded once. Commands run one
// at a time (lab 5's lock, lab 7's single thread), so it needs no lock of its own.
std::mt19937_64& random_generator() {
    static std::mt19937_64 generator{std::random_device{}()};
    return generator;
}

// Writes the members of a set as a RESP3 set (`~`), an array in RESP2.
template <class Members>
void reply_members(Context& ctx, const Members& members) {
    ctx.reply.set_header(members.size());
    for (const auto& member : members)
        ctx.reply.bulk(member);
}

/* SADD key member [member ...] */
void sadd_command(Context& ctx) {
    auto set = ctx.db.keyspace().edit<Set>(ctx.argv[1], store::Create::if_missing);
    if (set.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    const std::size_t added = store::add(*set, ctx.argv.subspan(2));
    ctx.db.add_changes(added);
    ctx.reply.integer(static_cast<long long>(added));
}

/* SREM key member [member ...] */
void srem_command(Context& ctx) {
    auto set = ctx.db.keyspace().edit<Set>(ctx.argv[1]);
    if (set.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!set.found()) return ctx.reply.integer(0);
    // An emptied set is deleted when `set` closes.
    const std::size_t removed = store::remove(*set, ctx.argv.subspan(2));
    ctx.db.add_changes(removed);
    ctx.reply.integer(static_cast<long long>(removed));
}

/* SMEMBERS key */
void smembers_command(Context& ctx) {
    const auto set = ctx.db.lookup_read<Set>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, set)) return;
    if (!set.found()) return ctx.reply.set_header(0);
    reply_members(ctx, *set.value);
}

/* SISMEMBER key member */
void sismember_command(Context& ctx) {
    const auto set = ctx.db.lookup_read<Set>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, set)) return;
    ctx.reply.integer(set.found() && store::is_member(*set.value, ctx.argv[2]) ? 1 : 0);
}

/* SMISMEMBER key member [member ...] */
void smismember_command(Context& ctx) {
    const auto set = ctx.db.lookup_read<Set>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, set)) return;
    // Integers in RESP3 too, not booleans: Redis 7 replies with :1 and :0.
    ctx.reply.array_header(ctx.argv.size() - 2);
    for (const std::string_view member : ctx.argv.subspan(2))
        ctx.reply.integer(set.found() && store::is_member(*set.value, member) ? 1 : 0);
}

/* SCARD key */
void scard_command(Context& ctx) {
    const auto set = ctx.db.lookup_read<Set>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, set)) return;
    ctx.reply.integer(set.found() ? static_cast<long long>(set.value->size()) : 0);
}

// SPOP with a count, after the count was read. Propagation follows Redis 7: popping the whole
// set is `DEL key`; popping part of it is SREM of the members popped, in batches.
void spop_with_count(Context& ctx, std::size_t count) {
    const std::string_view key = ctx.argv[1];
    auto set = ctx.db.keyspace().edit<Set>(key);
    if (set.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!set.found() || count == 0) return ctx.reply.set_header(0);
    const bool everything = count >= set->size();
    const std::vector<std::string> popped = store::pop(*set, count, random_generator());
    ctx.db.add_changes(everything ? 1 : popped.size());
    reply_members(ctx, popped);
    if (everything) return ctx.replace_propagation({"DEL", std::string{key}});
    ctx.prevent_propagation();
    for (std::size_t first = 0; first < popped.size(); first += srem_batch) {
        std::vector<std::string> srem{"SREM", std::string{key}};
        const std::size_t last = std::min(popped.size(), first + srem_batch);
        srem.insert(srem.end(), popped.begin() + static_cast<std::ptrdiff_t>(first),
                    popped.begin() + static_cast<std::ptrdiff_t>(last));
        ctx.also_propagate(std::move(srem));
    }
}

/* SPOP key [count] */
void spop_command(Context& ctx) {
    if (ctx.argv.size() > 3) return ctx.reply.error(errors::syntax);
    if (ctx.argv.size() == 3) {
        const auto count = parse_integer(ctx.argv[2]);
        if (!count || *count < 0) return ctx.reply.error(errors::not_positive);
        return spop_with_count(ctx, static_cast<std::size_t>(*count));
    }
    const std::string_view key = ctx.argv[1];
    auto set = ctx.db.keyspace().edit<Set>(key);
    if (set.access() == Access::wrong_type) return ctx.reply.error(errors::wrong_type);
    if (!set.found()) return ctx.reply.null_bulk();
    std::vector<std::string> popped = store::pop(*set, 1, random_generator());
    ctx.db.add_changes();
    ctx.reply.bulk(popped.front());
    // What was popped is random; what a replica must do is not: remove this member.
    ctx.replace_propagation({"SREM", std::string{key}, std::move(popped.front())});
}

/* SRANDMEMBER key [count] */
void srandmember_command(Context& ctx) {
    if (ctx.argv.size() > 3) return ctx.reply.error(errors::syntax);
    if (ctx.argv.size() == 2) {
        const auto set = ctx.db.lookup_read<Set>(ctx.argv[1]);
        if (reply_if_wrong_type(ctx, set)) return;
        if (!set.found()) return ctx.reply.null_bulk();
        return ctx.reply.bulk(*set.value->random_member(random_generator()));
    }
    const auto count = integer_argument(ctx, ctx.argv[2]);
    if (!count) return;
    if (*count == LLONG_MIN) return ctx.reply.error(errors::out_of_range(-LLONG_MAX, LLONG_MAX));
    if (*count < -max_random_members) {
        return ctx.reply.error(errors::out_of_range(-max_random_members, LLONG_MAX));
    }
    const auto set = ctx.db.lookup_read<Set>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, set)) return;
    if (!set.found()) return ctx.reply.array_header(0);
    // An array, not a set, even in RESP3: a negative count may repeat members.
    const auto picked = store::random_members(*set.value, *count, random_generator());
    ctx.reply.array_header(picked.size());
    for (const std::string_view member : picked)
        ctx.reply.bulk(member);
}

/* SMOVE source destination member */
void smove_command(Context& ctx) {
    const std::string_view source_key = ctx.argv[1];
    const std::string_view destination_key = ctx.argv[2];
    const std::string_view member = ctx.argv[3];
    auto& keyspace = ctx.db.keyspace();
    // Redis's order: a missing source answers 0 before the destination's type is looked at.
    auto source = keyspace.edit<Set>(source_key);
    if (source.access() == Access::missing) return ctx.reply.integer(0);
    const auto destination_type = keyspace.type(destination_key);
    if (source.access() == Access::wrong_type ||
        (destination_type && *destination_type != store::Type::set)) {
        return ctx.reply.error(errors::wrong_type);
    }
    // Moving to the same key changes nothing: the answer is whether the member is there.
    const bool present = store::is_member(*source, member);
    if (source_key == destination_key || !present) return ctx.reply.integer(present ? 1 : 0);
    auto destination = keyspace.edit<Set>(destination_key, store::Create::if_missing);
    (void)store::move_member(*source, *destination, member);
    ctx.db.add_changes();
    ctx.reply.integer(1);
}

// Which operation of the set algebra a command performs.
enum class Algebra { intersect, unite, subtract };

Set compute(Algebra operation, store::SetInputs sets) {
    switch (operation) {
        case Algebra::intersect:
            return store::intersect(sets);
        case Algebra::unite:
            return store::unite(sets);
        case Algebra::subtract:
            return store::subtract(sets);
    }
    return {};  // unreachable with a valid Algebra; keeps -Wreturn-type quiet
}

// The sets named by `keys`, a null pointer for a missing key; nothing, after replying
// WRONGTYPE, if any key holds another type. Every key is checked before any answer is given,
// as Redis 7.0 does: `SINTER missing string` is WRONGTYPE, not an empty set. The pointers are
// valid until the keyspace changes.
std::optional<std::vector<const Set*>> input_sets(Context& ctx,
                                                  std::span<const std::string_view> keys,
                                                  bool counted_read) {
    std::vector<const Set*> sets;
    sets.reserve(keys.size());
    for (const std::string_view key : keys) {
        // A STORE form reads as a write (Redis's lookupKeyWrite): no hit or miss is counted.
        const auto found =
            counted_read ? ctx.db.lookup_read<Set>(key) : ctx.db.keyspace().find<Set>(key);
        if (reply_if_wrong_type(ctx, found)) return std::nullopt;
        sets.push_back(found.value);
    }
    return sets;
}

// SINTER, SUNION, SDIFF key [key ...]
void algebra_reply(Context& ctx, Algebra operation) {
    const auto sets = input_sets(ctx, ctx.argv.subspan(1), true);
    if (!sets) return;
    reply_members(ctx, compute(operation, *sets));
}

// SINTERSTORE, SUNIONSTORE, SDIFFSTORE destination key [key ...]: the destination is
// replaced, old type and TTL included, and deleted when the result is empty.
void algebra_store(Context& ctx, Algebra operation) {
    const auto sets = input_sets(ctx, ctx.argv.subspan(2), false);
    if (!sets) return;
    Set result = compute(operation, *sets);
    const std::string_view destination = ctx.argv[1];
    if (result.empty()) {
        if (ctx.db.keyspace().del(destination)) ctx.db.add_changes();
        return ctx.reply.integer(0);
    }
    const auto size = static_cast<long long>(result.size());
    ctx.db.keyspace().replace(destination, store::Value{std::move(result)}, std::nullopt);
    ctx.db.add_changes();
    ctx.reply.integer(size);
}

/* SINTER key [key ...] */
void sinter_command(Context& ctx) {
    algebra_reply(ctx, Algebra::intersect);
}

/* SUNION key [key ...] */
void sunion_command(Context& ctx) {
    algebra_reply(ctx, Algebra::unite);
}

/* SDIFF key [key ...] */
void sdiff_command(Context& ctx) {
    algebra_reply(ctx, Algebra::subtract);
}

/* SINTERSTORE destination key [key ...] */
void sinterstore_command(Context& ctx) {
    algebra_store(ctx, Algebra::intersect);
}

/* SUNIONSTORE destination key [key ...] */
void sunionstore_command(Context& ctx) {
    algebra_store(ctx, Algebra::unite);
}

/* SDIFFSTORE destination key [key ...] */
void sdiffstore_command(Context& ctx) {
    algebra_store(ctx, Algebra::subtract);
}

/* SINTERCARD numkeys key [key ...] [LIMIT limit] */
void sintercard_command(Context& ctx) {
    const auto numkeys = parse_integer(ctx.argv[1]);
    if (!numkeys || *numkeys < 1) return ctx.reply.error(errors::numkeys_not_positive);
    const std::size_t after_numkeys = ctx.argv.size() - 2;
    if (static_cast<unsigned long long>(*numkeys) > after_numkeys) {
        return ctx.reply.error(errors::numkeys_too_many);
    }
    const auto key_count = static_cast<std::size_t>(*numkeys);
    long long limit = 0;
    for (std::size_t i = 2 + key_count; i < ctx.argv.size(); i += 2) {
        if (!equals_ignoring_case(ctx.argv[i], "LIMIT") || i + 1 == ctx.argv.size()) {
            return ctx.reply.error(errors::syntax);
        }
        const auto value = parse_integer(ctx.argv[i + 1]);
        if (!value || *value < 0) return ctx.reply.error(errors::limit_negative);
        limit = *value;
    }
    const auto sets = input_sets(ctx, ctx.argv.subspan(2, key_count), true);
    if (!sets) return;
    const std::size_t size = store::intersection_size(*sets, static_cast<std::size_t>(limit));
    ctx.reply.integer(static_cast<long long>(size));
}

/* SSCAN key cursor [MATCH pattern] [COUNT count] */
void sscan_command(Context& ctx) {
    // Redis's order: the cursor, then the key and its type, then the options.
    const auto cursor = parse_cursor(ctx.argv[2]);
    if (!cursor) return ctx.reply.error(errors::invalid_cursor);
    const auto set = ctx.db.lookup_read<Set>(ctx.argv[1]);
    if (reply_if_wrong_type(ctx, set)) return;
    if (!set.found()) {
        ctx.reply.array_header(2);
        ctx.reply.bulk("0");
        return ctx.reply.array_header(0);
    }
    const auto options = parse_scan_options(ctx, 3, TypeOption::refused);
    if (!options) return;
    store::SetScanBatch batch = store::scan(*set.value, *cursor, options->count);
    // As SCAN: COUNT bounds the members visited, MATCH then filters what is returned.
    if (options->pattern) {
        std::erase_if(batch.members, [&](std::string_view member) {
            return !glob_match(*options->pattern, member);
        });
    }
    ctx.reply.array_header(2);
    ctx.reply.bulk(std::to_string(batch.next_cursor));
    ctx.reply.array_header(batch.members.size());
    for (const std::string_view member : batch.members)
        ctx.reply.bulk(member);
}

Command command(std::string name, int arity, Flags flags, KeySpec keys, Handler handler,
                std::string_view syntax, std::string_view summary, std::string_view since) {
    return make_command(Group::set, std::move(name), arity, flags, keys, handler, syntax, summary,
                        since);
}

}  // namespace

void register_set_family(CommandTable& table) {
    const Flags read_fast = Flag::readonly | Flag::fast;
    const Flags read = Flags{Flag::readonly};
    const Flags write_fast = Flag::write | Flag::fast;
    const Flags store = Flag::write | Flag::denyoom;
    const KeySpec one_key{1, 1, 1};
    const KeySpec all_keys{1, -1, 1};
    table.add(command("sadd", -3, Flag::write | Flag::denyoom | Flag::fast, one_key, sadd_command,
                      "SADD key member [member ...]", "Add one or more members to a set", "1.0.0"));
    table.add(command("srem", -3, write_fast, one_key, srem_command, "SREM key member [member ...]",
                      "Remove one or more members from a set", "1.0.0"));
    table.add(command("smembers", 2, read, one_key, smembers_command, "SMEMBERS key",
                      "Get all the members in a set", "1.0.0"));
    table.add(command("sismember", 3, read_fast, one_key, sismember_command, "SISMEMBER key member",
                      "Determine if a given value is a member of a set", "1.0.0"));
    table.add(command("smismember", -3, read_fast, one_key, smismember_command,
                      "SMISMEMBER key member [member ...]",
                      "Returns the membership associated with the given elements for a set",
                      "6.2.0"));
    table.add(command("scard", 2, read_fast, one_key, scard_command, "SCARD key",
                      "Get the number of members in a set", "1.0.0"));
    table.add(command("spop", -2, write_fast, one_key, spop_command, "SPOP key [count]",
                      "Remove and return one or multiple random members from a set", "1.0.0"));
    table.add(command("srandmember", -2, read, one_key, srandmember_command,
                      "SRANDMEMBER key [count]", "Get one or multiple random members from a set",
                      "1.0.0"));
    table.add(command("smove", 4, write_fast, {1, 2, 1}, smove_command,
                      "SMOVE source destination member", "Move a member from one set to another",
                      "1.0.0"));
    table.add(command("sinter", -2, read, all_keys, sinter_command, "SINTER key [key ...]",
                      "Intersect multiple sets", "1.0.0"));
    table.add(command("sinterstore", -3, store, all_keys, sinterstore_command,
                      "SINTERSTORE destination key [key ...]",
                      "Intersect multiple sets and store the resulting set in a key", "1.0.0"));
    // The keys follow numkeys, so no first/last/step triple describes them (Redis marks the
    // command movablekeys and reports 0 0 0).
    table.add(command("sintercard", -3, read, {}, sintercard_command,
                      "SINTERCARD numkeys key [key ...] [LIMIT limit]",
                      "Intersect multiple sets and return the cardinality of the result", "7.0.0"));
    table.add(command("sunion", -2, read, all_keys, sunion_command, "SUNION key [key ...]",
                      "Add multiple sets", "1.0.0"));
    table.add(command("sunionstore", -3, store, all_keys, sunionstore_command,
                      "SUNIONSTORE destination key [key ...]",
                      "Add multiple sets and store the resulting set in a key", "1.0.0"));
    table.add(command("sdiff", -2, read, all_keys, sdiff_command, "SDIFF key [key ...]",
                      "Subtract multiple sets", "1.0.0"));
    table.add(command("sdiffstore", -3, store, all_keys, sdiffstore_command,
                      "SDIFFSTORE destination key [key ...]",
                      "Subtract multiple sets and store the resulting set in a key", "1.0.0"));
    table.add(command("sscan", -3, read, one_key, sscan_command,
                      "SSCAN key cursor [MATCH pattern] [COUNT count]",
                      "Incrementally iterate Set elements", "2.8.0"));
}

}  // namespace cmd
