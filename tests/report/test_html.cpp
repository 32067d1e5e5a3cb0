// report/html: the page holds the rulestring and one picture per figure section, needs no
// network, and opens in a real browser (Debian's chromium, headless) without console errors.
#include <cairo.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <set>

#include "ca/files.h"
#include "fixtures.h"
#include "report/html.h"
#include "support.h"

using namespace carl;

namespace {

std::string chromium_path() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (::access(p, X_OK) == 0) return p;
  FAIL("chromium (Debian package 'chromium') is not installed; scripts/install-deps installs it");
  return "";
}

struct Browser {
  std::string dom, log;
  int rc = 0;
};

// Chromium headless with a fresh profile, nothing fetched in the background: --dump-dom, or
// --screenshot=PATH when `screenshot` is given.
Browser open_in_chromium(const std::string& html_path, const std::string& screenshot = "") {
  test::TempDir profile;
  const std::string out = profile.path() + "/out", err = profile.path() + "/err";
  const std::string cmd = fmt::format(
      "cd '{}' && timeout 120 '{}' --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --disable-component-update --no-first-run "
      "--user-data-dir='{}/profile' --enable-logging=stderr --v=0 {} 'file://{}' > '{}' 2> '{}'",
      profile.path(), chromium_path(), profile.path(),
      screenshot.empty() ? "--dump-dom"
                         : fmt::format("--window-size=1280,2400 --screenshot='{}'", screenshot),
      html_path, out, err);
  Browser b;
  b.rc = std::system(cmd.c_str());
  b.dom = ca::read_text_file(out);
  b.log = ca::read_text_file(err);
  return b;
}

