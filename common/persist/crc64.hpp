// CRC-64 as Redis computes it for the RDB trailer (and DUMP payloads): the "Jones" polynomial,
// reflected, initial value 0, no final xor. Introduced with the RDB format (lab 4).
#pragma once

#include <cstdint>
#include <string_view>

namespace persist {

/// Continues a CRC-64/Jones over `bytes`: crc64(crc64(0, a), b) == crc64(0, a + b), so a
/// writer can checksum its output piece by piece. crc64(0, "123456789") is 0xe9c6d914c4b8d9ca,
/// the check value in Redis's crc64.c.
[[nodiscard]] std::uint64_t crc64(std::uint64_t crc, std::string_view bytes);

}  // namespace persist
