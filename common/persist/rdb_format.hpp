// The constants of Redis's RDB format (the numbers of src/rdb.h in Redis 7.0/7.2) and the error
// the RDB reader throws inside this layer. Internal to common/persist/. Introduced with the RDB
// format (lab 4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace persist::rdb {

/// "REDIS" then the version as four ASCII digits: "REDIS0010".
inline constexpr std::string_view magic = "REDIS";
/// What Redis 7.0 writes, and what this build writes. 7.2 writes 11; 7.4 writes 12.
inline constexpr int write_version = 10;
/// The newest version this build reads. Redis refuses files newer than its own version, and so
/// do we: a newer file may hold a type or opcode we would misread.
inline constexpr int max_read_version = 11;
/// The first version with the 8-byte CRC-64 after the EOF opcode.
inline constexpr int first_version_with_checksum = 5;

/// Opcodes: a byte where a value type may stand, with a meaning of its own.
enum Opcode : std::uint8_t {
    function2 = 245,        ///< a Redis function library (7.0)
    function_pre_ga = 246,  ///< the same, from 7.0's release candidates
    module_aux = 247,       ///< data of a module, outside any key
    idle = 248,             ///< the next key's LRU idle time, in seconds (a length)
    freq = 249,             ///< the next key's LFU counter (one byte)
    aux = 250,              ///< a field about the file: redis-ver, ctime... (two strings)
    resize_db = 251,        ///< sizes of the next database's two tables (two lengths)
    expire_time_ms = 252,   ///< the next key's deadline, Unix ms (8 bytes little-endian)
    expire_time = 253,      ///< the next key's deadline, Unix seconds (4 bytes little-endian)
    select_db = 254,        ///< the keys that follow are in this database (a length)
    eof = 255,              ///< the end of the data; the CRC-64 follows (version >= 5)
};

/// Value types: the byte before a key. Only these hold lists, sets and strings; the others are
/// refused by name.
enum ValueType : std::uint8_t {
    string = 0,
    list = 1,               ///< a count, then each element as a string
    set = 2,                ///< a count, then each member as a string
    list_ziplist = 10,      ///< one string holding a ziplist (Redis 2.6 to 3.0)
    set_intset = 11,        ///< one string holding an intset
    list_quicklist = 14,    ///< a count of ziplists (3.2 to 6.2)
    list_quicklist_2 = 18,  ///< a count of (container, string) nodes (7.0)
    set_listpack = 20,      ///< one string holding a listpack (7.2)
};

/// The first byte of a length tells its form by its top two bits (Redis's RDB_6BITLEN...).
inline constexpr std::uint8_t length_32bit = 0x80;  ///< then 4 bytes big-endian
inline constexpr std::uint8_t length_64bit = 0x81;  ///< then 8 bytes big-endian
/// 11xxxxxx: not a length but a special string encoding, xxxxxx being one of these.
enum StringEncoding : std::uint8_t { int8 = 0, int16 = 1, int32 = 2, lzf = 3 };

/// A quicklist-2 node's container: one element stored as it is, or a listpack of several.
inline constexpr std::uint64_t container_plain = 1;
inline constexpr std::uint64_t container_packed = 2;

/// What a value type holds, in words for an error message ("a hash"); "" for the types this
/// server holds and for numbers that are no type at all.
[[nodiscard]] std::string_view unsupported_type_name(std::uint8_t type);

/// A violation of the format, found at `offset`: a byte offset in the file, or inside a
/// ziplist, listpack or intset (the reader then adds where that structure starts). Caught by
/// parse_rdb(), which turns it into PersistError "<name>: ...".
class Corrupt : public std::runtime_error {
public:
    Corrupt(std::size_t offset, const std::string& message)
        : std::runtime_error{message}, offset_{offset} {}
    [[nodiscard]] std::size_t offset() const { return offset_; }

private:
    std::size_t offset_;
};

}  // namespace persist::rdb
