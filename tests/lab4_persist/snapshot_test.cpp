// Unit tests of the JSON snapshot: round trips of binary data and deadlines on a manual clock,
// the exact format, atomic saves, and refusal of every truncated or corrupt file.
// Introduced in lab 4.
#include "persist/snapshot.hpp"

#include <gtest/gtest.h>

#include <string>

#include "persist/file_io.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using lab4_test::read_bytes;
using lab4_test::write_bytes;

class SnapshotTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    lab4_test::TempDir dir;
    std::filesystem::path path = dir / "dump.json";

    persist::SnapshotSaveStats save() {
        return persist::save_snapshot(keyspace, path, clock.now());
    }

    // Loads `path` into a fresh keyspace on `clock`; throws what load_snapshot() throws.
    persist::SnapshotLoadStats load(store::Keyspace& into) {
        return persist::load_snapshot(path, into, clock.now());
    }

    // The message of the PersistError that loading `text` throws ("" when it loads).
    std::string load_error(const std::string& text) {
        write_bytes(path, text);
        store::Keyspace loaded{clock};
        try {
            (void)load(loaded);
        } catch (const persist::PersistError& error) {
            EXPECT_EQ(loaded.size(), 0u) << "a refused file must not load anything";
            return error.what();
        }
        return {};
    }
};

TEST_F(SnapshotTest, WritesTheDocumentedFormat) {
    keyspace.set("b", "2", clock.now() + 60s);
    keyspace.set("a", "1");
    keyspace.set("bin", "\xff\x00"s);
    const auto stats = save();
    EXPECT_EQ(stats.keys, 3u);
    const std::string expected =
        R"({"format":"redis-course-snapshot","version":1,"saved_at_ms":1700000000000,"keys":3,)"
        "\"entries\":[\n"
        R"({"key":"a","type":"string","value":"1"},)"
        "\n"
        R"({"key":"b","type":"string","value":"2","expires_at_ms":1700000060000},)"
        "\n"
        R"({"key":"bin","type":"string","value":{"base64":"/wA="}})"
        "\n]}\n";
    EXPECT_EQ(read_bytes(path), expected);
    EXPECT_EQ(stats.file_bytes, expected.size());
}

TEST_F(SnapshotTest, RoundTripsEveryByteValueAndInvalidUtf8) {
    std::string every_byte;
    for (int byte = 0; byte < 256; ++byte)
        every_byte += static_cast<char>(byte);
    const std::vector<std::string> samples = {every_byte,     "",
                                              "\0"s,          "plain",
                                              "caf\xc3\xa9",  "\xc3",
                                              "\xed\xa0\x80", "\xc0\x80",
                                              "a\r\nb\"c\\d", std::string(100'000, '\xfe')};
    for (std::size_t i = 0; i < samples.size(); ++i) {
        keyspace.set(samples[i], samples[(i + 1) % samples.size()]);
    }
    // Each byte alone, as a key and as a value: 0x80..0xFF alone are invalid UTF-8.
    for (int byte = 0; byte < 256; ++byte) {
        keyspace.set(std::string(1, static_cast<char>(byte)), "");
        keyspace.set("byte:"s + static_cast<char>(byte), std::string(1, static_cast<char>(byte)));
    }
    ASSERT_EQ(save().keys, keyspace.size());

    store::Keyspace loaded{clock};
    EXPECT_EQ(load(loaded).keys, keyspace.size());
    EXPECT_EQ(loaded.size(), keyspace.size());
    keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
        EXPECT_EQ(loaded.get(key), std::get<std::string>(entry.value))
            << "key " << ::testing::PrintToString(key);
    });
}

TEST_F(SnapshotTest, KeysExpiredAtSaveTimeAreNotWritten) {
    keyspace.set("live", "v", clock.now() + 10s);
    keyspace.set("at-deadline", "v", clock.now() + 2s);  // alive at its deadline, as in Redis
    keyspace.set("gone", "v", clock.now() + 1s);
    clock.advance(2s);
    EXPECT_EQ(save().keys, 2u);
    EXPECT_EQ(read_bytes(path).find("gone"), std::string::npos);
}

