// The input buffer of an event-loop connection. Introduced in lab 7.
#include "async/input_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace async {

namespace {

// A buffer this big that is empty again is freed rather than kept for the next command.
constexpr std::size_t idle_buffer_keep = 64 * 1024;

}  // namespace

std::span<char> InputBuffer::space(std::size_t wanted) {
    if (begin_ == end_) begin_ = end_ = 0;  // all consumed: start over at the front, for free
    if (capacity_ - end_ >= wanted) return {bytes_.get() + end_, capacity_ - end_};
    const std::size_t used = end_ - begin_;
    if (used + wanted <= capacity_ && begin_ >= used) {
        // Enough room once the unconsumed bytes move to the front, and they are few compared
        // with what was consumed: move them (a partial command, usually a few bytes).
        std::memmove(bytes_.get(), bytes_.get() + begin_, used);
    } else {
        const std::size_t grown = std::max(capacity_ * 2, used + wanted);
        auto bigger = std::make_unique_for_overwrite<char[]>(grown);
        if (used > 0) std::memcpy(bigger.get(), bytes_.get() + begin_, used);
        bytes_ = std::move(bigger);
        capacity_ = grown;
    }
    begin_ = 0;
    end_ = used;
    return {bytes_.get() + end_, capacity_ - end_};
}

void InputBuffer::consume(std::size_t bytes) {
    begin_ += bytes;
    if (begin_ == end_) begin_ = end_ = 0;
}

void InputBuffer::release() {
    bytes_.reset();
    capacity_ = begin_ = end_ = 0;
}

void InputBuffer::shrink_if_idle() {
    if (begin_ == end_ && capacity_ > idle_buffer_keep) {
        bytes_.reset();
        capacity_ = begin_ = end_ = 0;
    }
}

}  // namespace async
