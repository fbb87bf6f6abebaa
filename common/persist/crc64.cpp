// CRC-64/Jones with a 256-entry table built at compile time: one lookup per byte instead of
// eight shift-and-xor steps. Introduced with the RDB format (lab 4).
#include "persist/crc64.hpp"

#include <array>

namespace persist {

namespace {

// Jones's polynomial 0xad93d23594c935a9 with its bits reversed: Redis's CRC is "reflected"
// (bytes enter least significant bit first), and a reflected CRC shifts right, so it divides
// by the mirrored polynomial.
constexpr std::uint64_t reflected_polynomial = 0x95ac9329ac4bc9b5;

// table[b] is the CRC of the single byte b: what those eight bits contribute once shifted out.
constexpr std::array<std::uint64_t, 256> make_table() {
    std::array<std::uint64_t, 256> table{};
    for (std::uint64_t byte = 0; byte < 256; ++byte) {
        std::uint64_t crc = byte;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) != 0 ? (crc >> 1) ^ reflected_polynomial : crc >> 1;
        table[byte] = crc;
    }
    return table;
}

constexpr std::array<std::uint64_t, 256> table = make_table();

}  // namespace

std::uint64_t crc64(std::uint64_t crc, std::string_view bytes) {
    for (const char c : bytes)
        crc = table[(crc ^ static_cast<unsigned char>(c)) & 0xff] ^ (crc >> 8);
    return crc;
}

}  // namespace persist
