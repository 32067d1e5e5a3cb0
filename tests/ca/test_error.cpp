// ca/error.h: text from outside made safe to echo (printable) and whole messages made safe for
// a terminal (terminal_safe), checked on hand-picked bytes.
#include <catch2/catch.hpp>
#include <string>

#include "ca/error.h"

using carl::printable;
using carl::terminal_safe;

TEST_CASE("printable shows every byte outside printable ASCII as a hex escape, cut short on request",
          "[error]") {
  CHECK(printable("a\nb\\c\x9b") == "a\\x0ab\\\\c\\x9b");
  CHECK(printable("r\xc3\xa8gle") == "r\\xc3\\xa8gle");
  CHECK(printable("abcdef", 3) == "abc...");
  CHECK(printable("abc", 3) == "abc");
}

TEST_CASE("terminal_safe passes carl's own text and escapes control characters and bad UTF-8",
          "[error]") {
  // carl's own words, and escapes already made, pass as they are.
  CHECK(terminal_safe("δ = 0.001 … 3×3 \\x1b ok") == "δ = 0.001 … 3×3 \\x1b ok");
  CHECK(terminal_safe("\xf0\x9f\x90\x9b") == "\xf0\x9f\x90\x9b");  // U+1F41B, 4 bytes
  // C0, DEL, and C1 raw or as UTF-8 (0x9b and U+009B: the 8-bit CSI).
  CHECK(terminal_safe("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(terminal_safe("a\x7f\n") == "a\\x7f\\x0a");
  CHECK(terminal_safe("a\x9b"
                      "31m") == "a\\x9b31m");
  CHECK(terminal_safe("a\xc2\x9b"
                      "31m") == "a\\xc2\\x9b31m");
  CHECK(terminal_safe("\xc2\xa0") == "\xc2\xa0");  // U+00A0 is printable
  // Direction controls reorder what follows them (U+202E shows "carl run a<U+202E>bc" as "cba");
  // their neighbours U+2010 (a hyphen) and U+2065 (unassigned) are not among them.
  CHECK(terminal_safe("a\xe2\x80\xae"
                      "bc") == "a\\xe2\\x80\\xaebc");
  CHECK(terminal_safe("\xe2\x80\x8f\xe2\x81\xa6\xe2\x81\xa9") ==
        "\\xe2\\x80\\x8f\\xe2\\x81\\xa6\\xe2\\x81\\xa9");
  CHECK(terminal_safe("\xe2\x80\x90\xe2\x81\xa5\xe2\x80\xa6") ==
        "\xe2\x80\x90\xe2\x81\xa5\xe2\x80\xa6");
  // Not UTF-8: a lone lead byte, a surrogate, an overlong form, past U+10FFFF, a cut sequence.
  CHECK(terminal_safe("a\xff") == "a\\xff");
  CHECK(terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");
  CHECK(terminal_safe("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");
  CHECK(terminal_safe("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
  CHECK(terminal_safe("ab\xe2\x80") == "ab\\xe2\\x80");
}
