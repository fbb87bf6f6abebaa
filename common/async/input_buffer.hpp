// The input buffer of a connection of lab 7's event-loop server. Introduced in lab 7.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

namespace async {

/// The bytes a client sent that no command has consumed yet: a contiguous buffer read into at
/// its end and consumed from its front, without copying per command (the parser's arguments
/// are views into it) and without zero-filling (std::string::resize would).
class InputBuffer {
public:
    /// Bytes received and not yet consumed; a command starts at the front.
    [[nodiscard]] std::string_view data() const { return {bytes_.get() + begin_, end_ - begin_}; }
    [[nodiscard]] std::size_t size() const { return end_ - begin_; }
    [[nodiscard]] bool empty() const { return begin_ == end_; }
    /// Room for at least `wanted` more bytes at the end: moves the unconsumed bytes to the
    /// front, or grows the buffer. The views handed out before are invalid afterwards.
    std::span<char> space(std::size_t wanted);
    /// The read put `bytes` bytes into space().
    void commit(std::size_t bytes) { end_ += bytes; }
    /// The front `bytes` bytes were run.
    void consume(std::size_t bytes);
    /// Frees a big buffer that is empty again (after a huge command), as Redis's clientsCron
    /// shrinks idle query buffers.
    void shrink_if_idle();
    /// Frees the storage, whatever its size; requires empty().
    void release();
    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    std::unique_ptr<char[]> bytes_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

}  // namespace async
