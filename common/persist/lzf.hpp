// LZF, the small and fast compression Redis uses for long strings in RDB files: written from
// the format's description (liblzf's lzf_d.c behaviour), not copied. Introduced with the RDB
// format (lab 4).
//
// The compressed stream is a sequence of items, each starting with a control byte `c`:
//
//     c < 32        a literal run: the next c + 1 bytes are copied to the output as they are
//     c >= 32       a back-reference: length L = c >> 5 (when L is 7, the next byte is added),
//                   then one more byte b; copy L + 2 bytes starting
//                   ((c & 31) << 8) + b + 1 bytes back in the output (the copy may overlap
//                   what it writes, which repeats a short pattern)
//
// So a back-reference reaches at most 8192 bytes back and copies 3 to 264 bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace persist {

/// Why lzf_decompress() refused its input: what() says what was wrong ("a back-reference
/// reaches before the start of the output"), offset() where in the compressed input.
class LzfError : public std::runtime_error {
public:
    LzfError(std::size_t offset, const std::string& message)
        : std::runtime_error{message}, offset_{offset} {}
    [[nodiscard]] std::size_t offset() const { return offset_; }

private:
    std::size_t offset_;
};

/// Decompresses `compressed`, which must produce exactly `expected_size` bytes and end exactly
/// at its last byte (Redis stores both sizes and checks the second). Every read and copy is
/// bounds-checked, so hostile input gives an LzfError rather than an over-read, and the output
/// never grows beyond `expected_size`. Throws LzfError.
[[nodiscard]] std::string lzf_decompress(std::string_view compressed, std::size_t expected_size);

/// The most bytes a compressed stream of `compressed_size` bytes can expand to: a 3-byte
/// back-reference yields 264 bytes. A reader checks a claimed size against it before
/// allocating, so a tiny file cannot demand a huge buffer.
[[nodiscard]] constexpr std::size_t lzf_max_expansion(std::size_t compressed_size) {
    return compressed_size / 3 * 264 + 264;
}

/// Compresses `input`; nothing when the result would not be shorter than `limit` bytes (Redis
/// stores a string compressed only when that saves space). Greedy matching over a hash of the
/// next three bytes, like liblzf's compressor; any valid stream is accepted by every decoder,
/// so the exact bytes need not match liblzf's.
[[nodiscard]] std::optional<std::string> lzf_compress(std::string_view input, std::size_t limit);

}  // namespace persist
