// LZF decompression with a bounds check before every read and copy, and a greedy compressor.
// Introduced with the RDB format (lab 4).
#include "persist/lzf.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace persist {

namespace {

constexpr std::size_t max_literal = 32;   // a literal run's control byte holds length - 1
constexpr std::size_t max_offset = 8192;  // 13 bits of distance, counted from 1
constexpr std::size_t min_match = 3;      // a back-reference's length is stored minus 2
constexpr std::size_t max_match = 7 + 255 + 2;

}  // namespace

std::string lzf_decompress(std::string_view compressed, std::size_t expected_size) {
    std::string output;
    output.reserve(std::min(expected_size, lzf_max_expansion(compressed.size())));
    std::size_t in = 0;
    const auto next = [&](const char* what) {
        if (in >= compressed.size()) {
            throw LzfError{in, std::string{"the input ends inside "} + what};
        }
        return static_cast<unsigned char>(compressed[in++]);
    };
    while (in < compressed.size()) {
        const std::size_t item = in;
        const unsigned control = next("a control byte");
        if (control < max_literal) {
            const std::size_t length = control + 1;
            if (length > compressed.size() - in) {
                throw LzfError{item, "a literal run of " + std::to_string(length) +
                                         " bytes goes past the end of the input"};
            }
            if (length > expected_size - output.size()) {
                throw LzfError{item, "the output grows beyond the expected " +
                                         std::to_string(expected_size) + " bytes"};
            }
            output.append(compressed.substr(in, length));
            in += length;
            continue;
        }
        std::size_t length = control >> 5;
        if (length == 7) length += next("a back-reference's length");
        length += 2;
        const std::size_t distance = ((control & 0x1fU) << 8) + next("a back-reference") + 1;
        if (distance > output.size()) {
            throw LzfError{item, "a back-reference reaches " + std::to_string(distance) +
                                     " bytes back, before the start of the output"};
        }
        if (length > expected_size - output.size()) {
            throw LzfError{item, "the output grows beyond the expected " +
                                     std::to_string(expected_size) + " bytes"};
        }
        // Byte by byte, not append(substr): when distance < length the copy reads bytes it has
        // just written, which is how "aaaa..." is stored as one 'a' and one back-reference.
        const std::size_t from = output.size() - distance;
        for (std::size_t i = 0; i < length; ++i)
            output.push_back(output[from + i]);
    }
    if (output.size() != expected_size) {
        throw LzfError{in, "the input ends after " + std::to_string(output.size()) +
                               " bytes of output, expected " + std::to_string(expected_size)};
    }
    return output;
}

std::optional<std::string> lzf_compress(std::string_view input, std::size_t limit) {
    // hash of three bytes -> the last position + 1 where they started (0: none yet).
    constexpr std::size_t hash_bits = 14;
    std::array<std::uint32_t, std::size_t{1} << hash_bits> last_seen{};
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(input[i]); };
    const auto hash = [&](std::size_t i) {
        const std::uint32_t v = (std::uint32_t{byte(i)} << 16) | (byte(i + 1) << 8) | byte(i + 2);
        return ((v * 2654435761U) >> (32 - hash_bits)) & ((1U << hash_bits) - 1);
    };

    std::string output;
    std::size_t literal_start = 0;  // first byte not yet written
    const auto flush_literals = [&](std::size_t end) {
        while (literal_start < end) {
            const std::size_t run = std::min(max_literal, end - literal_start);
            output.push_back(static_cast<char>(run - 1));
            output.append(input.substr(literal_start, run));
            literal_start += run;
        }
    };

    std::size_t i = 0;
    while (i + min_match <= input.size()) {
        const std::size_t slot = hash(i);
        const std::size_t candidate = last_seen[slot];
        last_seen[slot] = static_cast<std::uint32_t>(i + 1);
        if (candidate == 0 || i - (candidate - 1) > max_offset ||
            input.compare(candidate - 1, min_match, input.substr(i, min_match)) != 0) {
            ++i;
            continue;
        }
        const std::size_t from = candidate - 1;
        std::size_t length = min_match;
        while (length < max_match && i + length < input.size() &&
               input[from + length] == input[i + length])
            ++length;
        flush_literals(i);
        const std::size_t distance = i - from - 1;  // stored minus one
        const std::size_t stored_length = length - 2;
        if (stored_length < 7) {
            output.push_back(static_cast<char>((stored_length << 5) | (distance >> 8)));
        } else {
            output.push_back(static_cast<char>((7 << 5) | (distance >> 8)));
            output.push_back(static_cast<char>(stored_length - 7));
        }
        output.push_back(static_cast<char>(distance & 0xff));
        // Remember the positions inside the match too, so the next repeat finds a nearby copy.
        for (std::size_t j = i + 1; j < i + length && j + min_match <= input.size(); ++j)
            last_seen[hash(j)] = static_cast<std::uint32_t>(j + 1);
        i += length;
        literal_start = i;
        if (output.size() >= limit) return std::nullopt;
    }
    flush_literals(input.size());
    if (output.size() >= limit) return std::nullopt;
    return output;
}

}  // namespace persist
