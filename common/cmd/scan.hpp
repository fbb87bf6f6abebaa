// SCAN's cursor over a std::unordered_map: keys are visited in the order of their hash value,
// and the cursor is the next hash value to visit, so a rehash cannot make SCAN miss a key.
// Introduced in lab 5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/keyspace.hpp"

namespace cmd {

class Context;

/// One SCAN step: the keys visited and the cursor for the next call (0 = the end).
struct ScanBatch {
    std::uint64_t next_cursor = 0;
    std::vector<std::string> keys;
};

/// The hash that orders SCAN: std::hash<std::string_view>, the same for a key on every call
/// (and every run: libstdc++'s hash has a fixed seed).
[[nodiscard]] std::uint64_t scan_hash(std::string_view key);

/// Visits the live keys whose scan_hash() is at least `cursor`, in hash order: the `count`
/// smallest hashes, plus any other key sharing the last hash (so equal hashes are never split
/// between calls). The next cursor is one past the last hash visited.
///
/// Why not Redis's algorithm? Redis walks its own hash table's buckets in reverse-binary order,
/// which survives its power-of-two resizes. std::unordered_map resizes to prime bucket counts,
/// where no bucket order survives a rehash, and its buckets are not ours to walk. The hash of
/// a key never changes, so ordering by hash gives the guarantee SCAN promises: every key
/// present from the first call to the last is returned (here exactly once), whatever was
/// added, removed or rehashed between calls. The price: each call walks all n keys (for_each)
/// and keeps the best `count` (a heap), O(n log count) per call instead of O(count); see
/// README.md for the store addition that would remove it.
[[nodiscard]] ScanBatch scan_keys(const store::Keyspace& keyspace, std::uint64_t cursor,
                                  std::size_t count);

/// Whether a SCAN-like command takes the TYPE option: SCAN does, SSCAN (a key's members) not.
enum class TypeOption { accepted, refused };

/// The options of SCAN and SSCAN.
struct ScanOptions {
    std::size_t count = 10;
    std::optional<std::string_view> pattern;  ///< empty for no MATCH, or MATCH *
    std::optional<std::string_view> type;
};

/// Redis's scanGenericCommand() option loop over `ctx.argv` from index `first` (2 for SCAN,
/// 3 for SSCAN): MATCH, COUNT (at least 1) and, where accepted, TYPE. Replies the error and
/// returns nothing when an option is bad.
[[nodiscard]] std::optional<ScanOptions> parse_scan_options(Context& ctx, std::size_t first,
                                                            TypeOption type_option);

}  // namespace cmd
