// Redis's number parsing and formatting rules, reproduced for the commands.
// Introduced in lab 5.
#include "cmd/numbers.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace cmd {

std::optional<long long> parse_integer(std::string_view text) {
    // Redis's string2ll refuses what strtoll would quietly accept: "+1", " 1", "01", "1 ".
    if (text.empty() || text.size() > 20) return std::nullopt;
    if (text == "0") return 0;
    std::size_t position = 0;
    const bool negative = text[0] == '-';
    if (negative) position = 1;
    if (position == text.size() || text[position] < '1' || text[position] > '9')
        return std::nullopt;
    unsigned long long magnitude = 0;
    constexpr unsigned long long limit = std::numeric_limits<unsigned long long>::max();
    for (; position < text.size(); ++position) {
        const char digit = text[position];
        if (digit < '0' || digit > '9') return std::nullopt;
        const auto value = static_cast<unsigned long long>(digit - '0');
        if (magnitude > (limit - value) / 10) return std::nullopt;
        magnitude = magnitude * 10 + value;
    }
    constexpr auto max = static_cast<unsigned long long>(std::numeric_limits<long long>::max());
    if (negative) {
        if (magnitude > max + 1) return std::nullopt;
        // -(max + 1) is representable; negate in unsigned arithmetic to avoid overflow.
        return magnitude == max + 1 ? std::numeric_limits<long long>::min()
                                    : -static_cast<long long>(magnitude);
    }
    if (magnitude > max) return std::nullopt;
    return static_cast<long long>(magnitude);
}

std::optional<long double> parse_long_double(std::string_view text) {
    // Redis copies into a 5 KB buffer (MAX_LONG_DOUBLE_CHARS) so strtold sees a terminator.
    constexpr std::size_t max_chars = 5 * 1024;
    if (text.empty() || text.size() >= max_chars) return std::nullopt;
    if (std::isspace(static_cast<unsigned char>(text[0])) != 0) return std::nullopt;
    const std::string buffer{text};
    char* end = nullptr;
    errno = 0;
    const long double value = std::strtold(buffer.c_str(), &end);
    const bool range_error =
        errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || value == 0.0L);
    if (*end != '\0' || range_error || errno == EINVAL || std::isnan(value)) return std::nullopt;
    return value;
}

std::string format_long_double(long double value) {
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    // %.17Lf of the largest long double is about 4,950 characters; Redis's buffer
    // (MAX_LONG_DOUBLE_CHARS) is 5 KB.
    std::array<char, 5 * 1024> buffer{};
    const int length = std::snprintf(buffer.data(), buffer.size(), "%.17Lf", value);
    std::string text{buffer.data(), static_cast<std::size_t>(length)};
    if (text.find('.') != std::string::npos) {
        while (text.back() == '0')
            text.pop_back();
        if (text.back() == '.') text.pop_back();
    }
    return text;
}

std::optional<std::uint64_t> parse_cursor(std::string_view text) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) != 0) return std::nullopt;
    const std::string buffer{text};
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(buffer.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE) return std::nullopt;
    return value;
}

std::string bytes_to_human(std::uint64_t bytes) {
    const auto value = static_cast<double>(bytes);
    char text[64];
    constexpr double kilo = 1024.0;
    if (value < kilo) {
        std::snprintf(text, sizeof text, "%lluB", static_cast<unsigned long long>(bytes));
    } else if (value < kilo * kilo) {
        std::snprintf(text, sizeof text, "%.2fK", value / kilo);
    } else if (value < kilo * kilo * kilo) {
        std::snprintf(text, sizeof text, "%.2fM", value / (kilo * kilo));
    } else if (value < kilo * kilo * kilo * kilo) {
        std::snprintf(text, sizeof text, "%.2fG", value / (kilo * kilo * kilo));
    } else {
        std::snprintf(text, sizeof text, "%.2fT", value / (kilo * kilo * kilo * kilo));
    }
    return text;
}

}  // namespace cmd
