// What a key can hold once the store is typed: a string, a list or a set; the names TYPE
// replies with; and what each costs in heap bytes, under the allocator model of
// docs/lab2_store.md. Introduced in lab 6.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "store/list.hpp"
#include "store/memory_model.hpp"
#include "store/set.hpp"

namespace store {

/// A key's value. The alternatives are in the order of Type, so index() converts directly.
using Value = std::variant<std::string, List, Set>;

/// The kind of a value, for type checks (WRONGTYPE) and the TYPE command.
enum class Type { string, list, set };

// type_of() converts Value::index() to a Type: both must list the types in the same order.
template <Type type>
using AlternativeOf = std::variant_alternative_t<static_cast<std::size_t>(type), Value>;
static_assert(std::is_same_v<AlternativeOf<Type::string>, std::string> &&
              std::is_same_v<AlternativeOf<Type::list>, List> &&
              std::is_same_v<AlternativeOf<Type::set>, Set>);

[[nodiscard]] inline Type type_of(const Value& value) {
    return static_cast<Type>(value.index());
}

/// What TYPE replies for a key holding a value of this type (TYPE answers "none" for a
/// missing key, which has no Type).
[[nodiscard]] constexpr std::string_view type_name(Type type) {
    switch (type) {
        case Type::string:
            return "string";
        case Type::list:
            return "list";
        case Type::set:
            return "set";
    }
    return "none";  // unreachable with a valid Type; keeps -Wreturn-type quiet
}

/// Heap bytes a value owns, not counting the Value object itself (which lives in its
/// keyspace entry). O(1) for every type: lists and sets keep running totals.
[[nodiscard]] inline std::size_t heap_bytes(const Value& value) {
    if (const auto* text = std::get_if<std::string>(&value)) return string_heap_bytes(*text);
    if (const auto* list = std::get_if<List>(&value)) return list->heap_bytes();
    return std::get<Set>(value).heap_bytes();
}

}  // namespace store
