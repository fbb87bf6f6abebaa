// Binary-safe text for the JSON snapshot: a strict UTF-8 check, which decides whether bytes can
// be a JSON string as they are, and base64 for the bytes that cannot. Introduced in lab 4.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace persist {

/// True when `bytes` is well-formed UTF-8 as RFC 3629 defines it: no stray continuation bytes,
/// no truncated sequences, no overlong forms (C0 80 for NUL), no UTF-16 surrogates (ED A0 80),
/// nothing above U+10FFFF. JSON text must be Unicode, so only such bytes may be written as a
/// JSON string; nlohmann::json refuses to dump anything else. NUL is valid UTF-8 (JSON writes it
/// as \u0000).
[[nodiscard]] bool is_valid_utf8(std::string_view bytes);

/// Standard base64 (RFC 4648 section 4: A-Z a-z 0-9 + /, '=' padding to a multiple of 4).
[[nodiscard]] std::string base64_encode(std::string_view bytes);

/// Decodes base64 as base64_encode() writes it, and nothing else: no whitespace, no missing
/// padding, no padding in the middle, no unused bits set in the last character. Strict, so that
/// each byte string has exactly one spelling and a damaged file is refused rather than read as
/// different bytes. Returns nothing for invalid input.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace persist
