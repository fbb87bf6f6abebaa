// Redis's set type: unordered distinct byte strings, and the operations behind SADD ... SSCAN
// with Redis 7's semantics, including the set algebra and random picks from an injected
// generator. Introduced in lab 6; the handlers in common/cmd/ parse, call one function, reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace store {

/// A set value: a std::unordered_set of byte strings plus a running estimate of its heap bytes.
///
/// As with List, the class does storage and accounting only; Redis's semantics are the free
/// functions below, which use nothing but these public members.
class Set {
public:
    /// Transparent hashing: contains(std::string_view) without building a std::string.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    using Members = std::unordered_set<std::string, Hash, std::equal_to<>>;

    Set() = default;
    /// Copies every member (BGSAVE copies the dataset).
    Set(const Set& other) : state_{std::make_unique<State>(*other.state_)} {}
    Set& operator=(const Set& other) {
        if (this != &other) state_ = std::make_unique<State>(*other.state_);
        return *this;
    }
    /// A moved-from Set may only be destroyed or assigned to.
    Set(Set&&) noexcept = default;
    Set& operator=(Set&&) noexcept = default;
    ~Set() = default;

    [[nodiscard]] std::size_t size() const { return state_->members.size(); }
    [[nodiscard]] bool empty() const { return state_->members.empty(); }
    [[nodiscard]] bool contains(std::string_view member) const {
        return state_->members.find(member) != state_->members.end();
    }
    [[nodiscard]] Members::const_iterator begin() const { return state_->members.begin(); }
    [[nodiscard]] Members::const_iterator end() const { return state_->members.end(); }
    /// The hash table's buckets: what heap_bytes() counts and rehashing changes.
    [[nodiscard]] std::size_t bucket_count() const { return state_->members.bucket_count(); }

    /// Adds `member`; false when it was already there (then nothing is allocated).
    bool insert(std::string_view member);
    /// Removes `member`; false when it was not there.
    bool erase(std::string_view member);
    /// Removes the member at `position` and hands over its string without copying it.
    [[nodiscard]] std::string extract(Members::const_iterator position);

    /// A member picked at random, uniformly; requires !empty(). Redis's dictGetRandomKey()
    /// picks a random non-empty bucket, then a member of its chain, which favours members
    /// alone in their bucket (twice as likely as one sharing it with another). We sample by
    /// rejection instead: a random bucket seen as 4 slots, and a random slot; an empty slot
    /// means try again. Every member in a chain of up to 4 (nearly all, at a load factor of
    /// at most 1) has the same chance; O(1) on average, as the table is kept at least 10% full.
    [[nodiscard]] Members::const_iterator random_member(std::mt19937_64& random) const;

    /// Estimated heap bytes the set owns (the Set object itself lives in its owner): one
    /// node per member, the members' own buffers, and the bucket array. O(1).
    [[nodiscard]] std::size_t heap_bytes() const;
    /// The same figure recomputed by walking every member; tests compare the two.
    [[nodiscard]] std::size_t recount_heap_bytes() const;

private:
    [[nodiscard]] std::size_t structure_bytes() const;
    void shrink_if_sparse();

    // One heap block, so a Set is one pointer wide: see List for why.
    struct State {
        Members members;
        std::size_t member_bytes = 0;  // running sum of string_heap_bytes() over members
    };
    std::unique_ptr<State> state_ = std::make_unique<State>();
};

// --- The API the commands call ---

/// SADD key member [member ...]: returns how many members were new (the reply).
std::size_t add(Set& set, std::span<const std::string_view> members);

/// SREM key member [member ...]: returns how many members were removed. The caller deletes
/// the key when the set is left empty, as Redis never keeps one.
std::size_t remove(Set& set, std::span<const std::string_view> members);

/// SISMEMBER key member (and, one member at a time, SMISMEMBER).
[[nodiscard]] bool is_member(const Set& set, std::string_view member);

/// SMEMBERS key: every member, in no particular order; the views live until the set changes.
[[nodiscard]] std::vector<std::string_view> members(const Set& set);

/// SPOP key [count]: removes `count` distinct members picked at random, or all of them when
/// count >= size(). SPOP without a count is pop(set, 1, random) with a single reply.
[[nodiscard]] std::vector<std::string> pop(Set& set, std::size_t count, std::mt19937_64& random);

/// SRANDMEMBER key count, with Redis's sign convention: a positive count gives distinct
/// members, min(count, size()) of them; a negative count gives exactly |count| members that
/// may repeat; 0 gives none. Requires count > LLONG_MIN (SRANDMEMBER's range check). The reply
/// is built whole, so the handler should bound |count| before calling.
[[nodiscard]] std::vector<std::string_view> random_members(const Set& set, long long count,
                                                           std::mt19937_64& random);

/// SMOVE source destination member: moves `member`, returning true when it was in `source`
/// (even if `destination` already had it). When both are the same set, nothing changes and
/// the answer is whether the member is there, as in Redis.
bool move_member(Set& source, Set& destination, std::string_view member);

/// The sets of SINTER, SUNION, SDIFF and SINTERCARD, in the order of their keys: a null
/// pointer stands for a missing key, which counts as an empty set.
using SetInputs = std::span<const Set* const>;

/// SINTER / SINTERSTORE: the members in every set (empty if any set is missing or empty).
[[nodiscard]] Set intersect(SetInputs sets);
/// SUNION / SUNIONSTORE: the members in any set.
[[nodiscard]] Set unite(SetInputs sets);
/// SDIFF / SDIFFSTORE: the members of the first set that are in none of the others.
[[nodiscard]] Set subtract(SetInputs sets);

/// SINTERCARD numkeys key [key ...] [LIMIT limit]: the size of the intersection, counting
/// stops at `limit` (0 = no limit) without building the intersection.
[[nodiscard]] std::size_t intersection_size(SetInputs sets, std::size_t limit);

/// One SSCAN step: the members visited and the cursor for the next call (0 = the end).
struct SetScanBatch {
    std::uint64_t next_cursor = 0;
    std::vector<std::string_view> members;
};

/// SSCAN key cursor [COUNT count]: visits members in the order of their hash value; the
/// cursor is the next hash value to visit. Every member present from the first call to the
/// last is returned exactly once, whatever is added, removed or rehashed in between (SCAN's
/// approach in common/cmd/scan.hpp, which explains why not Redis's reverse-binary walk).
/// Costs O(size() log count) per call. MATCH is the handler's filter over the result.
[[nodiscard]] SetScanBatch scan(const Set& set, std::uint64_t cursor, std::size_t count);

}  // namespace store