TEST_F(SnapshotTest, DeadlinesSurviveAsAbsoluteTimesAndPassedOnesAreDroppedAtLoad) {
    keyspace.set("soon", "1", clock.now() + 5s);
    keyspace.set("later", "2", clock.now() + 1h);
    keyspace.set("never", "3");
    (void)save();

    clock.advance(10s);  // the server was down for ten seconds
    store::Keyspace loaded{clock};
    const auto stats = load(loaded);
    EXPECT_EQ(stats.keys, 2u);
    EXPECT_EQ(stats.expired_dropped, 1u);
    EXPECT_EQ(loaded.size(), 2u);  // not loaded at all, rather than loaded and expired later
    EXPECT_EQ(loaded.deadline("later"), store::TimePoint{1'700'000'000'000ms} + 1h);
    EXPECT_FALSE(loaded.deadline("never"));
    EXPECT_EQ(loaded.get("never"), "3");
}

TEST_F(SnapshotTest, MissingFileLoadsNothingWithoutError) {
    store::Keyspace loaded{clock};
    const auto stats = load(loaded);
    EXPECT_FALSE(stats.file_found);
    EXPECT_EQ(loaded.size(), 0u);
}

TEST_F(SnapshotTest, FailedSaveLeavesThePreviousSnapshot) {
    keyspace.set("old", "data");
    (void)save();
    const std::string before = read_bytes(path);
    for (int i = 0; i < 1000; ++i)
        keyspace.set("key:" + std::to_string(i), std::string(500, 'x'));
    try {
        const lab4_test::FileSizeLimit limit{64 * 1024};  // fails after the first buffer
        (void)save();
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_NE(std::string{error.what()}.find(path.string() + ".tmp."), std::string::npos)
            << error.what();
    }
    EXPECT_EQ(read_bytes(path), before);
    EXPECT_EQ(dir.entry_count(), 1u);
}

TEST_F(SnapshotTest, EveryTruncationIsRefusedAndNamesTheFile) {
    keyspace.set("a", "1", clock.now() + 1h);
    keyspace.set("\xff", "\x00\x01"s);
    (void)save();
    const std::string full = read_bytes(path);
    // Every prefix that cuts into the document; only the final newline may go.
    for (std::size_t length = 0; length + 1 < full.size(); ++length) {
        const std::string error = load_error(full.substr(0, length));
        EXPECT_NE(error.find(path.string() + ": "), std::string::npos) << "length " << length;
        EXPECT_NE(error.find("invalid JSON at byte"), std::string::npos) << error;
    }
    EXPECT_EQ(load_error(full.substr(0, full.size() - 1)), "");
}

TEST_F(SnapshotTest, SyntaxErrorGivesTheByteOffset) {
    const std::string error = load_error(R"({"format": x})");  // the x is byte 11
    EXPECT_EQ(error, path.string() +
                         ": invalid JSON at byte 11 (line 1, column 12): syntax error while "
                         "parsing value - invalid literal; last read: '\"format\": x'")
        << error;
}

TEST_F(SnapshotTest, EachInvalidFieldIsRefusedByName) {
    const std::string head =
        R"({"format":"redis-course-snapshot","version":1,"keys":1,"entries":[)";
    const auto with_entry = [&](const std::string& entry) { return head + entry + "]}"; };
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[]", "expected a JSON object at the top level"},
        {R"({"format":"other","version":1,"keys":0,"entries":[]})",
         "not a snapshot of this course"},
        {R"({"version":1,"keys":0,"entries":[]})", "missing field \"format\""},
        {R"({"format":"redis-course-snapshot","version":2,"keys":0,"entries":[]})",
         "unsupported snapshot version 2"},
        {R"({"format":"redis-course-snapshot","version":"1","keys":0,"entries":[]})",
         "unsupported snapshot version \"1\""},
        {R"({"format":"redis-course-snapshot","version":1,"keys":0,"entries":{}})",
         "\"entries\" is not an array"},
        {R"({"format":"redis-course-snapshot","version":1,"keys":2,"entries":[]})",
         "\"keys\" is 2 but \"entries\" holds 0"},
        {with_entry(R"("k")"), "entries[0]: expected an object"},
        {with_entry(R"({"type":"string","value":"v"})"), "entries[0]: missing field \"key\""},
        {with_entry(R"({"key":"k","value":"v"})"), "entries[0]: missing field \"type\""},
        {with_entry(R"({"key":"k","type":"hash","value":{}})"),
         "entries[0].type: unknown type \"hash\""},
        {with_entry(R"({"key":"k","type":"list","value":[]})"),
         "entries[0].value: an empty list or set is not stored"},
        {with_entry(R"({"key":"k","type":"set","value":"a"})"),
         "entries[0].value: expected an array, found string"},
        {with_entry(R"({"key":"k","type":"list","value":["a",7]})"),
         "entries[0].value[1]: expected a string or {\"base64\": \"...\"}, found number"},
        {with_entry(R"({"key":"k","type":"set","value":["a","a"]})"),
         "entries[0].value: duplicate set member"},
        {with_entry(R"({"key":"k","type":"string"})"), "entries[0]: missing field \"value\""},
        {with_entry(R"({"key":"k","type":"string","value":7})"),
         "entries[0].value: expected a string or {\"base64\": \"...\"}, found number"},
        {with_entry(R"({"key":{"base64":"Zh=="},"type":"string","value":""})"),
         "entries[0].key.base64: invalid base64"},
        {with_entry(R"({"key":{"hex":"00"},"type":"string","value":""})"),
         "entries[0].key: expected a string or {\"base64\": \"...\"}, found object"},
        {with_entry(R"({"key":"k","type":"string","value":"v","expires_at_ms":1.5})"),
         "entries[0].expires_at_ms: expected an integer"},
        {with_entry(R"({"key":"k","type":"string","value":"v","expires_at_ms":"1"})"),
         "entries[0].expires_at_ms: expected an integer"},
        {head +
             R"({"key":"k","type":"string","value":"1"},{"key":"k","type":"string","value":"2"}]})",
         "\"keys\" is 1 but \"entries\" holds 2"},
    };
    for (const auto& [text, expected] : cases) {
        const std::string error = load_error(text);
        EXPECT_EQ(error.rfind(path.string() + ": ", 0), 0u) << error;
        EXPECT_NE(error.find(expected), std::string::npos) << error << "\nfor " << text;
    }
}

