// Redis's list type: a sequence of byte strings, cheap to push and pop at both ends, and the
// operations behind LPUSH ... LMOVE with Redis 7's semantics. Introduced in lab 6; the command
// handlers in common/cmd/ parse arguments, call one function here and write the reply.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace store {

/// Which end of a list: LPUSH, LPOP and LEFT work at the head, RPUSH, RPOP and RIGHT at the tail.
enum class End { head, tail };

/// A list value: a std::deque of byte strings plus a running estimate of its heap bytes.
///
/// The class does storage and accounting only, like Redis's listType* functions over a
/// quicklist; Redis's command semantics (index normalisation, counts, pivots) are the free
/// functions below, which use nothing but these public members. So no command can make the
/// estimate drift: every change to an element goes through a member that adjusts it.
class List {
public:
    using Elements = std::deque<std::string>;

    List() = default;
    /// Copies every element (BGSAVE copies the dataset).
    List(const List& other) : state_{std::make_unique<State>(*other.state_)} {}
    List& operator=(const List& other) {
        if (this != &other) state_ = std::make_unique<State>(*other.state_);
        return *this;
    }
    /// A moved-from List may only be destroyed or assigned to.
    List(List&&) noexcept = default;
    List& operator=(List&&) noexcept = default;
    ~List() = default;

    [[nodiscard]] std::size_t size() const { return state_->elements.size(); }
    [[nodiscard]] bool empty() const { return state_->elements.empty(); }
    /// The element at `index`; requires index < size().
    [[nodiscard]] const std::string& operator[](std::size_t index) const {
        return state_->elements[index];
    }
    [[nodiscard]] Elements::const_iterator begin() const { return state_->elements.begin(); }
    [[nodiscard]] Elements::const_iterator end() const { return state_->elements.end(); }

    /// Adds one element at `end`.
    void push(End end, std::string element);
    /// Removes and returns the element at `end`; requires !empty().
    [[nodiscard]] std::string pop(End end);
    /// Replaces the element at `index`; requires index < size().
    void replace(std::size_t index, std::string_view element);
    /// Inserts `element` so that it ends up at `index`; requires index <= size().
    void insert(std::size_t index, std::string_view element);
    /// Keeps only the elements at positions [first, last), removing the others from both
    /// ends; requires first <= last <= size(). (No erase in the middle: the deque would
    /// move-assign elements into the gap, and a moved-into string may keep its old buffer.)
    void keep(std::size_t first, std::size_t last);
    /// Removes up to `limit` elements equal to `element` (0 = all), searching from `from`, in
    /// one pass; returns how many it removed.
    std::size_t erase_equal(std::string_view element, std::size_t limit, End from);

    /// Estimated heap bytes the list owns (the List object itself lives in its owner): the
    /// elements' own buffers, the deque's fixed-size nodes and its map of node pointers.
    /// O(1): the element part is a running total (docs/lab6_types.md, "Where the memory goes").
    [[nodiscard]] std::size_t heap_bytes() const;
    /// The same figure recomputed by walking every element; tests compare the two.
    [[nodiscard]] std::size_t recount_heap_bytes() const;

private:
    [[nodiscard]] std::size_t structure_bytes() const;
    void note_size();

    // Everything lives in one heap block, so a List is one pointer wide. That keeps the
    // keyspace's std::variant, and with it every entry, as small for a string key as it was
    // before lists existed (a std::deque alone is 80 bytes).
    struct State {
        Elements elements;
        std::size_t element_bytes = 0;  // running sum of string_heap_bytes() over elements
        std::size_t peak_size = 0;      // the deque's map grows with the list and never shrinks
    };
    std::unique_ptr<State> state_ = std::make_unique<State>();
};

// --- The API the commands call: Redis's semantics, one function per command family ---

/// LPUSH / RPUSH key element [element ...]: pushes the elements one after the other, so
/// `LPUSH k a b c` leaves `c b a`. Returns the new length (the reply).
std::size_t push(List& list, End end, std::span<const std::string_view> elements);

/// LPOP / RPOP key [count]: removes up to `count` elements from `end`, in the order popped.
/// The caller deletes the key when the list is left empty, as Redis never keeps one.
[[nodiscard]] std::vector<std::string> pop(List& list, End end, std::size_t count);

/// LRANGE key start stop: the elements from `start` to `stop`, both included. Negative indexes
/// count from the tail (-1 is the last element), indexes past either end are clamped, and
/// start > stop (after that) gives nothing. The views are valid until the list changes.
[[nodiscard]] std::vector<std::string_view> range(const List& list, long long start,
                                                  long long stop);

/// LINDEX key index: the element at `index` (negative counts from the tail), or nothing when
/// the index is out of range.
[[nodiscard]] std::optional<std::string_view> element_at(const List& list, long long index);

/// What LSET can answer, besides the missing key its handler checks first.
enum class SetStatus {
    ok,
    index_out_of_range,  ///< `ERR index out of range`
};

/// LSET key index element: replaces the element at `index` (negative counts from the tail).
[[nodiscard]] SetStatus set(List& list, long long index, std::string_view element);

/// Which side of the pivot LINSERT puts the new element.
enum class Side { before, after };

/// LINSERT key BEFORE|AFTER pivot element: inserts next to the first element equal to `pivot`
/// from the head. Returns the reply: the new length, or -1 when no element equals `pivot`.
[[nodiscard]] long long insert(List& list, Side side, std::string_view pivot,
                               std::string_view element);

/// LREM key count element: removes elements equal to `element`: the first `count` from the
/// head when count > 0, the last |count| from the tail when count < 0, all when count == 0.
/// Returns how many were removed.
std::size_t remove(List& list, long long count, std::string_view element);

/// LTRIM key start stop: keeps only the elements LRANGE would return for the same indexes
/// (possibly none: then the caller deletes the key).
void trim(List& list, long long start, long long stop);

/// Whether LPOS's RANK argument is usable, checked while parsing, before the key is looked up.
enum class RankStatus {
    ok,
    zero,          ///< `ERR RANK can't be zero: use 1 to start from the first match, ...`
    out_of_range,  ///< LLONG_MIN, which has no positive counterpart (Redis 7.2 rejects it too)
};
[[nodiscard]] RankStatus check_rank(long long rank);

/// LPOS's options. The handler passes count = 1 when the command has no COUNT option and
/// replies with a single integer (or nil) instead of an array.
struct PositionQuery {
    /// Which match to start from: 1 is the first from the head, 2 the second, -1 the first
    /// from the tail. Requires check_rank(rank) == RankStatus::ok.
    long long rank = 1;
    /// At most this many matches; 0 means all of them.
    std::size_t count = 1;
    /// Compare at most this many elements (from the end the search starts at); 0 means all.
    std::size_t maxlen = 0;
};

/// LPOS key element [RANK rank] [COUNT count] [MAXLEN len]: the indexes (always counted from
/// the head) of the elements equal to `element`, in the order the search meets them.
[[nodiscard]] std::vector<std::size_t> positions(const List& list, std::string_view element,
                                                 const PositionQuery& query);

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT (RPOPLPUSH is `tail, head`): pops an
/// element from `from` of `source` and pushes it at `to` of `destination`, which may be the
/// same list (then `tail, head` rotates it). Returns the element moved, valid until the
/// destination changes, or nothing when the source is empty.
[[nodiscard]] std::optional<std::string_view> move_element(List& source, End from,
                                                           List& destination, End to);

}  // namespace store
