// The RDB reader and writer as a whole: round trips of every value type with and without
// deadlines, the exact header, deterministic bytes, files made by redis-server 7.0.15 (see
// data/README.md) loaded with every value intact, and refusal of everything this server cannot
// hold and of every truncated or bit-flipped file. Introduced in lab 4.
#include "persist/rdb.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "persist/file_io.hpp"
#include "persist/snapshot_format.hpp"
#include "rdb_bytes.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using lab4_test::Content;
using lab4_test::contents;
using lab4_test::Contents;
using lab4_test::golden;
using lab4_test::rdb_file;
using lab4_test::rdb_string;

constexpr store::TimePoint keep_all = store::TimePoint::min();

// A far-future deadline used in the golden files: 2100-01-01T00:00:00Z.
constexpr store::TimePoint year_2100{std::chrono::milliseconds{4'102'444'800'000}};

std::string error_of(const std::string& bytes, store::TimePoint now = keep_all) {
    try {
        (void)persist::parse_rdb(bytes, "dump.rdb", now);
    } catch (const persist::PersistError& error) {
        return error.what();
    }
    return {};
}

class RdbTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    lab4_test::TempDir dir;

    void add_list(std::string_view key, const std::vector<std::string>& items,
                  std::optional<store::TimePoint> deadline = std::nullopt) {
        store::List list;
        for (const auto& item : items)
            list.push(store::End::tail, item);
        keyspace.replace(key, std::move(list), deadline);
    }
    void add_set(std::string_view key, const std::vector<std::string>& members,
                 std::optional<store::TimePoint> deadline = std::nullopt) {
        store::Set set;
        for (const auto& member : members)
            set.insert(member);
        keyspace.replace(key, std::move(set), deadline);
    }

    // Every kind of value, with and without deadlines: strings that take each encoding
    // (integers of 8, 16 and 32 bits, non-canonical integers that must stay text, compressible
    // and incompressible long strings, binary bytes), lists and sets of each.
    void fill() {
        std::mt19937 random{5};
        std::string noise(500, '\0');
        for (char& c : noise)
            c = static_cast<char>(random());
        std::vector<std::string> strings = lab4_test::encoding_strings();
        strings.push_back(noise);
        for (std::size_t i = 0; i < strings.size(); ++i) {
            keyspace.set("s" + std::to_string(i), strings[i]);
            keyspace.set("t" + std::to_string(i), strings[i], clock.now() + 1h);
        }
        add_list("list", strings);
        add_list("list:ttl", {"a", "b"}, clock.now() + 10s);
        std::vector<std::string> many;
        for (int i = 0; i < 5000; ++i)
            many.push_back(std::to_string(i * 7919 % 10007));
        add_list("list:long", many);
        add_set("set", strings);
        add_set("set:ints", {"1", "2", "3", "-100", "5000000000"}, clock.now() + 1ms);
        add_set("set:many", many);
        keyspace.set("\xff\x00key"s, "binary key");
        keyspace.set("123", "an integer key");
    }
};

