// Glob matching exactly like Redis's stringmatchlen(): what KEYS, SCAN MATCH and CONFIG GET
// patterns mean. Introduced in lab 5.
#pragma once

#include <string_view>

namespace cmd {

/// Whether to compare letters ignoring case (CONFIG GET does; KEYS does not).
enum class Case { sensitive, insensitive };

/// True when `text` matches `pattern`. Both are bytes (binary-safe).
///
///   `*`      any run of bytes, also none      `?`       exactly one byte
///   `[abc]`  one of a, b, c                   `[^abc]`  any byte but those
///   `[a-z]`  a range (either order)           `\x`      the byte x itself, also inside [ ]
///
/// Unusual corners follow Redis, not a textbook: an unclosed `[abc` matches as if closed,
/// a `\` at the very end matches a literal `\`.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text,
                              Case letter_case = Case::sensitive);

}  // namespace cmd
