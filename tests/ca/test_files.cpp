// ca/files: whole files written via a temporary and a rename, never over what is not a file.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "ca/error.h"
#include "ca/files.h"
#include "support.h"

using namespace carl;

TEST_CASE("a FIFO or a directory where the output goes is refused and left as it is",
          "[files][hostile]") {
  test::TempDir tmp;
  const std::string pipe = tmp.path() + "/out.rle";
  REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
  REQUIRE_THROWS_WITH(ca::write_text_file(pipe, "x\n"),
                      Catch::Contains("out.rle: is a FIFO, not a regular file"));
  struct stat st {};
  REQUIRE(::lstat(pipe.c_str(), &st) == 0);
  REQUIRE(S_ISFIFO(st.st_mode));  // renamed over, it would be a plain file now
  REQUIRE_FALSE(std::filesystem::exists(pipe + ".tmp"));
  std::filesystem::create_directories(tmp.path() + "/dir");
  REQUIRE_THROWS_WITH(ca::write_text_file(tmp.path() + "/dir", "x\n"),
                      Catch::Contains("dir: is a directory"));
  // A link is replaced, never followed; a regular file is rewritten.
  const std::string victim = tmp.path() + "/victim";
  ca::write_text_file(victim, "precious\n");
  REQUIRE(::symlink(victim.c_str(), (tmp.path() + "/link").c_str()) == 0);
  ca::write_text_file(tmp.path() + "/link", "new\n");
  REQUIRE(ca::read_text_file(victim) == "precious\n");
  REQUIRE(ca::read_text_file(tmp.path() + "/link") == "new\n");
  ca::write_text_file(victim, "again\n");
  REQUIRE(ca::read_text_file(victim) == "again\n");
  // Nor is its temporary written through a planted link (the victim was overwritten and the
  // target became the link), or opened on a planted FIFO (which blocked for ever).
  const std::string out = tmp.path() + "/out.txt";
  REQUIRE(::symlink(victim.c_str(), (out + ".tmp").c_str()) == 0);
  ca::write_text_file(out, "mine\n");
  REQUIRE(ca::read_text_file(victim) == "again\n");
  REQUIRE(::lstat(out.c_str(), &st) == 0);
  REQUIRE(S_ISREG(st.st_mode));
  REQUIRE(ca::read_text_file(out) == "mine\n");
  REQUIRE(::mkfifo((out + ".tmp").c_str(), 0600) == 0);
  ca::write_text_file(out, "again\n");
  REQUIRE(ca::read_text_file(out) == "again\n");
  REQUIRE_FALSE(std::filesystem::exists(out + ".tmp"));
}

TEST_CASE("a directory given as an input file is named as one", "[files]") {
  // It opened and read as empty: carl learn said "no frames", simulate --in "no RLE header".
  carl::test::TempDir tmp;
  REQUIRE_THROWS_WITH(ca::read_text_file(tmp.path()), tmp.path() + ": is a directory, not a file");
  REQUIRE_THROWS_WITH(ca::read_text_file(tmp.path() + "/none"), tmp.path() + "/none: cannot open");
  ca::write_text_file(tmp.path() + "/empty", "");
  REQUIRE(ca::read_text_file(tmp.path() + "/empty").empty());
}

TEST_CASE("an output the user names may lie in a linked directory, a run directory may not be one",
          "[files][hostile]") {
  test::TempDir tmp;
  std::filesystem::create_directories(tmp.path() + "/real");
  REQUIRE(::symlink((tmp.path() + "/real").c_str(), (tmp.path() + "/via").c_str()) == 0);
  ca::write_text_file(tmp.path() + "/via/out.rle", "x\n");
  REQUIRE(ca::read_text_file(tmp.path() + "/real/out.rle") == "x\n");
  // A missing folder is made, as `carl simulate -o rec/t1.rle` needs.
  ca::write_text_file(tmp.path() + "/via/rec/deeper/t1.rle", "y\n");
  REQUIRE(ca::read_text_file(tmp.path() + "/real/rec/deeper/t1.rle") == "y\n");
  REQUIRE_THROWS_WITH(ca::write_durably(tmp.path() + "/via", "t1.rle", "x\n"),
                      Catch::Contains("via: the directory is a symbolic link (refused)"));
  REQUIRE_FALSE(std::filesystem::exists(tmp.path() + "/real/t1.rle"));
  // A link to nothing is followed, and said to be missing, not refused as a link.
  REQUIRE(::symlink((tmp.path() + "/gone").c_str(), (tmp.path() + "/dangling").c_str()) == 0);
  REQUIRE_THROWS_WITH(ca::write_text_file(tmp.path() + "/dangling/out.rle", "x\n"),
                      tmp.path() +
                          "/dangling: cannot open the directory: No such file or "
                          "directory");
  // A path that names a directory, not a file in it, is refused before anything is written.
  REQUIRE_THROWS_WITH(ca::write_text_file(tmp.path() + "/none/", "x\n"),
                      Catch::Contains("none/: names no file"));
  REQUIRE_THROWS_WITH(ca::write_text_file(tmp.path() + "/real/..", "x\n"),
                      Catch::Contains("is a directory"));
}