TEST_F(RdbTest, RoundTripsEveryValueTypeWithAndWithoutDeadlines) {
    fill();
    for (const bool compress : {true, false}) {
        for (const bool checksum : {true, false}) {
            const std::string bytes =
                persist::encode_rdb(keyspace, clock.now(), {compress, checksum});
            const auto parsed = persist::parse_rdb(bytes, "ours.rdb", clock.now());
            EXPECT_EQ(parsed.expired_dropped, 0u);
            EXPECT_EQ(contents(parsed), contents(keyspace))
                << "compress " << compress << ", checksum " << checksum;
            if (!checksum) {
                EXPECT_EQ(bytes.substr(bytes.size() - 8), std::string(8, '\0'));
            }
        }
    }
    EXPECT_LT(persist::encode_rdb(keyspace, clock.now(), {true, true}).size(),
              persist::encode_rdb(keyspace, clock.now(), {false, true}).size() - 9'000)
        << "the 10,000 'r's are compressed";
}

TEST_F(RdbTest, WritesTheHeaderRedis70Writes) {
    keyspace.set("k", "v", clock.now() + 60s);
    keyspace.set("n", "12");
    const std::string bytes = persist::encode_rdb(keyspace, clock.now());
    const std::string expected_start =
        "REDIS0010"
        "\xfa"
        "\x09"
        "redis-ver"
        "\x06"
        "7.0.15"
        "\xfa"
        "\x0a"
        "redis-bits"
        "\xc0\x40"  // 64, as an INT8 string
        "\xfa"
        "\x05"
        "ctime"
        "\xc2\x00\xf1\x53\x65"s;  // 1700000000 s, as an INT32 string
    EXPECT_EQ(bytes.substr(0, expected_start.size()), expected_start);
    // ... used-mem, aof-base; then database 0 with 2 keys, 1 with a deadline, and the keys.
    const std::string expected_end =
        "\xfa"
        "\x08"
        "aof-base"
        "\xc0\x00"
        "\xfe\x00"
        "\xfb\x02\x01"
        "\xfc"
        "\x60\x52\xe6\xcf\x8b\x01\x00\x00"
        "\x00"
        "\x01k"
        "\x01v"  // 1700000060000 ms
        "\x00"
        "\x01n"
        "\xc0\x0c"  // "12" as an integer
        "\xff"s;
    const std::string body = bytes.substr(0, bytes.size() - 8);
    ASSERT_GE(body.size(), expected_end.size());
    EXPECT_EQ(body.substr(body.size() - expected_end.size()), expected_end);
}

TEST_F(RdbTest, SameDataGivesTheSameBytes) {
    fill();
    store::Keyspace other{clock};
    // The same keys and members, inserted in another order.
    std::vector<std::pair<std::string, store::Entry>> entries;
    keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
        entries.emplace_back(std::string{key}, store::Entry{entry.value, entry.deadline});
    });
    std::reverse(entries.begin(), entries.end());
    for (auto& [key, entry] : entries)
        other.replace(key, std::move(entry.value), entry.deadline);
    // used-mem is our estimate, which may differ with the tables' history; the rest must not.
    const auto without_used_mem = [](std::string bytes) {
        const auto at = bytes.find("used-mem");
        const auto end = bytes.find("aof-base");
        return bytes.erase(at, end - at);
    };
    EXPECT_EQ(without_used_mem(persist::encode_rdb(keyspace, clock.now())),
              without_used_mem(persist::encode_rdb(other, clock.now())));
}

TEST_F(RdbTest, DropsExpiredEntriesAgainstNow) {
    keyspace.set("gone", "x", clock.now() + 5s);
    keyspace.set("at", "x", clock.now() + 10s);
    keyspace.set("kept", "x");
    const std::string bytes = persist::encode_rdb(keyspace, clock.now());
    const auto parsed = persist::parse_rdb(bytes, "dump.rdb", clock.now() + 10s);
    EXPECT_EQ(parsed.expired_dropped, 1u);
    ASSERT_EQ(parsed.entries.size(), 2u);
    EXPECT_EQ(parsed.entries[0].key, "at");  // alive at its deadline, as in the keyspace
    EXPECT_EQ(persist::parse_rdb(bytes, "dump.rdb", keep_all).entries.size(), 3u);
}

TEST_F(RdbTest, SavesAtomicallyAndLoadsAllOrNothing) {
    fill();
    const auto path = dir / "dump.rdb";
    const auto saved = persist::save_rdb(keyspace, path, clock.now());
    EXPECT_EQ(saved.keys, keyspace.size());
    EXPECT_EQ(saved.file_bytes, std::filesystem::file_size(path));
    EXPECT_EQ(dir.entry_count(), 1u) << "no temp file left";

    store::Keyspace loaded{clock};
    const auto stats = persist::load_rdb(path, loaded, clock.now());
    EXPECT_TRUE(stats.file_found);
    EXPECT_EQ(stats.keys, keyspace.size());
    EXPECT_EQ(contents(loaded), contents(keyspace));

    // A corrupt file loads nothing; a missing one is an empty dataset.
    std::string bytes = support::read_bytes(path);
    bytes[bytes.size() / 2] ^= 0x10;
    support::write_bytes(path, bytes);
    store::Keyspace untouched{clock};
    EXPECT_THROW((void)persist::load_rdb(path, untouched, clock.now()), persist::PersistError);
    EXPECT_EQ(untouched.size(), 0u);
    EXPECT_FALSE(persist::load_rdb(dir / "missing.rdb", untouched, clock.now()).file_found);
}

