#pragma once
// Drawing helpers shared by report/'s pictures (Cairo): colours, filled and framed rectangles,
// text, lines, and one picture rendered both as PNG and as SVG.
#include <cairo-svg.h>
#include <cairo.h>

#include <string>

#include "ca/error.h"
#include "report/draw.h"

namespace carl::report::canvas {

struct Rgb {
  double r, g, b;
};
inline Rgb rgb(unsigned hex) {
  return {((hex >> 16) & 255) / 255.0, ((hex >> 8) & 255) / 255.0, (hex & 255) / 255.0};
}
inline void set(cairo_t* cr, Rgb c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}
inline void rect(cairo_t* cr, double x, double y, double w, double h, Rgb c) {
  set(cr, c);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
}
inline void frame(cairo_t* cr, double x, double y, double w, double h, double t, Rgb c) {
  rect(cr, x, y, w, t, c);
  rect(cr, x, y + h - t, w, t, c);
  rect(cr, x, y, t, h, c);
  rect(cr, x + w - t, y, t, h, c);
}
inline void text(cairo_t* cr, double x, double y, const std::string& s, double size = 11,
                 Rgb c = {0.1, 0.1, 0.1}, bool bold = false) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  set(cr, c);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s.c_str());
}
inline void line(cairo_t* cr, double x0, double y0, double x1, double y1, Rgb c, double width = 1,
                 bool dashed = false) {
  set(cr, c);
  cairo_set_line_width(cr, width);
  const double dash[] = {4, 3};
  cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
  cairo_stroke(cr);
  cairo_set_dash(cr, dash, 0, 0);
}

inline cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws the same picture into a PNG and an SVG.
template <class Draw>
Picture render(int w, int h, Draw&& draw) {
  Picture p;
  p.width = w;
  p.height = h;
  auto paint = [&](cairo_t* cr) {
    rect(cr, 0, 0, w, h, {1, 1, 1});
    draw(cr);
  };
  cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t* cr = cairo_create(img);
  paint(cr);
  cairo_destroy(cr);
  const cairo_status_t st = cairo_surface_write_to_png_stream(img, append, &p.png);
  cairo_surface_destroy(img);
  CARL_CHECK(st == CAIRO_STATUS_SUCCESS, "cairo PNG: {}", cairo_status_to_string(st));
  cairo_surface_t* svg = cairo_svg_surface_create_for_stream(append, &p.svg, w, h);
  cr = cairo_create(svg);
  paint(cr);
  cairo_destroy(cr);
  cairo_surface_finish(svg);
  cairo_surface_destroy(svg);
  return p;
}

}  // namespace carl::report::canvas
