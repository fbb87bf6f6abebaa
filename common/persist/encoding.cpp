// UTF-8 validation after Unicode's table of well-formed byte sequences, and a strict base64
// codec. Introduced in lab 4.
#include "persist/encoding.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace persist {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The value of each base64 character, or -1 for bytes outside the alphabet.
constexpr std::array<int, 256> decoding_table() {
    std::array<int, 256> table{};
    for (auto& entry : table)
        entry = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
    }
    return table;
}

constexpr auto decoding = decoding_table();

constexpr bool in_range(std::uint8_t byte, std::uint8_t low, std::uint8_t high) {
    return byte >= low && byte <= high;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
    // Table 3-7 of the Unicode standard: the lead byte fixes the length of the sequence and the
    // range allowed for the second byte; every later byte is a plain continuation (80..BF).
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto lead = static_cast<std::uint8_t>(bytes[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        // The length of the sequence, and the range of its second byte where that is narrower
        // than 80..BF: the narrower ranges exclude overlong forms, surrogates and > U+10FFFF.
        std::size_t length = 0;
        std::uint8_t second_low = 0x80;
        std::uint8_t second_high = 0xBF;
        if (in_range(lead, 0xC2, 0xDF)) {
            length = 2;
        } else if (in_range(lead, 0xE0, 0xEF)) {
            length = 3;
            if (lead == 0xE0) second_low = 0xA0;   // E0 80..9F would be overlong
            if (lead == 0xED) second_high = 0x9F;  // ED A0..BF would be a UTF-16 surrogate
        } else if (in_range(lead, 0xF0, 0xF4)) {
            length = 4;
            if (lead == 0xF0) second_low = 0x90;   // F0 80..8F would be overlong
            if (lead == 0xF4) second_high = 0x8F;  // F4 90.. would pass U+10FFFF
        } else {
            return false;  // 80..C1 and F5..FF never start a sequence
        }
        if (bytes.size() - i < length) return false;
        if (!in_range(static_cast<std::uint8_t>(bytes[i + 1]), second_low, second_high)) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            if (!in_range(static_cast<std::uint8_t>(bytes[i + k]), 0x80, 0xBF)) return false;
        }
        i += length;
    }
    return true;
}

std::string base64_encode(std::string_view bytes) {
    const auto byte_at = [&](std::size_t i) -> std::uint32_t {
        return i < bytes.size() ? static_cast<std::uint8_t>(bytes[i]) : 0;
    };
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    // Three bytes (24 bits) become four characters of 6 bits each. A last group of one or two
    // bytes is padded with zero bits, and the characters that stand for no byte become '='.
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::uint32_t group = byte_at(i) << 16 | byte_at(i + 1) << 8 | byte_at(i + 2);
        const std::size_t present = std::min<std::size_t>(3, bytes.size() - i);
        text += alphabet[group >> 18 & 63];
        text += alphabet[group >> 12 & 63];
        text += present >= 2 ? alphabet[group >> 6 & 63] : '=';
        text += present == 3 ? alphabet[group & 63] : '=';
    }
    return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') ++padding;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;

    std::string bytes;
    bytes.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const std::size_t symbols = last ? 4 - padding : 4;
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            int value = 0;
            if (k < symbols) {
                value = decoding[static_cast<unsigned char>(text[i + k])];
                if (value < 0) return std::nullopt;  // outside the alphabet, or '=' too early
            }
            group = group << 6 | static_cast<std::uint32_t>(value);
        }
        bytes += static_cast<char>(group >> 16 & 0xFF);
        if (symbols >= 3) bytes += static_cast<char>(group >> 8 & 0xFF);
        if (symbols == 4) bytes += static_cast<char>(group & 0xFF);
        // The bits of the last character beyond the final byte must be zero ("Zg==", not "Zh==").
        if (symbols == 3 && (group & 0xFF) != 0) return std::nullopt;
        if (symbols == 2 && (group & 0xFFFF) != 0) return std::nullopt;
    }
    return bytes;
}

}  // namespace persist