// strings.rdb: SET of each integer width, an empty and a binary string, a 300-byte value that
// redis-server stored LZF-compressed, and a key with a deadline in 2100.
TEST(RdbGolden, LoadsRedisServersStrings) {
    const auto parsed = persist::parse_rdb(golden("strings.rdb"), "strings.rdb", keep_all);
    std::string compressed;
    for (int i = 0; i < 30; ++i)
        compressed += "abcdefghij";
    EXPECT_EQ(contents(parsed),
              (Contents{{"plain", {store::Type::string, {"hello"}, {}}},
                        {"int8", {store::Type::string, {"-100"}, {}}},
                        {"int16", {store::Type::string, {"30000"}, {}}},
                        {"int32", {store::Type::string, {"-2000000000"}, {}}},
                        {"int64", {store::Type::string, {"9223372036854775807"}, {}}},
                        {"empty", {store::Type::string, {""}, {}}},
                        {"binary", {store::Type::string, {"\x01\x02\xff"}, {}}},
                        {"compressed", {store::Type::string, {compressed}, {}}},
                        {"ttl", {store::Type::string, {"value"}, year_2100}}}));
}

// lists.rdb: 7.0's quicklists of listpacks with list-max-listpack-size 4: one node, ten nodes,
// every listpack integer width, strings of 6-, 12- and 32-bit lengths (LZF-compressed nodes),
// and a PLAIN node for a 300-byte element.
TEST(RdbGolden, LoadsRedisServersLists) {
    const auto parsed = persist::parse_rdb(golden("lists.rdb"), "lists.rdb", keep_all);
    std::vector<std::string> many;
    for (int i = 1; i <= 40; ++i)
        many.push_back(std::to_string(i));
    EXPECT_EQ(
        contents(parsed),
        (Contents{{"small", {store::Type::list, {"a", "b", "c"}, {}}},
                  {"ints",
                   {store::Type::list,
                    {"0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767", "8388607",
                     "-8388608", "2147483647", "-2147483648", "9223372036854775807",
                     "-9223372036854775808"},
                    {}}},
                  {"strs",
                   {store::Type::list,
                    {"", std::string(63, 'x'), std::string(64, 'y'), std::string(4095, 'z'),
                     std::string(4096, 'w')},
                    {}}},
                  {"many", {store::Type::list, many, year_2100}},
                  {"plain", {store::Type::list, {"short", std::string(300, 'p'), "short2"}, {}}}}));
}

// sets.rdb: an intset with 16-, 32- and 64-bit members, a set of strings (a hash table) with a
// deadline, and 600 integers (past set-max-intset-entries, so a hash table too).
TEST(RdbGolden, LoadsRedisServersSets) {
    const auto parsed = persist::parse_rdb(golden("sets.rdb"), "sets.rdb", keep_all);
    std::vector<std::string> numbers;
    for (int i = 1; i <= 600; ++i)
        numbers.push_back(std::to_string(i));
    std::sort(numbers.begin(), numbers.end());
    EXPECT_EQ(
        contents(parsed),
        (Contents{{"intset", {store::Type::set, {"-5", "1", "100000", "2", "3", "5000000000"}, {}}},
                  {"strset", {store::Type::set, {"apple", "banana", "cherry"}, year_2100}},
                  {"bigintset", {store::Type::set, numbers, {}}}}));
}

TEST(RdbGolden, RefusesAHashNamingTheKey) {
    EXPECT_EQ(error_of(golden("hash.rdb")),
              "dump.rdb: byte 95: key 'h': a hash, which this server does not hold yet");
}

TEST(RdbGolden, DropsRedisServersKeysWhoseDeadlinePassed) {
    const auto parsed = persist::parse_rdb(golden("lists.rdb"), "lists.rdb", year_2100 + 1ms);
    EXPECT_EQ(parsed.expired_dropped, 1u);
    EXPECT_EQ(parsed.entries.size(), 4u);
}

TEST(RdbGolden, EveryTruncationIsRefused) {
    for (const char* name : {"strings.rdb", "lists.rdb", "sets.rdb"}) {
        const std::string file = golden(name);
        for (std::size_t size = 0; size < file.size(); ++size) {
            EXPECT_NE(error_of(file.substr(0, size)), "") << name << " cut to " << size << " bytes";
        }
    }
}

