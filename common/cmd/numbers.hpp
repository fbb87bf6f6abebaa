// Numbers as Redis reads and writes them: strict integer parsing (string2ll), long double
// parsing and INCRBYFLOAT's human formatting, expiry arguments. Introduced in lab 5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmd {

/// Redis's string2ll(): an optional `-` and decimal digits, no leading zeros (except "0"), no
/// `+`, no spaces, in the range of long long. What INCR accepts in a value and what every
/// integer argument must be.
[[nodiscard]] std::optional<long long> parse_integer(std::string_view text);

/// Redis's string2ld(): strtold() over the whole text, no leading space; `inf` is accepted
/// (INCRBYFLOAT then refuses the result), `nan` and overflow are not.
[[nodiscard]] std::optional<long double> parse_long_double(std::string_view text);

/// INCRBYFLOAT's formatting (Redis's ld2string with LD_STR_HUMAN): `%.17Lf` with trailing
/// zeros and a trailing dot removed, so 10.6 prints as "10.6" and 5000 as "5000" — never an
/// exponent, however large the number.
[[nodiscard]] std::string format_long_double(long double value);

/// SCAN's cursor, parsed like Redis's strtoul() check: unsigned decimal, no leading space.
[[nodiscard]] std::optional<std::uint64_t> parse_cursor(std::string_view text);

/// A byte count for INFO's *_human fields: `1.00K`, `2.50M`, `872B` (Redis's bytesToHuman).
[[nodiscard]] std::string bytes_to_human(std::uint64_t bytes);

}  // namespace cmd
