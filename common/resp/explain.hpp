// Human-readable renderings of RESP for lab 3's `--explain` mode and for test failure
// messages: raw bytes with escapes, a command as quoted words, a reply as redis-cli prints it.
// Introduced in lab 3.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace resp {

/// The bytes with every non-printable byte escaped, so the framing shows:
/// `*1\r\n$4\r\nPING\r\n`. Uses `\r \n \t \\` and `\xHH` for the rest.
[[nodiscard]] std::string escape_bytes(std::string_view bytes);

/// A command as redis-cli's MONITOR shows one: the name, then each argument quoted and escaped:
/// `SET "k" "v"`.
[[nodiscard]] std::string describe_command(std::span<const std::string_view> argv);

/// A RESP2 reply as redis-cli prints it: `OK`, `(error) ERR ...`, `(integer) 1`, `"v"`, `(nil)`,
/// arrays as `1) "a" 2) "b"` on one line. Text that is not a whole reply is shown escaped.
[[nodiscard]] std::string describe_reply(std::string_view reply);

}  // namespace resp
