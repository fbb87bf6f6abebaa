// The set type of lab 6: storage with its memory estimate, random picks, the set algebra and
// a hash-ordered SSCAN cursor (semantics of Redis's t_set.c, checked against redis-server 7.0.15).
#include "store/set.hpp"

#include <algorithm>
#include <iterator>
#include <queue>
#include <utility>

#include "store/memory_model.hpp"

namespace store {

namespace {

// A node of libstdc++'s unordered_set: the link to the next node and the std::string. No cached
// hash code, for the reason keyspace.cpp gives: libstdc++ treats a user-supplied noexcept hasher
// such as Set::Hash as fast.
constexpr std::size_t node_bytes = malloc_chunk(sizeof(void*) + sizeof(std::string));

// Like Redis (HASHTABLE_MIN_FILL), give buckets back when fewer than one in ten is used, so a
// set that shrank does not keep its peak memory, and random picks do not wade through empties.
constexpr std::size_t minimum_fill_percent = 10;
constexpr std::size_t minimum_buckets_to_shrink = 64;

// Random picks see each bucket as this many slots (see Set::random_member()).
constexpr std::size_t chain_bound = 4;

// The sets in the order an intersection should use: smallest first, so the outer loop is short
// and a membership test fails early. Nothing when a set is missing or empty.
std::vector<const Set*> smallest_first(SetInputs sets) {
    std::vector<const Set*> sorted(sets.begin(), sets.end());
    if (sorted.empty() || std::any_of(sorted.begin(), sorted.end(),
                                      [](const Set* set) { return !set || set->empty(); }))
        return {};
    std::sort(sorted.begin(), sorted.end(),
              [](const Set* left, const Set* right) { return left->size() < right->size(); });
    return sorted;
}

bool in_all_others(const std::vector<const Set*>& sorted, std::string_view member) {
    return std::all_of(sorted.begin() + 1, sorted.end(),
                       [&](const Set* other) { return other->contains(member); });
}

}  // namespace

// --- Storage ---

bool Set::insert(std::string_view member) {
    // Look up first: a duplicate then costs no allocation (C++20's insert needs a std::string).
    if (contains(member)) return false;
    const auto position = state_->members.emplace(member).first;
    state_->member_bytes += string_heap_bytes(*position);
    return true;
}

bool Set::erase(std::string_view member) {
    // C++20 has no erase(std::string_view) for unordered containers (C++23 adds it): find first.
    const auto position = state_->members.find(member);
    if (position == state_->members.end()) return false;
    state_->member_bytes -= string_heap_bytes(*position);
    state_->members.erase(position);
    shrink_if_sparse();
    return true;
}

std::string Set::extract(Members::const_iterator position) {
    state_->member_bytes -= string_heap_bytes(*position);
    auto node = state_->members.extract(position);
    shrink_if_sparse();
    return std::move(node.value());
}

Set::Members::const_iterator Set::random_member(std::mt19937_64& random) const {
    std::uniform_int_distribution<std::size_t> pick_bucket{0, state_->members.bucket_count() - 1};
    std::uniform_int_distribution<std::size_t> pick_slot{0, chain_bound - 1};
    for (;;) {
        const std::size_t bucket = pick_bucket(random);
        const std::size_t slot = pick_slot(random);
        const std::size_t chain = state_->members.bucket_size(bucket);
        if (slot >= chain) continue;  // an empty slot: try again
        std::size_t index = slot;
        if (chain > chain_bound) {
            index = std::uniform_int_distribution<std::size_t>{0, chain - 1}(random);
        }
        const auto chosen =
            std::next(state_->members.begin(bucket), static_cast<std::ptrdiff_t>(index));
        // A bucket iterator is not a container iterator; find() converts (one more hash).
        return state_->members.find(*chosen);
    }
}

std::size_t Set::heap_bytes() const {
    return state_->member_bytes + structure_bytes();
}

std::size_t Set::recount_heap_bytes() const {
    std::size_t total = 0;
    for (const auto& member : state_->members)
        total += string_heap_bytes(member);
    return total + structure_bytes();
}

std::size_t Set::structure_bytes() const {
    // With one bucket libstdc++ uses a pointer inside the table object, no heap block.
    const std::size_t buckets = state_->members.bucket_count();
    const std::size_t bucket_bytes = buckets > 1 ? malloc_chunk(buckets * sizeof(void*)) : 0;
    return malloc_chunk(sizeof(State)) + state_->members.size() * node_bytes + bucket_bytes;
}

void Set::shrink_if_sparse() {
    const std::size_t buckets = state_->members.bucket_count();
    if (buckets >= minimum_buckets_to_shrink &&
        state_->members.size() * 100 < buckets * minimum_fill_percent) {
        state_->members.rehash(0);  // the fewest buckets the maximum load factor allows
    }
}

// --- Commands' semantics ---

std::size_t add(Set& set, std::span<const std::string_view> members) {
    return static_cast<std::size_t>(
        std::count_if(members.begin(), members.end(),
                      [&](std::string_view member) { return set.insert(member); }));
}

std::size_t remove(Set& set, std::span<const std::string_view> members) {
    return static_cast<std::size_t>(
        std::count_if(members.begin(), members.end(),
                      [&](std::string_view member) { return set.erase(member); }));
}

bool is_member(const Set& set, std::string_view member) {
    return set.contains(member);
}

std::vector<std::string_view> members(const Set& set) {
    return {set.begin(), set.end()};
}

std::vector<std::string> pop(Set& set, std::size_t count, std::mt19937_64& random) {
    std::vector<std::string> popped;
    // When everything goes there is no need for random picks (Redis's SPOP does the same).
    const bool everything = count >= set.size();
    popped.reserve(std::min(count, set.size()));
    while (popped.size() < count && !set.empty()) {
        const auto position = everything ? set.begin() : set.random_member(random);
        popped.push_back(set.extract(position));
    }
    return popped;
}

std::vector<std::string_view> random_members(const Set& set, long long count,
                                             std::mt19937_64& random) {
    std::vector<std::string_view> picked;
    if (set.empty() || count == 0) return picked;
    if (count < 0) {
        // Repeats allowed: |count| independent picks.
        const std::size_t repeats = 0 - static_cast<std::size_t>(count);
        picked.reserve(repeats);
        while (picked.size() < repeats)
            picked.emplace_back(*set.random_member(random));
        return picked;
    }
    const auto wanted = static_cast<std::size_t>(count);
    if (wanted >= set.size()) return members(set);
    if (wanted * 3 > set.size()) {
        // Most of the set: one pass of selection sampling (std::sample) beats retrying picks.
        picked.reserve(wanted);
        std::sample(set.begin(), set.end(), std::back_inserter(picked), wanted, random);
        return picked;
    }
    // A small part of the set: random picks, skipping the ones already taken (Redis's
    // SRANDMEMBER makes the same choice between its "case 3" and "case 4").
    std::unordered_set<const std::string*> taken;
    while (picked.size() < wanted) {
        const std::string& member = *set.random_member(random);
        if (taken.insert(&member).second) picked.emplace_back(member);
    }
    return picked;
}

bool move_member(Set& source, Set& destination, std::string_view member) {
    if (&source == &destination) return source.contains(member);
    if (!source.erase(member)) return false;
    destination.insert(member);
    return true;
}

Set intersect(SetInputs sets) {
    Set result;
    const auto sorted = smallest_first(sets);
    if (sorted.empty()) return result;
    for (const auto& member : *sorted.front())
        if (in_all_others(sorted, member)) result.insert(member);
    return result;
}

Set unite(SetInputs sets) {
    Set result;
    for (const Set* set : sets) {
        if (!set) continue;
        for (const auto& member : *set)
            result.insert(member);
    }
    return result;
}

Set subtract(SetInputs sets) {
    Set result;
    if (sets.empty() || !sets.front()) return result;
    for (const auto& member : *sets.front()) {
        const bool elsewhere = std::any_of(sets.begin() + 1, sets.end(), [&](const Set* other) {
            return other && other->contains(member);
        });
        if (!elsewhere) result.insert(member);
    }
    return result;
}

std::size_t intersection_size(SetInputs sets, std::size_t limit) {
    const auto sorted = smallest_first(sets);
    std::size_t size = 0;
    if (sorted.empty()) return size;
    for (const auto& member : *sorted.front()) {
        if (in_all_others(sorted, member) && ++size == limit) break;
    }
    return size;
}

SetScanBatch scan(const Set& set, std::uint64_t cursor, std::size_t count) {
    const auto hash_of = [](std::string_view member) -> std::uint64_t {
        return Set::Hash{}(member);
    };
    count = std::max<std::size_t>(count, 1);
    // Pass 1: the `count` smallest hashes at or after the cursor, in a max-heap whose top
    // becomes the last hash of this batch.
    std::priority_queue<std::uint64_t> smallest;
    for (const auto& member : set) {
        const std::uint64_t hash = hash_of(member);
        if (hash < cursor) continue;
        if (smallest.size() < count) {
            smallest.push(hash);
        } else if (hash < smallest.top()) {
            smallest.pop();
            smallest.push(hash);
        }
    }
    SetScanBatch batch;
    if (smallest.empty()) return batch;
    const std::uint64_t last = smallest.top();

    // Pass 2: every member in [cursor, last], ties with `last` included so that members with
    // equal hashes are never split between calls, in hash order.
    std::vector<std::pair<std::uint64_t, std::string_view>> selected;
    bool more = false;
    for (const auto& member : set) {
        const std::uint64_t hash = hash_of(member);
        if (hash > last) {
            more = true;
        } else if (hash >= cursor) {
            selected.emplace_back(hash, member);
        }
    }
    std::sort(selected.begin(), selected.end());
    for (const auto& [hash, member] : selected)
        batch.members.push_back(member);
    batch.next_cursor = (more && last != UINT64_MAX) ? last + 1 : 0;
    return batch;
}

}  // namespace store
