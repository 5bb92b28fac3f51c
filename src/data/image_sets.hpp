#pragma once
// Image datasets in their distribution formats, read without conversion (issue 7):
//   CIFAR-10 binary: records of 1 label byte (0..9) + 3072 pixel bytes (32 x 32, channel-first:
//                    1024 red, 1024 green, 1024 blue, each row-major); data_batch_*.bin, test_batch.bin.
//   MNIST IDX:       images file, big-endian header magic 0x00000803, count, rows, cols, then bytes;
//                    labels file, magic 0x00000801, count, then bytes.
// Pixels stay 8-bit in memory; `normalized` gives rows x = 2k/255 - 1 in [-1, 1] (the DDPM convention),
// channel-first as the networks see them. Errors name the file and what is wrong (InputError).
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "data/data_fn.hpp"

namespace td {

struct ImageSet {
  int n = 0, channels = 0, height = 0, width = 0;
  std::vector<uint8_t> pixels;  // n x channels x height x width
  std::vector<uint8_t> labels;  // n (empty when none were read)
  int dim() const { return channels * height * width; }
  // Images first .. first + count - 1 (count < 0: to the end) as rows in [-1, 1].
  Mat normalized(int first = 0, int count = -1) const;
  // Draws images uniformly (with replacement) for sample ids, normalized: a data source for training.
  // The choice is the uniform of (key, id, step).
  DataFn sampler(const RngKey& key, uint64_t step = 0) const;
};

// Every image shrunk by `factor` along both sides, each pixel the rounded mean of its factor x
// factor block (8-bit kept, so dequantization still applies). Throws InputError unless the factor
// is >= 1 and divides both sides.
ImageSet downsample(const ImageSet& s, int factor);

ImageSet read_cifar10(const std::string& path);
ImageSet read_mnist(const std::string& images_path, const std::string& labels_path = "");
// The same from the files' bytes (the paths name them in errors; no labels when labels_path is "").
ImageSet parse_cifar10(const std::vector<uint8_t>& bytes, const std::string& path);
ImageSet parse_mnist(const std::vector<uint8_t>& images, const std::string& images_path, const std::vector<uint8_t>& labels,
                     const std::string& labels_path);
// Several CIFAR-10 batch files as one set, in the order given.
ImageSet concatenate(const std::vector<ImageSet>& sets);

void write_cifar10(const ImageSet& set, const std::string& path);  // 3 x 32 x 32 with labels
void write_mnist(const ImageSet& set, const std::string& images_path, const std::string& labels_path);

// Synthetic labelled images (no downloads): one soft disc per image, its class the quadrant of its
// centre (4 classes), radius and per-channel intensity random; a function of (seed, image id).
ImageSet synthetic_discs(int n, int channels, int side, uint64_t seed);

}  // namespace td