// Random bit flips: the CRC-64 catches nearly all of them. Then the same flips with the CRC
// recomputed, so the structural checks must stand on their own: each flip either gives an
// error or a file that parses (a flipped letter in a value is still a valid file), and never a
// crash or an over-read (the ASan build and the fuzz target make that visible).
TEST(RdbGolden, BitFlipsGiveAnErrorOrAValidParse) {
    std::mt19937 random{20240607};
    for (const char* name : {"strings.rdb", "lists.rdb", "sets.rdb"}) {
        const std::string file = golden(name);
        std::size_t caught_by_crc = 0;
        std::size_t refused = 0;
        for (int round = 0; round < 1500; ++round) {
            std::string flipped = file;
            const int flips = 1 + static_cast<int>(random() % 3);
            for (int i = 0; i < flips; ++i)
                flipped[random() % (file.size() - 8)] ^= static_cast<char>(1 << (random() % 8));
            if (flipped == file) continue;
            if (error_of(flipped) != "") ++caught_by_crc;
            if (error_of(lab4_test::fix_crc(flipped)) != "") ++refused;
        }
        EXPECT_GT(caught_by_crc, 1490u) << name;
        EXPECT_GT(refused, 0u) << name;
    }
}

TEST(RdbFile, AcceptsVersionsOneToElevenAndRefusesOthers) {
    const std::string key =
        "\x00"
        "\x01k"
        "\x01v"s;
    EXPECT_EQ(persist::parse_rdb(rdb_file(key, 4), "old", keep_all).entries.size(), 1u)
        << "before version 5 there is no CRC-64";
    EXPECT_EQ(persist::parse_rdb(rdb_file(key, 11), "7.2", keep_all).entries.size(), 1u);
    EXPECT_EQ(error_of(rdb_file(key, 12)),
              "dump.rdb: byte 5: unsupported RDB version 12 (this build reads versions 1 to 11)");
    EXPECT_EQ(error_of(rdb_file(key, 0)),
              "dump.rdb: byte 5: unsupported RDB version 0 (this build reads versions 1 to 11)");
    EXPECT_EQ(error_of("REDIS00x1\xff"),
              "dump.rdb: byte 5: the version \"00x1\" is not four digits");
    EXPECT_EQ(error_of("{\"format\":1}"),
              "dump.rdb: byte 0: not an RDB file (it does not start with \"REDIS\")");
    EXPECT_EQ(error_of(""),
              "dump.rdb: byte 0: the magic \"REDIS\" of 5 bytes runs past the end of "
              "the file (0 bytes remain)");
}

TEST(RdbFile, ChecksTheChecksumUnlessItIsZero) {
    std::string file = rdb_file(
        "\x00"
        "\x01k"
        "\x01v"s);
    file[file.size() - 1] ^= 1;
    EXPECT_NE(error_of(file).find("dump.rdb: byte 15: checksum mismatch: the file says 0x"),
              std::string::npos)
        << error_of(file);
    file.replace(file.size() - 8, 8, std::string(8, '\0'));
    EXPECT_EQ(error_of(file), "") << "0 means rdbchecksum was off";
    EXPECT_EQ(error_of(file + "x"), "dump.rdb: byte 23: 1 bytes after the end of the file");
}