// Console messages chromium logged (errors, refused loads, script exceptions).
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = log.find(":CONSOLE", at)) != std::string::npos) {
    const std::size_t start = log.rfind('\n', at), end = log.find('\n', at);
    out.push_back(log.substr(start == std::string::npos ? 0 : start + 1, end - start));
    at = end;
  }
  return out;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("base64 of the RFC 4648 test vectors", "[report][html]") {
  REQUIRE(report::base64("") == "");
  REQUIRE(report::base64("f") == "Zg==");
  REQUIRE(report::base64("fo") == "Zm8=");
  REQUIRE(report::base64("foo") == "Zm9v");
  REQUIRE(report::base64("foobar") == "Zm9vYmFy");
  REQUIRE(report::html_escape("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;");
}

TEST_CASE("the page: rulestring, one image per figure section, nothing fetched", "[report][html]") {
  report::RunData run = test::life_run();
  run.config_text = "name: <life>\n";
  const std::string html = report::report_html(run, report::draw_all(run));
  REQUIRE(html.find("<code class=\"rulestring\">B3/S23</code>") != std::string::npos);
  REQUIRE(html.find("exact: all 512 entries right") != std::string::npos);
  REQUIRE(html.find("name: &lt;life&gt;") != std::string::npos);
  REQUIRE(count(html, "<section class=\"figure\"") == 4);
  for (std::size_t at = html.find("<section class=\"figure\""); at != std::string::npos;
       at = html.find("<section class=\"figure\"", at + 1)) {
    const std::string section = html.substr(at, html.find("</section>", at) - at);
    REQUIRE(count(section, "<img ") == 1);
    REQUIRE(count(section, "src=\"data:image/png;base64,") == 1);
  }
  REQUIRE(count(html, "http://") + count(html, "https://") == 0);
  // A partial rule shows its best guesses and names its unknown entries.
  run.table.forget(511);
  const std::string partial = report::report_html(run, report::draw_all(run));
  REQUIRE(partial.find("B3/S238") != std::string::npos);
  REQUIRE(partial.find("<code>S8</code>") != std::string::npos);
}

TEST_CASE("the report opens in headless chromium without console errors",
          "[report][html][browser]") {
  test::TempDir dir;
  const report::RunData run = test::life_run();
  const auto paths = report::write_report(run, dir.path());
  REQUIRE(paths.size() == 9);
  const std::string page = dir.path() + "/report.html";

  const Browser b = open_in_chromium(page);
  INFO(b.log);
  REQUIRE(b.rc == 0);
  REQUIRE(console_lines(b.log).empty());
  REQUIRE(b.dom.find("B3/S23") != std::string::npos);
  REQUIRE(count(b.dom, "<img ") == 4);

  // Every image decoded and painted (opaque: 1% ink, 10% white paper): a copy of the page with a
  // probe script (the report itself has none, and its Content-Security-Policy forbids scripts)
  // records what the browser loaded.
  std::string probe = ca::read_text_file(page);
  const std::string csp = "default-src 'none';";
  REQUIRE(probe.find(csp) != std::string::npos);
  probe.replace(probe.find(csp), csp.size(), csp + " script-src 'unsafe-inline';");
  probe.replace(probe.rfind("</body>"), 7,
                "<script>window.addEventListener('load', () => { let ok = 0;"
                "for (const i of document.querySelectorAll('section.figure img')) {"
                "  if (!i.complete || !i.naturalWidth) continue;"
                "  const c = document.createElement('canvas');"
                "  c.width = i.naturalWidth; c.height = i.naturalHeight;"
                "  const g = c.getContext('2d'); g.drawImage(i, 0, 0);"
                "  const d = g.getImageData(0, 0, c.width, c.height).data; let ink = 0, paper = 0;"
                "  for (let k = 0; k < d.length; k += 4) {"
                "    if (d[k + 3] < 255) continue;"
                "    if (d[k] > 250 && d[k + 1] > 250 && d[k + 2] > 250) ++paper; else ++ink; }"
                "  const n = c.width * c.height;"
                "  if (ink > 0.01 * n && paper > 0.1 * n) ++ok; }"
                "document.body.dataset.loaded = ok; });</script></body>");
  ca::write_text_file(dir.path() + "/probe.html", probe);
  const Browser p = open_in_chromium(dir.path() + "/probe.html");
  REQUIRE(console_lines(p.log).empty());
  REQUIRE(p.dom.find("data-loaded=\"4\"") != std::string::npos);

  // The screenshot is not blank.
  const std::string shot = dir.path() + "/shot.png";
  REQUIRE(open_in_chromium(page, shot).rc == 0);
  cairo_surface_t* s = cairo_image_surface_create_from_png(shot.c_str());
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* d = cairo_image_surface_get_data(s);
  std::set<std::uint32_t> colours;
  long ink = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint32_t v;
      std::memcpy(&v, d + y * stride + x * 4, 4);
      v &= 0xffffff;
      colours.insert(v);
      ink += v != 0xffffff;
    }
  cairo_surface_destroy(s);
  REQUIRE(w == 1280);
  REQUIRE(colours.size() > 16);
  REQUIRE(double(ink) / (double(w) * h) > 0.02);
}

TEST_CASE("links planted at report.html, a picture or their temporary files are not followed",
          "[report][html][durable]") {
  // A link at the name itself, and one at the name a plain write-and-rename would write first.
  test::TempDir dir, elsewhere;
  const std::vector<std::string> names = {"report.html", "report.html.tmp", "rule-sheet.png",
                                          "rule-sheet.png.tmp"};
  for (const auto& name : names) {
    ca::write_text_file(elsewhere.path() + "/" + name, "not carl's\n");
    REQUIRE(::symlink((elsewhere.path() + "/" + name).c_str(), (dir.path() + "/" + name).c_str()) ==
            0);
  }
  report::write_report(test::life_run(), dir.path());
  for (const auto& name : names) {
    INFO(name);
    REQUIRE(ca::read_text_file(elsewhere.path() + "/" + name) == "not carl's\n");
  }
  for (const char* name : {"report.html", "rule-sheet.png"}) {
    struct stat st {};
    REQUIRE(::lstat((dir.path() + "/" + name).c_str(), &st) == 0);
    REQUIRE(S_ISREG(st.st_mode));
  }
  REQUIRE(ca::read_text_file(dir.path() + "/report.html").find("B3/S23") != std::string::npos);
  REQUIRE(ca::read_text_file(dir.path() + "/rule-sheet.png").substr(1, 3) == "PNG");
}
