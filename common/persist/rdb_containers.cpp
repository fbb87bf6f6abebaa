// Decoding ziplists, listpacks and intsets with a bounds check before every read. The layouts
// follow Redis's ziplist.c, listpack.c and intset.c; the checks are those of their
// *ValidateIntegrity() functions, which Redis runs in full only with sanitize-dump-payload yes
// (by default it checks the headers): a file from anywhere must not crash this server.
// Introduced with the RDB format (lab 4).
#include "persist/rdb_containers.hpp"

#include <cstdint>
#include <limits>

#include "persist/rdb_format.hpp"

namespace persist::rdb {

namespace {

// Reads fixed-size fields of a blob, refusing any read past its end.
class Bytes {
public:
    Bytes(std::string_view blob, const char* structure) : blob_{blob}, structure_{structure} {}

    [[nodiscard]] std::size_t size() const { return blob_.size(); }

    void require(std::size_t offset, std::size_t count, const char* what) const {
        if (offset > blob_.size() || count > blob_.size() - offset) {
            throw Corrupt{offset, std::string{structure_} + ": " + what + " (" +
                                      std::to_string(count) + " bytes) runs past its end"};
        }
    }

    [[nodiscard]] std::uint8_t byte(std::size_t offset, const char* what) const {
        require(offset, 1, what);
        return static_cast<std::uint8_t>(blob_[offset]);
    }

    // `count` bytes at `offset` as an unsigned little-endian number.
    [[nodiscard]] std::uint64_t little(std::size_t offset, std::size_t count,
                                       const char* what) const {
        require(offset, count, what);
        std::uint64_t value = 0;
        for (std::size_t i = count; i-- > 0;)
            value = (value << 8) | static_cast<std::uint8_t>(blob_[offset + i]);
        return value;
    }

    [[nodiscard]] std::string text(std::size_t offset, std::size_t count, const char* what) const {
        require(offset, count, what);
        return std::string{blob_.substr(offset, count)};
    }

    [[noreturn]] void fail(std::size_t offset, const std::string& what) const {
        throw Corrupt{offset, std::string{structure_} + ": " + what};
    }

private:
    std::string_view blob_;
    const char* structure_;
};

// Sign-extends the low `bits` bits of `value` (two's complement), for 13- and 24-bit integers.
std::int64_t sign_extend(std::uint64_t value, unsigned bits) {
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    return static_cast<std::int64_t>((value ^ sign) - sign);
}

// The ziplist header's element count saturates at this: "count them to know".
constexpr std::uint64_t ziplist_unknown_count = 0xffff;
constexpr std::uint64_t listpack_unknown_count = 0xffff;
constexpr std::uint8_t end_marker = 0xff;

// One ziplist entry's encoding and data, starting at `at` (after the prevlen field); adds the
// element to `out` and returns the offset just past the entry.
std::size_t read_ziplist_entry(const Bytes& zl, std::size_t at, std::vector<std::string>& out) {
    const std::uint8_t encoding = zl.byte(at, "an entry's encoding");
    const auto string_of = [&](std::size_t header, std::uint64_t length) {
        out.push_back(zl.text(at + header, length, "a string entry"));
        return at + header + length;
    };
    const auto integer_of = [&](std::size_t width) {
        const std::int64_t value = sign_extend(zl.little(at + 1, width, "an integer entry"),
                                               static_cast<unsigned>(width * 8));
        out.push_back(std::to_string(value));
        return at + 1 + width;
    };
    switch (encoding >> 6) {
        case 0:  // 00pppppp: a string of up to 63 bytes
            return string_of(1, encoding & 0x3f);
        case 1:  // 01pppppp qqqqqqqq: up to 16383 bytes, big-endian
            return string_of(2, ((encoding & 0x3fU) << 8) | zl.byte(at + 1, "a string length"));
        case 2: {  // 10000000 then 4 bytes big-endian
            if (encoding != 0x80)
                zl.fail(at, "invalid string encoding " + std::to_string(encoding));
            zl.require(at + 1, 4, "a 32-bit string length");
            std::uint64_t length = 0;
            for (std::size_t i = 1; i <= 4; ++i)
                length = (length << 8) | zl.byte(at + i, "a string length");
            return string_of(5, length);
        }
        default:
            break;
    }
    switch (encoding) {
        case 0xc0:
            return integer_of(2);
        case 0xd0:
            return integer_of(4);
        case 0xe0:
            return integer_of(8);
        case 0xf0:
            return integer_of(3);
        case 0xfe:
            return integer_of(1);
        default:
            break;
    }
    // 1111xxxx with xxxx from 0001 to 1101: the integers 0 to 12 held in the encoding byte.
    if (encoding >= 0xf1 && encoding <= 0xfd) {
        out.push_back(std::to_string((encoding & 0x0f) - 1));
        return at + 1;
    }
    zl.fail(at, "invalid entry encoding " + std::to_string(encoding));
}

// The bytes listpack.c's lpEncodeBacklen() writes after an entry of `length` bytes: 7 bits per
// byte, most significant first, every byte but the first with its top bit set, so that a reader
// walking backwards knows where the field starts.
std::string listpack_backlen(std::uint64_t length) {
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>(length & 0x7f));
        length >>= 7;
    } while (length != 0);
    for (std::size_t i = 1; i < digits.size(); ++i)
        digits[i] = static_cast<char>(digits[i] | 0x80);
    return digits;
}

