// Test helpers for the RDB suites: the golden files' directory, small builders that wrap
// hand-written record bytes in a valid file (header, EOF, CRC-64), so each test shows only the
// bytes it is about, and a comparable view of a dataset. Introduced with the RDB format (lab 4).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persist/crc64.hpp"
#include "persist/snapshot.hpp"
#include "store/keyspace.hpp"
#include "support/temp_dir.hpp"

namespace lab4_test {

/// tests/lab4_persist/data: the files made by redis-server 7.0.15 (see the README there).
inline std::filesystem::path rdb_data_dir() {
    return LAB4_DATA_DIR;
}

/// Strings that reach every string encoding of the RDB writer: integers at the limits of 8, 16
/// and 32 bits and just past them, non-canonical integers that must stay text, binary bytes,
/// and long strings, compressible and not.
inline std::vector<std::string> encoding_strings() {
    return {"",
            "0",
            "-1",
            "127",
            "-128",
            "128",
            "32767",
            "-32768",
            "2147483647",
            "-2147483648",
            "2147483648",
            "9223372036854775807",
            "007",
            "-0",
            "+1",
            " 1",
            "1 ",
            "0x10",
            std::string{"\0binary\xff", 8},
            std::string(21, 'a'),
            std::string(10'000, 'r')};
}

/// The bytes of a golden file.
inline std::string golden(const std::string& name) {
    return support::read_bytes(rdb_data_dir() / name);
}

/// `value` as `count` little-endian bytes.
inline std::string little_endian(std::uint64_t value, std::size_t count) {
    std::string bytes;
    for (std::size_t i = 0; i < count; ++i, value >>= 8)
        bytes.push_back(static_cast<char>(value & 0xff));
    return bytes;
}

/// An RDB length in its shortest form (6-bit, 14-bit or 32-bit).
inline std::string rdb_length(std::uint64_t value) {
    if (value < 64) return std::string(1, static_cast<char>(value));
    if (value < 16384) {
        return {static_cast<char>(0x40 | (value >> 8)), static_cast<char>(value & 0xff)};
    }
    return std::string{"\x80"} + static_cast<char>((value >> 24) & 0xff) +
           static_cast<char>((value >> 16) & 0xff) + static_cast<char>((value >> 8) & 0xff) +
           static_cast<char>(value & 0xff);
}

/// A raw RDB string: its length, then its bytes.
inline std::string rdb_string(std::string_view text) {
    return rdb_length(text.size()) + std::string{text};
}

/// The CRC-64 trailer for `bytes` (which end with the EOF opcode).
inline std::string with_crc(std::string bytes) {
    const std::uint64_t crc = persist::crc64(0, bytes);
    return bytes + little_endian(crc, 8);
}

/// A whole file: "REDIS" + the version in four digits, `records`, EOF, and (version >= 5) the
/// CRC-64 of it all.
inline std::string rdb_file(std::string_view records, int version = 10) {
    std::string digits = std::to_string(version);
    std::string bytes =
        "REDIS" + std::string(4 - digits.size(), '0') + digits + std::string{records} + "\xff";
    return version >= 5 ? with_crc(std::move(bytes)) : bytes;
}

/// The same file with its CRC-64 recomputed: for corrupting a file's structure without the
/// checksum catching it first.
inline std::string fix_crc(const std::string& file) {
    return with_crc(file.substr(0, file.size() - 8));
}

/// A ziplist holding already-encoded entries (encoding byte(s) and data, without prevlen):
/// the header, each entry's prevlen and the end marker are computed here.
inline std::string ziplist(const std::vector<std::string>& entries) {
    std::string body;
    std::size_t previous = 0;
    std::size_t tail = 10;
    for (const std::string& entry : entries) {
        tail = 10 + body.size();
        std::string prevlen = previous < 254 ? std::string(1, static_cast<char>(previous))
                                             : "\xfe" + little_endian(previous, 4);
        previous = prevlen.size() + entry.size();
        body += prevlen + entry;
    }
    const std::size_t total = 10 + body.size() + 1;
    return little_endian(total, 4) + little_endian(tail, 4) + little_endian(entries.size(), 2) +
           body + "\xff";
}

/// A listpack holding already-encoded entries (encoding and data, entries under 128 bytes):
/// the header, each entry's back-length and the end marker are computed here.
inline std::string listpack(const std::vector<std::string>& entries) {
    std::string body;
    for (const std::string& entry : entries)
        body += entry + static_cast<char>(entry.size());
    return little_endian(6 + body.size() + 1, 4) + little_endian(entries.size(), 2) + body + "\xff";
}

inline std::vector<std::string> elements(const store::Value& value) {
    if (const auto* list = std::get_if<store::List>(&value)) return {list->begin(), list->end()};
    const auto& set = std::get<store::Set>(value);
    std::vector<std::string> members{set.begin(), set.end()};
    std::sort(members.begin(), members.end());
    return members;
}

/// What a parsed file or a keyspace holds: key -> (type, the string or the elements, sets
/// sorted, deadline), for comparing two datasets whatever their order.
struct Content {
    store::Type type;
    std::vector<std::string> values;
    std::optional<store::TimePoint> deadline;
    bool operator==(const Content&) const = default;
};
using Contents = std::map<std::string, Content>;

inline Content content_of(const store::Value& value, std::optional<store::TimePoint> deadline) {
    const store::Type type = store::type_of(value);
    if (type == store::Type::string) return {type, {std::get<std::string>(value)}, deadline};
    return {type, elements(value), deadline};
}

inline Contents contents(const persist::ParsedSnapshot& parsed) {
    Contents result;
    for (const auto& item : parsed.entries)
        result.emplace(item.key, content_of(item.entry.value, item.entry.deadline));
    return result;
}

inline Contents contents(const store::Keyspace& keyspace) {
    Contents result;
    keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
        result.emplace(std::string{key}, content_of(entry.value, entry.deadline));
    });
    return result;
}

}  // namespace lab4_test
