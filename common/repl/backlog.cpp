// The replication backlog's ring buffer. Introduced in lab 8.
#include "repl/backlog.hpp"

#include <algorithm>

namespace repl {

Backlog::Backlog(std::size_t capacity, std::uint64_t offset)
    : buffer_(std::max(capacity, min_backlog_size)), end_offset_{offset} {}

void Backlog::append(std::string_view bytes) {
    end_offset_ += bytes.size();
    // More than fits: only the newest capacity() bytes can stay.
    if (bytes.size() >= buffer_.size()) {
        bytes = bytes.substr(bytes.size() - buffer_.size());
        std::copy(bytes.begin(), bytes.end(), buffer_.begin());
        next_ = 0;
        held_ = buffer_.size();
        return;
    }
    const std::size_t first_part = std::min(bytes.size(), buffer_.size() - next_);
    std::copy_n(bytes.begin(), first_part, buffer_.begin() + static_cast<std::ptrdiff_t>(next_));
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(first_part), bytes.end(),
              buffer_.begin());
    next_ = (next_ + bytes.size()) % buffer_.size();
    held_ = std::min(held_ + bytes.size(), buffer_.size());
}

std::optional<std::string> Backlog::since(std::uint64_t from) const {
    if (from < first_offset() || from > end_offset_ + 1) return std::nullopt;
    const auto count = static_cast<std::size_t>(end_offset_ + 1 - from);
    // The oldest byte is at next_ - held_ (mod capacity); the one asked for `skip` after it.
    const std::size_t skip = held_ - count;
    const std::size_t position = (next_ + buffer_.size() - held_ + skip) % buffer_.size();
    std::string bytes;
    bytes.reserve(count);
    const std::size_t first_part = std::min(count, buffer_.size() - position);
    bytes.append(buffer_.data() + position, first_part);
    bytes.append(buffer_.data(), count - first_part);
    return bytes;
}

void Backlog::resize(std::size_t capacity) {
    capacity = std::max(capacity, min_backlog_size);
    if (capacity == buffer_.size()) return;
    const std::string kept = *since(first_offset());
    const std::uint64_t end = end_offset_;
    buffer_.assign(capacity, '\0');
    next_ = 0;
    held_ = 0;
    end_offset_ = end - kept.size();
    append(kept);
}

}  // namespace repl
