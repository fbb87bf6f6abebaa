// The list type of lab 6: storage with its memory estimate, then Redis's list operations on
// top of it (t_list.c's index rules, checked against redis-server 7.0.15).
#include "store/list.hpp"

#include <algorithm>
#include <climits>
#include <iterator>
#include <utility>

#include "store/memory_model.hpp"

namespace store {

namespace {

// libstdc++'s deque stores elements in nodes of 512 bytes, 16 std::strings each, and keeps a
// "map": an array of pointers to the nodes. A deque always owns at least one node, even empty.
constexpr std::size_t elements_per_node = 512 / sizeof(std::string);
constexpr std::size_t node_bytes = malloc_chunk(elements_per_node * sizeof(std::string));

// The map starts with 8 slots and, when full, grows to 2 * slots + 2, centred; it never
// shrinks. Growth happens when the nodes reach between a third and a half of the slots, so
// the map has 1.5 to 3 slots per node of the list's largest size. We take 2: an error of at
// most 0.75 bytes per element, against at least 33.
std::size_t map_bytes(std::size_t peak_nodes) {
    return malloc_chunk(std::max<std::size_t>(8, 2 * peak_nodes + 2) * sizeof(void*));
}

std::size_t nodes_for(std::size_t elements) {
    // Exact for a list built by pushes at the tail; one node short at worst otherwise.
    return elements / elements_per_node + 1;
}

// Redis's index rule for a single position (LINDEX, LSET): negative counts from the tail.
std::optional<std::size_t> normalise_index(std::size_t size, long long index) {
    const auto length = static_cast<long long>(size);
    if (index < 0) index += length;
    if (index < 0 || index >= length) return std::nullopt;
    return static_cast<std::size_t>(index);
}

// Redis's rule for a range (LRANGE, LTRIM): both ends may be negative, start is clamped to 0
// and stop to the last element; an empty range is nothing. Returns [first, last).
std::optional<std::pair<std::size_t, std::size_t>> normalise_range(std::size_t size,
                                                                   long long start,
                                                                   long long stop) {
    const auto length = static_cast<long long>(size);
    if (start < 0) start += length;
    if (stop < 0) stop += length;
    if (start < 0) start = 0;
    if (start > stop || start >= length) return std::nullopt;
    if (stop >= length) stop = length - 1;
    return std::pair{static_cast<std::size_t>(start), static_cast<std::size_t>(stop) + 1};
}

// |value| without overflow, for counts that may be LLONG_MIN.
std::size_t magnitude(long long value) {
    const auto bits = static_cast<unsigned long long>(value);
    return static_cast<std::size_t>(value < 0 ? 0 - bits : bits);
}

}  // namespace

// --- Storage ---

void List::push(End end, std::string element) {
    state_->element_bytes += string_heap_bytes(element);
    if (end == End::head) {
        state_->elements.push_front(std::move(element));
    } else {
        state_->elements.push_back(std::move(element));
    }
    note_size();
}

std::string List::pop(End end) {
    std::string& slot = end == End::head ? state_->elements.front() : state_->elements.back();
    std::string element = std::move(slot);
    if (end == End::head) {
        state_->elements.pop_front();
    } else {
        state_->elements.pop_back();
    }
    state_->element_bytes -= string_heap_bytes(element);
    return element;
}

void List::replace(std::size_t index, std::string_view element) {
    // Swap in a new string rather than assign(): assigning a short value into a long string
    // keeps the long buffer, which would waste memory and break the estimate.
    std::string& slot = state_->elements[index];
    state_->element_bytes -= string_heap_bytes(slot);
    std::string{element}.swap(slot);
    state_->element_bytes += string_heap_bytes(slot);
}

void List::insert(std::size_t index, std::string_view element) {
    const auto position = state_->elements.emplace(
        state_->elements.begin() + static_cast<std::ptrdiff_t>(index), element);
    state_->element_bytes += string_heap_bytes(*position);
    note_size();
}

void List::keep(std::size_t first, std::size_t last) {
    // Erasing at the ends destroys elements without moving any. The tail first, so that the
    // head's indexes stay valid.
    for (std::size_t index = 0; index < first; ++index)
        state_->element_bytes -= string_heap_bytes(state_->elements[index]);
    for (std::size_t index = last; index < state_->elements.size(); ++index)
        state_->element_bytes -= string_heap_bytes(state_->elements[index]);
    state_->elements.erase(state_->elements.begin() + static_cast<std::ptrdiff_t>(last),
                           state_->elements.end());
    state_->elements.erase(state_->elements.begin(),
                           state_->elements.begin() + static_cast<std::ptrdiff_t>(first));
}

std::size_t List::erase_equal(std::string_view element, std::size_t limit, End from) {
    // Compact in one pass, as std::remove does, but stop matching after `limit` removals, then
    // cut the leftovers off the end. Swapping rather than moving keeps each kept element's own
    // buffer (a moved-into string may keep its old, larger one). From the tail it is the same
    // pass over reverse iterators.
    std::size_t removed = 0;
    const auto compact = [&](auto first, auto last) {
        auto kept = first;
        for (auto position = first; position != last; ++position) {
            if (*position == element && (limit == 0 || removed < limit)) {
                state_->element_bytes -= string_heap_bytes(*position);
                ++removed;
            } else {
                if (kept != position) std::swap(*kept, *position);
                ++kept;
            }
        }
        return kept;
    };
    if (from == End::head) {
        state_->elements.erase(compact(state_->elements.begin(), state_->elements.end()),
                               state_->elements.end());
    } else {
        const auto kept = compact(state_->elements.rbegin(), state_->elements.rend());
        state_->elements.erase(state_->elements.begin(), kept.base());
    }
    return removed;
}

std::size_t List::heap_bytes() const {
    return state_->element_bytes + structure_bytes();
}

std::size_t List::recount_heap_bytes() const {
    std::size_t total = 0;
    for (const auto& element : state_->elements)
        total += string_heap_bytes(element);
    return total + structure_bytes();
}

std::size_t List::structure_bytes() const {
    return malloc_chunk(sizeof(State)) + nodes_for(size()) * node_bytes +
           map_bytes(nodes_for(state_->peak_size));
}

void List::note_size() {
    state_->peak_size = std::max(state_->peak_size, state_->elements.size());
}

// --- Commands' semantics ---

std::size_t push(List& list, End end, std::span<const std::string_view> elements) {
    for (const auto element : elements)
        list.push(end, std::string{element});
    return list.size();
}

std::vector<std::string> pop(List& list, End end, std::size_t count) {
    std::vector<std::string> popped;
    popped.reserve(std::min(count, list.size()));
    while (popped.size() < count && !list.empty())
        popped.push_back(list.pop(end));
    return popped;
}

std::vector<std::string_view> range(const List& list, long long start, long long stop) {
    std::vector<std::string_view> elements;
    if (const auto bounds = normalise_range(list.size(), start, stop)) {
        elements.reserve(bounds->second - bounds->first);
        for (std::size_t index = bounds->first; index < bounds->second; ++index)
            elements.emplace_back(list[index]);
    }
    return elements;
}

std::optional<std::string_view> element_at(const List& list, long long index) {
    const auto position = normalise_index(list.size(), index);
    if (!position) return std::nullopt;
    return std::string_view{list[*position]};
}

SetStatus set(List& list, long long index, std::string_view element) {
    const auto position = normalise_index(list.size(), index);
    if (!position) return SetStatus::index_out_of_range;
    list.replace(*position, element);
    return SetStatus::ok;
}

long long insert(List& list, Side side, std::string_view pivot, std::string_view element) {
    const auto found = std::find(list.begin(), list.end(), pivot);
    if (found == list.end()) return -1;
    const auto index = static_cast<std::size_t>(found - list.begin());
    list.insert(side == Side::before ? index : index + 1, element);
    return static_cast<long long>(list.size());
}

std::size_t remove(List& list, long long count, std::string_view element) {
    return list.erase_equal(element, magnitude(count), count < 0 ? End::tail : End::head);
}

void trim(List& list, long long start, long long stop) {
    const auto bounds = normalise_range(list.size(), start, stop);
    if (bounds) {
        list.keep(bounds->first, bounds->second);
    } else {
        list.keep(0, 0);
    }
}

RankStatus check_rank(long long rank) {
    if (rank == 0) return RankStatus::zero;
    if (rank == LLONG_MIN) return RankStatus::out_of_range;
    return RankStatus::ok;
}

std::vector<std::size_t> positions(const List& list, std::string_view element,
                                   const PositionQuery& query) {
    // A negative rank searches from the tail; indexes are still reported from the head.
    const bool from_tail = query.rank < 0;
    const std::size_t skip = magnitude(query.rank) - 1;  // matches to pass over first
    const std::size_t size = list.size();
    const std::size_t compared = query.maxlen == 0 ? size : std::min(query.maxlen, size);
    std::vector<std::size_t> found;
    std::size_t matches = 0;
    for (std::size_t step = 0; step < compared; ++step) {
        const std::size_t index = from_tail ? size - 1 - step : step;
        if (list[index] != element || matches++ < skip) continue;
        found.push_back(index);
        if (query.count != 0 && found.size() == query.count) break;
    }
    return found;
}

std::optional<std::string_view> move_element(List& source, End from, List& destination, End to) {
    if (source.empty()) return std::nullopt;
    // Pop first, then push: correct when source and destination are the same list.
    destination.push(to, source.pop(from));
    return std::string_view{to == End::head ? *destination.begin() : *std::prev(destination.end())};
}

}  // namespace store
