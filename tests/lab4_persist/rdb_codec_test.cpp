// Unit tests of the RDB format's building blocks: the CRC-64 against Redis's check value, LZF
// round trips and refusals, every length and string encoding, and the ziplists, listpacks and
// intsets inside values, valid and corrupt, written out byte by byte. Introduced in lab 4.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "persist/crc64.hpp"
#include "persist/file_io.hpp"
#include "persist/lzf.hpp"
#include "persist/rdb.hpp"
#include "rdb_bytes.hpp"

namespace {

using namespace std::string_literals;
using lab4_test::little_endian;
using lab4_test::rdb_file;
using lab4_test::rdb_string;

// One key's record: the type byte, the key, the value's bytes.
std::string record(std::uint8_t type, std::string_view key, const std::string& value) {
    return static_cast<char>(type) + rdb_string(key) + value;
}

persist::ParsedSnapshot parse(const std::string& bytes) {
    return persist::parse_rdb(bytes, "test.rdb", store::TimePoint::min());
}

// The message of the PersistError that parsing `bytes` throws ("" when it parses).
std::string error_of(const std::string& bytes) {
    try {
        (void)parse(bytes);
    } catch (const persist::PersistError& error) {
        return error.what();
    }
    return {};
}

// The value of the only key in `bytes`.
store::Value only_value(const std::string& bytes) {
    auto parsed = parse(bytes);
    EXPECT_EQ(parsed.entries.size(), 1u);
    if (parsed.entries.empty()) return std::string{};
    return std::move(parsed.entries.front().entry.value);
}

std::vector<std::string> list_of(const store::Value& value) {
    const auto& list = std::get<store::List>(value);
    return {list.begin(), list.end()};
}

std::vector<std::string> sorted_members(const store::Value& value) {
    const auto& set = std::get<store::Set>(value);
    std::vector<std::string> members{set.begin(), set.end()};
    std::sort(members.begin(), members.end());
    return members;
}

TEST(Crc64, MatchesRedisCheckValue) {
    // crc64.c's test in Redis: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
    EXPECT_EQ(persist::crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
    EXPECT_EQ(persist::crc64(0, ""), 0u);
    // Piece by piece gives the same as all at once.
    EXPECT_EQ(persist::crc64(persist::crc64(0, "1234"), "56789"), 0xe9c6d914c4b8d9caULL);
}

TEST(Crc64, MatchesTheTrailersOfRedisServersFiles) {
    for (const char* name : {"strings.rdb", "lists.rdb", "sets.rdb", "hash.rdb"}) {
        const std::string file = lab4_test::golden(name);
        ASSERT_GT(file.size(), 8u);
        EXPECT_EQ(little_endian(persist::crc64(0, file.substr(0, file.size() - 8)), 8),
                  file.substr(file.size() - 8))
            << name;
    }
}

TEST(Lzf, DecodesLiteralRunsAndOverlappingBackReferences) {
    // A literal run of 2 ("ab"), then a back-reference 2 bytes back (distance - 1 = 1) of
    // 7 + 1 + 2 = 10 bytes: the copy reads what it has just written.
    EXPECT_EQ(persist::lzf_decompress("\x01"
                                      "ab"
                                      "\xe0\x01\x01"s,
                                      12),
              "abababababab");
    // A short back-reference: length (1 << 5 = 1) + 2 = 3 bytes, 3 back.
    EXPECT_EQ(persist::lzf_decompress("\x02"
                                      "xyz"
                                      "\x20\x02"s,
                                      6),
              "xyzxyz");
    EXPECT_EQ(persist::lzf_decompress("", 0), "");
}

TEST(Lzf, RoundTripsRandomAndRepetitiveData) {
    std::mt19937 random{7};
    for (int round = 0; round < 300; ++round) {
        const std::size_t size = random() % 20'000;
        const unsigned alphabet = 1 + random() % (round % 2 == 0 ? 4 : 256);
        std::string input;
        for (std::size_t i = 0; i < size; ++i)
            input.push_back(static_cast<char>(random() % alphabet));
        // Generous limit: we want the stream even when it does not save space.
        const auto compressed = persist::lzf_compress(input, input.size() * 2 + 64);
        ASSERT_TRUE(compressed.has_value());
        EXPECT_EQ(persist::lzf_decompress(*compressed, input.size()), input) << "round " << round;
    }
    // Long runs need back-references longer than 264 bytes to be split.
    const std::string run(100'000, 'z');
    const auto compressed = persist::lzf_compress(run, run.size());
    ASSERT_TRUE(compressed.has_value());
    EXPECT_LT(compressed->size(), 2'000u);
    EXPECT_EQ(persist::lzf_decompress(*compressed, run.size()), run);
}

TEST(Lzf, GivesUpWhenItCannotSaveSpace) {
    std::mt19937 random{1};
    std::string noise;
    for (int i = 0; i < 1000; ++i)
        noise.push_back(static_cast<char>(random()));
    EXPECT_FALSE(persist::lzf_compress(noise, noise.size()).has_value());
}

TEST(Lzf, RefusesCorruptStreams) {
    const auto error = [](const std::string& compressed, std::size_t size) -> std::string {
        try {
            (void)persist::lzf_decompress(compressed, size);
        } catch (const persist::LzfError& refused) {
            return "byte " + std::to_string(refused.offset()) + ": " + refused.what();
        }
        return {};
    };
    EXPECT_EQ(error("\x20\x00"s, 3),
              "byte 0: a back-reference reaches 1 bytes back, before the start of the output");
    EXPECT_EQ(error("\x05"
                    "ab"s,
                    6),
              "byte 0: a literal run of 6 bytes goes past the end of the input");
    EXPECT_EQ(error("\x01"
                    "ab"
                    "\x20"s,
                    5),
              "byte 4: the input ends inside a back-reference");
    EXPECT_EQ(error("\x01"
                    "ab"
                    "\xe0"s,
                    20),
              "byte 4: the input ends inside a back-reference's length");
    EXPECT_EQ(error("\x01"
                    "ab"s,
                    3),
              "byte 3: the input ends after 2 bytes of output, expected 3");
    EXPECT_EQ(error("\x02"
                    "abc"s,
                    2),
              "byte 0: the output grows beyond the expected 2 bytes");
    EXPECT_EQ(error("\x01"
                    "ab"
                    "\xe0\x01\x01"s,
                    11),
              "byte 3: the output grows beyond the expected 11 bytes");
}

TEST(Lzf, RandomBytesNeverCrashTheDecoder) {
    std::mt19937 random{3};
    for (int round = 0; round < 20'000; ++round) {
        std::string input(random() % 40, '\0');
        for (char& c : input)
            c = static_cast<char>(random());
        const std::size_t size = random() % 200;
        try {
            EXPECT_EQ(persist::lzf_decompress(input, size).size(), size);
        } catch (const persist::LzfError&) {
        }
    }
}

TEST(RdbEncodings, ReadsEveryLengthForm) {
    const std::string a64(64, 'a');
    const std::string b20000(20'000, 'b');
    const std::string records =
        record(0, "six",
               "\x03"
               "abc"s) +                                             // 00xxxxxx
        record(0, "fourteen", "\x40\x40"s + a64) +                   // 01xxxxxx yyyyyyyy
        record(0, "thirty-two", "\x80\x00\x00\x4e\x20"s + b20000) +  // 0x80 + 4 bytes
        record(0, "sixty-four", "\x81\x00\x00\x00\x00\x00\x00\x00\x02"s + "hi") +  // 0x81 + 8
        record(0, "wide-short", "\x80\x00\x00\x00\x02"s + "ok");  // not the shortest form: fine
    const auto parsed = parse(rdb_file(records));
    ASSERT_EQ(parsed.entries.size(), 5u);
    EXPECT_EQ(std::get<std::string>(parsed.entries[0].entry.value), "abc");
    EXPECT_EQ(std::get<std::string>(parsed.entries[1].entry.value), a64);
    EXPECT_EQ(std::get<std::string>(parsed.entries[2].entry.value), b20000);
    EXPECT_EQ(std::get<std::string>(parsed.entries[3].entry.value), "hi");
    EXPECT_EQ(std::get<std::string>(parsed.entries[4].entry.value), "ok");
}

TEST(RdbEncodings, ReadsIntegerAndCompressedStrings) {
    const std::string records = record(0, "int8", "\xc0\x9c"s) +       // -100
                                record(0, "int16", "\xc1\x30\x75"s) +  // 30000, little-endian
                                record(0, "int32", "\xc2\x00\x6c\xca\x88"s) +  // -2000000000
                                record(0, "lzf",
                                       "\xc3\x06\x0c"
                                       "\x01"
                                       "ab"
                                       "\xe0\x01\x01"s) +  // 6 bytes -> 12
                                "\x00"
                                "\xc0\x07"
                                "\x01"
                                "z"s;  // keys may be encoded too: the key "7"
    const auto parsed = parse(rdb_file(records));
    ASSERT_EQ(parsed.entries.size(), 5u);
    EXPECT_EQ(std::get<std::string>(parsed.entries[0].entry.value), "-100");
    EXPECT_EQ(std::get<std::string>(parsed.entries[1].entry.value), "30000");
    EXPECT_EQ(std::get<std::string>(parsed.entries[2].entry.value), "-2000000000");
    EXPECT_EQ(std::get<std::string>(parsed.entries[3].entry.value), "abababababab");
    EXPECT_EQ(parsed.entries[4].key, "7");
    EXPECT_EQ(std::get<std::string>(parsed.entries[4].entry.value), "z");
}

TEST(RdbEncodings, RefusesInvalidLengthsAndEncodings) {
    // Offsets count from the start of the file: "REDIS0010" is bytes 0-8, the type byte 9.
    EXPECT_EQ(error_of(rdb_file(record(0, "k", "\x82"s))),
              "test.rdb: byte 12: key 'k': a string value: invalid length encoding 0x82");
    EXPECT_EQ(error_of(rdb_file(record(0, "k", "\xc4"s))),
              "test.rdb: byte 12: key 'k': a string value: invalid string encoding 0x4");
    EXPECT_EQ(error_of(rdb_file(record(1, "k", "\xc0\x01"s))),
              "test.rdb: byte 12: key 'k': a list's length: a string encoding where a length "
              "belongs");
    // An LZF string whose stated size is not what it decompresses to.
    EXPECT_EQ(error_of(rdb_file(record(0, "k",
                                       "\xc3\x06\x0d"
                                       "\x01"
                                       "ab"
                                       "\xe0\x01\x01"s))),
              "test.rdb: byte 12: key 'k': a string value: corrupt LZF data at byte 6 of it: "
              "the input ends after 12 bytes of output, expected 13");
}

TEST(RdbEncodings, RefusesHugeClaimsBeforeAllocating) {
    // A list of 2^62 elements, a string of 2^40 bytes, 1 GB from 3 LZF bytes: each refused at
    // once, without reserving memory for it.
    EXPECT_EQ(error_of(rdb_file(record(1, "k", "\x81\x40\x00\x00\x00\x00\x00\x00\x00"s))),
              "test.rdb: byte 12: key 'k': a list's length of 4611686018427387904 cannot fit in "
              "the 9 bytes that remain");
    EXPECT_EQ(error_of(rdb_file(record(0, "k", "\x81\x00\x00\x01\x00\x00\x00\x00\x00"s))),
              "test.rdb: byte 21: key 'k': a string value of 1099511627776 bytes runs past the "
              "end of the file (9 bytes remain)");
    EXPECT_EQ(error_of(rdb_file(record(0, "k",
                                       "\xc3\x03\x80\x40\x00\x00\x00"
                                       "\xe0\xff\x00"s))),
              "test.rdb: byte 12: key 'k': a string value: 3 LZF bytes cannot expand to the "
              "1073741824 bytes claimed");
}

// A list in a ziplist (type 10) with every entry encoding: strings of 6, 14 and 32-bit length,
// integers of 8, 16, 24, 32 and 64 bits and the immediates 0 to 12, and a 300-byte entry so that
// the next one's prevlen takes 5 bytes.
TEST(RdbContainers, ReadsEveryZiplistEncoding) {
    const std::string long_entry = "\x41\x2c"s + std::string(300, 'b');
    const std::string zl = lab4_test::ziplist({
        "\x05hello"s,
        "\x40\x40"s + std::string(64, 'a'),
        "\x80\x00\x00\x00\x03"
        "abc"s,
        "\xfe\x80"s,                              // int8 -128
        "\xc0\x39\x30"s,                          // int16 12345
        "\xf0\xff\xff\x7f"s,                      // int24 8388607
        "\xd0\x00\x00\x00\x80"s,                  // int32 -2147483648
        "\xe0\xff\xff\xff\xff\xff\xff\xff\x7f"s,  // int64 max
        "\xf1"s,                                  // immediate 0
        "\xfd"s,                                  // immediate 12
        long_entry,
        "\x01z"s,
    });
    EXPECT_EQ(list_of(only_value(rdb_file(record(10, "zl", rdb_string(zl))))),
              (std::vector<std::string>{"hello", std::string(64, 'a'), "abc", "-128", "12345",
                                        "8388607", "-2147483648", "9223372036854775807", "0", "12",
                                        std::string(300, 'b'), "z"}));
}

TEST(RdbContainers, ReadsQuicklistsOfZiplistsAndOfListpacks) {
    const std::string node1 =
        lab4_test::ziplist({"\x01"
                            "a"s,
                            "\xf2"s});
    const std::string node2 =
        lab4_test::ziplist({"\x01"
                            "c"s});
    EXPECT_EQ(list_of(only_value(
                  rdb_file(record(14, "q", "\x02"s + rdb_string(node1) + rdb_string(node2))))),
              (std::vector<std::string>{"a", "1", "c"}));

    // 7.0's quicklist: a packed node (container 2, a listpack) then a plain one (container 1).
    const std::string packed =
        lab4_test::listpack({"\x81"
                             "a"s,
                             "\x05"s});
    EXPECT_EQ(list_of(only_value(rdb_file(record(
                  18, "q2", "\x02\x02"s + rdb_string(packed) + "\x01"s + rdb_string("plain"))))),
              (std::vector<std::string>{"a", "5", "plain"}));
    EXPECT_EQ(error_of(rdb_file(record(18, "q2", "\x01\x03"s + rdb_string("x")))),
              "test.rdb: byte 14: key 'q2': invalid quicklist node container 3 (1 is plain, 2 is "
              "packed)");
}

TEST(RdbContainers, ReadsEveryListpackEncoding) {
    const std::string lp = lab4_test::listpack({
        "\x05"s,  // 7-bit 5
        "\x83"
        "abc"s,                              // 6-bit string
        "\xdf\xff"s,                         // 13-bit -1
        "\xc0\x80"s,                         // 13-bit 128
        "\xe0\x40"s + std::string(64, 'x'),  // 12-bit string
        "\xf0\x03\x00\x00\x00"
        "xyz"s,                                   // 32-bit string
        "\xf1\x00\x80"s,                          // int16 -32768
        "\xf2\xff\xff\x7f"s,                      // int24 8388607
        "\xf3\x00\x00\x00\x80"s,                  // int32 min
        "\xf4\x00\x00\x00\x00\x00\x00\x00\x80"s,  // int64 min
    });
    EXPECT_EQ(
        sorted_members(only_value(rdb_file(record(20, "s", rdb_string(lp))))),
        (std::vector<std::string>{"-1", "-2147483648", "-32768", "-9223372036854775808", "128", "5",
                                  "8388607", "abc", std::string(64, 'x'), "xyz"}));
}

TEST(RdbContainers, ReadsIntsets) {
    const std::string intset = little_endian(2, 4) + little_endian(3, 4) +
                               little_endian(0xffff, 2) + little_endian(5, 2) +
                               little_endian(300, 2);
    EXPECT_EQ(sorted_members(only_value(rdb_file(record(11, "i", rdb_string(intset))))),
              (std::vector<std::string>{"-1", "300", "5"}));
    const std::string wide =
        little_endian(8, 4) + little_endian(1, 4) + little_endian(5'000'000'000, 8);
    EXPECT_EQ(sorted_members(only_value(rdb_file(record(11, "i", rdb_string(wide))))),
              (std::vector<std::string>{"5000000000"}));
}

// Each corruption of a valid structure, with the message that names it. The value starts at
// byte 12 ("REDIS0010", type, "\x01k"); its length byte comes first, so the blob is at 13.
TEST(RdbContainers, RefusesCorruptZiplists) {
    const std::string good =
        lab4_test::ziplist({"\x01"
                            "a"s,
                            "\x01"
                            "b"s});
    const auto corrupt = [&](std::size_t at, std::string_view bytes) {
        std::string zl = good;
        zl.replace(at, bytes.size(), bytes);
        return error_of(rdb_file(record(10, "k", rdb_string(zl))));
    };
    EXPECT_EQ(corrupt(0, "\x12"),
              "test.rdb: byte 12: key 'k': ziplist: zlbytes says 18 bytes "
              "but it holds 17 (at byte 0 of it)");
    EXPECT_EQ(corrupt(16, "\xfe"),
              "test.rdb: byte 12: key 'k': ziplist: no end marker (0xff) at "
              "the last byte (at byte 16 of it)");
    EXPECT_EQ(corrupt(13, "\x02"),
              "test.rdb: byte 12: key 'k': ziplist: prevlen says 2 but the "
              "previous entry has 3 bytes (at byte 13 of it)");
    EXPECT_EQ(corrupt(8, "\x03"),
              "test.rdb: byte 12: key 'k': ziplist: zllen says 3 entries but "
              "it holds 2 (at byte 8 of it)");
    EXPECT_EQ(corrupt(4, "\x0a"),
              "test.rdb: byte 12: key 'k': ziplist: zltail says 10 but the "
              "last entry starts at 13 (at byte 4 of it)");
    EXPECT_EQ(corrupt(11, "\xc1"),
              "test.rdb: byte 12: key 'k': ziplist: invalid entry encoding "
              "193 (at byte 11 of it)");
    EXPECT_EQ(corrupt(14, "\x05"),
              "test.rdb: byte 12: key 'k': ziplist: a string entry (5 "
              "bytes) runs past its end (at byte 15 of it)");
    // 0xffff: "count the entries", which a long ziplist needs.
    EXPECT_EQ(list_of(only_value(rdb_file(
                  record(10, "k", rdb_string(good.substr(0, 8) + "\xff\xff" + good.substr(10)))))),
              (std::vector<std::string>{"a", "b"}));
}

TEST(RdbContainers, RefusesCorruptListpacks) {
    const std::string good =
        lab4_test::listpack({"\x81"
                             "a"s,
                             "\x81"
                             "b"s});
    const auto corrupt = [&](std::size_t at, std::string_view bytes) {
        std::string lp = good;
        lp.replace(at, bytes.size(), bytes);
        return error_of(rdb_file(record(20, "k", rdb_string(lp))));
    };
    EXPECT_EQ(corrupt(0, "\x0e"),
              "test.rdb: byte 12: key 'k': listpack: the header says 14 "
              "bytes but it holds 13 (at byte 0 of it)");
    EXPECT_EQ(corrupt(8, "\x03"),
              "test.rdb: byte 12: key 'k': listpack: the back-length does "
              "not match the entry's size of 2 bytes (at byte 8 of it)");
    EXPECT_EQ(corrupt(9, "\xf5"),
              "test.rdb: byte 12: key 'k': listpack: invalid entry encoding "
              "245 (at byte 9 of it)");
    EXPECT_EQ(corrupt(4, "\x01"),
              "test.rdb: byte 12: key 'k': listpack: the header says 1 "
              "entries but it holds 2 (at byte 4 of it)");
    EXPECT_EQ(corrupt(10, "a"), "test.rdb: byte 12: key 'k': duplicate set member 'a'");
}

TEST(RdbContainers, RefusesCorruptIntsets) {
    const auto error = [](const std::string& intset) {
        return error_of(rdb_file(record(11, "k", rdb_string(intset))));
    };
    EXPECT_EQ(error(little_endian(3, 4) + little_endian(1, 4) + "abc"),
              "test.rdb: byte 12: key 'k': intset: invalid integer width 3 (expected 2, 4 or 8) "
              "(at byte 0 of it)");
    EXPECT_EQ(error(little_endian(2, 4) + little_endian(2, 4) + "ab"),
              "test.rdb: byte 12: key 'k': intset: 2 members of 2 bytes need 12 bytes, found 10 "
              "(at byte 4 of it)");
    EXPECT_EQ(error(little_endian(2, 4) + little_endian(2, 4) + little_endian(5, 2) +
                    little_endian(5, 2)),
              "test.rdb: byte 12: key 'k': intset: members not in strictly ascending order (at "
              "byte 10 of it)");
    EXPECT_EQ(error(little_endian(2, 4) + little_endian(0, 4)),
              "test.rdb: byte 12: key 'k': intset: an empty intset (Redis never stores an empty "
              "set) (at byte 4 of it)");
    EXPECT_EQ(error(little_endian(8, 4) + little_endian(0x4000'0000, 4)),
              "test.rdb: byte 12: key 'k': intset: 1073741824 members of 8 bytes need "
              "8589934600 bytes, found 8 (at byte 4 of it)");
}

}  // namespace
