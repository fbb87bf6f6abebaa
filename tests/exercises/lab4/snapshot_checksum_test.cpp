// Exercise 4.1 (docs/lab4_persist.md): the JSON snapshot ends with a "crc64" field, the CRC-64
// of every byte before it, and a file whose bytes do not match it is refused.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "persist/crc64.hpp"
#include "persist/file_io.hpp"
#include "persist/snapshot.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "support/temp_dir.hpp"

namespace {

using support::read_bytes;
using support::write_bytes;

class SnapshotChecksum : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    support::TempDir dir;
    std::filesystem::path path = dir / "dump.json";

    void SetUp() override {
        keyspace.set("greeting", "hello");
        keyspace.set("bin", std::string{"\xff\x00", 2});
        (void)persist::save_snapshot(keyspace, path, clock.now());
    }

    // The message of the PersistError that loading the file throws ("" when it loads).
    std::string load_error() {
        store::Keyspace loaded{clock};
        try {
            (void)persist::load_snapshot(path, loaded, clock.now());
        } catch (const persist::PersistError& error) {
            EXPECT_EQ(loaded.size(), 0u) << "a refused file must not load anything";
            return error.what();
        }
        return {};
    }
};

TEST_F(SnapshotChecksum, IsTheLastFieldAndCoversEveryByteBeforeIt) {
    const std::string text = read_bytes(path);
    const auto field = text.rfind(",\"crc64\":\"");
    ASSERT_NE(field, std::string::npos) << text;
    EXPECT_EQ(text.substr(field - 1, 1), "]") << "the checksum comes after the entries";
    char expected[17];
    std::snprintf(expected, sizeof expected, "%016llx",
                  static_cast<unsigned long long>(persist::crc64(0, text.substr(0, field))));
    EXPECT_EQ(text.substr(field), ",\"crc64\":\"" + std::string{expected} + "\"}\n");
}

TEST_F(SnapshotChecksum, AnIntactFileLoads) {
    store::Keyspace loaded{clock};
    EXPECT_EQ(persist::load_snapshot(path, loaded, clock.now()).keys, 2u);
    EXPECT_EQ(loaded.get("greeting"), "hello");
}

TEST_F(SnapshotChecksum, AByteChangedInsideAValueIsRefused) {
    // Still valid JSON, still valid UTF-8, the same lengths: only the checksum can tell.
    std::string text = read_bytes(path);
    const auto at = text.find("hello");
    ASSERT_NE(at, std::string::npos);
    text[at + 4] = 'p';
    write_bytes(path, text);
    const std::string error = load_error();
    EXPECT_NE(error.find(path.string()), std::string::npos) << error;
    EXPECT_NE(error.find("checksum"), std::string::npos) << error;
}

TEST_F(SnapshotChecksum, AFileWithoutTheFieldStillLoads) {
    // Files written before the checksum existed have none: no version change was needed.
    std::string text = read_bytes(path);
    const auto field = text.rfind(",\"crc64\":\"");
    ASSERT_NE(field, std::string::npos);
    write_bytes(path, text.substr(0, field) + "}\n");
    EXPECT_EQ(load_error(), "");
}

}  // namespace
