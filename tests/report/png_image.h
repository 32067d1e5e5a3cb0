#pragma once
// PNG bytes decoded into pixels (Cairo's PNG reader, libpng underneath), for the picture tests.
#include <cairo.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace carl::test {

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned> rgb;  // 0xRRGGBB per pixel
  unsigned at(int x, int y) const {
    return rgb[std::size_t(y) * std::size_t(width) + std::size_t(x)];
  }
};

inline cairo_status_t read_bytes(void* closure, unsigned char* data, unsigned int length) {
  auto* s = static_cast<std::pair<const std::string*, std::size_t>*>(closure);
  if (s->second + length > s->first->size()) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(s->first->data() + s->second, length, data);
  s->second += length;
  return CAIRO_STATUS_SUCCESS;
}

// Decodes PNG bytes with Cairo's PNG reader (libpng underneath).
inline Image decode(const std::string& png) {
  std::pair<const std::string*, std::size_t> src{&png, 0};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(read_bytes, &src);
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  Image img;
  img.width = cairo_image_surface_get_width(s);
  img.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* d = cairo_image_surface_get_data(s);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      std::uint32_t v;
      std::memcpy(&v, d + y * stride + x * 4, 4);
      img.rgb.push_back(v & 0xffffff);
    }
  cairo_surface_destroy(s);
  return img;
}

// Pixels of exactly this colour.
inline int pixels(const Image& img, unsigned colour) {
  return int(std::count(img.rgb.begin(), img.rgb.end(), colour));
}

}  // namespace carl::test
