// The replication backlog: the last bytes of the replication stream, in a ring buffer, so that a
// replica that lost its link for a moment gets only what it missed (+CONTINUE) instead of the
// whole dataset. Redis's repl_backlog. Introduced in lab 8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repl {

/// Redis's CONFIG_REPL_BACKLOG_MIN_SIZE: a smaller `repl-backlog-size` is raised to this.
inline constexpr std::size_t min_backlog_size = 16 * 1024;

/// A window of the stream by offset. Offsets count the bytes of the stream since the
/// replication id began; the first byte has offset 1, as in Redis, so a replica that has
/// processed `n` bytes asks for `PSYNC <id> <n + 1>`.
class Backlog {
public:
    /// An empty backlog of `capacity` bytes (at least min_backlog_size) whose next byte will
    /// have offset `offset + 1`: `offset` is the stream's length so far.
    Backlog(std::size_t capacity, std::uint64_t offset);

    /// Adds bytes at the end of the stream, dropping the oldest when full.
    void append(std::string_view bytes);

    /// The offset of the stream's last byte (master_repl_offset).
    [[nodiscard]] std::uint64_t end_offset() const { return end_offset_; }
    /// The offset of the oldest byte held (repl_backlog_first_byte_offset); end_offset() + 1
    /// when empty.
    [[nodiscard]] std::uint64_t first_offset() const { return end_offset_ - held_ + 1; }
    /// Bytes held (repl_backlog_histlen).
    [[nodiscard]] std::size_t held() const { return held_; }
    [[nodiscard]] std::size_t capacity() const { return buffer_.size(); }

    /// The bytes from offset `from` to the end, or nothing when they are not all held: `from`
    /// must be in [first_offset(), end_offset() + 1] (the end + 1: nothing to send).
    [[nodiscard]] std::optional<std::string> since(std::uint64_t from) const;

    /// A new capacity (CONFIG SET repl-backlog-size), keeping the newest bytes that fit.
    void resize(std::size_t capacity);

private:
    std::vector<char> buffer_;
    std::size_t next_ = 0;  // where the next byte goes
    std::size_t held_ = 0;
    std::uint64_t end_offset_ = 0;
};

}  // namespace repl
