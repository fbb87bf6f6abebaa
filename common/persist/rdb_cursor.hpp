// A read position in an RDB file and RDB's primitives read from it (fixed-width numbers,
// lengths, strings in all their encodings), each checked against the bytes that remain, so no
// read can pass the end of the input. Internal to common/persist/. Introduced in lab 4.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "persist/rdb_format.hpp"

namespace persist::rdb {

/// "0x1f": numbers in error messages about bytes.
[[nodiscard]] std::string hex(std::uint64_t value);

/// Every read throws Corrupt, naming the offset and `what` was being read, rather than run past
/// the end of the input.
class Cursor {
public:
    explicit Cursor(std::string_view bytes) : bytes_{bytes} {}

    [[nodiscard]] std::size_t offset() const { return offset_; }
    [[nodiscard]] std::size_t remaining() const { return bytes_.size() - offset_; }

    [[noreturn]] void fail(std::size_t at, const std::string& what) const {
        throw Corrupt{at, what};
    }

    /// The next `count` bytes, as a view of the input.
    [[nodiscard]] std::string_view take(std::uint64_t count, const char* what);

    [[nodiscard]] std::uint8_t byte(const char* what) {
        return static_cast<std::uint8_t>(take(1, what)[0]);
    }

    /// `count` bytes as an unsigned number, little-endian (Redis's own integers: deadlines, the
    /// CRC) or big-endian (RDB's 32- and 64-bit lengths).
    enum class Order { little, big };
    [[nodiscard]] std::uint64_t number(std::size_t count, Order order, const char* what);

    /// A length, or (special == true) the number of a special string encoding.
    struct Length {
        std::uint64_t value;
        bool special;
    };

    ///     00xxxxxx                     6-bit length
    ///     01xxxxxx yyyyyyyy            14-bit length, big-endian
    ///     10000000 <4 bytes>           32-bit length, big-endian
    ///     10000001 <8 bytes>           64-bit length, big-endian
    ///     11xxxxxx                     a special string encoding (rdb::StringEncoding)
    [[nodiscard]] Length length_or_encoding(const char* what);

    /// A length; a special encoding in its place is corrupt.
    [[nodiscard]] std::uint64_t length(const char* what);

    /// A count of items that each take at least one byte: refused, before anything is reserved
    /// for them, when the bytes that remain cannot hold that many.
    [[nodiscard]] std::uint64_t count(const char* what);

    /// A string in any of its forms: raw bytes, an integer (INT8/16/32, given back as the
    /// decimal text Redis was storing) or LZF-compressed bytes.
    [[nodiscard]] std::string string(const char* what);

private:
    std::string compressed_string(std::size_t at, const char* what);

    std::string_view bytes_;
    std::size_t offset_ = 0;
};

}  // namespace persist::rdb
