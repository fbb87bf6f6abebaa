// SCAN's hash-ordered cursor: one pass to find where the batch ends, one to collect it.
// Introduced in lab 5.
#include "cmd/scan.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <string_view>
#include <utility>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/handler_support.hpp"

namespace cmd {

std::uint64_t scan_hash(std::string_view key) {
    return std::hash<std::string_view>{}(key);
}

ScanBatch scan_keys(const store::Keyspace& keyspace, std::uint64_t cursor, std::size_t count) {
    count = std::max<std::size_t>(count, 1);
    // Pass 1: the `count` smallest hashes at or after the cursor, in a max-heap whose top
    // becomes the last hash of this batch.
    std::priority_queue<std::uint64_t> smallest;
    keyspace.for_each([&](std::string_view key, const store::EntryView&) {
        const std::uint64_t hash = scan_hash(key);
        if (hash < cursor) return;
        if (smallest.size() < count) {
            smallest.push(hash);
        } else if (hash < smallest.top()) {
            smallest.pop();
            smallest.push(hash);
        }
    });
    ScanBatch batch;
    if (smallest.empty()) return batch;
    const std::uint64_t last = smallest.top();

    // Pass 2: every key in [cursor, last], ties with `last` included, in hash order.
    std::vector<std::pair<std::uint64_t, std::string_view>> selected;
    bool more = false;
    keyspace.for_each([&](std::string_view key, const store::EntryView&) {
        const std::uint64_t hash = scan_hash(key);
        if (hash > last) {
            more = true;
        } else if (hash >= cursor) {
            selected.emplace_back(hash, key);
        }
    });
    std::sort(selected.begin(), selected.end());
    for (const auto& [hash, key] : selected)
        batch.keys.emplace_back(key);
    batch.next_cursor = (more && last != UINT64_MAX) ? last + 1 : 0;
    return batch;
}

std::optional<ScanOptions> parse_scan_options(Context& ctx, std::size_t first,
                                              TypeOption type_option) {
    ScanOptions options;
    for (std::size_t i = first; i < ctx.argv.size(); i += 2) {
        const std::string_view word = ctx.argv[i];
        const bool has_value = i + 1 < ctx.argv.size();
        if (equals_ignoring_case(word, "COUNT") && has_value) {
            const auto count = integer_argument(ctx, ctx.argv[i + 1]);
            if (!count) return std::nullopt;
            if (*count < 1) {
                ctx.reply.error(errors::syntax);
                return std::nullopt;
            }
            options.count = static_cast<std::size_t>(*count);
        } else if (equals_ignoring_case(word, "MATCH") && has_value) {
            options.pattern = ctx.argv[i + 1];
            if (*options.pattern == "*") options.pattern.reset();
        } else if (type_option == TypeOption::accepted && equals_ignoring_case(word, "TYPE") &&
                   has_value) {
            options.type = ctx.argv[i + 1];
        } else {
            ctx.reply.error(errors::syntax);
            return std::nullopt;
        }
    }
    return options;
}

}  // namespace cmd