// One listpack entry at `at`: adds the element and returns the offset after its backlen.
std::size_t read_listpack_entry(const Bytes& lp, std::string_view blob, std::size_t at,
                                std::vector<std::string>& out) {
    const std::uint8_t encoding = lp.byte(at, "an entry's encoding");
    std::size_t header = 1;    // encoding bytes, including any length field
    std::uint64_t length = 0;  // string bytes after the header (0 for an integer)
    bool is_string = true;
    if (encoding < 0x80) {  // 0xxxxxxx: an integer from 0 to 127
        is_string = false;
        out.push_back(std::to_string(encoding));
    } else if ((encoding & 0xc0) == 0x80) {  // 10xxxxxx: a string of up to 63 bytes
        length = encoding & 0x3f;
    } else if ((encoding & 0xe0) == 0xc0) {  // 110xxxxx yyyyyyyy: a 13-bit signed integer
        is_string = false;
        header = 2;
        const std::uint64_t raw = ((encoding & 0x1fU) << 8) | lp.byte(at + 1, "an integer");
        out.push_back(std::to_string(sign_extend(raw, 13)));
    } else if ((encoding & 0xf0) == 0xe0) {  // 1110xxxx yyyyyyyy: up to 4095 bytes
        header = 2;
        length = ((encoding & 0x0fU) << 8) | lp.byte(at + 1, "a string length");
    } else if (encoding == 0xf0) {  // then a 32-bit little-endian length
        header = 5;
        length = lp.little(at + 1, 4, "a 32-bit string length");
    } else if (encoding >= 0xf1 && encoding <= 0xf4) {  // 16, 24, 32, 64-bit integers
        static constexpr std::size_t widths[] = {2, 3, 4, 8};
        const std::size_t width = widths[encoding - 0xf1];
        is_string = false;
        header = 1 + width;
        out.push_back(std::to_string(
            sign_extend(lp.little(at + 1, width, "an integer"), static_cast<unsigned>(width * 8))));
    } else {
        lp.fail(at, "invalid entry encoding " + std::to_string(encoding));
    }
    if (is_string) out.push_back(lp.text(at + header, length, "a string entry"));
    const std::size_t entry_size = header + length;
    const std::string backlen = listpack_backlen(entry_size);
    lp.require(at + entry_size, backlen.size(), "an entry's back-length");
    if (blob.substr(at + entry_size, backlen.size()) != backlen) {
        lp.fail(at + entry_size, "the back-length does not match the entry's size of " +
                                     std::to_string(entry_size) + " bytes");
    }
    return at + entry_size + backlen.size();
}

}  // namespace

