// hls_vector.h - C simulation of Vitis HLS's hls::vector.
//
// A wide FIFO token: N elements of T side by side, indexed like an array.
// Only what the generated code uses: default construction and operator[].

#ifndef STREAMTENSOR_HLS_VECTOR_H
#define STREAMTENSOR_HLS_VECTOR_H

#include <cstddef>

namespace hls {

template <typename T, std::size_t N> class vector {
  static_assert(N > 0, "an hls::vector holds at least one element");

public:
  vector() : elements_() {}
  T &operator[](std::size_t index) { return elements_[index]; }
  const T &operator[](std::size_t index) const { return elements_[index]; }

private:
  T elements_[N];
};

} // namespace hls

#endif // STREAMTENSOR_HLS_VECTOR_H
