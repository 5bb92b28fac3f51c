#include "score/dataset_score.hpp"

#include "score/mixture_score.hpp"
#include "score/uniform_score.hpp"

namespace td {

std::shared_ptr<const Score> exact_score(const ImageSpec& images, const Process& process) {
  if (images.kind == ImageKind::Gaussian) return std::make_shared<MixtureScore>(images.gaussian_law(), process);
  return std::make_shared<UniformScore>(images.pixels(), process);
}

std::shared_ptr<const Score> exact_score(const Dataset& data, const Process& process) {
  if (data.synthetic) return exact_score(*data.synthetic, process);
  if (data.law) return std::make_shared<MixtureScore>(*data.law, process);
  return nullptr;
}

}  // namespace td
