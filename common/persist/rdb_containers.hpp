// The compact structures Redis stores inside one RDB string: ziplists, listpacks and intsets.
// Each is validated in full (header, every entry's encoding and length, the end marker, the
// element count) as it is decoded, so a corrupt one is refused, never over-read. Internal to
// common/persist/. Introduced with the RDB format (lab 4).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace persist::rdb {

/// The elements of a ziplist (Redis 2.6 to 6.2's small lists, and quicklist nodes until 7.0),
/// integers given back as decimal text as Redis's commands show them. Throws Corrupt with an
/// offset inside `blob`.
///
///     <zlbytes u32> <zltail u32> <zllen u16> <entry>... <0xff>          (little-endian)
///     entry: <prevlen: 1 byte, or 0xfe + u32> <encoding> <data>
[[nodiscard]] std::vector<std::string> ziplist_elements(std::string_view blob);

/// The elements of a listpack (7.0's quicklist nodes, 7.2's small sets). Throws Corrupt.
///
///     <total bytes u32> <count u16> <entry>... <0xff>
///     entry: <encoding> <data> <backlen: the entry's size in 1 to 5 bytes, read backwards>
[[nodiscard]] std::vector<std::string> listpack_elements(std::string_view blob);

/// The members of an intset (a small set of integers): strictly ascending, so no duplicates.
/// Throws Corrupt.
///
///     <width u32: 2, 4 or 8> <count u32> <count integers of `width` bytes>
[[nodiscard]] std::vector<std::string> intset_members(std::string_view blob);

}  // namespace persist::rdb
