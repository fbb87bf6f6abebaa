// Unit tests of the snapshot's binary-safe text: the strict UTF-8 check and the strict base64
// codec. Introduced in lab 4.
#include "persist/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace std::string_literals;
using persist::base64_decode;
using persist::base64_encode;
using persist::is_valid_utf8;

TEST(Utf8, AcceptsAsciiNulAndMultiByteCharacters) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("hello"));
    EXPECT_TRUE(is_valid_utf8("a\0b"s));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));       // é, two bytes
    EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));      // €, three bytes
    EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));  // 😀, four bytes
    EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
    EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
}

TEST(Utf8, RejectsWhatJsonCannotHold) {
    EXPECT_FALSE(is_valid_utf8("\xff"));  // never a UTF-8 byte
    EXPECT_FALSE(is_valid_utf8("\x80"));  // a continuation without a lead
    EXPECT_FALSE(is_valid_utf8("\xc3"));  // a sequence cut short
    EXPECT_FALSE(is_valid_utf8("\xe2\x82"));
    EXPECT_FALSE(is_valid_utf8("\xc0\x80"));          // overlong NUL
    EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a UTF-16 surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("ok\xc3(bad"));  // a lead followed by ASCII
}

TEST(Base64, EncodesTheRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByteAtEveryLength) {
    std::string all;
    for (int byte = 0; byte < 256; ++byte)
        all += static_cast<char>(byte);
    for (std::size_t length = 0; length <= all.size(); ++length) {
        const std::string bytes = all.substr(all.size() - length);
        EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << "length " << length;
    }
}

TEST(Base64, RejectsEverythingButTheCanonicalSpelling) {
    EXPECT_FALSE(base64_decode("Zg="));       // not a multiple of 4
    EXPECT_FALSE(base64_decode("Zg"));        // padding missing
    EXPECT_FALSE(base64_decode("Zh=="));      // unused bits set: "Zg==" is the spelling
    EXPECT_FALSE(base64_decode("Zm9="));      // likewise for two bytes
    EXPECT_FALSE(base64_decode("Zg==Zg=="));  // padding in the middle
    EXPECT_FALSE(base64_decode("Z==="));
    EXPECT_FALSE(base64_decode("===="));
    EXPECT_FALSE(base64_decode("Zm 9"));  // whitespace
    EXPECT_FALSE(base64_decode("Zm-_"));  // the URL-safe alphabet
    EXPECT_EQ(base64_decode("Zm8="), "fo");
}

}  // namespace