TEST(RdbFile, ReadsBothDeadlineFormsAndSkipsInformationalOpcodes) {
    const std::string records =
        "\xfa"
        "\x03"
        "ver"
        "\x03"
        "7.0"  // AUX
        "\xfe\x00"
        "\xfb\x02\x02"  // SELECTDB 0, RESIZEDB
        "\xfd"
        "\x10\x27\x00\x00"
        "\x00\x01s\x01v"  // EXPIRETIME: 10000 s
        "\xfc"
        "\xe8\x03\x00\x00\x00\x00\x00\x00"  // EXPIRETIME_MS: 1000 ms
        "\xf8\x05"
        "\xf9\x07"  // IDLE 5 s, FREQ 7
        "\x00\x01m\x01w"s;
    const auto parsed = persist::parse_rdb(rdb_file(records), "dump.rdb", keep_all);
    ASSERT_EQ(parsed.entries.size(), 2u);
    EXPECT_EQ(parsed.entries[0].entry.deadline, store::TimePoint{10'000'000ms});
    EXPECT_EQ(parsed.entries[1].entry.deadline, store::TimePoint{1'000ms});
}

TEST(RdbFile, RefusesWhatThisServerCannotHold) {
    const auto with_type = [](std::uint8_t type) {
        return error_of(rdb_file(static_cast<char>(type) + rdb_string("key") + "\x00"s));
    };
    EXPECT_EQ(with_type(4),
              "dump.rdb: byte 9: key 'key': a hash, which this server does not hold yet");
    EXPECT_EQ(with_type(3),
              "dump.rdb: byte 9: key 'key': a sorted set, which this server does not hold yet");
    for (const std::uint8_t type : {5, 12, 17})
        EXPECT_NE(with_type(type).find("a sorted set"), std::string::npos);
    for (const std::uint8_t type : {9, 13, 16})
        EXPECT_NE(with_type(type).find("a hash"), std::string::npos);
    for (const std::uint8_t type : {15, 19, 21})
        EXPECT_NE(with_type(type).find("a stream"), std::string::npos);
    for (const std::uint8_t type : {6, 7})
        EXPECT_NE(with_type(type).find("a module value"), std::string::npos);
    EXPECT_EQ(with_type(8), "dump.rdb: byte 9: key 'key': unknown value type 8");
    EXPECT_EQ(error_of(rdb_file("\xf5\x00"s)),
              "dump.rdb: byte 9: a Redis function library, which this server does not hold");
    EXPECT_EQ(error_of(rdb_file("\xf7\x00"s)),
              "dump.rdb: byte 9: module data (MODULE_AUX), which this server cannot load");
    EXPECT_EQ(error_of(rdb_file("\xfe\x03"
                                "\x00\x01k\x01v"s)),
              "dump.rdb: byte 11: key 'k' is in database 3; this server has only database 0");
    EXPECT_EQ(error_of(rdb_file("\xfe\x03"
                                "\xfe\x00"
                                "\x00\x01k\x01v"s)),
              "")
        << "an empty database other than 0 is harmless";
}

TEST(RdbFile, RefusesRepeatsEmptiesAndDanglingDeadlines) {
    EXPECT_EQ(error_of(rdb_file("\x00\x01k\x01v"
                                "\x00\x01k\x01w"s)),
              "dump.rdb: byte 14: key 'k' repeats the key at byte 9");
    EXPECT_EQ(error_of(rdb_file("\x01\x01k\x00"s)),
              "dump.rdb: byte 9: key 'k': an empty list or set");
    EXPECT_EQ(error_of(rdb_file("\x02\x01k\x02\x01m\x01m"s)),
              "dump.rdb: byte 15: key 'k': duplicate set member 'm'");
    EXPECT_EQ(error_of(rdb_file("\xfc\x00\x00\x00\x00\x00\x00\x00\x00"s)),
              "dump.rdb: byte 18: a deadline with no key after it");
    EXPECT_EQ(error_of(rdb_file("\x01\x03\x01\xff'"s + "\x00"s)),
              "dump.rdb: byte 9: key '\\x01\\xff\\x27': an empty list or set")
        << "binary keys are escaped in messages";
}

TEST_F(RdbTest, FormatFollowsTheFileNameAndTheContent) {
    using persist::SnapshotFormat;
    EXPECT_EQ(persist::snapshot_format_for("dump.rdb"), SnapshotFormat::rdb);
    EXPECT_EQ(persist::snapshot_format_for("/data/dump"), SnapshotFormat::rdb);
    EXPECT_EQ(persist::snapshot_format_for("/data/dump.json"), SnapshotFormat::json);
    EXPECT_EQ(persist::snapshot_format_for("DUMP.JSON"), SnapshotFormat::json);
    EXPECT_EQ(persist::sniff_snapshot_format("REDIS0010"), SnapshotFormat::rdb);
    EXPECT_EQ(persist::sniff_snapshot_format("{\"format\""), SnapshotFormat::json);

    fill();
    for (const char* name : {"dump.rdb", "dump.json"}) {
        const auto path = dir / name;
        (void)persist::save_any(keyspace, path, clock.now());
        const std::string bytes = support::read_bytes(path);
        EXPECT_EQ(bytes.starts_with("REDIS"), std::string_view{name}.ends_with(".rdb"));
        store::Keyspace loaded{clock};
        EXPECT_EQ(persist::load_any(path, loaded, clock.now()).keys, keyspace.size());
        EXPECT_EQ(contents(loaded), contents(keyspace)) << name;
        EXPECT_EQ(contents(persist::parse_any(bytes, name, clock.now())), contents(keyspace));
    }
    // A file whose content is of the other format is refused, not guessed at.
    std::filesystem::copy_file(dir / "dump.json", dir / "json-inside.rdb");
    store::Keyspace loaded{clock};
    EXPECT_THROW((void)persist::load_any(dir / "json-inside.rdb", loaded, clock.now()),
                 persist::PersistError);
}

}  // namespace