// Found by the fuzz target (snapshot_loader_fuzz): nlohmann reports a number too large for a
// double as out_of_range, not as a parse_error, and the exception escaped the loader: a server
// that met such a snapshot died in std::terminate instead of refusing the file.
TEST_F(SnapshotTest, ANumberTooLargeForADoubleIsRefused) {
    for (const std::string& text :
         {std::string{"-9999999999999999999999E9999999999999999999999999999999999"},
          std::string{R"({"format":"redis-course-snapshot","version":1,"keys":0,"entries":[],)"
                      R"("saved_at_ms":1E400})"}}) {
        const std::string error = load_error(text);
        EXPECT_EQ(error.rfind(path.string() + ": invalid JSON: number overflow parsing '", 0), 0u)
            << error;
    }
}

// Found by the fuzz target (snapshot_loader_fuzz): the message quoted the bad field with dump(),
// which recurses once per level of nesting, so a file nesting arrays 200,000 levels deep in
// "format", "version" or "keys" overflowed the stack instead of being refused.
TEST_F(SnapshotTest, DeeplyNestedFieldsAreRefusedWithoutQuotingThem) {
    const std::size_t depth = 200'000;
    const std::string nested = std::string(depth, '[') + std::string(depth, ']');
    const std::string head = R"({"format":"redis-course-snapshot","version":1,)";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"format":)" + nested + "}", "(\"format\" is an array, expected"},
        {R"({"format":"redis-course-snapshot","version":)" + nested + "}",
         "unsupported snapshot version an array (this build"},
        {head + R"("entries":[],"keys":)" + nested + "}", "\"keys\" is an array but"},
        {head + R"("keys":0,"entries":[],"saved_at_ms":)" + nested + "}", ""},
    };
    for (const auto& [text, expected] : cases) {
        const std::string error = load_error(text);
        if (expected.empty()) {
            EXPECT_EQ(error, "") << "an unknown field may nest as deep as it likes";
            continue;
        }
        EXPECT_EQ(error.rfind(path.string() + ": ", 0), 0u) << error.substr(0, 200);
        EXPECT_NE(error.find(expected), std::string::npos) << error.substr(0, 200);
    }
}

TEST_F(SnapshotTest, DuplicateKeysAreRefused) {
    const std::string text =
        R"({"format":"redis-course-snapshot","version":1,"keys":2,"entries":[)"
        R"({"key":"k","type":"string","value":"1"},{"key":"k","type":"string","value":"2"}]})";
    EXPECT_NE(load_error(text).find("entries[1].key: duplicate of entries[0].key"),
              std::string::npos);
}

TEST_F(SnapshotTest, AcceptsBase64ForValidUtf8AndIgnoresUnknownFields) {
    const std::string text =
        R"({"format":"redis-course-snapshot","version":1,"keys":1,"comment":"by hand","entries":[)"
        R"({"key":{"base64":"Zm9v"},"type":"string","value":"bar","note":1}]})";
    EXPECT_EQ(load_error(text), "");
    store::Keyspace loaded{clock};
    (void)load(loaded);
    EXPECT_EQ(loaded.get("foo"), "bar");
}

}  // namespace