std::vector<std::string> ziplist_elements(std::string_view blob) {
    const Bytes zl{blob, "ziplist"};
    constexpr std::size_t header_size = 10;
    zl.require(0, header_size + 1, "the header and end marker");
    if (zl.little(0, 4, "zlbytes") != blob.size()) {
        zl.fail(0, "zlbytes says " + std::to_string(zl.little(0, 4, "zlbytes")) +
                       " bytes but it holds " + std::to_string(blob.size()));
    }
    const std::uint64_t tail = zl.little(4, 4, "zltail");
    const std::uint64_t count = zl.little(8, 2, "zllen");
    if (zl.byte(blob.size() - 1, "the end marker") != end_marker) {
        zl.fail(blob.size() - 1, "no end marker (0xff) at the last byte");
    }
    std::vector<std::string> elements;
    std::size_t at = header_size;
    std::size_t previous_size = 0;  // what the next entry's prevlen must say
    std::size_t last_start = header_size;
    while (zl.byte(at, "an entry") != end_marker) {
        const std::size_t start = at;
        std::uint64_t prevlen = zl.byte(at, "prevlen");
        if (prevlen == 0xfe) {
            prevlen = zl.little(at + 1, 4, "a 5-byte prevlen");
            at += 5;
        } else {
            at += 1;
        }
        if (prevlen != previous_size) {
            zl.fail(start, "prevlen says " + std::to_string(prevlen) +
                               " but the previous entry has " + std::to_string(previous_size) +
                               " bytes");
        }
        at = read_ziplist_entry(zl, at, elements);
        if (at >= blob.size()) zl.fail(start, "an entry runs into the end marker");
        previous_size = at - start;
        last_start = start;
    }
    if (at != blob.size() - 1) zl.fail(at, "an end marker before the last byte");
    if (tail != last_start) {
        zl.fail(4, "zltail says " + std::to_string(tail) + " but the last entry starts at " +
                       std::to_string(last_start));
    }
    if (count != ziplist_unknown_count && count != elements.size()) {
        zl.fail(8, "zllen says " + std::to_string(count) + " entries but it holds " +
                       std::to_string(elements.size()));
    }
    return elements;
}

std::vector<std::string> listpack_elements(std::string_view blob) {
    const Bytes lp{blob, "listpack"};
    constexpr std::size_t header_size = 6;
    lp.require(0, header_size + 1, "the header and end marker");
    if (lp.little(0, 4, "total bytes") != blob.size()) {
        lp.fail(0, "the header says " + std::to_string(lp.little(0, 4, "total bytes")) +
                       " bytes but it holds " + std::to_string(blob.size()));
    }
    const std::uint64_t count = lp.little(4, 2, "element count");
    if (lp.byte(blob.size() - 1, "the end marker") != end_marker) {
        lp.fail(blob.size() - 1, "no end marker (0xff) at the last byte");
    }
    std::vector<std::string> elements;
    std::size_t at = header_size;
    while (lp.byte(at, "an entry") != end_marker) {
        const std::size_t start = at;
        at = read_listpack_entry(lp, blob, at, elements);
        if (at >= blob.size()) lp.fail(start, "an entry runs into the end marker");
    }
    if (at != blob.size() - 1) lp.fail(at, "an end marker before the last byte");
    if (count != listpack_unknown_count && count != elements.size()) {
        lp.fail(4, "the header says " + std::to_string(count) + " entries but it holds " +
                       std::to_string(elements.size()));
    }
    return elements;
}

std::vector<std::string> intset_members(std::string_view blob) {
    const Bytes set{blob, "intset"};
    const std::uint64_t width = set.little(0, 4, "the integer width");
    if (width != 2 && width != 4 && width != 8) {
        set.fail(0, "invalid integer width " + std::to_string(width) + " (expected 2, 4 or 8)");
    }
    const std::uint64_t count = set.little(4, 4, "the member count");
    if (count == 0) set.fail(4, "an empty intset (Redis never stores an empty set)");
    // Checked before any allocation: count * width must be exactly what follows the header.
    if (count > (blob.size() - 8) / width || 8 + count * width != blob.size()) {
        set.fail(4, std::to_string(count) + " members of " + std::to_string(width) +
                        " bytes need " + std::to_string(count * width + 8) + " bytes, found " +
                        std::to_string(blob.size()));
    }
    std::vector<std::string> members;
    members.reserve(count);
    std::int64_t previous = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t at = 8 + i * width;
        const std::int64_t value =
            sign_extend(set.little(at, width, "a member"), static_cast<unsigned>(width * 8));
        if (i > 0 && value <= previous) set.fail(at, "members not in strictly ascending order");
        previous = value;
        members.push_back(std::to_string(value));
    }
    return members;
}

}  // namespace persist::rdb
