// RDB's primitives, bounds-checked. Introduced in lab 4.
#include "persist/rdb_cursor.hpp"

#include <charconv>

#include "persist/lzf.hpp"

namespace persist::rdb {

std::string hex(std::uint64_t value) {
    char buffer[17];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, 16);
    (void)error;  // 16 hex digits always fit
    return "0x" + std::string{buffer, end};
}

std::string_view Cursor::take(std::uint64_t count, const char* what) {
    if (count > remaining()) {
        fail(offset_, std::string{what} + " of " + std::to_string(count) +
                          (count == 1 ? " byte" : " bytes") + " runs past the end of the file (" +
                          std::to_string(remaining()) + " bytes remain)");
    }
    const std::string_view part = bytes_.substr(offset_, count);
    offset_ += count;
    return part;
}

std::uint64_t Cursor::number(std::size_t count, Order order, const char* what) {
    const std::string_view raw = take(count, what);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t index = order == Order::big ? i : count - 1 - i;
        value = (value << 8) | static_cast<std::uint8_t>(raw[index]);
    }
    return value;
}

Cursor::Length Cursor::length_or_encoding(const char* what) {
    const std::size_t at = offset_;
    const std::uint8_t first = byte(what);
    switch (first >> 6) {
        case 0:
            return {first & 0x3fU, false};
        case 1:
            return {((first & 0x3fU) << 8) | byte(what), false};
        case 2:
            if (first == length_32bit) return {number(4, Order::big, what), false};
            if (first == length_64bit) return {number(8, Order::big, what), false};
            fail(at, std::string{what} + ": invalid length encoding " + hex(first));
        default:
            return {first & 0x3fU, true};
    }
}

std::uint64_t Cursor::length(const char* what) {
    const std::size_t at = offset_;
    const Length length = length_or_encoding(what);
    if (length.special) fail(at, std::string{what} + ": a string encoding where a length belongs");
    return length.value;
}

std::uint64_t Cursor::count(const char* what) {
    const std::size_t at = offset_;
    const std::uint64_t count = length(what);
    if (count > remaining()) {
        fail(at, std::string{what} + " of " + std::to_string(count) + " cannot fit in the " +
                     std::to_string(remaining()) + " bytes that remain");
    }
    return count;
}

std::string Cursor::string(const char* what) {
    const std::size_t at = offset_;
    const Length length = length_or_encoding(what);
    if (!length.special) return std::string{take(length.value, what)};
    // Two's complement of `width` bytes, sign-extended to 64 bits.
    const auto integer = [&](std::size_t width) {
        const std::uint64_t raw = number(width, Order::little, what);
        const std::uint64_t sign = std::uint64_t{1} << (width * 8 - 1);
        return std::to_string(static_cast<std::int64_t>((raw ^ sign) - sign));
    };
    switch (length.value) {
        case int8:
            return integer(1);
        case int16:
            return integer(2);
        case int32:
            return integer(4);
        case lzf:
            return compressed_string(at, what);
        default:
            fail(at, std::string{what} + ": invalid string encoding " + hex(length.value));
    }
}

//     0xc3 <compressed length> <original length> <compressed bytes>
std::string Cursor::compressed_string(std::size_t at, const char* what) {
    const std::uint64_t compressed_size = length("an LZF compressed length");
    const std::uint64_t size = length("an LZF original length");
    const std::string_view compressed = take(compressed_size, what);
    // Checked before lzf_decompress() reserves `size` bytes: a few hostile bytes must not make
    // us allocate gigabytes.
    if (size > lzf_max_expansion(compressed.size())) {
        fail(at, std::string{what} + ": " + std::to_string(compressed.size()) +
                     " LZF bytes cannot expand to the " + std::to_string(size) + " bytes claimed");
    }
    try {
        return lzf_decompress(compressed, size);
    } catch (const LzfError& error) {
        fail(at, std::string{what} + ": corrupt LZF data at byte " +
                     std::to_string(error.offset()) + " of it: " + error.what());
    }
}

}  // namespace persist::rdb
